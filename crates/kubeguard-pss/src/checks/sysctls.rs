//! `sysctls` — **Baseline**, revisions v1.0, v1.27, v1.29, v1.32 and v1.37.
//!
//! Sysctls can disable security mechanisms or affect the whole node; only a namespaced,
//! isolated "safe" subset is allowed in `spec.securityContext.sysctls[*].name` (the only place
//! the API takes sysctls):
//!
//! - **v1.0**: `kernel.shm_rmid_forced`, `net.ipv4.ip_local_port_range`,
//!   `net.ipv4.tcp_syncookies`, `net.ipv4.ping_group_range`,
//!   `net.ipv4.ip_unprivileged_port_start`;
//! - **v1.27**: plus `net.ipv4.ip_local_reserved_ports`;
//! - **v1.29**: plus `net.ipv4.tcp_keepalive_time`, `net.ipv4.tcp_fin_timeout`,
//!   `net.ipv4.tcp_keepalive_intvl`, `net.ipv4.tcp_keepalive_probes`;
//! - **v1.32**: plus `net.ipv4.tcp_rmem`, `net.ipv4.tcp_wmem`;
//! - **v1.37**: plus `net.ipv4.tcp_slow_start_after_idle`, `net.ipv4.tcp_notsent_lowat`.
//!
//! Names are compared exactly (no `/` for `.` normalisation, as upstream).

use kubeguard_model::Seg;

use crate::control::Control;
use crate::pod::{Pod, Violation, text_field};

/// Each safe sysctl with the first minor version that allows it.
pub(crate) const SAFE: [(&str, u32); 14] = [
    ("kernel.shm_rmid_forced", 0),
    ("net.ipv4.ip_local_port_range", 0),
    ("net.ipv4.tcp_syncookies", 0),
    ("net.ipv4.ping_group_range", 0),
    ("net.ipv4.ip_unprivileged_port_start", 0),
    ("net.ipv4.ip_local_reserved_ports", 27),
    ("net.ipv4.tcp_keepalive_time", 29),
    ("net.ipv4.tcp_fin_timeout", 29),
    ("net.ipv4.tcp_keepalive_intvl", 29),
    ("net.ipv4.tcp_keepalive_probes", 29),
    ("net.ipv4.tcp_rmem", 32),
    ("net.ipv4.tcp_wmem", 32),
    ("net.ipv4.tcp_slow_start_after_idle", 37),
    ("net.ipv4.tcp_notsent_lowat", 37),
];

fn safe(name: &str, minor: u32) -> bool {
    SAFE.iter().any(|&(n, since)| n == name && minor >= since)
}

pub(crate) fn check(pod: &Pod<'_>, minor: u32) -> Vec<Violation> {
    let Some(list) = pod.sc("sysctls").and_then(|s| s.as_seq()) else {
        return Vec::new();
    };
    list.iter()
        .enumerate()
        .filter(|(_, s)| s.as_map().is_some() || s.is_null())
        .filter_map(|(i, s)| {
            let name = text_field(s, "name");
            (!safe(&name, minor)).then(|| {
                let segs = [
                    Seg::Key("securityContext"),
                    Seg::Key("sysctls"),
                    Seg::Index(i),
                    Seg::Key("name"),
                ];
                pod.violation(
                    Control::Sysctls,
                    format!("forbidden sysctls ({name})"),
                    pod.at(&segs),
                )
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::SAFE;
    use crate::checks::testing::{fields, pod};
    use crate::control::Control;

    fn with(name: &str) -> String {
        pod(&format!(
            "  securityContext:\n    sysctls:\n    - name: {name}\n      value: '1'\n  containers: [{{name: c}}]\n"
        ))
    }

    #[test]
    fn list_grows_with_versions() {
        for (name, since) in SAFE {
            let y = with(name);
            if since > 0 {
                assert_eq!(fields(Control::Sysctls, since - 1, &y).len(), 1, "{name}");
            }
            assert!(fields(Control::Sysctls, since, &y).is_empty(), "{name}");
            assert!(fields(Control::Sysctls, 37, &y).is_empty(), "{name}");
        }
        assert_eq!(
            fields(Control::Sysctls, 37, &with("kernel.msgmax")),
            ["spec.securityContext.sysctls[0].name"]
        );
        assert_eq!(
            fields(Control::Sysctls, 37, &with("net/ipv4/tcp_syncookies")).len(),
            1
        );
    }
}
