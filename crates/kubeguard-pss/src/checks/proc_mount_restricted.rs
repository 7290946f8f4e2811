//! `procMount_restricted` — **Restricted**, from v1.35.
//!
//! Restricted keeps the unconditional `/proc` rule when Baseline relaxed it for user-namespace
//! pods: `securityContext.procMount` of every container must be undefined or `Default`, even
//! with `spec.hostUsers: false`. Replaces `procMount` at Restricted from v1.35.

use crate::checks::proc_mount::forbidden_proc_mounts;
use crate::control::Control;
use crate::pod::{Pod, Violation};

pub(crate) fn check(pod: &Pod<'_>, _minor: u32) -> Vec<Violation> {
    forbidden_proc_mounts(pod, Control::ProcMountRestricted)
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::{fields, pod};
    use crate::control::Control;

    #[test]
    fn user_namespace_does_not_relax_restricted() {
        let y = pod(
            "  hostUsers: false\n  initContainers:\n  - name: i\n    securityContext: {procMount: Unmasked}\n  containers: [{name: c}]\n",
        );
        assert_eq!(
            fields(Control::ProcMountRestricted, 35, &y),
            ["spec.initContainers[0].securityContext.procMount"]
        );
    }
}
