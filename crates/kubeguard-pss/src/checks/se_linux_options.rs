//! `seLinuxOptions` — **Baseline**, revisions v1.0 and v1.31.
//!
//! Setting the SELinux type is restricted and setting a custom SELinux user or role is
//! forbidden, in `spec.securityContext.seLinuxOptions` and in `securityContext.seLinuxOptions`
//! of every container, init container and ephemeral container:
//!
//! - `type` must be empty/undefined, `container_t`, `container_init_t` or `container_kvm_t`;
//!   from **v1.31** also `container_engine_t`;
//! - `user` and `role` must be empty/undefined.
//!
//! One violation per offending field.

use kubeguard_model::FieldRef;
use kubeguard_source::Node;

use crate::control::Control;
use crate::pod::{Pod, Violation, container_label, container_sc, quote, text_field};

fn allowed_type(t: &str, minor: u32) -> bool {
    matches!(
        t,
        "" | "container_t" | "container_init_t" | "container_kvm_t"
    ) || (minor >= 31 && t == "container_engine_t")
}

fn check_options(
    pod: &Pod<'_>,
    minor: u32,
    who: &str,
    opts: &Node,
    at: &dyn Fn(&str) -> FieldRef,
    out: &mut Vec<Violation>,
) {
    let t = text_field(opts, "type");
    if !allowed_type(&t, minor) {
        out.push(pod.violation(
            Control::SeLinuxOptions,
            format!(
                "seLinuxOptions ({who} set forbidden securityContext.seLinuxOptions: type {})",
                quote(&t)
            ),
            at("type"),
        ));
    }
    for key in ["user", "role"] {
        if !text_field(opts, key).is_empty() {
            out.push(pod.violation(
                Control::SeLinuxOptions,
                format!(
                    "seLinuxOptions ({who} set forbidden securityContext.seLinuxOptions: {key} may not be set)"
                ),
                at(key),
            ));
        }
    }
}

pub(crate) fn check(pod: &Pod<'_>, minor: u32) -> Vec<Violation> {
    let mut out = Vec::new();
    if let Some(opts) = pod.sc("seLinuxOptions") {
        let at = |k: &str| pod.at_sc(&["seLinuxOptions", k]);
        check_options(pod, minor, "pod", opts, &at, &mut out);
    }
    for c in pod.containers() {
        if let Some(opts) = container_sc(&c, "seLinuxOptions") {
            let at = |k: &str| Pod::at_container_sc(&c, &["seLinuxOptions", k]);
            check_options(pod, minor, &container_label(&c), opts, &at, &mut out);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::{fields, pod};
    use crate::control::Control;

    #[test]
    fn container_engine_t_from_v1_31() {
        let y = pod(
            "  containers:\n  - name: c\n    securityContext:\n      seLinuxOptions: {type: container_engine_t, level: s0}\n",
        );
        assert_eq!(
            fields(Control::SeLinuxOptions, 30, &y),
            ["spec.containers[0].securityContext.seLinuxOptions.type"]
        );
        assert!(fields(Control::SeLinuxOptions, 31, &y).is_empty());
    }

    #[test]
    fn user_role_and_bad_types() {
        let y = pod(
            "  securityContext:\n    seLinuxOptions: {type: spc_t, user: u, role: r}\n  containers:\n  - name: c\n    securityContext:\n      seLinuxOptions: {type: container_t, role: ''}\n",
        );
        assert_eq!(
            fields(Control::SeLinuxOptions, 37, &y),
            [
                "spec.securityContext.seLinuxOptions.type",
                "spec.securityContext.seLinuxOptions.user",
                "spec.securityContext.seLinuxOptions.role",
            ]
        );
    }
}
