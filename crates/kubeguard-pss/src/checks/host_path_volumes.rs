//! `hostPathVolumes` — **Baseline**, every version (v1.0+).
//!
//! HostPath volumes must be forbidden: no entry of `spec.volumes` may set `hostPath`.
//!
//! At Restricted this control is replaced by `restrictedVolumes` (which forbids hostPath
//! along with every other non-allowed volume type).

use kubeguard_model::Seg;
use kubeguard_source::Node;

use crate::control::Control;
use crate::pod::{Pod, Violation, quote, set};

pub(crate) fn check(pod: &Pod<'_>, _minor: u32) -> Vec<Violation> {
    pod.spec
        .volumes()
        .filter(|(_, v)| set(v.get("hostPath")).is_some())
        .map(|(i, v)| {
            let name = v
                .get("name")
                .and_then(Node::scalar_text)
                .unwrap_or_default();
            pod.violation(
                Control::HostPathVolumes,
                format!("hostPath volumes (volume {})", quote(&name)),
                pod.at(&[Seg::Key("volumes"), Seg::Index(i), Seg::Key("hostPath")]),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::{fields, pod};
    use crate::control::Control;

    #[test]
    fn host_path_volumes_are_flagged() {
        let y = pod(
            "  containers: [{name: c}]\n  volumes:\n  - name: a\n    emptyDir: {}\n  - name: b\n    hostPath: {path: /}\n  - name: c\n    hostPath: null\n",
        );
        assert_eq!(
            fields(Control::HostPathVolumes, 0, &y),
            ["spec.volumes[1].hostPath"]
        );
    }
}
