//! The Pod Security Standards level a PodSecurityPolicy corresponds to: the strictest level
//! whose controls every pod the PSP admits passes, following upstream's mapping of PSP fields
//! to the standards, at a policy version.

use kubeguard_model::{FieldRef, Object, Seg};
use kubeguard_source::Location;

use super::audit::{admits_host_port, baseline_se_linux_type, confining_seccomp};
use super::spec::{APPARMOR_ALLOWED, Psp, SECCOMP_ALLOWED, SECCOMP_DEFAULT};
use crate::checks::{capabilities_baseline, restricted_volumes, sysctls};
use crate::control::Control;
use crate::pod::{quote, text_field};
use crate::version::{Level, Version};

/// A PSP setting that admits pods failing a control, keeping the PSP below the control's
/// level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blocker {
    /// The control admitted pods may fail; its [`Control::level`] is the level blocked.
    pub control: Control,
    /// Which setting admits what.
    pub message: String,
    /// Dotted path of the setting (also when absent and needing to be set).
    pub field: String,
    /// Where the setting is, or its nearest existing parent; `None` without source text.
    pub location: Option<Location>,
}

impl Blocker {
    /// The level this setting keeps the PSP from (Baseline or Restricted).
    pub fn level(&self) -> Level {
        self.control.level()
    }
}

/// Something the level does not capture: a control PodSecurityPolicy has no setting for, or
/// a pod field the PSP fills in (mutates) that Pod Security Admission only checks, so pods
/// relying on the PSP's default fail the level until they set the field themselves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caveat {
    /// The control concerned.
    pub control: Control,
    /// What to watch for.
    pub message: String,
    /// Dotted path of the PSP setting concerned.
    pub field: String,
    /// Its location; `None` without source text.
    pub location: Option<Location>,
}

/// The level a PodSecurityPolicy corresponds to, and why it is not stricter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Equivalence {
    /// The strictest level every pod the PSP admits meets: Privileged when some setting
    /// admits pods failing a Baseline control, else Baseline when some admits pods failing a
    /// Restricted control, else Restricted.
    pub level: Level,
    /// The policy version the controls were taken at.
    pub version: Version,
    /// Every setting admitting pods that fail a control, in control order
    /// ([`Control::ALL`]), then document order.
    pub blockers: Vec<Blocker>,
    /// What the mapping cannot guarantee, in control order.
    pub caveats: Vec<Caveat>,
}

impl Equivalence {
    /// The blockers of controls of `level` (Baseline or Restricted).
    pub fn blocking(&self, level: Level) -> impl Iterator<Item = &Blocker> {
        self.blockers.iter().filter(move |b| b.level() == level)
    }

    /// Why the PSP is not one level stricter: the blockers of the next level (none for
    /// Restricted).
    pub fn reasons(&self) -> impl Iterator<Item = &Blocker> {
        let next = match self.level {
            Level::Privileged => Some(Level::Baseline),
            Level::Baseline => Some(Level::Restricted),
            Level::Restricted => None,
        };
        self.blockers
            .iter()
            .filter(move |b| Some(b.level()) == next)
    }
}

/// [`equivalent_level_at`] the `latest` policy version.
pub fn equivalent_level(psp: &Object) -> Equivalence {
    equivalent_level_at(psp, Version::Latest)
}

/// The strictest Pod Security Standards level at `version` every pod `psp` admits meets,
/// with the settings that keep it from the stricter levels. Each control of the standards
/// that applies at `version` is mapped to the PSP settings that decide it (upstream's
/// "Mapping PodSecurityPolicies to Pod Security Standards"); see the crate README for the
/// table.
pub fn equivalent_level_at(psp: &Object, version: Version) -> Equivalence {
    let p = Psp::new(psp);
    let minor = version.minor();
    let mut blockers = Vec::new();
    let mut caveats = Vec::new();
    for control in Control::ALL {
        if !control.applies(control.level(), version) {
            continue;
        }
        let mut out = Out {
            psp: &p,
            control,
            blockers: Vec::new(),
            caveats: Vec::new(),
        };
        map_control(&mut out, minor);
        if out.blockers.is_empty() {
            caveats.append(&mut out.caveats);
        }
        blockers.append(&mut out.blockers);
    }
    let level = if blockers.iter().any(|b| b.level() == Level::Baseline) {
        Level::Privileged
    } else if blockers.is_empty() {
        Level::Restricted
    } else {
        Level::Baseline
    };
    Equivalence {
        level,
        version,
        blockers,
        caveats,
    }
}

struct Out<'p, 'a> {
    psp: &'p Psp<'a>,
    control: Control,
    blockers: Vec<Blocker>,
    caveats: Vec<Caveat>,
}

impl Out<'_, '_> {
    fn block(&mut self, message: String, field: FieldRef) {
        self.blockers.push(Blocker {
            control: self.control,
            message,
            location: self.psp.location(&field),
            field: field.path,
        });
    }

    fn caveat(&mut self, message: String, field: FieldRef) {
        self.caveats.push(Caveat {
            control: self.control,
            message,
            location: self.psp.location(&field),
            field: field.path,
        });
    }
}

/// The capabilities pods may add: `allowedCapabilities` and `defaultAddCapabilities` (added
/// to every container), with the field each comes from.
fn addable(p: &Psp<'_>) -> Vec<(String, FieldRef)> {
    ["allowedCapabilities", "defaultAddCapabilities"]
        .into_iter()
        .flat_map(|key| {
            p.strings(key)
                .into_iter()
                .map(move |(i, cap)| (cap, p.at_item(key, i)))
        })
        .collect()
}

fn map_control(out: &mut Out<'_, '_>, minor: u32) {
    let p = out.psp;
    match out.control {
        Control::HostNamespaces => {
            for key in ["hostNetwork", "hostPID", "hostIPC"] {
                if p.flag(key) == Some(true) {
                    out.block(
                        format!("{key}: true admits pods sharing the host's namespace"),
                        p.at_key(key),
                    );
                }
            }
        }
        Control::Privileged => {
            if p.flag("privileged") == Some(true) {
                out.block(
                    "privileged: true admits privileged containers".into(),
                    p.at_key("privileged"),
                );
            }
        }
        Control::CapabilitiesBaseline => {
            for (cap, at) in addable(p) {
                if cap == "*" {
                    out.block("admits adding any capability".into(), at);
                } else if !capabilities_baseline::ALLOWED.contains(&cap.as_str()) {
                    out.block(
                        format!(
                            "admits adding capability {}, outside the Baseline set",
                            quote(&cap)
                        ),
                        at,
                    );
                }
            }
        }
        Control::HostPathVolumes => {
            for (i, v) in p.strings("volumes") {
                if v == "hostPath" || v == "*" {
                    out.block(
                        format!("volumes {} admits hostPath volumes", quote(&v)),
                        p.at_item("volumes", i),
                    );
                }
            }
        }
        Control::HostPorts => {
            for (i, r) in p.ranges(&["hostPorts"]) {
                if admits_host_port(r) {
                    out.block(
                        format!("admits host ports {}", r.display()),
                        p.at_item("hostPorts", i),
                    );
                }
            }
        }
        Control::AppArmorProfile => match p.profiles(APPARMOR_ALLOWED) {
            None => out.block(
                format!(
                    "without {APPARMOR_ALLOWED} containers may use any AppArmor profile, \
                     unconfined included"
                ),
                p.at_annotation(APPARMOR_ALLOWED),
            ),
            Some(profiles) if profiles.has("unconfined") => out.block(
                "admits the unconfined AppArmor profile".into(),
                p.at_annotation(APPARMOR_ALLOWED),
            ),
            Some(_) => {}
        },
        Control::SeLinuxOptions => se_linux(out, minor),
        Control::ProcMount | Control::ProcMountRestricted => {
            for (i, t) in p.strings("allowedProcMountTypes") {
                if t != "Default" {
                    out.block(
                        format!("admits procMount {}", quote(&t)),
                        p.at_item("allowedProcMountTypes", i),
                    );
                }
            }
        }
        Control::SeccompProfileBaseline => {
            if let Some(profiles) = p.profiles(SECCOMP_ALLOWED) {
                let at = p.at_annotation(SECCOMP_ALLOWED);
                if profiles.has("*") {
                    out.block("admits any seccomp profile, unconfined included".into(), at);
                } else if profiles.has("unconfined") {
                    out.block("admits the unconfined seccomp profile".into(), at);
                }
            }
        }
        Control::Sysctls => {
            for (i, name) in p.strings("allowedUnsafeSysctls") {
                let at = p.at_item("allowedUnsafeSysctls", i);
                if name.contains('*') {
                    out.block(format!("admits unsafe sysctls matching {name}"), at);
                } else if !sysctls::SAFE
                    .iter()
                    .any(|&(safe, since)| safe == name && minor >= since)
                {
                    out.block(
                        format!("admits sysctl {name}, outside the Baseline safe set"),
                        at,
                    );
                }
            }
        }
        Control::WindowsHostProcess => {
            // Pod validation requires hostNetwork for HostProcess pods, and PSP has no
            // setting of its own for them: only hostNetwork keeps them out.
            if p.flag("hostNetwork") == Some(true) {
                out.block(
                    "hostNetwork: true admits Windows HostProcess pods (PodSecurityPolicy has \
                     no setting for them)"
                        .into(),
                    p.at_key("hostNetwork"),
                );
            }
        }
        Control::HostProbesAndHostLifecycle => out.caveat(
            "PodSecurityPolicy cannot restrict the host of probes and lifecycle hooks: pods \
             it admits may set one"
                .into(),
            p.at(&[]),
        ),
        Control::RestrictedVolumes => {
            for (i, v) in p.strings("volumes") {
                if !restricted_volumes::ALLOWED.contains(&v.as_str()) {
                    let what = if v == "*" {
                        "every volume type".to_string()
                    } else {
                        format!("{} volumes", quote(&v))
                    };
                    out.block(
                        format!("admits {what}, outside the Restricted volume types"),
                        p.at_item("volumes", i),
                    );
                }
            }
        }
        Control::AllowPrivilegeEscalation => {
            let at = p.at_key("allowPrivilegeEscalation");
            match p.flag("allowPrivilegeEscalation") {
                Some(false) => out.caveat(
                    "the PSP sets allowPrivilegeEscalation: false on containers that leave it \
                     unset; Pod Security Admission does not, so they must set it"
                        .into(),
                    at,
                ),
                Some(true) => out.block(
                    "allowPrivilegeEscalation: true admits containers that may escalate".into(),
                    at,
                ),
                None => out.block(
                    "allowPrivilegeEscalation is unset (true): admits containers that may \
                     escalate"
                        .into(),
                    at,
                ),
            }
        }
        Control::RunAsNonRoot => {
            let at = p.at(&[Seg::Key("runAsUser"), Seg::Key("rule")]);
            match p.rule("runAsUser").as_str() {
                "MustRunAsNonRoot" => out.caveat(
                    "MustRunAsNonRoot sets runAsNonRoot: true only on containers that set \
                     neither runAsNonRoot nor runAsUser; Pod Security Admission requires \
                     runAsNonRoot: true on every pod or container"
                        .into(),
                    at,
                ),
                "MustRunAs" => out.block(
                    "runAsUser MustRunAs never sets runAsNonRoot, which Restricted requires \
                     (use MustRunAsNonRoot)"
                        .into(),
                    at,
                ),
                rule => out.block(
                    format!(
                        "runAsUser.rule {} admits containers running as root",
                        quote(rule)
                    ),
                    at,
                ),
            }
        }
        Control::RunAsUser => match p.rule("runAsUser").as_str() {
            "MustRunAsNonRoot" => {}
            "MustRunAs" => {
                for (i, r) in p.ranges(&["runAsUser", "ranges"]) {
                    if r.contains(0) {
                        out.block(
                            format!("runAsUser range {} admits runAsUser: 0", r.display()),
                            p.at(&[Seg::Key("runAsUser"), Seg::Key("ranges"), Seg::Index(i)]),
                        );
                    }
                }
            }
            rule => out.block(
                format!("runAsUser.rule {} admits runAsUser: 0", quote(rule)),
                p.at(&[Seg::Key("runAsUser"), Seg::Key("rule")]),
            ),
        },
        Control::SeccompProfileRestricted => seccomp_restricted(out),
        Control::CapabilitiesRestricted => {
            let drops = p.strings("requiredDropCapabilities");
            if drops.iter().any(|(_, c)| c == "ALL") {
                out.caveat(
                    "the PSP adds ALL to every container's dropped capabilities; Pod Security \
                     Admission does not, so containers must drop ALL themselves"
                        .into(),
                    p.at_key("requiredDropCapabilities"),
                );
            } else {
                out.block(
                    "requiredDropCapabilities lacks ALL: admits containers that keep \
                     capabilities"
                        .into(),
                    p.at_key("requiredDropCapabilities"),
                );
            }
            for (cap, at) in addable(p) {
                if cap != "NET_BIND_SERVICE" {
                    let what = if cap == "*" {
                        "any capability".to_string()
                    } else {
                        format!("capability {}", quote(&cap))
                    };
                    out.block(
                        format!("admits adding {what}; Restricted allows only NET_BIND_SERVICE"),
                        at,
                    );
                }
            }
        }
    }
}

fn se_linux(out: &mut Out<'_, '_>, minor: u32) {
    let p = out.psp;
    let rule = p.rule("seLinux");
    if rule != "MustRunAs" {
        out.block(
            format!(
                "seLinux.rule {} admits any SELinux user, role and type",
                quote(&rule)
            ),
            p.at(&[Seg::Key("seLinux"), Seg::Key("rule")]),
        );
        return;
    }
    // MustRunAs gives every pod and container exactly these options.
    let Some(opts) = p.se_linux_options() else {
        return;
    };
    let at = |k| p.at(&[Seg::Key("seLinux"), Seg::Key("seLinuxOptions"), Seg::Key(k)]);
    let t = text_field(opts, "type");
    if !baseline_se_linux_type(&t, minor) {
        out.block(format!("sets the SELinux type {}", quote(&t)), at("type"));
    }
    for key in ["user", "role"] {
        if !text_field(opts, key).is_empty() {
            out.block(format!("sets an SELinux {key}"), at(key));
        }
    }
}

fn seccomp_restricted(out: &mut Out<'_, '_>) {
    let p = out.psp;
    let at = || p.at_annotation(SECCOMP_ALLOWED);
    let Some(profiles) = p.profiles(SECCOMP_ALLOWED) else {
        out.block(
            format!(
                "without {SECCOMP_ALLOWED} pods may not set a seccomp profile, and Restricted \
                 requires RuntimeDefault or Localhost"
            ),
            at(),
        );
        return;
    };
    if profiles.has("*") {
        out.block(
            "admits any seccomp profile, unconfined and none included".into(),
            at(),
        );
        return;
    }
    if profiles.has("unconfined") {
        out.block("admits the unconfined seccomp profile".into(), at());
    }
    let default = p.annotation(SECCOMP_DEFAULT).unwrap_or_default();
    let defaulted = confining_seccomp(&default);
    if profiles.has("") && !defaulted {
        out.block(
            "an empty entry admits pods without a seccomp profile".into(),
            at(),
        );
    }
    if defaulted && out.blockers.is_empty() {
        out.caveat(
            format!(
                "the PSP gives pods without a seccomp profile {}; Pod Security Admission \
                 does not, so they must set one",
                quote(&default)
            ),
            p.at_annotation(SECCOMP_DEFAULT),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn psp(spec: &str, annotations: &str) -> Object {
        let y = format!(
            "apiVersion: policy/v1beta1\nkind: PodSecurityPolicy\nmetadata:\n  name: p\n  annotations:\n{annotations}spec:\n{spec}"
        );
        let (mut objects, errors) = Object::parse_all("psp.yaml", &y);
        assert!(errors.is_empty(), "{errors:?}");
        objects.remove(0)
    }

    fn controls(e: &Equivalence) -> Vec<&'static str> {
        e.blockers.iter().map(|b| b.control.id()).collect()
    }

    const RESTRICTED: &str = "  privileged: false\n  allowPrivilegeEscalation: false\n  requiredDropCapabilities: [ALL]\n  volumes: [configMap, emptyDir, projected, secret, downwardAPI, csi, persistentVolumeClaim, ephemeral]\n  hostNetwork: false\n  hostIPC: false\n  hostPID: false\n  runAsUser: {rule: MustRunAsNonRoot}\n  seLinux: {rule: RunAsAny}\n  supplementalGroups: {rule: MustRunAs, ranges: [{min: 1, max: 65535}]}\n  fsGroup: {rule: MustRunAs, ranges: [{min: 1, max: 65535}]}\n  readOnlyRootFilesystem: false\n";
    const RESTRICTED_ANNOTATIONS: &str = "    seccomp.security.alpha.kubernetes.io/allowedProfileNames: 'docker/default,runtime/default'\n    apparmor.security.beta.kubernetes.io/allowedProfileNames: runtime/default\n    seccomp.security.alpha.kubernetes.io/defaultProfileName: runtime/default\n    apparmor.security.beta.kubernetes.io/defaultProfileName: runtime/default\n";

    #[test]
    fn upstream_restricted_example_needs_selinux_must_run_as() {
        // Upstream's example "restricted" PSP leaves seLinux at RunAsAny, which admits any
        // SELinux options: Baseline forbids custom types, users and roles.
        let e = equivalent_level(&psp(RESTRICTED, RESTRICTED_ANNOTATIONS));
        assert_eq!(e.level, Level::Privileged);
        assert_eq!(controls(&e), ["seLinuxOptions"]);
        let fixed = RESTRICTED.replace(
            "{rule: RunAsAny}",
            "{rule: MustRunAs, seLinuxOptions: {level: 's0:c123,c456'}}",
        );
        let e = equivalent_level(&psp(&fixed, RESTRICTED_ANNOTATIONS));
        assert_eq!(e.level, Level::Restricted, "{:?}", e.blockers);
        assert!(e.reasons().next().is_none());
        let caveats: Vec<&str> = e.caveats.iter().map(|c| c.control.id()).collect();
        assert_eq!(
            caveats,
            [
                "hostProbesAndHostLifecycle",
                "allowPrivilegeEscalation",
                "runAsNonRoot",
                "seccompProfile_restricted",
                "capabilities_restricted",
            ]
        );
    }

    #[test]
    fn privileged_policy() {
        let e = equivalent_level(&psp(
            "  privileged: true\n  allowPrivilegeEscalation: true\n  allowedCapabilities: ['*']\n  volumes: ['*']\n  hostNetwork: true\n  hostPorts: [{min: 0, max: 65535}]\n  hostIPC: true\n  hostPID: true\n  runAsUser: {rule: RunAsAny}\n  seLinux: {rule: RunAsAny}\n  supplementalGroups: {rule: RunAsAny}\n  fsGroup: {rule: RunAsAny}\n",
            "    seccomp.security.alpha.kubernetes.io/allowedProfileNames: '*'\n",
        ));
        assert_eq!(e.level, Level::Privileged);
        let reasons: Vec<&str> = e.reasons().map(|b| b.control.id()).collect();
        assert_eq!(
            reasons,
            [
                "hostNamespaces",
                "hostNamespaces",
                "hostNamespaces",
                "privileged",
                "capabilities_baseline",
                "hostPathVolumes",
                "hostPorts",
                "appArmorProfile",
                "seLinuxOptions",
                "seccompProfile_baseline",
                "windowsHostProcess",
            ]
        );
        assert!(
            e.blocking(Level::Restricted)
                .any(|b| b.control == Control::RunAsUser)
        );
    }

    #[test]
    fn versions_change_the_controls() {
        let base = "  allowPrivilegeEscalation: false\n  volumes: [secret]\n  runAsUser: {rule: MustRunAsNonRoot}\n  seLinux: {rule: MustRunAs, seLinuxOptions: {type: container_engine_t}}\n  allowedUnsafeSysctls: [net.ipv4.tcp_keepalive_time]\n";
        let ann = "    apparmor.security.beta.kubernetes.io/allowedProfileNames: runtime/default\n";
        let o = psp(base, ann);
        // container_engine_t is Baseline from v1.31, tcp_keepalive_time safe from v1.29.
        let old = equivalent_level_at(&o, Version::V(30));
        assert_eq!(old.level, Level::Privileged);
        assert_eq!(
            old.reasons().map(|b| b.control.id()).collect::<Vec<_>>(),
            ["seLinuxOptions"]
        );
        let new = equivalent_level_at(&o, Version::V(31));
        assert_eq!(new.level, Level::Baseline);
        // Restricted: no seccomp restriction (v1.19+), no drop ALL (v1.22+).
        assert_eq!(
            controls(&new),
            ["seccompProfile_restricted", "capabilities_restricted"]
        );
        let v18 = equivalent_level_at(
            &psp(&base.replace("container_engine_t", "''"), ann),
            Version::V(18),
        );
        assert_eq!(
            v18.level,
            Level::Privileged,
            "tcp_keepalive_time is unsafe at v1.18"
        );
        let v18 = equivalent_level_at(
            &psp(
                &base
                    .replace("container_engine_t", "''")
                    .replace("[net.ipv4.tcp_keepalive_time]", "[]"),
                ann,
            ),
            Version::V(18),
        );
        assert_eq!(v18.level, Level::Restricted, "{:?}", v18.blockers);
    }

    #[test]
    fn run_as_user_rules_and_ranges() {
        let level = |ru: &str| {
            let spec = format!(
                "  allowPrivilegeEscalation: false\n  requiredDropCapabilities: [ALL]\n  volumes: [secret]\n  runAsUser: {ru}\n  seLinux: {{rule: MustRunAs, seLinuxOptions: {{}}}}\n"
            );
            let ann = "    seccomp.security.alpha.kubernetes.io/allowedProfileNames: runtime/default\n    apparmor.security.beta.kubernetes.io/allowedProfileNames: runtime/default\n";
            let e = equivalent_level(&psp(&spec, ann));
            (e.level, controls(&e))
        };
        assert_eq!(
            level("{rule: MustRunAsNonRoot}"),
            (Level::Restricted, vec![])
        );
        assert_eq!(
            level("{rule: MustRunAs, ranges: [{min: 1000, max: 2000}]}"),
            (Level::Baseline, vec!["runAsNonRoot"])
        );
        assert_eq!(
            level("{rule: MustRunAs, ranges: [{min: 0, max: 2000}]}"),
            (Level::Baseline, vec!["runAsNonRoot", "runAsUser"])
        );
        assert_eq!(
            level("{rule: RunAsAny}"),
            (Level::Baseline, vec!["runAsNonRoot", "runAsUser"])
        );
    }

    #[test]
    fn seccomp_lists() {
        let level = |value: &str, default: &str| {
            let spec = "  allowPrivilegeEscalation: false\n  requiredDropCapabilities: [ALL]\n  volumes: [secret]\n  runAsUser: {rule: MustRunAsNonRoot}\n  seLinux: {rule: MustRunAs, seLinuxOptions: {}}\n";
            let mut ann = format!(
                "    seccomp.security.alpha.kubernetes.io/allowedProfileNames: '{value}'\n    apparmor.security.beta.kubernetes.io/allowedProfileNames: 'runtime/default,'\n"
            );
            if !default.is_empty() {
                ann.push_str(&format!(
                    "    seccomp.security.alpha.kubernetes.io/defaultProfileName: {default}\n"
                ));
            }
            equivalent_level(&psp(spec, &ann)).level
        };
        assert_eq!(level("runtime/default", ""), Level::Restricted);
        assert_eq!(level("localhost/profiles/a.json", ""), Level::Restricted);
        assert_eq!(level("runtime/default,", ""), Level::Baseline);
        assert_eq!(
            level("runtime/default,", "runtime/default"),
            Level::Restricted
        );
        assert_eq!(level("runtime/default,unconfined", ""), Level::Privileged);
        assert_eq!(level("*", "runtime/default"), Level::Privileged);
    }

    #[test]
    fn capabilities_and_volumes() {
        let spec = "  allowPrivilegeEscalation: false\n  requiredDropCapabilities: [ALL]\n  allowedCapabilities: [NET_BIND_SERVICE, CHOWN]\n  volumes: [secret, nfs]\n  runAsUser: {rule: MustRunAsNonRoot}\n  seLinux: {rule: MustRunAs, seLinuxOptions: {}}\n";
        let ann = "    seccomp.security.alpha.kubernetes.io/allowedProfileNames: runtime/default\n    apparmor.security.beta.kubernetes.io/allowedProfileNames: runtime/default\n";
        let e = equivalent_level(&psp(spec, ann));
        assert_eq!(e.level, Level::Baseline);
        let got: Vec<(&str, &str)> = e
            .blockers
            .iter()
            .map(|b| (b.control.id(), b.field.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("restrictedVolumes", "spec.volumes[1]"),
                ("capabilities_restricted", "spec.allowedCapabilities[1]"),
            ]
        );
        // Before v1.22 Restricted only had the Baseline capability list.
        let e21 = equivalent_level_at(&psp(spec, ann), Version::V(21));
        assert_eq!(controls(&e21), ["restrictedVolumes"]);
        let sys = equivalent_level(&psp(
            &spec.replace("[NET_BIND_SERVICE, CHOWN]", "[SYS_ADMIN]"),
            ann,
        ));
        assert_eq!(sys.level, Level::Privileged);
        assert_eq!(
            sys.reasons().map(|b| b.field.as_str()).collect::<Vec<_>>(),
            ["spec.allowedCapabilities[0]"]
        );
    }

    #[test]
    fn proc_mount_blocks_both_levels_from_v1_35() {
        let spec = "  allowedProcMountTypes: [Default, Unmasked]\n";
        let e = equivalent_level(&psp(spec, "    {}\n"));
        assert!(e.blockers.iter().any(|b| b.control == Control::ProcMount));
        assert!(
            e.blockers
                .iter()
                .any(|b| b.control == Control::ProcMountRestricted)
        );
        let e34 = equivalent_level_at(&psp(spec, "    {}\n"), Version::V(34));
        assert!(
            e34.blockers
                .iter()
                .all(|b| b.control != Control::ProcMountRestricted)
        );
    }
}
