//! The controls (upstream "checks") of the Pod Security Standards: identity, level, the first
//! policy version each applies at, and which Baseline control a Restricted one replaces.

use std::fmt;

use crate::version::{Level, Version};

/// One control of the standards, named by its upstream check ID ([`Control::id`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Control {
    /// `hostNamespaces` (Baseline).
    HostNamespaces,
    /// `privileged` (Baseline).
    Privileged,
    /// `capabilities_baseline` (Baseline).
    CapabilitiesBaseline,
    /// `hostPathVolumes` (Baseline).
    HostPathVolumes,
    /// `hostPorts` (Baseline).
    HostPorts,
    /// `appArmorProfile` (Baseline).
    AppArmorProfile,
    /// `seLinuxOptions` (Baseline).
    SeLinuxOptions,
    /// `procMount` (Baseline).
    ProcMount,
    /// `seccompProfile_baseline` (Baseline).
    SeccompProfileBaseline,
    /// `sysctls` (Baseline).
    Sysctls,
    /// `windowsHostProcess` (Baseline).
    WindowsHostProcess,
    /// `hostProbesAndHostLifecycle` (Baseline, v1.34+).
    HostProbesAndHostLifecycle,
    /// `restrictedVolumes` (Restricted).
    RestrictedVolumes,
    /// `allowPrivilegeEscalation` (Restricted, v1.8+).
    AllowPrivilegeEscalation,
    /// `runAsNonRoot` (Restricted).
    RunAsNonRoot,
    /// `runAsUser` (Restricted, v1.23+).
    RunAsUser,
    /// `seccompProfile_restricted` (Restricted, v1.19+).
    SeccompProfileRestricted,
    /// `capabilities_restricted` (Restricted, v1.22+).
    CapabilitiesRestricted,
    /// `procMount_restricted` (Restricted, v1.35+).
    ProcMountRestricted,
}

impl Control {
    /// Every control, Baseline ones first, in the order violations are reported.
    pub const ALL: [Control; 19] = [
        Control::HostNamespaces,
        Control::Privileged,
        Control::CapabilitiesBaseline,
        Control::HostPathVolumes,
        Control::HostPorts,
        Control::AppArmorProfile,
        Control::SeLinuxOptions,
        Control::ProcMount,
        Control::SeccompProfileBaseline,
        Control::Sysctls,
        Control::WindowsHostProcess,
        Control::HostProbesAndHostLifecycle,
        Control::RestrictedVolumes,
        Control::AllowPrivilegeEscalation,
        Control::RunAsNonRoot,
        Control::RunAsUser,
        Control::SeccompProfileRestricted,
        Control::CapabilitiesRestricted,
        Control::ProcMountRestricted,
    ];

    /// The upstream check ID (`hostNamespaces`, `capabilities_baseline`).
    pub fn id(self) -> &'static str {
        match self {
            Control::HostNamespaces => "hostNamespaces",
            Control::Privileged => "privileged",
            Control::CapabilitiesBaseline => "capabilities_baseline",
            Control::HostPathVolumes => "hostPathVolumes",
            Control::HostPorts => "hostPorts",
            Control::AppArmorProfile => "appArmorProfile",
            Control::SeLinuxOptions => "seLinuxOptions",
            Control::ProcMount => "procMount",
            Control::SeccompProfileBaseline => "seccompProfile_baseline",
            Control::Sysctls => "sysctls",
            Control::WindowsHostProcess => "windowsHostProcess",
            Control::HostProbesAndHostLifecycle => "hostProbesAndHostLifecycle",
            Control::RestrictedVolumes => "restrictedVolumes",
            Control::AllowPrivilegeEscalation => "allowPrivilegeEscalation",
            Control::RunAsNonRoot => "runAsNonRoot",
            Control::RunAsUser => "runAsUser",
            Control::SeccompProfileRestricted => "seccompProfile_restricted",
            Control::CapabilitiesRestricted => "capabilities_restricted",
            Control::ProcMountRestricted => "procMount_restricted",
        }
    }

    /// The control with upstream check ID `id`.
    pub fn from_id(id: &str) -> Option<Control> {
        Control::ALL.into_iter().find(|c| c.id() == id)
    }

    /// A short human title (`Host namespaces`).
    pub fn title(self) -> &'static str {
        match self {
            Control::HostNamespaces => "Host namespaces",
            Control::Privileged => "Privileged containers",
            Control::CapabilitiesBaseline => "Capabilities (Baseline)",
            Control::HostPathVolumes => "HostPath volumes",
            Control::HostPorts => "Host ports",
            Control::AppArmorProfile => "AppArmor",
            Control::SeLinuxOptions => "SELinux",
            Control::ProcMount => "/proc mount type",
            Control::SeccompProfileBaseline => "Seccomp (Baseline)",
            Control::Sysctls => "Sysctls",
            Control::WindowsHostProcess => "HostProcess",
            Control::HostProbesAndHostLifecycle => "Host probes and lifecycle hooks",
            Control::RestrictedVolumes => "Volume types",
            Control::AllowPrivilegeEscalation => "Privilege escalation",
            Control::RunAsNonRoot => "Running as non-root",
            Control::RunAsUser => "Running as non-root user",
            Control::SeccompProfileRestricted => "Seccomp (Restricted)",
            Control::CapabilitiesRestricted => "Capabilities (Restricted)",
            Control::ProcMountRestricted => "/proc mount type (Restricted)",
        }
    }

    /// The level the control belongs to ([`Level::Baseline`] or [`Level::Restricted`]).
    pub fn level(self) -> Level {
        match self {
            Control::RestrictedVolumes
            | Control::AllowPrivilegeEscalation
            | Control::RunAsNonRoot
            | Control::RunAsUser
            | Control::SeccompProfileRestricted
            | Control::CapabilitiesRestricted
            | Control::ProcMountRestricted => Level::Restricted,
            _ => Level::Baseline,
        }
    }

    /// The first policy minor version the control has a revision for (it applies from `v1.N`).
    pub fn since(self) -> u32 {
        match self {
            Control::AllowPrivilegeEscalation => 8,
            Control::SeccompProfileRestricted => 19,
            Control::CapabilitiesRestricted => 22,
            Control::RunAsUser => 23,
            Control::HostProbesAndHostLifecycle => 34,
            Control::ProcMountRestricted => 35,
            _ => 0,
        }
    }

    /// The minor versions at which the control's behaviour changes (its upstream revisions),
    /// first one being [`Control::since`].
    pub fn revisions(self) -> &'static [u32] {
        match self {
            Control::SeLinuxOptions => &[0, 31],
            Control::ProcMount => &[0, 35],
            Control::SeccompProfileBaseline => &[0, 19],
            Control::Sysctls => &[0, 27, 29, 32, 37],
            Control::AllowPrivilegeEscalation => &[8, 25],
            Control::RunAsNonRoot => &[0, 35],
            Control::RunAsUser => &[23, 35],
            Control::SeccompProfileRestricted => &[19, 25],
            Control::CapabilitiesRestricted => &[22, 25],
            Control::HostProbesAndHostLifecycle => &[34],
            Control::ProcMountRestricted => &[35],
            _ => &[0],
        }
    }

    /// The Baseline control this Restricted control replaces whenever it applies: Restricted is
    /// every Baseline control except the replaced ones, plus the Restricted controls.
    pub fn overrides(self) -> Option<Control> {
        match self {
            Control::RestrictedVolumes => Some(Control::HostPathVolumes),
            Control::SeccompProfileRestricted => Some(Control::SeccompProfileBaseline),
            Control::CapabilitiesRestricted => Some(Control::CapabilitiesBaseline),
            Control::ProcMountRestricted => Some(Control::ProcMount),
            _ => None,
        }
    }

    /// Whether the control is evaluated at `level` and `version`.
    pub fn applies(self, level: Level, version: Version) -> bool {
        let minor = version.minor();
        if level < self.level() || minor < self.since() {
            return false;
        }
        self.overridden_by(level, version).is_none()
    }

    /// The Restricted control evaluated in this control's place at `level` and `version`, if
    /// any (`hostPathVolumes` is replaced by `restrictedVolumes` at Restricted).
    pub fn overridden_by(self, level: Level, version: Version) -> Option<Control> {
        if level != Level::Restricted {
            return None;
        }
        Control::ALL
            .into_iter()
            .find(|c| c.overrides() == Some(self) && version.minor() >= c.since())
    }

    /// The controls evaluated at `level` and `version`, in report order.
    pub fn active(level: Level, version: Version) -> impl Iterator<Item = Control> {
        Control::ALL
            .into_iter()
            .filter(move |c| c.applies(level, version))
    }
}

impl fmt::Display for Control {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_round_trip() {
        for c in Control::ALL {
            assert_eq!(Control::from_id(c.id()), Some(c));
            assert_eq!(c.to_string(), c.id());
            assert_eq!(c.revisions().first(), Some(&c.since()));
            assert!(c.revisions().windows(2).all(|w| w[0] < w[1]), "{c}");
        }
        assert_eq!(Control::from_id("nope"), None);
    }

    #[test]
    fn active_sets_per_version() {
        let ids = |l, v| Control::active(l, v).map(Control::id).collect::<Vec<_>>();
        assert!(ids(Level::Privileged, Version::Latest).is_empty());
        let b0 = ids(Level::Baseline, Version::V(0));
        assert_eq!(b0.len(), 11);
        assert!(!b0.contains(&"hostProbesAndHostLifecycle"));
        assert!(ids(Level::Baseline, Version::V(34)).contains(&"hostProbesAndHostLifecycle"));
        // Restricted v1.0: hostPathVolumes replaced, annotations-only seccomp still there.
        let r0 = ids(Level::Restricted, Version::V(0));
        assert!(!r0.contains(&"hostPathVolumes") && r0.contains(&"restrictedVolumes"));
        assert!(
            r0.contains(&"seccompProfile_baseline") && !r0.contains(&"allowPrivilegeEscalation")
        );
        let r19 = ids(Level::Restricted, Version::V(19));
        assert!(!r19.contains(&"seccompProfile_baseline"));
        assert!(r19.contains(&"seccompProfile_restricted"));
        assert!(ids(Level::Restricted, Version::V(21)).contains(&"capabilities_baseline"));
        assert!(!ids(Level::Restricted, Version::V(22)).contains(&"capabilities_baseline"));
        assert!(ids(Level::Restricted, Version::V(34)).contains(&"procMount"));
        let latest = ids(Level::Restricted, Version::Latest);
        assert!(!latest.contains(&"procMount") && latest.contains(&"procMount_restricted"));
        assert_eq!(latest.len(), 12 + 7 - 4);
        assert_eq!(
            Control::HostPathVolumes.overridden_by(Level::Restricted, Version::V(0)),
            Some(Control::RestrictedVolumes)
        );
        assert_eq!(
            Control::HostPathVolumes.overridden_by(Level::Baseline, Version::V(0)),
            None
        );
    }
}
