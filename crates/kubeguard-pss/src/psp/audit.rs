//! The audit of one PodSecurityPolicy: every setting that lets pods do something the seed
//! practices forbid, as a located finding with a stable rule ID.

use std::fmt;

use kubeguard_model::{FieldRef, Object, Seg};
use kubeguard_source::Location;

use super::spec::{APPARMOR_ALLOWED, Psp, SECCOMP_ALLOWED, SECCOMP_DEFAULT};
use crate::pod::{quote, text_field};
use crate::version::NEWEST_MINOR;

/// One rule of the PSP audit, named by a stable ID ([`PspRule::id`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PspRule {
    /// `psp-privileged`: `privileged: true`.
    Privileged,
    /// `psp-host-network`: `hostNetwork: true`.
    HostNetwork,
    /// `psp-host-pid`: `hostPID: true`.
    HostPid,
    /// `psp-host-ipc`: `hostIPC: true`.
    HostIpc,
    /// `psp-host-ports`: a `hostPorts` range admitting a port.
    HostPorts,
    /// `psp-allow-privilege-escalation`: `allowPrivilegeEscalation` not `false` (unset is
    /// `true`).
    AllowPrivilegeEscalation,
    /// `psp-default-allow-privilege-escalation`: escalation allowed and
    /// `defaultAllowPrivilegeEscalation` not `false`, so containers escalate by default.
    DefaultAllowPrivilegeEscalation,
    /// `psp-run-as-root`: `runAsUser` lets UID 0 through (`RunAsAny`, a `MustRunAs` range
    /// with 0, no rule).
    RunAsRoot,
    /// `psp-writable-root-filesystem`: `readOnlyRootFilesystem` not `true`.
    WritableRootFilesystem,
    /// `psp-proc-mount`: `allowedProcMountTypes` with a type other than `Default`.
    ProcMount,
    /// `psp-allowed-capabilities`: an entry of `allowedCapabilities` (`*` for any).
    AllowedCapabilities,
    /// `psp-default-add-capabilities`: an entry of `defaultAddCapabilities`.
    DefaultAddCapabilities,
    /// `psp-drop-all-not-required`: `requiredDropCapabilities` without `ALL`.
    DropAllNotRequired,
    /// `psp-seccomp`: no seccomp restriction (annotation absent, `*`, `unconfined`, or an
    /// empty entry with no default profile).
    Seccomp,
    /// `psp-selinux`: `seLinux.rule` not `MustRunAs`, or options Baseline forbids.
    SeLinux,
    /// `psp-apparmor`: no AppArmor restriction (annotation absent, or `unconfined` allowed).
    AppArmor,
    /// `psp-host-path-volumes`: `volumes` with `hostPath` or `*`.
    HostPathVolumes,
    /// `psp-host-path-writable`: hostPath allowed with `allowedHostPaths` empty (any path) or
    /// an entry that is not `readOnly`.
    HostPathWritable,
    /// `psp-unsafe-sysctls`: an entry of `allowedUnsafeSysctls`.
    UnsafeSysctls,
}

impl PspRule {
    /// Every rule, in report order.
    pub const ALL: [PspRule; 19] = [
        PspRule::Privileged,
        PspRule::HostNetwork,
        PspRule::HostPid,
        PspRule::HostIpc,
        PspRule::HostPorts,
        PspRule::AllowPrivilegeEscalation,
        PspRule::DefaultAllowPrivilegeEscalation,
        PspRule::RunAsRoot,
        PspRule::WritableRootFilesystem,
        PspRule::ProcMount,
        PspRule::AllowedCapabilities,
        PspRule::DefaultAddCapabilities,
        PspRule::DropAllNotRequired,
        PspRule::Seccomp,
        PspRule::SeLinux,
        PspRule::AppArmor,
        PspRule::HostPathVolumes,
        PspRule::HostPathWritable,
        PspRule::UnsafeSysctls,
    ];

    /// The stable rule ID (`psp-host-network`).
    pub fn id(self) -> &'static str {
        match self {
            PspRule::Privileged => "psp-privileged",
            PspRule::HostNetwork => "psp-host-network",
            PspRule::HostPid => "psp-host-pid",
            PspRule::HostIpc => "psp-host-ipc",
            PspRule::HostPorts => "psp-host-ports",
            PspRule::AllowPrivilegeEscalation => "psp-allow-privilege-escalation",
            PspRule::DefaultAllowPrivilegeEscalation => "psp-default-allow-privilege-escalation",
            PspRule::RunAsRoot => "psp-run-as-root",
            PspRule::WritableRootFilesystem => "psp-writable-root-filesystem",
            PspRule::ProcMount => "psp-proc-mount",
            PspRule::AllowedCapabilities => "psp-allowed-capabilities",
            PspRule::DefaultAddCapabilities => "psp-default-add-capabilities",
            PspRule::DropAllNotRequired => "psp-drop-all-not-required",
            PspRule::Seccomp => "psp-seccomp",
            PspRule::SeLinux => "psp-selinux",
            PspRule::AppArmor => "psp-apparmor",
            PspRule::HostPathVolumes => "psp-host-path-volumes",
            PspRule::HostPathWritable => "psp-host-path-writable",
            PspRule::UnsafeSysctls => "psp-unsafe-sysctls",
        }
    }

    /// The rule with ID `id`.
    pub fn from_id(id: &str) -> Option<PspRule> {
        PspRule::ALL.into_iter().find(|r| r.id() == id)
    }

    /// A short human title.
    pub fn title(self) -> &'static str {
        match self {
            PspRule::Privileged => "Privileged containers allowed",
            PspRule::HostNetwork => "Host network allowed",
            PspRule::HostPid => "Host PID namespace allowed",
            PspRule::HostIpc => "Host IPC namespace allowed",
            PspRule::HostPorts => "Host ports allowed",
            PspRule::AllowPrivilegeEscalation => "Privilege escalation allowed",
            PspRule::DefaultAllowPrivilegeEscalation => "Privilege escalation by default",
            PspRule::RunAsRoot => "Running as root allowed",
            PspRule::WritableRootFilesystem => "Writable root filesystem allowed",
            PspRule::ProcMount => "Non-default /proc mount allowed",
            PspRule::AllowedCapabilities => "Capabilities may be added",
            PspRule::DefaultAddCapabilities => "Capabilities added by default",
            PspRule::DropAllNotRequired => "Dropping all capabilities not required",
            PspRule::Seccomp => "No seccomp restriction",
            PspRule::SeLinux => "No SELinux restriction",
            PspRule::AppArmor => "No AppArmor restriction",
            PspRule::HostPathVolumes => "hostPath volumes allowed",
            PspRule::HostPathWritable => "Writable or unrestricted host paths",
            PspRule::UnsafeSysctls => "Unsafe sysctls allowed",
        }
    }
}

impl fmt::Display for PspRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// One permissive setting of a PodSecurityPolicy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PspFinding {
    /// The rule it breaks.
    pub rule: PspRule,
    /// What the setting lets pods do.
    pub message: String,
    /// Dotted path of the setting (`spec.hostNetwork`, `metadata.annotations[key]`), also
    /// when it is absent and should be set.
    pub field: String,
    /// Where the setting is, or its nearest existing parent when it is absent; `None` for
    /// objects without source text.
    pub location: Option<Location>,
}

/// The audit of one PodSecurityPolicy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PspAudit {
    /// `metadata.name`.
    pub name: String,
    /// Where the object is (its `kind:` entry); `None` without source text.
    pub location: Option<Location>,
    /// Every permissive setting, in [`PspRule::ALL`] order, then document order.
    pub findings: Vec<PspFinding>,
}

impl PspAudit {
    /// The findings of one rule.
    pub fn of(&self, rule: PspRule) -> impl Iterator<Item = &PspFinding> {
        self.findings.iter().filter(move |f| f.rule == rule)
    }
}

/// Audits a PodSecurityPolicy (see [`super::is_pod_security_policy`]) against the seed
/// practices. Other objects are read the same way and give meaningless findings.
pub fn audit(psp: &Object) -> PspAudit {
    let p = Psp::new(psp);
    let mut out = Vec::new();
    let mut add = |rule: PspRule, message: String, field: FieldRef| {
        out.push(PspFinding {
            rule,
            message,
            location: p.location(&field),
            field: field.path,
        });
    };

    if p.flag("privileged") == Some(true) {
        add(
            PspRule::Privileged,
            "allows privileged containers (privileged: true)".into(),
            p.at_key("privileged"),
        );
    }
    for (rule, key, what) in [
        (PspRule::HostNetwork, "hostNetwork", "the host network"),
        (PspRule::HostPid, "hostPID", "the host PID namespace"),
        (PspRule::HostIpc, "hostIPC", "the host IPC namespace"),
    ] {
        if p.flag(key) == Some(true) {
            add(
                rule,
                format!("allows pods to use {what} ({key}: true)"),
                p.at_key(key),
            );
        }
    }
    for (i, r) in p.ranges(&["hostPorts"]) {
        if admits_host_port(r) {
            add(
                PspRule::HostPorts,
                format!("allows host ports {}", r.display()),
                p.at_item("hostPorts", i),
            );
        }
    }

    let escalation = p.flag("allowPrivilegeEscalation");
    if escalation != Some(false) {
        let why = match escalation {
            Some(_) => "allowPrivilegeEscalation: true",
            None => "allowPrivilegeEscalation is unset, which defaults to true",
        };
        add(
            PspRule::AllowPrivilegeEscalation,
            format!("allows privilege escalation ({why})"),
            p.at_key("allowPrivilegeEscalation"),
        );
        if p.flag("defaultAllowPrivilegeEscalation") != Some(false) {
            add(
                PspRule::DefaultAllowPrivilegeEscalation,
                "containers that do not set allowPrivilegeEscalation may escalate \
                 (defaultAllowPrivilegeEscalation is not false)"
                    .into(),
                p.at_key("defaultAllowPrivilegeEscalation"),
            );
        }
    }

    run_as_root(&p, &mut add);

    if p.flag("readOnlyRootFilesystem") != Some(true) {
        add(
            PspRule::WritableRootFilesystem,
            "allows a writable root filesystem (readOnlyRootFilesystem is not true)".into(),
            p.at_key("readOnlyRootFilesystem"),
        );
    }
    for (i, t) in p.strings("allowedProcMountTypes") {
        if t != "Default" {
            add(
                PspRule::ProcMount,
                format!("allows procMount {} (an unmasked /proc)", quote(&t)),
                p.at_item("allowedProcMountTypes", i),
            );
        }
    }

    for (i, cap) in p.strings("allowedCapabilities") {
        let message = if cap == "*" {
            "allows adding any capability (allowedCapabilities: *)".to_string()
        } else {
            format!("allows adding capability {cap}")
        };
        add(
            PspRule::AllowedCapabilities,
            message,
            p.at_item("allowedCapabilities", i),
        );
    }
    for (i, cap) in p.strings("defaultAddCapabilities") {
        add(
            PspRule::DefaultAddCapabilities,
            format!("adds capability {cap} to every container"),
            p.at_item("defaultAddCapabilities", i),
        );
    }
    if !p
        .strings("requiredDropCapabilities")
        .iter()
        .any(|(_, c)| c == "ALL")
    {
        add(
            PspRule::DropAllNotRequired,
            "does not require dropping all capabilities (requiredDropCapabilities lacks ALL)"
                .into(),
            p.at_key("requiredDropCapabilities"),
        );
    }

    seccomp(&p, &mut add);
    se_linux(&p, &mut add);
    app_armor(&p, &mut add);
    host_paths(&p, &mut add);

    for (i, name) in p.strings("allowedUnsafeSysctls") {
        let message = if name == "*" {
            "allows every unsafe sysctl (allowedUnsafeSysctls: *)".to_string()
        } else {
            format!("allows unsafe sysctl {name}")
        };
        add(
            PspRule::UnsafeSysctls,
            message,
            p.at_item("allowedUnsafeSysctls", i),
        );
    }

    let kind = kubeguard_model::FieldRef {
        path: String::new(),
        span: psp.anchor_span(),
        present: true,
    };
    PspAudit {
        name: psp.name.clone(),
        location: p.location(&kind),
        findings: out,
    }
}

/// Whether a host port range admits a port a pod can use (`hostPort` 0 means none).
pub(crate) fn admits_host_port(r: super::spec::Range) -> bool {
    r.max >= 1 && r.max >= r.min
}

type Add<'x> = dyn FnMut(PspRule, String, FieldRef) + 'x;

fn run_as_root(p: &Psp<'_>, add: &mut Add<'_>) {
    let rule_at = || p.at(&[Seg::Key("runAsUser"), Seg::Key("rule")]);
    match p.rule("runAsUser").as_str() {
        "MustRunAsNonRoot" => {}
        "MustRunAs" => {
            for (i, r) in p.ranges(&["runAsUser", "ranges"]) {
                if r.contains(0) {
                    add(
                        PspRule::RunAsRoot,
                        format!(
                            "allows running as root (runAsUser range {} includes UID 0)",
                            r.display()
                        ),
                        p.at(&[Seg::Key("runAsUser"), Seg::Key("ranges"), Seg::Index(i)]),
                    );
                }
            }
        }
        "RunAsAny" => add(
            PspRule::RunAsRoot,
            "allows running as root (runAsUser.rule: RunAsAny)".into(),
            rule_at(),
        ),
        "" => add(
            PspRule::RunAsRoot,
            "runAsUser.rule is unset: nothing keeps containers from running as root".into(),
            rule_at(),
        ),
        other => add(
            PspRule::RunAsRoot,
            format!(
                "runAsUser.rule {} is not MustRunAsNonRoot or MustRunAs: nothing keeps \
                 containers from running as root",
                quote(other)
            ),
            rule_at(),
        ),
    }
}

/// Seccomp profile names that confine: the runtime's default or a node-local profile.
pub(crate) fn confining_seccomp(profile: &str) -> bool {
    profile == "runtime/default" || profile == "docker/default" || profile.starts_with("localhost/")
}

fn seccomp(p: &Psp<'_>, add: &mut Add<'_>) {
    let at = || p.at_annotation(SECCOMP_ALLOWED);
    let Some(profiles) = p.profiles(SECCOMP_ALLOWED) else {
        add(
            PspRule::Seccomp,
            format!(
                "no seccomp restriction: without {SECCOMP_ALLOWED} pods may not set a profile \
                 and run unconfined"
            ),
            at(),
        );
        return;
    };
    if profiles.has("*") {
        add(
            PspRule::Seccomp,
            "allows any seccomp profile, unconfined included (allowedProfileNames: *)".into(),
            at(),
        );
    } else if profiles.has("unconfined") {
        add(
            PspRule::Seccomp,
            "allows the unconfined seccomp profile".into(),
            at(),
        );
    }
    // An empty entry admits pods without a profile, unless the default profile fills it in.
    let default = p.annotation(SECCOMP_DEFAULT).unwrap_or_default();
    if profiles.has("") && !profiles.has("*") && !confining_seccomp(&default) {
        add(
            PspRule::Seccomp,
            format!(
                "allows pods without a seccomp profile (empty entry in {}) and sets no \
                 confining default",
                quote(&profiles.value)
            ),
            at(),
        );
    }
}

/// SELinux types Baseline allows at policy minor version `minor`.
pub(crate) fn baseline_se_linux_type(t: &str, minor: u32) -> bool {
    matches!(
        t,
        "" | "container_t" | "container_init_t" | "container_kvm_t"
    ) || (minor >= 31 && t == "container_engine_t")
}

fn se_linux(p: &Psp<'_>, add: &mut Add<'_>) {
    let rule = p.rule("seLinux");
    let rule_at = || p.at(&[Seg::Key("seLinux"), Seg::Key("rule")]);
    match rule.as_str() {
        "MustRunAs" => {
            let Some(opts) = p.se_linux_options() else {
                return;
            };
            let opt_at = |k| p.at(&[Seg::Key("seLinux"), Seg::Key("seLinuxOptions"), Seg::Key(k)]);
            let t = text_field(opts, "type");
            if !baseline_se_linux_type(&t, NEWEST_MINOR) {
                add(
                    PspRule::SeLinux,
                    format!("gives pods SELinux type {}", quote(&t)),
                    opt_at("type"),
                );
            }
            for key in ["user", "role"] {
                let v = text_field(opts, key);
                if !v.is_empty() {
                    add(
                        PspRule::SeLinux,
                        format!("gives pods SELinux {key} {}", quote(&v)),
                        opt_at(key),
                    );
                }
            }
        }
        "RunAsAny" => add(
            PspRule::SeLinux,
            "no SELinux restriction (seLinux.rule: RunAsAny): pods may set any user, role and type"
                .into(),
            rule_at(),
        ),
        _ => add(
            PspRule::SeLinux,
            format!(
                "no SELinux restriction (seLinux.rule {} is not MustRunAs)",
                quote(&rule)
            ),
            rule_at(),
        ),
    }
}

fn app_armor(p: &Psp<'_>, add: &mut Add<'_>) {
    let at = || p.at_annotation(APPARMOR_ALLOWED);
    match p.profiles(APPARMOR_ALLOWED) {
        None => add(
            PspRule::AppArmor,
            format!(
                "no AppArmor restriction: without {APPARMOR_ALLOWED} containers may run unconfined"
            ),
            at(),
        ),
        Some(profiles) if profiles.has("unconfined") => add(
            PspRule::AppArmor,
            "allows the unconfined AppArmor profile".into(),
            at(),
        ),
        Some(_) => {}
    }
}

fn host_paths(p: &Psp<'_>, add: &mut Add<'_>) {
    let mut host_path_allowed = false;
    for (i, v) in p.strings("volumes") {
        let message = match v.as_str() {
            "hostPath" => "allows hostPath volumes",
            "*" => "allows every volume type, hostPath included (volumes: *)",
            _ => continue,
        };
        host_path_allowed = true;
        add(
            PspRule::HostPathVolumes,
            message.into(),
            p.at_item("volumes", i),
        );
    }
    if !host_path_allowed {
        return;
    }
    let prefixes = p.items("allowedHostPaths");
    if prefixes.is_empty() {
        add(
            PspRule::HostPathWritable,
            "hostPath volumes may mount any host path, writable (allowedHostPaths is empty)".into(),
            p.at_key("allowedHostPaths"),
        );
    }
    for (i, entry) in prefixes {
        if entry.get("readOnly").and_then(|n| n.as_bool()) != Some(true) {
            add(
                PspRule::HostPathWritable,
                format!(
                    "host path prefix {} may be mounted writable (readOnly is not true)",
                    quote(&text_field(entry, "pathPrefix"))
                ),
                p.at(&[
                    Seg::Key("allowedHostPaths"),
                    Seg::Index(i),
                    Seg::Key("readOnly"),
                ]),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(spec: &str, annotations: &str) -> PspAudit {
        let y = format!(
            "apiVersion: policy/v1beta1\nkind: PodSecurityPolicy\nmetadata:\n  name: p\n  annotations:\n{annotations}spec:\n{spec}"
        );
        let (objects, errors) = Object::parse_all("psp.yaml", &y);
        assert!(errors.is_empty(), "{errors:?}");
        audit(&objects[0])
    }

    fn rules(a: &PspAudit) -> Vec<&'static str> {
        a.findings.iter().map(|f| f.rule.id()).collect()
    }

    const LOCKED: &str = "  privileged: false\n  allowPrivilegeEscalation: false\n  requiredDropCapabilities: [ALL]\n  volumes: [configMap, secret]\n  runAsUser: {rule: MustRunAsNonRoot}\n  seLinux: {rule: MustRunAs, seLinuxOptions: {type: container_t, level: 's0:c1'}}\n  readOnlyRootFilesystem: true\n";
    const LOCKED_ANNOTATIONS: &str = "    seccomp.security.alpha.kubernetes.io/allowedProfileNames: runtime/default\n    apparmor.security.beta.kubernetes.io/allowedProfileNames: runtime/default\n";

    #[test]
    fn ids_round_trip() {
        for r in PspRule::ALL {
            assert_eq!(PspRule::from_id(r.id()), Some(r));
            assert_eq!(r.to_string(), r.id());
            assert!(!r.title().is_empty());
        }
        assert_eq!(PspRule::from_id("psp-nope"), None);
    }

    #[test]
    fn locked_down_policy_has_no_findings() {
        let a = run(LOCKED, LOCKED_ANNOTATIONS);
        assert_eq!(a.findings, vec![]);
        assert_eq!(a.name, "p");
        let loc = a.location.expect("located");
        assert_eq!((loc.start.line, loc.start.column), (2, 1));
    }

    #[test]
    fn empty_policy_is_permissive_where_defaults_are() {
        // Absent fields: escalation defaults to allowed, no drop, no strategies, no
        // annotations; host namespaces and privileged default to off.
        let a = run("  volumes: [secret]\n", "    {}\n");
        assert_eq!(
            rules(&a),
            [
                "psp-allow-privilege-escalation",
                "psp-default-allow-privilege-escalation",
                "psp-run-as-root",
                "psp-writable-root-filesystem",
                "psp-drop-all-not-required",
                "psp-seccomp",
                "psp-selinux",
                "psp-apparmor",
            ]
        );
        let esc = &a.findings[0];
        assert_eq!(esc.field, "spec.allowPrivilegeEscalation");
        // Absent: located at the nearest parent (`spec:` on line 7).
        let loc = esc.location.as_ref().expect("located");
        assert_eq!(loc.start.line, 7);
        assert!(esc.message.contains("defaults to true"));
    }

    #[test]
    fn each_permissive_setting_is_reported_where_it_is() {
        let spec = "  privileged: true\n  hostNetwork: true\n  hostPID: true\n  hostIPC: true\n  hostPorts: [{min: 0, max: 0}, {min: 80, max: 443}, {min: 10, max: 5}]\n  allowPrivilegeEscalation: true\n  defaultAllowPrivilegeEscalation: false\n  runAsUser:\n    rule: MustRunAs\n    ranges: [{min: 1, max: 10}, {min: 0, max: 65535}]\n  allowedProcMountTypes: [Default, Unmasked]\n  allowedCapabilities: ['*']\n  defaultAddCapabilities: [NET_ADMIN]\n  requiredDropCapabilities: [NET_RAW]\n  seLinux: {rule: MustRunAs, seLinuxOptions: {type: spc_t, user: u, role: ''}}\n  volumes: [configMap, hostPath]\n  allowedHostPaths: [{pathPrefix: /var/log, readOnly: true}, {pathPrefix: /data}]\n  allowedUnsafeSysctls: [kernel.msg*, '*']\n";
        let annotations = "    seccomp.security.alpha.kubernetes.io/allowedProfileNames: 'runtime/default,unconfined'\n    apparmor.security.beta.kubernetes.io/allowedProfileNames: runtime/default,unconfined\n";
        let a = run(spec, annotations);
        let got: Vec<(&str, &str)> = a
            .findings
            .iter()
            .map(|f| (f.rule.id(), f.field.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("psp-privileged", "spec.privileged"),
                ("psp-host-network", "spec.hostNetwork"),
                ("psp-host-pid", "spec.hostPID"),
                ("psp-host-ipc", "spec.hostIPC"),
                ("psp-host-ports", "spec.hostPorts[1]"),
                (
                    "psp-allow-privilege-escalation",
                    "spec.allowPrivilegeEscalation"
                ),
                ("psp-run-as-root", "spec.runAsUser.ranges[1]"),
                (
                    "psp-writable-root-filesystem",
                    "spec.readOnlyRootFilesystem"
                ),
                ("psp-proc-mount", "spec.allowedProcMountTypes[1]"),
                ("psp-allowed-capabilities", "spec.allowedCapabilities[0]"),
                (
                    "psp-default-add-capabilities",
                    "spec.defaultAddCapabilities[0]"
                ),
                ("psp-drop-all-not-required", "spec.requiredDropCapabilities"),
                (
                    "psp-seccomp",
                    "metadata.annotations[seccomp.security.alpha.kubernetes.io/allowedProfileNames]"
                ),
                ("psp-selinux", "spec.seLinux.seLinuxOptions.type"),
                ("psp-selinux", "spec.seLinux.seLinuxOptions.user"),
                (
                    "psp-apparmor",
                    "metadata.annotations[apparmor.security.beta.kubernetes.io/allowedProfileNames]"
                ),
                ("psp-host-path-volumes", "spec.volumes[1]"),
                (
                    "psp-host-path-writable",
                    "spec.allowedHostPaths[1].readOnly"
                ),
                ("psp-unsafe-sysctls", "spec.allowedUnsafeSysctls[0]"),
                ("psp-unsafe-sysctls", "spec.allowedUnsafeSysctls[1]"),
            ]
        );
        let ports = a.of(PspRule::HostPorts).next().expect("host ports");
        assert_eq!(ports.message, "allows host ports 80-443");
        let loc = ports.location.as_ref().expect("located");
        assert_eq!(loc.start.line, 13);
    }

    #[test]
    fn seccomp_and_apparmor_lists() {
        let seccomp = |value: &str, default: &str| {
            let mut ann = format!(
                "    seccomp.security.alpha.kubernetes.io/allowedProfileNames: '{value}'\n    apparmor.security.beta.kubernetes.io/allowedProfileNames: ''\n"
            );
            if !default.is_empty() {
                ann.push_str(&format!(
                    "    seccomp.security.alpha.kubernetes.io/defaultProfileName: '{default}'\n"
                ));
            }
            run(LOCKED, &ann)
                .findings
                .into_iter()
                .map(|f| f.message)
                .collect::<Vec<_>>()
        };
        assert!(seccomp("runtime/default", "").is_empty());
        assert!(seccomp("localhost/a.json,docker/default", "").is_empty());
        assert_eq!(seccomp("*", "runtime/default").len(), 1);
        assert_eq!(seccomp("unconfined", "").len(), 1);
        assert_eq!(seccomp("runtime/default,", "").len(), 1);
        // The default profile fills in pods without one.
        assert!(seccomp("runtime/default,", "runtime/default").is_empty());
        assert_eq!(seccomp(",unconfined", "").len(), 2);
    }

    #[test]
    fn host_paths_need_read_only_prefixes() {
        let a = run(
            "  volumes: ['*']\n  allowedHostPaths: []\n",
            LOCKED_ANNOTATIONS,
        );
        let hp: Vec<&str> = a
            .findings
            .iter()
            .filter(|f| matches!(f.rule, PspRule::HostPathVolumes | PspRule::HostPathWritable))
            .map(|f| f.field.as_str())
            .collect();
        assert_eq!(hp, ["spec.volumes[0]", "spec.allowedHostPaths"]);
        let ro = run(
            "  volumes: [hostPath]\n  allowedHostPaths: [{pathPrefix: /a, readOnly: true}]\n",
            LOCKED_ANNOTATIONS,
        );
        assert_eq!(ro.of(PspRule::HostPathWritable).count(), 0);
        assert_eq!(ro.of(PspRule::HostPathVolumes).count(), 1);
    }

    #[test]
    fn run_as_user_rules() {
        let root = |ru: &str| {
            run(
                &LOCKED.replace("{rule: MustRunAsNonRoot}", ru),
                LOCKED_ANNOTATIONS,
            )
            .of(PspRule::RunAsRoot)
            .map(|f| f.field.clone())
            .collect::<Vec<_>>()
        };
        assert_eq!(
            root("{rule: MustRunAs, ranges: [{min: 1, max: 5}]}"),
            Vec::<String>::new()
        );
        assert_eq!(
            root("{rule: MustRunAs, ranges: [{max: 5}]}"),
            ["spec.runAsUser.ranges[0]"]
        );
        assert_eq!(root("{rule: RunAsAny}"), ["spec.runAsUser.rule"]);
        assert_eq!(root("{rule: Whatever}"), ["spec.runAsUser.rule"]);
        assert_eq!(root("null"), ["spec.runAsUser.rule"]);
    }

    #[test]
    fn objects_without_text_have_no_locations() {
        let src = Object::parse_all(
            "p.yaml",
            "apiVersion: policy/v1beta1\nkind: PodSecurityPolicy\nmetadata: {name: p}\nspec: {privileged: true}\n",
        )
        .0
        .remove(0);
        let o = Object::from_node("mem", src.root.clone()).expect("object");
        let a = audit(&o);
        assert!(a.location.is_none());
        assert!(!a.findings.is_empty());
        assert!(a.findings.iter().all(|f| f.location.is_none()));
    }
}
