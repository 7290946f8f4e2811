//! `allowPrivilegeEscalation` — **Restricted**, revisions v1.8 and v1.25.
//!
//! Privilege escalation (setuid binaries, file capabilities) must be disallowed: every
//! container, init container and ephemeral container must set
//! `securityContext.allowPrivilegeEscalation` to `false` explicitly (undefined is a violation,
//! located at the nearest existing parent).
//!
//! The field exists since Kubernetes 1.8, so the control applies from v1.8. From **v1.25**
//! pods with `spec.os.name: windows` are exempt.

use kubeguard_source::Node;

use crate::control::Control;
use crate::pod::{Pod, Violation, container_label, container_sc};

pub(crate) fn check(pod: &Pod<'_>, minor: u32) -> Vec<Violation> {
    if minor >= 25 && pod.is_windows() {
        return Vec::new();
    }
    pod.containers()
        .filter(|c| container_sc(c, "allowPrivilegeEscalation").and_then(Node::as_bool) != Some(false))
        .map(|c| {
            pod.violation(
                Control::AllowPrivilegeEscalation,
                format!(
                    "allowPrivilegeEscalation != false ({} must set securityContext.allowPrivilegeEscalation=false)",
                    container_label(&c)
                ),
                Pod::at_container_sc(&c, &["allowPrivilegeEscalation"]),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::{fields, pod, violations};
    use crate::control::Control;

    #[test]
    fn must_be_explicitly_false() {
        let y = pod(
            "  containers:\n  - name: a\n    securityContext: {allowPrivilegeEscalation: false}\n  - name: b\n    securityContext: {allowPrivilegeEscalation: true}\n  - name: c\n",
        );
        assert_eq!(
            fields(Control::AllowPrivilegeEscalation, 8, &y),
            [
                "spec.containers[1].securityContext.allowPrivilegeEscalation",
                "spec.containers[2].securityContext.allowPrivilegeEscalation"
            ]
        );
        // The missing field is located at its container (`name: c`).
        let v = violations(Control::AllowPrivilegeEscalation, 8, &y);
        let loc = v[1].location.as_ref().expect("located");
        assert_eq!((loc.start.line, loc.start.column), (11, 5));
    }

    #[test]
    fn windows_exempt_from_v1_25() {
        let y = pod("  os: {name: windows}\n  containers: [{name: c}]\n");
        assert_eq!(fields(Control::AllowPrivilegeEscalation, 24, &y).len(), 1);
        assert!(fields(Control::AllowPrivilegeEscalation, 25, &y).is_empty());
    }
}
