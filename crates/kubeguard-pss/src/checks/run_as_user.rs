//! `runAsUser` — **Restricted**, revisions v1.23 and v1.35.
//!
//! Containers must not run as UID 0: `spec.securityContext.runAsUser` and the
//! `securityContext.runAsUser` of every container, init container and ephemeral container must
//! not be `0` (undefined is allowed; `runAsNonRoot` covers that case).
//!
//! From **v1.35** pods with `spec.hostUsers: false` are exempt.

use kubeguard_source::Node;

use crate::control::Control;
use crate::pod::{Pod, Violation, container_label, container_sc};

pub(crate) fn check(pod: &Pod<'_>, minor: u32) -> Vec<Violation> {
    if minor >= 35 && pod.in_user_namespace() {
        return Vec::new();
    }
    let mut out = Vec::new();
    if pod.sc("runAsUser").and_then(Node::as_i64) == Some(0) {
        out.push(pod.violation(
            Control::RunAsUser,
            "runAsUser=0 (pod must not set runAsUser=0)".into(),
            pod.at_sc(&["runAsUser"]),
        ));
    }
    for c in pod.containers() {
        if container_sc(&c, "runAsUser").and_then(Node::as_i64) == Some(0) {
            out.push(pod.violation(
                Control::RunAsUser,
                format!(
                    "runAsUser=0 ({} must not set runAsUser=0)",
                    container_label(&c)
                ),
                Pod::at_container_sc(&c, &["runAsUser"]),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::{fields, pod};
    use crate::control::Control;

    #[test]
    fn uid_zero_is_forbidden() {
        let y = pod(
            "  securityContext: {runAsUser: 0}\n  containers:\n  - name: a\n    securityContext: {runAsUser: 1000}\n  - name: b\n    securityContext: {runAsUser: 0}\n",
        );
        assert_eq!(
            fields(Control::RunAsUser, 23, &y),
            [
                "spec.securityContext.runAsUser",
                "spec.containers[1].securityContext.runAsUser"
            ]
        );
        let userns = y.replace("spec:\n", "spec:\n  hostUsers: false\n");
        assert_eq!(fields(Control::RunAsUser, 34, &userns).len(), 2);
        assert!(fields(Control::RunAsUser, 35, &userns).is_empty());
    }
}
