//! `capabilities_restricted` — **Restricted**, revisions v1.22 and v1.25.
//!
//! Every container, init container and ephemeral container must drop all capabilities
//! (`securityContext.capabilities.drop` contains `ALL`) and may add back only
//! `NET_BIND_SERVICE` (`securityContext.capabilities.add`).
//!
//! From **v1.25** pods with `spec.os.name: windows` are exempt. Replaces
//! `capabilities_baseline` at Restricted from v1.22 — for exempt Windows pods too, so a Windows
//! pod's added capabilities are not checked at Restricted from v1.25 (the API server rejects
//! capabilities on Windows pods anyway).

use crate::checks::capabilities_baseline::{added_beyond, capability_list};
use crate::control::Control;
use crate::pod::{Pod, Violation, container_label};

pub(crate) fn check(pod: &Pod<'_>, minor: u32) -> Vec<Violation> {
    if minor >= 25 && pod.is_windows() {
        return Vec::new();
    }
    let control = Control::CapabilitiesRestricted;
    let mut out = Vec::new();
    for c in pod.containers() {
        let drops_all = capability_list(&c, "drop")
            .iter()
            .any(|(_, cap)| cap == "ALL");
        if !drops_all {
            out.push(pod.violation(
                control,
                format!(
                    "unrestricted capabilities ({} must set securityContext.capabilities.drop=[\"ALL\"])",
                    container_label(&c)
                ),
                Pod::at_container_sc(&c, &["capabilities", "drop"]),
            ));
        }
        added_beyond(
            pod,
            &c,
            control,
            "unrestricted capabilities",
            |cap| cap == "NET_BIND_SERVICE",
            &mut out,
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::{fields, pod};
    use crate::control::Control;

    #[test]
    fn drop_all_and_only_net_bind_service() {
        let y = pod(
            "  containers:\n  - name: a\n    securityContext:\n      capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}\n  - name: b\n    securityContext:\n      capabilities: {drop: [all], add: [CHOWN]}\n  - name: c\n",
        );
        assert_eq!(
            fields(Control::CapabilitiesRestricted, 22, &y),
            [
                "spec.containers[1].securityContext.capabilities.drop",
                "spec.containers[1].securityContext.capabilities.add[0]",
                "spec.containers[2].securityContext.capabilities.drop",
            ]
        );
    }

    #[test]
    fn windows_exempt_from_v1_25() {
        let y = pod("  os: {name: windows}\n  containers: [{name: c}]\n");
        assert_eq!(fields(Control::CapabilitiesRestricted, 24, &y).len(), 1);
        assert!(fields(Control::CapabilitiesRestricted, 25, &y).is_empty());
    }
}
