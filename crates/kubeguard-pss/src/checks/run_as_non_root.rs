//! `runAsNonRoot` — **Restricted**, revisions v1.0 and v1.35.
//!
//! Containers must run as non-root: `spec.securityContext.runAsNonRoot` must be `true`, or
//! every container, init container and ephemeral container must set its own
//! `securityContext.runAsNonRoot` to `true`. An explicit `false` anywhere is forbidden.
//!
//! From **v1.35** pods with `spec.hostUsers: false` (user namespaces: root in the pod is not
//! root on the node) are exempt. Windows pods are not exempt.
//!
//! Reporting: one violation per explicit `false`; one per container left undefined when the
//! pod sets nothing (a pod-level `false` already covers those containers).

use kubeguard_source::Node;

use crate::control::Control;
use crate::pod::{Pod, Violation, container_label, container_sc};

pub(crate) fn check(pod: &Pod<'_>, minor: u32) -> Vec<Violation> {
    if minor >= 35 && pod.in_user_namespace() {
        return Vec::new();
    }
    let control = Control::RunAsNonRoot;
    let mut out = Vec::new();
    let pod_value = pod.sc("runAsNonRoot").and_then(Node::as_bool);
    if pod_value == Some(false) {
        out.push(pod.violation(
            control,
            "runAsNonRoot != true (pod must not set securityContext.runAsNonRoot=false)".into(),
            pod.at_sc(&["runAsNonRoot"]),
        ));
    }
    for c in pod.containers() {
        let at = Pod::at_container_sc(&c, &["runAsNonRoot"]);
        match container_sc(&c, "runAsNonRoot").and_then(Node::as_bool) {
            Some(true) => {}
            Some(false) => out.push(pod.violation(
                control,
                format!(
                    "runAsNonRoot != true ({} must not set securityContext.runAsNonRoot=false)",
                    container_label(&c)
                ),
                at,
            )),
            None if pod_value.is_none() => out.push(pod.violation(
                control,
                format!(
                    "runAsNonRoot != true (pod or {} must set securityContext.runAsNonRoot=true)",
                    container_label(&c)
                ),
                at,
            )),
            None => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::{fields, pod};
    use crate::control::Control;

    #[test]
    fn pod_or_every_container() {
        let y = pod(
            "  securityContext: {runAsNonRoot: true}\n  containers:\n  - name: a\n  - name: b\n    securityContext: {runAsNonRoot: false}\n",
        );
        assert_eq!(
            fields(Control::RunAsNonRoot, 0, &y),
            ["spec.containers[1].securityContext.runAsNonRoot"]
        );
        let y = pod(
            "  containers:\n  - name: a\n  - name: b\n    securityContext: {runAsNonRoot: true}\n",
        );
        assert_eq!(
            fields(Control::RunAsNonRoot, 0, &y),
            ["spec.containers[0].securityContext.runAsNonRoot"]
        );
        let y = pod("  securityContext: {runAsNonRoot: false}\n  containers: [{name: a}]\n");
        assert_eq!(
            fields(Control::RunAsNonRoot, 0, &y),
            ["spec.securityContext.runAsNonRoot"]
        );
    }

    #[test]
    fn user_namespaces_exempt_from_v1_35() {
        let y = pod("  hostUsers: false\n  containers: [{name: a}]\n");
        assert_eq!(fields(Control::RunAsNonRoot, 34, &y).len(), 1);
        assert!(fields(Control::RunAsNonRoot, 35, &y).is_empty());
    }
}
