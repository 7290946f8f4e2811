//! One module per upstream check. Each exposes `check(pod, minor)` returning every violation
//! of its control at policy minor version `minor`; whether the control applies at all at a
//! level and version is decided by [`Control::applies`](crate::Control::applies).

use crate::control::Control;
use crate::pod::{Pod, Violation};

pub(crate) mod allow_privilege_escalation;
pub(crate) mod app_armor_profile;
pub(crate) mod capabilities_baseline;
pub(crate) mod capabilities_restricted;
pub(crate) mod host_namespaces;
pub(crate) mod host_path_volumes;
pub(crate) mod host_ports;
pub(crate) mod host_probes_and_host_lifecycle;
pub(crate) mod privileged;
pub(crate) mod proc_mount;
pub(crate) mod proc_mount_restricted;
pub(crate) mod restricted_volumes;
pub(crate) mod run_as_non_root;
pub(crate) mod run_as_user;
pub(crate) mod se_linux_options;
pub(crate) mod seccomp_profile_baseline;
pub(crate) mod seccomp_profile_restricted;
pub(crate) mod sysctls;
pub(crate) mod windows_host_process;

/// Runs the check of `control` at minor version `minor`.
pub(crate) fn run(control: Control, pod: &Pod<'_>, minor: u32) -> Vec<Violation> {
    match control {
        Control::HostNamespaces => host_namespaces::check(pod, minor),
        Control::Privileged => privileged::check(pod, minor),
        Control::CapabilitiesBaseline => capabilities_baseline::check(pod, minor),
        Control::HostPathVolumes => host_path_volumes::check(pod, minor),
        Control::HostPorts => host_ports::check(pod, minor),
        Control::AppArmorProfile => app_armor_profile::check(pod, minor),
        Control::SeLinuxOptions => se_linux_options::check(pod, minor),
        Control::ProcMount => proc_mount::check(pod, minor),
        Control::SeccompProfileBaseline => seccomp_profile_baseline::check(pod, minor),
        Control::Sysctls => sysctls::check(pod, minor),
        Control::WindowsHostProcess => windows_host_process::check(pod, minor),
        Control::HostProbesAndHostLifecycle => host_probes_and_host_lifecycle::check(pod, minor),
        Control::RestrictedVolumes => restricted_volumes::check(pod, minor),
        Control::AllowPrivilegeEscalation => allow_privilege_escalation::check(pod, minor),
        Control::RunAsNonRoot => run_as_non_root::check(pod, minor),
        Control::RunAsUser => run_as_user::check(pod, minor),
        Control::SeccompProfileRestricted => seccomp_profile_restricted::check(pod, minor),
        Control::CapabilitiesRestricted => capabilities_restricted::check(pod, minor),
        Control::ProcMountRestricted => proc_mount_restricted::check(pod, minor),
    }
}

/// Test helpers: evaluate one control on a manifest.
#[cfg(test)]
pub(crate) mod testing {
    use kubeguard_model::Object;

    use super::run;
    use crate::control::Control;
    use crate::pod::{Pod, Violation};

    /// The violations of `control` at `minor` for the first object of `yaml`.
    pub fn violations(control: Control, minor: u32, yaml: &str) -> Vec<Violation> {
        let (objects, errors) = Object::parse_all("test.yaml", yaml);
        assert!(errors.is_empty(), "{errors:?}");
        let obj = objects.into_iter().next().expect("an object");
        let pod = Pod::new(&obj).expect("a pod spec");
        run(control, &pod, minor)
    }

    /// The fields of those violations.
    pub fn fields(control: Control, minor: u32, yaml: &str) -> Vec<String> {
        violations(control, minor, yaml)
            .into_iter()
            .map(|v| v.field)
            .collect()
    }

    /// A Pod with `spec` (indented by two spaces) as its spec.
    pub fn pod(spec: &str) -> String {
        format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n{spec}")
    }
}
