//! `procMount` — **Baseline**, revisions v1.0 and v1.35.
//!
//! The default `/proc` masks reduce attack surface: `securityContext.procMount` of every
//! container, init container and ephemeral container must be undefined or `Default`.
//!
//! From **v1.35** a pod with `spec.hostUsers: false` (its own user namespace) may use any
//! value. At Restricted from v1.35 this control is replaced by `procMount_restricted`, which
//! keeps the unconditional rule.

use crate::control::Control;
use crate::pod::{Pod, Violation, container_label, container_sc, quote, text};

pub(crate) fn check(pod: &Pod<'_>, minor: u32) -> Vec<Violation> {
    if minor >= 35 && pod.in_user_namespace() {
        return Vec::new();
    }
    forbidden_proc_mounts(pod, Control::ProcMount)
}

/// Every container whose `procMount` is set to something other than `Default`.
pub(crate) fn forbidden_proc_mounts(pod: &Pod<'_>, control: Control) -> Vec<Violation> {
    pod.containers()
        .filter_map(|c| {
            let value = text(container_sc(&c, "procMount")?)?;
            (value != "Default").then(|| {
                pod.violation(
                    control,
                    format!(
                        "procMount ({} must not set securityContext.procMount to {})",
                        container_label(&c),
                        quote(&value)
                    ),
                    Pod::at_container_sc(&c, &["procMount"]),
                )
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::{fields, pod};
    use crate::control::Control;

    #[test]
    fn user_namespace_relaxation_from_v1_35() {
        let y = pod(
            "  hostUsers: false\n  containers:\n  - name: c\n    securityContext: {procMount: Unmasked}\n  - name: d\n    securityContext: {procMount: Default}\n",
        );
        assert_eq!(
            fields(Control::ProcMount, 34, &y),
            ["spec.containers[0].securityContext.procMount"]
        );
        assert!(fields(Control::ProcMount, 35, &y).is_empty());
        let host = y.replace("hostUsers: false", "hostUsers: true");
        assert_eq!(fields(Control::ProcMount, 35, &host).len(), 1);
    }
}
