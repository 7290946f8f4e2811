//! `appArmorProfile` — **Baseline**, every version (v1.0+).
//!
//! The default AppArmor profile must not be overridden or disabled, through either channel:
//!
//! - the fields `spec.securityContext.appArmorProfile.type` and
//!   `securityContext.appArmorProfile.type` of every container, init container and ephemeral
//!   container: when `appArmorProfile` is set, its type must be `RuntimeDefault` or
//!   `Localhost`;
//! - the annotations `container.apparmor.security.beta.kubernetes.io/*` (any suffix): the
//!   value must be empty, `runtime/default` or start with `localhost/`.
//!
//! Upstream added the field half in Kubernetes 1.30 to its single v1.0 revision, so the fields
//! are checked at every policy version, v1.0 included (as a current API server does).

use crate::control::Control;
use crate::pod::{Pod, Violation, container_label, container_sc, quote, text_field};

const ANNOTATION_PREFIX: &str = "container.apparmor.security.beta.kubernetes.io/";

fn allowed_type(t: &str) -> bool {
    matches!(t, "RuntimeDefault" | "Localhost")
}

fn allowed_annotation(v: &str) -> bool {
    v.is_empty() || v == "runtime/default" || v.starts_with("localhost/")
}

pub(crate) fn check(pod: &Pod<'_>, _minor: u32) -> Vec<Violation> {
    let mut out = Vec::new();
    if let Some(profile) = pod.sc("appArmorProfile") {
        let t = text_field(profile, "type");
        if !allowed_type(&t) {
            out.push(pod.violation(
                Control::AppArmorProfile,
                format!(
                    "forbidden AppArmor profile (pod must not set securityContext.appArmorProfile.type to {})",
                    quote(&t)
                ),
                pod.at_sc(&["appArmorProfile", "type"]),
            ));
        }
    }
    for c in pod.containers() {
        if let Some(profile) = container_sc(&c, "appArmorProfile") {
            let t = text_field(profile, "type");
            if !allowed_type(&t) {
                out.push(pod.violation(
                    Control::AppArmorProfile,
                    format!(
                        "forbidden AppArmor profile ({} must not set securityContext.appArmorProfile.type to {})",
                        container_label(&c),
                        quote(&t)
                    ),
                    Pod::at_container_sc(&c, &["appArmorProfile", "type"]),
                ));
            }
        }
    }
    for (key, value) in pod.annotations() {
        if key.starts_with(ANNOTATION_PREFIX) && !allowed_annotation(&value) {
            out.push(pod.violation(
                Control::AppArmorProfile,
                format!("forbidden AppArmor profile ({key}={})", quote(&value)),
                pod.at_annotation(key),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::{fields, pod, violations};
    use crate::control::Control;

    #[test]
    fn fields_and_annotations() {
        let y = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    container.apparmor.security.beta.kubernetes.io/c: unconfined\n    container.apparmor.security.beta.kubernetes.io/d: localhost/x\n    container.apparmor.security.beta.kubernetes.io/e: ''\nspec:\n  securityContext:\n    appArmorProfile: {type: Unconfined}\n  containers:\n  - name: c\n    securityContext:\n      appArmorProfile: {type: Localhost, localhostProfile: x}\n  - name: d\n    securityContext:\n      appArmorProfile: {}\n";
        assert_eq!(
            fields(Control::AppArmorProfile, 0, y),
            [
                "spec.securityContext.appArmorProfile.type",
                "spec.containers[1].securityContext.appArmorProfile.type",
                "metadata.annotations[container.apparmor.security.beta.kubernetes.io/c]",
            ]
        );
        let v = violations(Control::AppArmorProfile, 37, y);
        assert_eq!(
            v[2].message,
            "forbidden AppArmor profile (container.apparmor.security.beta.kubernetes.io/c=\"unconfined\")"
        );
        // An empty profile object has type "" — not allowed; the location falls back to the
        // `appArmorProfile` key.
        assert_eq!(v[1].location.as_ref().map(|l| l.start.line), Some(18));
    }

    #[test]
    fn allowed_values_pass() {
        let y = pod(
            "  securityContext:\n    appArmorProfile: {type: RuntimeDefault}\n  containers:\n  - name: c\n    securityContext:\n      appArmorProfile: null\n",
        );
        assert!(fields(Control::AppArmorProfile, 30, &y).is_empty());
    }
}
