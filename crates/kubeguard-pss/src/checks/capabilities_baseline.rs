//! `capabilities_baseline` — **Baseline**, every version (v1.0+).
//!
//! Adding capabilities beyond the default set is disallowed: every entry of
//! `securityContext.capabilities.add` of every container must be one of `AUDIT_WRITE`,
//! `CHOWN`, `DAC_OVERRIDE`, `FOWNER`, `FSETID`, `KILL`, `MKNOD`, `NET_BIND_SERVICE`,
//! `SETFCAP`, `SETGID`, `SETPCAP`, `SETUID`, `SYS_CHROOT` (exact, case-sensitive names).
//!
//! At Restricted from v1.22 this control is replaced by `capabilities_restricted`.

use kubeguard_model::Seg;

use crate::control::Control;
use crate::pod::{Pod, Violation, container_label, quote, text};

/// The capabilities Baseline allows adding.
pub(crate) const ALLOWED: [&str; 13] = [
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

pub(crate) fn check(pod: &Pod<'_>, _minor: u32) -> Vec<Violation> {
    let mut out = Vec::new();
    for c in pod.containers() {
        added_beyond(
            pod,
            &c,
            Control::CapabilitiesBaseline,
            "non-default capabilities",
            |cap| ALLOWED.contains(&cap),
            &mut out,
        );
    }
    out
}

/// Reports each entry of `securityContext.capabilities.add` of `c` that `allowed` refuses, at
/// the entry, as `<what> (<container> must not include "<cap>" in ...)`.
pub(crate) fn added_beyond(
    pod: &Pod<'_>,
    c: &kubeguard_model::ContainerView<'_>,
    control: Control,
    what: &str,
    allowed: impl Fn(&str) -> bool,
    out: &mut Vec<Violation>,
) {
    for (i, cap) in capability_list(c, "add") {
        if !allowed(&cap) {
            out.push(pod.violation(
                control,
                format!(
                    "{what} ({} must not include {} in securityContext.capabilities.add)",
                    container_label(c),
                    quote(&cap)
                ),
                c.locate_segs(&[
                    Seg::Key("securityContext"),
                    Seg::Key("capabilities"),
                    Seg::Key("add"),
                    Seg::Index(i),
                ]),
            ));
        }
    }
}

/// The entries of `securityContext.capabilities.<list>` with their indices, as Go strings
/// (`null` entries are empty names).
pub(crate) fn capability_list(
    c: &kubeguard_model::ContainerView<'_>,
    list: &str,
) -> Vec<(usize, String)> {
    c.security_context()
        .and_then(|sc| sc.get("capabilities"))
        .and_then(|caps| caps.get(list))
        .and_then(|l| l.as_seq())
        .unwrap_or(&[])
        .iter()
        .enumerate()
        .filter_map(|(i, n)| text(n).map(|t| (i, t)))
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::{fields, pod};
    use crate::control::Control;

    #[test]
    fn only_listed_capabilities_may_be_added() {
        let y = pod(
            "  containers:\n  - name: c\n    securityContext:\n      capabilities:\n        add: [CHOWN, NET_RAW, SYS_ADMIN, chown]\n        drop: [ALL]\n",
        );
        assert_eq!(
            fields(Control::CapabilitiesBaseline, 0, &y),
            [
                "spec.containers[0].securityContext.capabilities.add[1]",
                "spec.containers[0].securityContext.capabilities.add[2]",
                "spec.containers[0].securityContext.capabilities.add[3]",
            ]
        );
    }
}
