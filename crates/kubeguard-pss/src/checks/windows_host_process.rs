//! `windowsHostProcess` — **Baseline**, every version (v1.0+).
//!
//! Windows HostProcess containers get privileged access to the host:
//! `spec.securityContext.windowsOptions.hostProcess` and
//! `securityContext.windowsOptions.hostProcess` of every container, init container and
//! ephemeral container must be undefined or `false`.

use kubeguard_source::Node;

use crate::control::Control;
use crate::pod::{Pod, Violation, container_label, container_sc};

fn host_process(windows_options: Option<&Node>) -> bool {
    windows_options
        .and_then(|w| w.get("hostProcess"))
        .and_then(Node::as_bool)
        == Some(true)
}

pub(crate) fn check(pod: &Pod<'_>, _minor: u32) -> Vec<Violation> {
    let mut out = Vec::new();
    if host_process(pod.sc("windowsOptions")) {
        out.push(pod.violation(
            Control::WindowsHostProcess,
            "hostProcess (pod must not set securityContext.windowsOptions.hostProcess=true)".into(),
            pod.at_sc(&["windowsOptions", "hostProcess"]),
        ));
    }
    for c in pod.containers() {
        if host_process(container_sc(&c, "windowsOptions")) {
            out.push(pod.violation(
                Control::WindowsHostProcess,
                format!(
                    "hostProcess ({} must not set securityContext.windowsOptions.hostProcess=true)",
                    container_label(&c)
                ),
                Pod::at_container_sc(&c, &["windowsOptions", "hostProcess"]),
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
    fn pod_and_containers() {
        let y = pod(
            "  securityContext:\n    windowsOptions: {hostProcess: true}\n  containers:\n  - name: c\n    securityContext:\n      windowsOptions: {hostProcess: false}\n  - name: d\n    securityContext:\n      windowsOptions: {hostProcess: true}\n",
        );
        assert_eq!(
            fields(Control::WindowsHostProcess, 0, &y),
            [
                "spec.securityContext.windowsOptions.hostProcess",
                "spec.containers[1].securityContext.windowsOptions.hostProcess"
            ]
        );
    }
}
