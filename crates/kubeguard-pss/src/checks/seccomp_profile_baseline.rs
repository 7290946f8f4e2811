//! `seccompProfile_baseline` — **Baseline**, revisions v1.0 and v1.19.
//!
//! Seccomp must not be explicitly set to `Unconfined` (or anything else unknown):
//!
//! - **v1.0 – v1.18** (annotations): `seccomp.security.alpha.kubernetes.io/pod` and
//!   `container.seccomp.security.alpha.kubernetes.io/<container name>` (for each container,
//!   init container and ephemeral container), when present, must be `runtime/default`,
//!   `docker/default` or start with `localhost/`;
//! - **v1.19+** (fields): `spec.securityContext.seccompProfile.type` and each container's
//!   `securityContext.seccompProfile.type`, when `seccompProfile` is set, must be
//!   `RuntimeDefault` or `Localhost`. The annotations are no longer looked at.
//!
//! Undefined stays allowed at Baseline. At Restricted from v1.19 this control is replaced by
//! `seccompProfile_restricted`.

use crate::control::Control;
use crate::pod::{Pod, Violation, container_label, container_sc, quote, text_field};

const POD_ANNOTATION: &str = "seccomp.security.alpha.kubernetes.io/pod";
const CONTAINER_ANNOTATION_PREFIX: &str = "container.seccomp.security.alpha.kubernetes.io/";

fn allowed_annotation(v: &str) -> bool {
    v == "runtime/default" || v == "docker/default" || v.starts_with("localhost/")
}

/// The seccomp profile types allowed wherever the field is set.
pub(crate) fn allowed_type(t: &str) -> bool {
    matches!(t, "RuntimeDefault" | "Localhost")
}

pub(crate) fn check(pod: &Pod<'_>, minor: u32) -> Vec<Violation> {
    if minor < 19 {
        annotations(pod)
    } else {
        explicit_fields(pod, Control::SeccompProfileBaseline)
    }
}

fn annotations(pod: &Pod<'_>) -> Vec<Violation> {
    let mut keys = vec![POD_ANNOTATION.to_string()];
    keys.extend(
        pod.containers()
            .map(|c| format!("{CONTAINER_ANNOTATION_PREFIX}{}", c.name())),
    );
    let mut out = Vec::new();
    for key in keys {
        let Some(value) = pod.annotation(&key) else {
            continue;
        };
        if !allowed_annotation(&value) {
            out.push(pod.violation(
                Control::SeccompProfileBaseline,
                format!(
                    "seccompProfile (forbidden annotation {key}={})",
                    quote(&value)
                ),
                pod.at_annotation(&key),
            ));
        }
    }
    out
}

/// The pod and containers that set `seccompProfile` with a type other than `RuntimeDefault`
/// or `Localhost`.
pub(crate) fn explicit_fields(pod: &Pod<'_>, control: Control) -> Vec<Violation> {
    let mut out = Vec::new();
    if let Some(profile) = pod.sc("seccompProfile") {
        let t = text_field(profile, "type");
        if !allowed_type(&t) {
            out.push(pod.violation(
                control,
                format!(
                    "seccompProfile (pod must not set securityContext.seccompProfile.type to {})",
                    quote(&t)
                ),
                pod.at_sc(&["seccompProfile", "type"]),
            ));
        }
    }
    for c in pod.containers() {
        if let Some(profile) = container_sc(&c, "seccompProfile") {
            let t = text_field(profile, "type");
            if !allowed_type(&t) {
                out.push(pod.violation(
                    control,
                    format!(
                        "seccompProfile ({} must not set securityContext.seccompProfile.type to {})",
                        container_label(&c),
                        quote(&t)
                    ),
                    Pod::at_container_sc(&c, &["seccompProfile", "type"]),
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::{fields, pod};
    use crate::control::Control;

    const ANNOTATED: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    seccomp.security.alpha.kubernetes.io/pod: unconfined\n    container.seccomp.security.alpha.kubernetes.io/c: docker/default\n    container.seccomp.security.alpha.kubernetes.io/e: ''\n    container.seccomp.security.alpha.kubernetes.io/gone: unconfined\nspec:\n  containers: [{name: c}]\n  ephemeralContainers: [{name: e}]\n";

    #[test]
    fn annotations_before_v1_19() {
        assert_eq!(
            fields(Control::SeccompProfileBaseline, 18, ANNOTATED),
            [
                "metadata.annotations[seccomp.security.alpha.kubernetes.io/pod]",
                "metadata.annotations[container.seccomp.security.alpha.kubernetes.io/e]",
            ]
        );
        assert!(fields(Control::SeccompProfileBaseline, 19, ANNOTATED).is_empty());
    }

    #[test]
    fn fields_from_v1_19() {
        let y = pod(
            "  securityContext:\n    seccompProfile: {type: Unconfined}\n  containers:\n  - name: c\n    securityContext:\n      seccompProfile: {type: Localhost, localhostProfile: p.json}\n  - name: d\n  - name: e\n    securityContext:\n      seccompProfile: {}\n",
        );
        assert!(fields(Control::SeccompProfileBaseline, 18, &y).is_empty());
        assert_eq!(
            fields(Control::SeccompProfileBaseline, 19, &y),
            [
                "spec.securityContext.seccompProfile.type",
                "spec.containers[2].securityContext.seccompProfile.type",
            ]
        );
    }
}
