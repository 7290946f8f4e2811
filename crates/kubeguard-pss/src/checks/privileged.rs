//! `privileged` — **Baseline**, every version (v1.0+).
//!
//! Privileged containers disable most security mechanisms: `securityContext.privileged` of
//! every container, init container and ephemeral container must be undefined or `false`.

use kubeguard_source::Node;

use crate::control::Control;
use crate::pod::{Pod, Violation, container_label, container_sc};

pub(crate) fn check(pod: &Pod<'_>, _minor: u32) -> Vec<Violation> {
    pod.containers()
        .filter(|c| container_sc(c, "privileged").and_then(Node::as_bool) == Some(true))
        .map(|c| {
            pod.violation(
                Control::Privileged,
                format!(
                    "privileged ({} must not set securityContext.privileged=true)",
                    container_label(&c)
                ),
                Pod::at_container_sc(&c, &["privileged"]),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::{fields, pod, violations};
    use crate::control::Control;

    #[test]
    fn every_container_kind_is_checked() {
        let y = pod(
            "  initContainers:\n  - name: i\n    securityContext: {privileged: true}\n  containers:\n  - name: c\n    securityContext: {privileged: false}\n  ephemeralContainers:\n  - name: e\n    securityContext: {privileged: true}\n",
        );
        assert_eq!(
            fields(Control::Privileged, 0, &y),
            [
                "spec.initContainers[0].securityContext.privileged",
                "spec.ephemeralContainers[0].securityContext.privileged"
            ]
        );
        let v = &violations(Control::Privileged, 0, &y)[0];
        assert_eq!(
            v.message,
            "privileged (container \"i\" must not set securityContext.privileged=true)"
        );
    }
}
