//! The configuration of the `PodSecurity` admission plugin and the policy it gives a
//! namespace.
//!
//! [`parse_config`] reads either an `AdmissionConfiguration` (`apiserver.config.k8s.io/v1`,
//! `v1beta1`, `v1alpha1`, or the older `apiserver.k8s.io/v1alpha1`) whose `plugins` list has a
//! `PodSecurity` entry, or a bare `PodSecurityConfiguration`
//! (`pod-security.admission.config.k8s.io/v1`, `v1beta1`, `v1alpha1`). Validation follows
//! upstream: the configuration is decoded strictly (unknown fields are errors), empty
//! defaults become `privileged` and `latest`, levels and versions must parse, exempt
//! namespaces must be DNS labels and exempt runtime classes DNS subdomains, usernames must be
//! non-empty, and no exemption may be listed twice. Every error is located.
//!
//! [`PodSecurityConfig::decide`] gives the effective policy of a request: exempt (namespace,
//! then username, then runtime class, in upstream's order) or the namespace's labels applied
//! over the configured defaults.

use std::fmt;
use std::sync::Arc;

use kubeguard_model::{FieldRef, Object, Seg, locate};
use kubeguard_source::{Location, Node, SourceFile};

use crate::namespace::{LevelVersion, Mode, NamespaceLabels, Policy};
use crate::version::{Level, Version};

/// The plugin name in `AdmissionConfiguration.plugins[].name`.
pub const PLUGIN_NAME: &str = "PodSecurity";

const ADMISSION_API_VERSIONS: [&str; 4] = [
    "apiserver.config.k8s.io/v1",
    "apiserver.config.k8s.io/v1beta1",
    "apiserver.config.k8s.io/v1alpha1",
    "apiserver.k8s.io/v1alpha1",
];

const POD_SECURITY_API_VERSIONS: [&str; 3] = [
    "pod-security.admission.config.k8s.io/v1",
    "pod-security.admission.config.k8s.io/v1beta1",
    "pod-security.admission.config.k8s.io/v1alpha1",
];

/// Who or what is exempt from Pod Security Admission.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Exemptions {
    /// Authenticated usernames whose requests are not checked.
    pub usernames: Vec<String>,
    /// Runtime class names whose pods are not checked.
    pub runtime_classes: Vec<String>,
    /// Namespaces whose pods are not checked.
    pub namespaces: Vec<String>,
}

/// A `PodSecurityConfiguration`: the defaults for namespaces without labels, and exemptions.
/// The default value is upstream's default configuration (`privileged:latest` for every mode,
/// no exemption).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PodSecurityConfig {
    /// `apiVersion` of the configuration (empty for the default configuration).
    pub api_version: String,
    /// Policy of namespaces without Pod Security labels.
    pub defaults: Policy,
    /// Exemptions.
    pub exemptions: Exemptions,
}

/// Where the `PodSecurity` configuration came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigSource {
    /// The document is itself a `PodSecurityConfiguration`.
    Document,
    /// Inline, under `plugins[i].configuration` of an `AdmissionConfiguration`.
    Inline,
    /// In another file named by `plugins[i].path` (relative paths are relative to the
    /// admission configuration file's directory). The caller reads that file and parses it
    /// with [`parse_config`]; until then the configuration is upstream's default.
    File {
        /// The path as written.
        path: String,
        /// Where it is written.
        location: Option<Location>,
    },
    /// The `AdmissionConfiguration` does not configure the plugin: upstream's default.
    NotConfigured,
}

/// A parsed admission configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdmissionConfig {
    /// The `PodSecurity` plugin configuration.
    pub pod_security: PodSecurityConfig,
    /// Where it came from.
    pub source: ConfigSource,
}

/// A configuration error, located at the offending value (or its nearest existing parent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// What is wrong.
    pub message: String,
    /// Dotted path in the document (`plugins[0].configuration.defaults.enforce`).
    pub field: String,
    /// Where (`None` for a source without text).
    pub location: Option<Location>,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.field, self.message)
        }
    }
}

impl std::error::Error for ConfigError {}

/// Why a request is not checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exemption {
    /// The namespace is listed in `exemptions.namespaces`.
    Namespace(String),
    /// The requesting user is listed in `exemptions.usernames`.
    Username(String),
    /// The pod's `runtimeClassName` is listed in `exemptions.runtimeClasses`.
    RuntimeClass(String),
}

impl fmt::Display for Exemption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Exemption::Namespace(n) => write!(f, "namespace {n:?} is exempt"),
            Exemption::Username(u) => write!(f, "user {u:?} is exempt"),
            Exemption::RuntimeClass(r) => write!(f, "runtime class {r:?} is exempt"),
        }
    }
}

/// The outcome for one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Not checked at all.
    Exempt(Exemption),
    /// Checked with this policy. (Upstream enforces on pods; pod templates of workloads are
    /// only warned about and audited.)
    Evaluate(Policy),
}

impl PodSecurityConfig {
    /// The policy of a namespace with `labels` (or none): its labels over the defaults,
    /// ignoring exemptions.
    pub fn namespace_policy(&self, labels: Option<&NamespaceLabels>) -> Policy {
        labels.map_or(self.defaults, |l| l.apply(self.defaults))
    }

    /// The decision for a request in `namespace` (whose labels are `labels`), for a pod with
    /// `runtime_class` by `username` (`None` when unknown, as for manifests on disk).
    pub fn decide(
        &self,
        namespace: &str,
        labels: Option<&NamespaceLabels>,
        runtime_class: Option<&str>,
        username: Option<&str>,
    ) -> Decision {
        let e = &self.exemptions;
        if e.namespaces.iter().any(|n| n == namespace) {
            return Decision::Exempt(Exemption::Namespace(namespace.to_string()));
        }
        if let Some(u) = username.filter(|u| e.usernames.iter().any(|x| x == u)) {
            return Decision::Exempt(Exemption::Username(u.to_string()));
        }
        if let Some(r) = runtime_class.filter(|r| e.runtime_classes.iter().any(|x| x == r)) {
            return Decision::Exempt(Exemption::RuntimeClass(r.to_string()));
        }
        Decision::Evaluate(self.namespace_policy(labels))
    }

    /// The decision for an object's pod: its namespace (`default` when unset), its pod spec's
    /// `runtimeClassName`, no username.
    pub fn decide_for(&self, obj: &Object, labels: Option<&NamespaceLabels>) -> Decision {
        let runtime_class = obj
            .pod_spec()
            .and_then(|p| p.get("runtimeClassName"))
            .and_then(Node::scalar_text);
        self.decide(
            obj.namespace_or_default(),
            labels,
            runtime_class.as_deref(),
            None,
        )
    }
}

/// Reads an admission configuration document (see the module documentation). `source` and
/// `path` locate errors; a source without text gives unlocated errors.
pub fn parse_config(
    root: &Node,
    source: &SourceFile,
    path: &Arc<str>,
) -> Result<AdmissionConfig, Vec<ConfigError>> {
    let mut p = Parser {
        root,
        source,
        path,
        errors: Vec::new(),
    };
    match p.document() {
        Some(config) if p.errors.is_empty() => Ok(config),
        _ => Err(p.errors),
    }
}

struct Parser<'a> {
    root: &'a Node,
    source: &'a SourceFile,
    path: &'a Arc<str>,
    errors: Vec<ConfigError>,
}

/// A node with its path from the root.
#[derive(Clone)]
struct At<'a> {
    node: &'a Node,
    segs: Vec<Seg<'a>>,
}

impl<'a> At<'a> {
    fn child(&self, key: &'a str) -> Option<At<'a>> {
        let node = self.node.get(key).filter(|n| !n.is_null())?;
        let mut segs = self.segs.clone();
        segs.push(Seg::Key(key));
        Some(At { node, segs })
    }

    fn item(&self, i: usize, node: &'a Node) -> At<'a> {
        let mut segs = self.segs.clone();
        segs.push(Seg::Index(i));
        At { node, segs }
    }

    fn key_segs(&self, key: &'a str) -> Vec<Seg<'a>> {
        let mut segs = self.segs.clone();
        segs.push(Seg::Key(key));
        segs
    }
}

impl<'a> Parser<'a> {
    fn error(&mut self, segs: &[Seg<'_>], message: impl Into<String>) {
        let FieldRef { path, span, .. } = locate(self.root, "", segs);
        let location =
            (!self.source.text().is_empty()).then(|| self.source.location(self.path, span));
        self.errors.push(ConfigError {
            message: message.into(),
            field: path,
            location,
        });
    }

    /// A string field: `None` when absent or null, an error for collections.
    fn string(&mut self, at: &At<'a>, key: &'a str) -> Option<String> {
        let child = at.child(key)?;
        match child.node.scalar_text() {
            Some(s) => Some(s),
            None => {
                self.error(&child.segs, "must be a string");
                None
            }
        }
    }

    fn document(&mut self) -> Option<AdmissionConfig> {
        let root = At {
            node: self.root,
            segs: Vec::new(),
        };
        if self.root.as_map().is_none() {
            self.error(&[], "an admission configuration must be a mapping");
            return None;
        }
        let kind = self.string(&root, "kind").unwrap_or_default();
        match kind.as_str() {
            "AdmissionConfiguration" => self.admission_configuration(&root),
            "PodSecurityConfiguration" => {
                let pod_security = self.pod_security(&root)?;
                Some(AdmissionConfig {
                    pod_security,
                    source: ConfigSource::Document,
                })
            }
            _ => {
                self.error(
                    &root.key_segs("kind"),
                    format!(
                        "expected kind AdmissionConfiguration or PodSecurityConfiguration, found {kind:?}"
                    ),
                );
                None
            }
        }
    }

    fn admission_configuration(&mut self, root: &At<'a>) -> Option<AdmissionConfig> {
        let api_version = self.string(root, "apiVersion").unwrap_or_default();
        if !ADMISSION_API_VERSIONS.contains(&api_version.as_str()) {
            self.error(
                &root.key_segs("apiVersion"),
                format!(
                    "unsupported apiVersion {api_version:?} for AdmissionConfiguration (expected one of {})",
                    ADMISSION_API_VERSIONS.join(", ")
                ),
            );
        }
        let mut chosen: Option<At<'a>> = None;
        if let Some(plugins) = root.child("plugins") {
            let Some(items) = plugins.node.as_seq() else {
                self.error(&plugins.segs, "must be a list");
                return None;
            };
            for (i, item) in items.iter().enumerate() {
                let entry = plugins.item(i, item);
                if item.as_map().is_none() {
                    self.error(&entry.segs, "a plugin entry must be a mapping");
                    continue;
                }
                let name = self.string(&entry, "name").unwrap_or_default();
                if name.is_empty() {
                    self.error(&entry.key_segs("name"), "a plugin entry needs a name");
                }
                if name != PLUGIN_NAME {
                    continue;
                }
                if chosen.is_some() {
                    self.error(
                        &entry.key_segs("name"),
                        "the PodSecurity plugin is configured more than once",
                    );
                    continue;
                }
                chosen = Some(entry);
            }
        }
        let Some(entry) = chosen else {
            return Some(AdmissionConfig {
                pod_security: PodSecurityConfig::default(),
                source: ConfigSource::NotConfigured,
            });
        };
        // As the API server: inline configuration wins over a path.
        if let Some(conf) = entry.child("configuration") {
            if conf.node.as_map().is_none() {
                self.error(&conf.segs, "must be a mapping");
                return None;
            }
            let pod_security = self.pod_security(&conf)?;
            return Some(AdmissionConfig {
                pod_security,
                source: ConfigSource::Inline,
            });
        }
        let source = match self.string(&entry, "path").filter(|p| !p.is_empty()) {
            Some(path) => {
                let FieldRef { span, .. } = locate(self.root, "", &entry.key_segs("path"));
                let location =
                    (!self.source.text().is_empty()).then(|| self.source.location(self.path, span));
                ConfigSource::File { path, location }
            }
            None => ConfigSource::NotConfigured,
        };
        Some(AdmissionConfig {
            pod_security: PodSecurityConfig::default(),
            source,
        })
    }

    /// Checks that `at` has only `known` keys (strict decoding).
    fn known_fields(&mut self, at: &At<'a>, known: &[&str]) {
        let Some(map) = at.node.as_map() else {
            return;
        };
        for (key, _) in map.iter() {
            if !known.contains(&key) {
                self.error(&at.key_segs(key), format!("unknown field {key:?}"));
            }
        }
    }

    fn pod_security(&mut self, at: &At<'a>) -> Option<PodSecurityConfig> {
        let api_version = self.string(at, "apiVersion").unwrap_or_default();
        if !POD_SECURITY_API_VERSIONS.contains(&api_version.as_str()) {
            self.error(
                &at.key_segs("apiVersion"),
                format!(
                    "unsupported apiVersion {api_version:?} for PodSecurityConfiguration (expected one of {})",
                    POD_SECURITY_API_VERSIONS.join(", ")
                ),
            );
        }
        let kind = self.string(at, "kind").unwrap_or_default();
        if kind != "PodSecurityConfiguration" {
            self.error(
                &at.key_segs("kind"),
                format!("expected kind PodSecurityConfiguration, found {kind:?}"),
            );
        }
        self.known_fields(at, &["apiVersion", "kind", "defaults", "exemptions"]);
        let defaults = self.defaults(at);
        let exemptions = self.exemptions(at);
        Some(PodSecurityConfig {
            api_version,
            defaults,
            exemptions,
        })
    }

    fn defaults(&mut self, at: &At<'a>) -> Policy {
        let mut policy = Policy::default();
        let Some(d) = at.child("defaults") else {
            return policy;
        };
        if d.node.as_map().is_none() {
            self.error(&d.segs, "must be a mapping");
            return policy;
        }
        let keys = [
            "enforce",
            "enforce-version",
            "audit",
            "audit-version",
            "warn",
            "warn-version",
        ];
        self.known_fields(&d, &keys);
        for mode in Mode::ALL {
            let (level_key, version_key) = match mode {
                Mode::Enforce => ("enforce", "enforce-version"),
                Mode::Audit => ("audit", "audit-version"),
                Mode::Warn => ("warn", "warn-version"),
            };
            let mut lv = LevelVersion::default();
            // Empty values are defaulted (privileged, latest) before validation.
            if let Some(text) = self.string(&d, level_key).filter(|s| !s.is_empty()) {
                match text.parse::<Level>() {
                    Ok(level) => lv.level = level,
                    Err(e) => self.error(&d.key_segs(level_key), e.to_string()),
                }
            }
            if let Some(text) = self.string(&d, version_key).filter(|s| !s.is_empty()) {
                match text.parse::<Version>() {
                    Ok(version) => lv.version = version,
                    Err(e) => self.error(&d.key_segs(version_key), e.to_string()),
                }
            }
            *policy.get_mut(mode) = lv;
        }
        policy
    }

    /// A list of strings, each entry with its path.
    fn string_list(&mut self, at: &At<'a>, key: &'a str) -> Vec<(String, Vec<Seg<'a>>)> {
        let Some(list) = at.child(key) else {
            return Vec::new();
        };
        let Some(items) = list.node.as_seq() else {
            self.error(&list.segs, "must be a list of strings");
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let entry = list.item(i, item);
            let text = if item.is_null() {
                Some(String::new())
            } else {
                item.scalar_text()
            };
            match text {
                Some(t) => out.push((t, entry.segs)),
                None => self.error(&entry.segs, "must be a string"),
            }
        }
        out
    }

    fn exemptions(&mut self, at: &At<'a>) -> Exemptions {
        let mut ex = Exemptions::default();
        let Some(e) = at.child("exemptions") else {
            return ex;
        };
        if e.node.as_map().is_none() {
            self.error(&e.segs, "must be a mapping");
            return ex;
        }
        self.known_fields(&e, &["usernames", "runtimeClasses", "namespaces"]);
        let namespaces = self.string_list(&e, "namespaces");
        ex.namespaces = self.unique_valid(namespaces, |s| {
            dns_label_problem(s).map(|p| format!("invalid namespace name {s:?}: {p}"))
        });
        let classes = self.string_list(&e, "runtimeClasses");
        ex.runtime_classes = self.unique_valid(classes, |s| {
            dns_subdomain_problem(s).map(|p| format!("invalid runtime class name {s:?}: {p}"))
        });
        let users = self.string_list(&e, "usernames");
        ex.usernames = self.unique_valid(users, |s| {
            s.is_empty()
                .then(|| "a username must not be empty".to_string())
        });
        ex
    }

    /// Keeps the valid, first-seen entries; reports invalid ones and duplicates.
    fn unique_valid(
        &mut self,
        entries: Vec<(String, Vec<Seg<'a>>)>,
        problem: impl Fn(&str) -> Option<String>,
    ) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for (value, segs) in entries {
            if let Some(p) = problem(&value) {
                self.error(&segs, p);
            } else if out.contains(&value) {
                self.error(&segs, format!("duplicate value {value:?}"));
            } else {
                out.push(value);
            }
        }
        out
    }
}

/// Why `s` is not an RFC 1123 DNS label (lowercase alphanumerics and `-`, starting and ending
/// alphanumeric, at most 63 characters).
fn dns_label_problem(s: &str) -> Option<&'static str> {
    if s.is_empty() {
        return Some("must not be empty");
    }
    if s.len() > 63 {
        return Some("must be no more than 63 characters");
    }
    let ok_char = |c: u8| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-';
    let b = s.as_bytes();
    if !b.iter().all(|&c| ok_char(c)) || b[0] == b'-' || b[b.len() - 1] == b'-' {
        return Some(
            "a lowercase RFC 1123 label consists of lowercase alphanumeric characters or '-' and starts and ends with an alphanumeric character",
        );
    }
    None
}

/// Why `s` is not an RFC 1123 DNS subdomain (dot-separated labels, at most 253 characters).
fn dns_subdomain_problem(s: &str) -> Option<&'static str> {
    if s.is_empty() {
        return Some("must not be empty");
    }
    if s.len() > 253 {
        return Some("must be no more than 253 characters");
    }
    let label_ok = |l: &str| {
        let b = l.as_bytes();
        !b.is_empty()
            && b.iter()
                .all(|&c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
            && b[0] != b'-'
            && b[b.len() - 1] != b'-'
    };
    if !s.split('.').all(label_ok) {
        return Some(
            "a lowercase RFC 1123 subdomain consists of lowercase alphanumeric characters, '-' or '.', and starts and ends with an alphanumeric character",
        );
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<AdmissionConfig, Vec<ConfigError>> {
        let docs = kubeguard_source::parse_documents(text, &kubeguard_source::Limits::default());
        let root = docs
            .into_iter()
            .next()
            .expect("a document")
            .expect("parses")
            .root;
        let source = SourceFile::new("admission.yaml", text);
        parse_config(&root, &source, &Arc::from("admission.yaml"))
    }

    const FULL: &str = "apiVersion: apiserver.config.k8s.io/v1
kind: AdmissionConfiguration
plugins:
- name: NamespaceLifecycle
- name: PodSecurity
  configuration:
    apiVersion: pod-security.admission.config.k8s.io/v1
    kind: PodSecurityConfiguration
    defaults:
      enforce: baseline
      enforce-version: v1.30
      audit: restricted
      warn: restricted
      warn-version: latest
    exemptions:
      usernames: [system:serviceaccount:kube-system:replicaset-controller]
      runtimeClasses: [kata]
      namespaces: [kube-system]
";

    #[test]
    fn inline_configuration() {
        let c = parse(FULL).expect("valid");
        assert_eq!(c.source, ConfigSource::Inline);
        let ps = &c.pod_security;
        assert_eq!(ps.api_version, "pod-security.admission.config.k8s.io/v1");
        assert_eq!(
            ps.defaults.enforce,
            LevelVersion {
                level: Level::Baseline,
                version: Version::V(30)
            }
        );
        assert_eq!(ps.defaults.audit.level, Level::Restricted);
        assert_eq!(ps.defaults.audit.version, Version::Latest);
        assert_eq!(ps.exemptions.runtime_classes, ["kata"]);
        assert_eq!(ps.exemptions.namespaces, ["kube-system"]);
        assert_eq!(ps.exemptions.usernames.len(), 1);
    }

    #[test]
    fn bare_configuration_all_versions_and_defaults() {
        for v in POD_SECURITY_API_VERSIONS {
            let c = parse(&format!(
                "apiVersion: {v}\nkind: PodSecurityConfiguration\ndefaults:\n  enforce: ''\n"
            ))
            .expect("valid");
            assert_eq!(c.source, ConfigSource::Document);
            assert_eq!(c.pod_security.defaults, Policy::default());
            assert_eq!(c.pod_security.exemptions, Exemptions::default());
        }
        for v in ADMISSION_API_VERSIONS {
            let c = parse(&format!("apiVersion: {v}\nkind: AdmissionConfiguration\n")).expect("ok");
            assert_eq!(c.source, ConfigSource::NotConfigured);
            assert_eq!(c.pod_security, PodSecurityConfig::default());
        }
    }

    #[test]
    fn plugin_configuration_in_another_file() {
        let c = parse(
            "apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins:\n- name: PodSecurity\n  path: podsecurity.yaml\n",
        )
        .expect("valid");
        let ConfigSource::File { path, location } = c.source else {
            panic!("expected a file source");
        };
        assert_eq!(path, "podsecurity.yaml");
        assert_eq!(
            location.map(|l| (l.start.line, l.start.column)),
            Some((5, 9))
        );
    }

    #[test]
    fn located_errors() {
        let text = "apiVersion: apiserver.config.k8s.io/v2
kind: AdmissionConfiguration
plugins:
- name: PodSecurity
  configuration:
    apiVersion: pod-security.admission.config.k8s.io/v1
    kind: PodSecurityConfiguration
    defaults:
      enforce: strict
      audit-version: v2.0
      warn: Restricted
      enforcee: baseline
    exemptions:
      usernames: ['', alice, alice]
      runtimeClasses: [Kata, kata, kata, a..b]
      namespaces: [kube-system, -bad, kube-system, 'x.y']
      groups: [admins]
- name: PodSecurity
";
        let errors = parse(text).expect_err("invalid");
        let got: Vec<(String, u32)> = errors
            .iter()
            .map(|e| {
                (
                    e.field.clone(),
                    e.location.as_ref().map_or(0, |l| l.start.line),
                )
            })
            .collect();
        let expected = [
            ("apiVersion", 1),
            ("plugins[1].name", 18),
            ("plugins[0].configuration.defaults.enforcee", 12),
            ("plugins[0].configuration.defaults.enforce", 9),
            ("plugins[0].configuration.defaults.audit-version", 10),
            ("plugins[0].configuration.defaults.warn", 11),
            ("plugins[0].configuration.exemptions.groups", 17),
            ("plugins[0].configuration.exemptions.namespaces[1]", 16),
            ("plugins[0].configuration.exemptions.namespaces[2]", 16),
            ("plugins[0].configuration.exemptions.namespaces[3]", 16),
            ("plugins[0].configuration.exemptions.runtimeClasses[0]", 15),
            ("plugins[0].configuration.exemptions.runtimeClasses[2]", 15),
            ("plugins[0].configuration.exemptions.runtimeClasses[3]", 15),
            ("plugins[0].configuration.exemptions.usernames[0]", 14),
            ("plugins[0].configuration.exemptions.usernames[2]", 14),
        ];
        let expected: Vec<(String, u32)> =
            expected.iter().map(|(f, l)| (f.to_string(), *l)).collect();
        assert_eq!(got, expected);
        assert_eq!(
            errors[3].to_string(),
            "plugins[0].configuration.defaults.enforce: invalid level \"strict\": must be one of privileged, baseline, restricted"
        );
        assert_eq!(errors[8].message, "duplicate value \"kube-system\"");
    }

    #[test]
    fn wrong_shapes_are_errors() {
        for (text, field) in [
            ("kind: Secret\n", "kind"),
            ("- a\n", ""),
            (
                "apiVersion: v1\nkind: PodSecurityConfiguration\n",
                "apiVersion",
            ),
            (
                "apiVersion: pod-security.admission.config.k8s.io/v1\nkind: PodSecurityConfiguration\ndefaults: [x]\n",
                "defaults",
            ),
            (
                "apiVersion: pod-security.admission.config.k8s.io/v1\nkind: PodSecurityConfiguration\nexemptions: {usernames: alice}\n",
                "exemptions.usernames",
            ),
            (
                "apiVersion: pod-security.admission.config.k8s.io/v1\nkind: PodSecurityConfiguration\nexemptions: {namespaces: [[a]]}\n",
                "exemptions.namespaces[0]",
            ),
            (
                "apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins: {name: PodSecurity}\n",
                "plugins",
            ),
            (
                "apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins:\n- name: PodSecurity\n  configuration: {kind: PodSecurityConfiguration}\n",
                "plugins[0].configuration.apiVersion",
            ),
        ] {
            let errors = parse(text).expect_err(text);
            assert_eq!(errors[0].field, field, "{text}");
        }
    }

    #[test]
    fn dns_names() {
        assert_eq!(dns_label_problem("kube-system"), None);
        assert_eq!(dns_label_problem("a1"), None);
        assert!(dns_label_problem(&"a".repeat(64)).is_some());
        assert!(dns_label_problem("a.b").is_some());
        assert!(dns_label_problem("A").is_some());
        assert_eq!(dns_subdomain_problem("gvisor.example.com"), None);
        assert!(dns_subdomain_problem("a..b").is_some());
        assert!(dns_subdomain_problem("a.-b").is_some());
        assert!(dns_subdomain_problem(".a").is_some());
    }

    fn config() -> PodSecurityConfig {
        parse(FULL).expect("valid").pod_security
    }

    fn pod(ns: &str, runtime_class: &str) -> Object {
        let y = format!(
            "apiVersion: v1\nkind: Pod\nmetadata: {{name: p, namespace: {ns}}}\nspec:\n  runtimeClassName: {runtime_class}\n  containers: [{{name: c}}]\n"
        );
        Object::parse_all("p.yaml", &y).0.remove(0)
    }

    #[test]
    fn decisions() {
        let c = config();
        // Exempt namespace wins over everything.
        assert_eq!(
            c.decide("kube-system", None, Some("kata"), Some("alice")),
            Decision::Exempt(Exemption::Namespace("kube-system".into()))
        );
        assert_eq!(
            c.decide(
                "team",
                None,
                Some("kata"),
                Some("system:serviceaccount:kube-system:replicaset-controller")
            ),
            Decision::Exempt(Exemption::Username(
                "system:serviceaccount:kube-system:replicaset-controller".into()
            ))
        );
        assert_eq!(
            c.decide_for(&pod("team", "kata"), None),
            Decision::Exempt(Exemption::RuntimeClass("kata".into()))
        );
        // No labels: the configured defaults.
        assert_eq!(
            c.decide_for(&pod("team", "runc"), None),
            Decision::Evaluate(c.defaults)
        );
        // Labels override the defaults field by field.
        let labels = NamespaceLabels::from_pairs([
            ("pod-security.kubernetes.io/enforce", "restricted"),
            ("pod-security.kubernetes.io/audit-version", "v1.22"),
        ]);
        let Decision::Evaluate(p) = c.decide("team", Some(&labels), None, None) else {
            panic!("not exempt");
        };
        assert_eq!(
            p.enforce,
            LevelVersion {
                level: Level::Restricted,
                version: Version::V(30)
            }
        );
        assert_eq!(
            p.audit,
            LevelVersion {
                level: Level::Restricted,
                version: Version::V(22)
            }
        );
        assert_eq!(p.warn, c.defaults.warn);
        // Without a configuration: privileged:latest unless labelled.
        let d = PodSecurityConfig::default();
        assert_eq!(
            d.decide("team", None, None, None),
            Decision::Evaluate(Policy::default())
        );
        assert_eq!(
            Exemption::RuntimeClass("kata".into()).to_string(),
            "runtime class \"kata\" is exempt"
        );
    }
}
