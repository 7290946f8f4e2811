//! `seccompProfile_restricted` — **Restricted**, revisions v1.19 and v1.25.
//!
//! Seccomp must be explicitly set to `RuntimeDefault` or `Localhost`: either
//! `spec.securityContext.seccompProfile.type` is one of them (containers may then leave theirs
//! undefined), or every container, init container and ephemeral container sets its own
//! `securityContext.seccompProfile.type` to one of them. Any explicitly set other type
//! (`Unconfined`) is forbidden at both levels.
//!
//! From **v1.25** pods with `spec.os.name: windows` are exempt. Replaces
//! `seccompProfile_baseline` at Restricted from v1.19 (also for exempt Windows pods).
//!
//! Reporting: one violation per explicit bad value; one per container left without a profile
//! when the pod sets none (a pod-level bad value already covers those containers).

use crate::checks::seccomp_profile_baseline::explicit_fields;
use crate::control::Control;
use crate::pod::{Pod, Violation, container_label, container_sc};

pub(crate) fn check(pod: &Pod<'_>, minor: u32) -> Vec<Violation> {
    if minor >= 25 && pod.is_windows() {
        return Vec::new();
    }
    let control = Control::SeccompProfileRestricted;
    let mut out = explicit_fields(pod, control);
    let pod_profile = pod.sc("seccompProfile");
    if pod_profile.is_some() {
        // Valid: containers inherit it; invalid: already reported at the pod.
        return out;
    }
    for c in pod.containers() {
        if container_sc(&c, "seccompProfile").is_none() {
            out.push(pod.violation(
                control,
                format!(
                    "seccompProfile (pod or {} must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")",
                    container_label(&c)
                ),
                Pod::at_container_sc(&c, &["seccompProfile", "type"]),
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
    fn pod_level_profile_covers_containers() {
        let y = pod(
            "  securityContext:\n    seccompProfile: {type: RuntimeDefault}\n  containers:\n  - name: c\n  - name: d\n    securityContext:\n      seccompProfile: {type: Unconfined}\n",
        );
        assert_eq!(
            fields(Control::SeccompProfileRestricted, 19, &y),
            ["spec.containers[1].securityContext.seccompProfile.type"]
        );
    }

    #[test]
    fn missing_everywhere_is_a_violation_per_container() {
        let y = pod(
            "  initContainers: [{name: i}]\n  containers:\n  - name: c\n    securityContext:\n      seccompProfile: {type: Localhost}\n",
        );
        assert_eq!(
            fields(Control::SeccompProfileRestricted, 19, &y),
            ["spec.initContainers[0].securityContext.seccompProfile.type"]
        );
    }

    #[test]
    fn windows_pods_exempt_from_v1_25() {
        let y = pod(
            "  os: {name: windows}\n  securityContext:\n    seccompProfile: {type: Unconfined}\n  containers: [{name: c}]\n",
        );
        assert_eq!(fields(Control::SeccompProfileRestricted, 24, &y).len(), 1);
        assert!(fields(Control::SeccompProfileRestricted, 25, &y).is_empty());
        let linux = y.replace("windows", "linux");
        assert_eq!(
            fields(Control::SeccompProfileRestricted, 25, &linux).len(),
            1
        );
    }
}
