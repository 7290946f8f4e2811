//! `hostPorts` — **Baseline**, every version (v1.0+).
//!
//! HostPorts should be disallowed entirely: `ports[*].hostPort` of every container, init
//! container and ephemeral container must be undefined or `0`.

use kubeguard_model::Seg;
use kubeguard_source::Node;

use crate::control::Control;
use crate::pod::{Pod, Violation, container_label};

pub(crate) fn check(pod: &Pod<'_>, _minor: u32) -> Vec<Violation> {
    let mut out = Vec::new();
    for c in pod.containers() {
        for (i, port) in c.ports() {
            let Some(host_port) = port.get("hostPort").and_then(Node::as_i64) else {
                continue;
            };
            if host_port != 0 {
                out.push(pod.violation(
                    Control::HostPorts,
                    format!(
                        "hostPort ({} uses hostPort {host_port})",
                        container_label(&c)
                    ),
                    c.locate_segs(&[Seg::Key("ports"), Seg::Index(i), Seg::Key("hostPort")]),
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

    #[test]
    fn nonzero_host_ports_are_flagged() {
        let y = pod(
            "  containers:\n  - name: c\n    ports:\n    - containerPort: 80\n      hostPort: 0\n    - containerPort: 81\n      hostPort: 8081\n  initContainers:\n  - name: i\n    ports: [{containerPort: 1, hostPort: 1}]\n",
        );
        assert_eq!(
            fields(Control::HostPorts, 0, &y),
            [
                "spec.initContainers[0].ports[0].hostPort",
                "spec.containers[0].ports[1].hostPort"
            ]
        );
    }
}
