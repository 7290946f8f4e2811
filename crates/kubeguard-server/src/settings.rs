//! The `serve` section of `kubeguard.yaml`: how the webhook turns findings into admission
//! decisions. Every problem is reported with its location; unknown keys are errors.

use std::collections::BTreeMap;
use std::time::Duration;

use kubeguard_engine::{Errors, Severity};
use kubeguard_pss::{Level, Version};
use kubeguard_source::{Node, Span, Value};

/// What a violated check does to a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Mode {
    /// Deny the request; the message lists each violation, its field and remediation.
    Enforce,
    /// Allow it and return the violation as an admission warning (shown by kubectl).
    Warn,
    /// Allow it silently; the violation is only logged (and counted).
    Audit,
}

impl Mode {
    /// The name used in the configuration, logs and metrics.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Enforce => "enforce",
            Mode::Warn => "warn",
            Mode::Audit => "audit",
        }
    }

    fn parse(s: &str) -> Option<Mode> {
        match s {
            "enforce" => Some(Mode::Enforce),
            "warn" => Some(Mode::Warn),
            "audit" => Some(Mode::Audit),
            _ => None,
        }
    }
}

/// The pod subresources a user connects to (operation CONNECT).
pub const CONNECT_SUBRESOURCES: [&str; 3] = ["exec", "attach", "portforward"];

/// One `connect.deny` rule: these subresources are denied in these namespaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectRule {
    /// Namespace globs (`*` and `?`).
    pub namespaces: Vec<String>,
    /// Subresources among [`CONNECT_SUBRESOURCES`].
    pub subresources: Vec<String>,
}

/// Namespace-level Pod Security Standards enforcement (`podSecurity`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PodSecurity {
    /// The level pods of every namespace must meet (`privileged`: none).
    pub default: Level,
    /// Levels of namespaces matching these globs, first match wins (over `default`).
    pub namespaces: Vec<(String, Level)>,
    /// The policy version.
    pub version: Version,
}

impl PodSecurity {
    /// The level enforced in `namespace`.
    pub fn level(&self, namespace: &str) -> Level {
        self.namespaces
            .iter()
            .find(|(glob, _)| glob_match(glob, namespace))
            .map_or(self.default, |(_, l)| *l)
    }
}

/// What to answer when a decision is not ready before the deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnTimeout {
    /// Allow, with a warning that the request was not checked.
    Allow,
    /// Deny, saying the request could not be checked in time.
    Deny,
}

/// Checks whose findings are about objects the webhook does not see (it reviews one object at
/// a time): by default they only audit, so a missing ServiceAccount or NetworkPolicy that
/// exists in the cluster never blocks a deployment. `modes` overrides this.
pub const NEEDS_OTHER_OBJECTS: [&str; 7] = [
    "non-existent-service-account",
    "env-value-from",
    "non-isolated-pod",
    "rbac-unused-token",
    "dangling-*",
    "namespace-without-default-deny-*",
    "cloud-metadata-egress",
];

/// The webhook's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// `modes`: per check.
    pub modes: BTreeMap<String, Mode>,
    /// `severityModes`: for checks without their own mode.
    pub severity_modes: BTreeMap<Severity, Mode>,
    /// `exemptNamespaces` (globs): requests in them are allowed unchecked.
    pub exempt_namespaces: Vec<String>,
    /// `breakGlass.annotation`, `None` when `breakGlass.enabled` is false.
    pub break_glass: Option<String>,
    /// `connect.deny`.
    pub connect_deny: Vec<ConnectRule>,
    /// `podSecurity`.
    pub pod_security: PodSecurity,
    /// `maxBodyBytes`.
    pub max_body_bytes: usize,
    /// `timeoutSeconds`: the answer is sent by then at the latest (the API server's own
    /// `?timeout=` of the request shortens it further).
    pub timeout: Duration,
    /// `onTimeout`.
    pub on_timeout: OnTimeout,
}

/// The default break-glass annotation.
pub const BREAK_GLASS_ANNOTATION: &str = "kubeguard.io/break-glass";

impl Settings {
    /// The defaults: critical and high checks enforce, others warn; `kube-system` and
    /// `own_namespace` are exempt; break-glass enabled; 8 MiB bodies; 9 s (under the API
    /// server's 10 s default); allow on timeout.
    pub fn defaults(own_namespace: &str) -> Settings {
        let severity_modes = Severity::ALL
            .iter()
            .map(|s| {
                let mode = if *s >= Severity::High {
                    Mode::Enforce
                } else {
                    Mode::Warn
                };
                (*s, mode)
            })
            .collect();
        let mut exempt = vec!["kube-system".to_string()];
        if !own_namespace.is_empty() && own_namespace != "kube-system" {
            exempt.push(own_namespace.to_string());
        }
        Settings {
            modes: BTreeMap::new(),
            severity_modes,
            exempt_namespaces: exempt,
            break_glass: Some(BREAK_GLASS_ANNOTATION.to_string()),
            connect_deny: Vec::new(),
            pod_security: PodSecurity::default(),
            max_body_bytes: 8 * 1024 * 1024,
            timeout: Duration::from_secs(9),
            on_timeout: OnTimeout::Allow,
        }
    }

    /// The mode of a violated check.
    pub fn mode(&self, check: &str, severity: Severity) -> Mode {
        if let Some(m) = self.modes.get(check) {
            return *m;
        }
        if NEEDS_OTHER_OBJECTS.iter().any(|g| glob_match(g, check)) {
            return Mode::Audit;
        }
        self.severity_modes
            .get(&severity)
            .copied()
            .unwrap_or(Mode::Warn)
    }

    /// Whether requests in `namespace` are exempt.
    pub fn is_exempt(&self, namespace: &str) -> bool {
        self.exempt_namespaces
            .iter()
            .any(|g| glob_match(g, namespace))
    }

    /// Whether `subresource` (exec, attach, portforward) is denied in `namespace`.
    pub fn connect_denied(&self, namespace: &str, subresource: &str) -> bool {
        self.connect_deny.iter().any(|r| {
            r.subresources.iter().any(|s| s == subresource)
                && r.namespaces.iter().any(|g| glob_match(g, namespace))
        })
    }

    /// Reads the `serve` section over the defaults. `checks` are the names of every known
    /// check, so a mode for a check that does not exist is an error.
    pub fn parse(
        node: Option<&Node>,
        own_namespace: &str,
        checks: &[&str],
        errs: &mut Errors<'_>,
    ) -> Settings {
        let mut s = Settings::defaults(own_namespace);
        let Some(node) = node.filter(|n| !n.is_null()) else {
            return s;
        };
        let Some(top) = node.as_map() else {
            errs.at(node.span, "`serve` must be a mapping");
            return s;
        };
        for (k, value) in top.entries.iter() {
            let key = &*k.text;
            if value.is_null() {
                continue;
            }
            match key {
                "modes" => match value.as_map() {
                    Some(m) => {
                        for (key, v) in m.entries.iter() {
                            let check = &*key.text;
                            if !checks.contains(&check) {
                                errs.at(
                                    key.span,
                                    format!("`modes`: check `{check}` does not exist (see `kubeguard checks list`)"),
                                );
                            }
                            if let Some(mode) = mode_of(v, errs) {
                                s.modes.insert(check.to_string(), mode);
                            }
                        }
                    }
                    None => errs.at(value.span, "`modes` must map check names to enforce, warn or audit"),
                },
                "severityModes" => match value.as_map() {
                    Some(m) => {
                        for (sev, v) in m.iter() {
                            match Severity::parse(sev) {
                                Some(sev) => {
                                    if let Some(mode) = mode_of(v, errs) {
                                        s.severity_modes.insert(sev, mode);
                                    }
                                }
                                None => errs.at(
                                    v.span,
                                    format!("`severityModes`: `{sev}` is not one of critical, high, medium, low, info"),
                                ),
                            }
                        }
                    }
                    None => errs.at(value.span, "`severityModes` must map severities to enforce, warn or audit"),
                },
                "exemptNamespaces" => s.exempt_namespaces = strings(value, key, errs),
                "breakGlass" => match value.as_map() {
                    Some(m) => {
                        let mut annotation = BREAK_GLASS_ANNOTATION.to_string();
                        let mut enabled = true;
                        for (kk, v) in m.entries.iter() {
                            let k = &*kk.text;
                            match k {
                                "annotation" => match v.as_str().filter(|a| !a.is_empty()) {
                                    Some(a) => annotation = a.to_string(),
                                    None => errs.at(v.span, "`breakGlass.annotation` must be a non-empty string"),
                                },
                                "enabled" => match v.as_bool() {
                                    Some(b) => enabled = b,
                                    None => errs.at(v.span, "`breakGlass.enabled` must be true or false"),
                                },
                                _ => unknown(errs, kk.span, k, "`breakGlass`", &["annotation", "enabled"]),
                            }
                        }
                        s.break_glass = enabled.then_some(annotation);
                    }
                    None => errs.at(value.span, "`breakGlass` must be a mapping"),
                },
                "connect" => match value.as_map() {
                    Some(m) => {
                        for (kk, v) in m.entries.iter() {
                            let k = &*kk.text;
                            match k {
                                "deny" => match v.as_seq() {
                                    Some(rules) => {
                                        for r in rules {
                                            if let Some(rule) = connect_rule(r, errs) {
                                                s.connect_deny.push(rule);
                                            }
                                        }
                                    }
                                    None => errs.at(v.span, "`connect.deny` must be a list"),
                                },
                                _ => unknown(errs, kk.span, k, "`connect`", &["deny"]),
                            }
                        }
                    }
                    None => errs.at(value.span, "`connect` must be a mapping"),
                },
                "podSecurity" => s.pod_security = pod_security(value, errs),
                "maxBodyBytes" => match size(value) {
                    Some(n) if n >= 1024 => s.max_body_bytes = n,
                    _ => errs.at(
                        value.span,
                        "`maxBodyBytes` must be a size of at least 1024 bytes (e.g. 8388608 or 8Mi)",
                    ),
                },
                "timeoutSeconds" => match value.as_i64() {
                    Some(n) if (1..=30).contains(&n) => {
                        s.timeout = Duration::from_secs(n.unsigned_abs());
                    }
                    _ => errs.at(value.span, "`timeoutSeconds` must be an integer from 1 to 30"),
                },
                "onTimeout" => match value.as_str() {
                    Some("allow") => s.on_timeout = OnTimeout::Allow,
                    Some("deny") => s.on_timeout = OnTimeout::Deny,
                    _ => errs.at(value.span, "`onTimeout` must be allow or deny"),
                },
                _ => unknown(
                    errs,
                    k.span,
                    key,
                    "`serve`",
                    &[
                        "modes",
                        "severityModes",
                        "exemptNamespaces",
                        "breakGlass",
                        "connect",
                        "podSecurity",
                        "maxBodyBytes",
                        "timeoutSeconds",
                        "onTimeout",
                    ],
                ),
            }
        }
        s
    }
}

fn unknown(errs: &mut Errors<'_>, span: Span, key: &str, what: &str, known: &[&str]) {
    errs.at(
        span,
        format!(
            "unknown key `{key}` in {what} (known: {})",
            known.join(", ")
        ),
    );
}

fn mode_of(v: &Node, errs: &mut Errors<'_>) -> Option<Mode> {
    let m = v.as_str().and_then(Mode::parse);
    if m.is_none() {
        errs.at(v.span, "mode must be enforce, warn or audit");
    }
    m
}

fn strings(v: &Node, key: &str, errs: &mut Errors<'_>) -> Vec<String> {
    match v.as_seq() {
        Some(items) => items
            .iter()
            .filter_map(|i| {
                let s = i.as_str().filter(|s| !s.is_empty());
                if s.is_none() {
                    errs.at(i.span, format!("`{key}` entries must be non-empty strings"));
                }
                s.map(str::to_string)
            })
            .collect(),
        None => {
            errs.at(v.span, format!("`{key}` must be a list of strings"));
            Vec::new()
        }
    }
}

fn connect_rule(r: &Node, errs: &mut Errors<'_>) -> Option<ConnectRule> {
    let Some(m) = r.as_map() else {
        errs.at(r.span, "a `connect.deny` rule must be a mapping");
        return None;
    };
    let mut rule = ConnectRule {
        namespaces: vec!["*".to_string()],
        subresources: CONNECT_SUBRESOURCES.iter().map(|s| s.to_string()).collect(),
    };
    for (kk, v) in m.entries.iter() {
        let k = &*kk.text;
        match k {
            "namespaces" => rule.namespaces = strings(v, k, errs),
            "subresources" => {
                rule.subresources = strings(v, k, errs);
                for (s, item) in rule.subresources.iter().zip(v.as_seq().unwrap_or_default()) {
                    if !CONNECT_SUBRESOURCES.contains(&s.as_str()) {
                        errs.at(
                            item.span,
                            format!("`{s}` is not one of exec, attach, portforward"),
                        );
                    }
                }
            }
            _ => unknown(
                errs,
                kk.span,
                k,
                "a `connect.deny` rule",
                &["namespaces", "subresources"],
            ),
        }
    }
    Some(rule)
}

fn level_of(v: &Node, errs: &mut Errors<'_>) -> Option<Level> {
    let l = v.as_str().and_then(|s| s.parse::<Level>().ok());
    if l.is_none() {
        errs.at(v.span, "level must be privileged, baseline or restricted");
    }
    l
}

fn pod_security(v: &Node, errs: &mut Errors<'_>) -> PodSecurity {
    let mut ps = PodSecurity::default();
    let Some(m) = v.as_map() else {
        errs.at(v.span, "`podSecurity` must be a mapping");
        return ps;
    };
    for (kk, v) in m.entries.iter() {
        let k = &*kk.text;
        match k {
            "default" => {
                if let Some(l) = level_of(v, errs) {
                    ps.default = l;
                }
            }
            "version" => match v.scalar_text().and_then(|s| s.parse::<Version>().ok()) {
                Some(ver) => ps.version = ver,
                None => errs.at(v.span, "`podSecurity.version` must be latest or v1.N"),
            },
            "namespaces" => match v.as_map() {
                Some(ns) => {
                    for (glob, l) in ns.iter() {
                        if let Some(level) = level_of(l, errs) {
                            ps.namespaces.push((glob.to_string(), level));
                        }
                    }
                }
                None => errs.at(
                    v.span,
                    "`podSecurity.namespaces` must map namespace globs to levels",
                ),
            },
            _ => unknown(
                errs,
                kk.span,
                k,
                "`podSecurity`",
                &["default", "version", "namespaces"],
            ),
        }
    }
    ps
}

/// A size: an integer, or an integer with K, M, G, Ki, Mi or Gi.
fn size(v: &Node) -> Option<usize> {
    if let Value::Int(_) = v.value {
        return v.as_i64().and_then(|n| usize::try_from(n).ok());
    }
    let s = v.as_str()?.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: usize = num.parse().ok()?;
    let mult: usize = match unit {
        "" => 1,
        "K" | "k" => 1000,
        "M" => 1000 * 1000,
        "G" => 1000 * 1000 * 1000,
        "Ki" => 1024,
        "Mi" => 1024 * 1024,
        "Gi" => 1024 * 1024 * 1024,
        _ => return None,
    };
    n.checked_mul(mult)
}

/// A glob over a name: `*` matches any run of characters, `?` one character.
pub fn glob_match(glob: &str, name: &str) -> bool {
    let g: Vec<char> = glob.chars().collect();
    let n: Vec<char> = name.chars().collect();
    let (mut gi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        if gi < g.len() && (g[gi] == '?' || g[gi] == n[ni]) {
            gi += 1;
            ni += 1;
        } else if gi < g.len() && g[gi] == '*' {
            star = Some((gi, ni));
            gi += 1;
        } else if let Some((sg, sn)) = star {
            gi = sg + 1;
            ni = sn + 1;
            star = Some((sg, sn + 1));
        } else {
            return false;
        }
    }
    g[gi..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;
    use kubeguard_source::{Limits, SourceFile, parse_documents};

    fn parse(text: &str) -> Result<Settings, Vec<String>> {
        let src = SourceFile::new("kubeguard.yaml", text);
        let doc = parse_documents(text, &Limits::default())
            .pop()
            .expect("one document")
            .expect("valid YAML");
        let mut errs = Errors::new(&src);
        let s = Settings::parse(
            doc.root.get("serve"),
            "kubeguard",
            &["latest-tag", "privileged-container"],
            &mut errs,
        );
        if errs.list.is_empty() {
            Ok(s)
        } else {
            Err(errs.list.iter().map(ToString::to_string).collect())
        }
    }

    #[test]
    fn defaults_enforce_critical_and_high_and_warn_the_rest() {
        let s = Settings::defaults("kubeguard");
        assert_eq!(s.mode("x", Severity::Critical), Mode::Enforce);
        assert_eq!(s.mode("x", Severity::High), Mode::Enforce);
        assert_eq!(s.mode("x", Severity::Medium), Mode::Warn);
        assert_eq!(s.mode("x", Severity::Info), Mode::Warn);
        assert_eq!(
            s.mode("non-existent-service-account", Severity::Medium),
            Mode::Audit
        );
        assert_eq!(s.mode("dangling-service", Severity::Low), Mode::Audit);
        // NetworkPolicies of the namespace are other objects too.
        assert_eq!(s.mode("cloud-metadata-egress", Severity::High), Mode::Audit);
        assert_eq!(
            s.mode("namespace-without-default-deny-egress", Severity::Medium),
            Mode::Audit
        );
        assert!(s.is_exempt("kube-system") && s.is_exempt("kubeguard"));
        assert!(!s.is_exempt("default"));
        assert_eq!(s.break_glass.as_deref(), Some(BREAK_GLASS_ANNOTATION));
    }

    #[test]
    fn full_section() {
        let s = parse(
            "serve:\n  modes: {latest-tag: enforce, privileged-container: audit}\n  severityModes: {medium: audit}\n  exemptNamespaces: [kube-*, monitoring]\n  breakGlass: {annotation: example.com/override}\n  connect:\n    deny:\n    - namespaces: [prod-*]\n      subresources: [exec, attach]\n    - namespaces: [secure]\n  podSecurity: {default: baseline, version: v1.30, namespaces: {prod-*: restricted}}\n  maxBodyBytes: 1Mi\n  timeoutSeconds: 5\n  onTimeout: deny\n",
        )
        .expect("valid");
        assert_eq!(s.mode("latest-tag", Severity::Medium), Mode::Enforce);
        assert_eq!(
            s.mode("privileged-container", Severity::Critical),
            Mode::Audit
        );
        assert_eq!(s.mode("other", Severity::Medium), Mode::Audit);
        assert!(s.is_exempt("kube-public") && s.is_exempt("monitoring"));
        assert!(!s.is_exempt("kubeguard"), "the list replaces the defaults");
        assert_eq!(s.break_glass.as_deref(), Some("example.com/override"));
        assert!(s.connect_denied("prod-eu", "exec"));
        assert!(!s.connect_denied("prod-eu", "portforward"));
        assert!(s.connect_denied("secure", "portforward"));
        assert!(!s.connect_denied("dev", "exec"));
        assert_eq!(s.pod_security.level("prod-1"), Level::Restricted);
        assert_eq!(s.pod_security.level("dev"), Level::Baseline);
        assert_eq!(s.pod_security.version.to_string(), "v1.30");
        assert_eq!(s.max_body_bytes, 1024 * 1024);
        assert_eq!(s.timeout, Duration::from_secs(5));
        assert_eq!(s.on_timeout, OnTimeout::Deny);
    }

    #[test]
    fn break_glass_can_be_disabled() {
        let s = parse("serve:\n  breakGlass: {enabled: false}\n").expect("valid");
        assert_eq!(s.break_glass, None);
    }

    #[test]
    fn errors_are_located() {
        let e = parse("serve:\n  modes: {nope: enforce, latest-tag: block}\n  timeoutSeconds: 99\n  colour: red\n  connect: {deny: [{subresources: [logs]}]}\n").expect_err("invalid");
        let joined = e.join("\n");
        assert!(
            joined.contains("kubeguard.yaml:2:") && joined.contains("check `nope` does not exist"),
            "{joined}"
        );
        assert!(
            joined.contains("mode must be enforce, warn or audit"),
            "{joined}"
        );
        assert!(joined.contains("kubeguard.yaml:3:"), "{joined}");
        assert!(joined.contains("unknown key `colour`"), "{joined}");
        assert!(
            joined.contains("`logs` is not one of exec, attach, portforward"),
            "{joined}"
        );
    }

    #[test]
    fn globs() {
        assert!(glob_match("prod-*", "prod-eu"));
        assert!(glob_match("*", ""));
        assert!(glob_match("a?c", "abc"));
        assert!(glob_match("*-system", "kube-system"));
        assert!(!glob_match("prod-*", "dev-prod-x"));
        assert!(!glob_match("abc", "abcd"));
        assert!(glob_match("a*b*c", "aXXbYYc"));
    }
}
