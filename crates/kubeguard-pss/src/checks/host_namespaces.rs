//! `hostNamespaces` — **Baseline**, every version (v1.0+).
//!
//! Sharing the host's namespaces must be disallowed: `spec.hostNetwork`, `spec.hostPID` and
//! `spec.hostIPC` must be undefined or `false`. One violation per field set to `true`.

use kubeguard_model::Seg;
use kubeguard_source::Node;

use crate::control::Control;
use crate::pod::{Pod, Violation};

pub(crate) fn check(pod: &Pod<'_>, _minor: u32) -> Vec<Violation> {
    ["hostNetwork", "hostPID", "hostIPC"]
        .into_iter()
        .filter(|key| pod.field(key).and_then(Node::as_bool) == Some(true))
        .map(|key| {
            pod.violation(
                Control::HostNamespaces,
                format!("host namespaces ({key}=true)"),
                pod.at(&[Seg::Key(key)]),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::{fields, pod};
    use crate::control::Control;

    #[test]
    fn each_true_flag_is_a_violation() {
        let y = pod(
            "  hostNetwork: true\n  hostPID: false\n  hostIPC: true\n  containers: [{name: c}]\n",
        );
        assert_eq!(
            fields(Control::HostNamespaces, 0, &y),
            ["spec.hostNetwork", "spec.hostIPC"]
        );
        // A string is not a boolean: the API server would reject it, PSA never sees it.
        let y = pod("  hostPID: \"true\"\n  containers: [{name: c}]\n");
        assert!(fields(Control::HostNamespaces, 0, &y).is_empty());
    }
}
