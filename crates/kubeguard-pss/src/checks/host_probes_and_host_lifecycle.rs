//! `hostProbesAndHostLifecycle` — **Baseline**, from v1.34.
//!
//! Probes and lifecycle handlers must not target other hosts: for every container, init
//! container and ephemeral container, `host` must be empty/undefined in
//! `{livenessProbe,readinessProbe,startupProbe}.{httpGet,tcpSocket}.host` and in
//! `lifecycle.{postStart,preStop}.{httpGet,tcpSocket}.host`. Before v1.34 the control does not
//! exist.

use kubeguard_model::Seg;

use crate::control::Control;
use crate::pod::{Pod, Violation, container_label, quote, set, text_field};

pub(crate) fn check(pod: &Pod<'_>, _minor: u32) -> Vec<Violation> {
    let mut out = Vec::new();
    for c in pod.containers() {
        let probes = ["livenessProbe", "readinessProbe", "startupProbe"].map(|p| vec![p]);
        let hooks = ["postStart", "preStop"].map(|h| vec!["lifecycle", h]);
        for handler_path in probes.iter().chain(hooks.iter()) {
            let Some(handler) = handler_path.iter().try_fold(c.node, |n, k| set(n.get(k))) else {
                continue;
            };
            for action in ["httpGet", "tcpSocket"] {
                let Some(a) = set(handler.get(action)) else {
                    continue;
                };
                let host = text_field(a, "host");
                if host.is_empty() {
                    continue;
                }
                let mut segs: Vec<Seg<'_>> = handler_path.iter().map(|k| Seg::Key(k)).collect();
                segs.extend([Seg::Key(action), Seg::Key("host")]);
                out.push(pod.violation(
                    Control::HostProbesAndHostLifecycle,
                    format!(
                        "probe or lifecycle host ({} uses probe or lifecycle host {})",
                        container_label(&c),
                        quote(&host)
                    ),
                    c.locate_segs(&segs),
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
    fn probes_and_hooks_with_hosts() {
        let y = pod(
            "  containers:\n  - name: c\n    livenessProbe:\n      httpGet: {port: 80, host: 10.0.0.1}\n    readinessProbe:\n      tcpSocket: {port: 80, host: ''}\n    startupProbe:\n      tcpSocket: {port: 80, host: example.com}\n    lifecycle:\n      preStop:\n        httpGet: {port: 80, host: evil}\n      postStart:\n        exec: {command: [x]}\n",
        );
        assert_eq!(
            fields(Control::HostProbesAndHostLifecycle, 34, &y),
            [
                "spec.containers[0].livenessProbe.httpGet.host",
                "spec.containers[0].startupProbe.tcpSocket.host",
                "spec.containers[0].lifecycle.preStop.httpGet.host",
            ]
        );
    }
}
