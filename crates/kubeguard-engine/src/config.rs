//! Configuration: `kubeguard.yaml` (a superset of KubeLinter's `.kube-linter.yaml`) and check
//! definitions (the schema shared by built-in data files and `customChecks`).
//!
//! Every problem is collected with its location; unknown keys are errors.

use std::collections::BTreeMap;
use std::sync::Arc;

use kubeguard_source::{Limits, Node, SourceFile, Span, Value, parse_documents};
use serde_json::Value as Json;

use crate::finding::{References, Severity};

/// A configuration problem at a place in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The file.
    pub path: String,
    /// 1-based line (0 when unknown).
    pub line: u32,
    /// 1-based column (0 when unknown).
    pub column: u32,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.line > 0 {
            write!(
                f,
                "{}:{}:{}: {}",
                self.path, self.line, self.column, self.message
            )
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// Collects errors against one source file.
pub struct Errors<'a> {
    source: &'a SourceFile,
    /// The errors so far.
    pub list: Vec<ConfigError>,
}

impl<'a> Errors<'a> {
    /// Errors for `source`.
    pub fn new(source: &'a SourceFile) -> Self {
        Errors {
            source,
            list: Vec::new(),
        }
    }

    /// Records an error at `span`.
    pub fn at(&mut self, span: Span, message: impl Into<String>) {
        let lc = self.source.line_col(span.start);
        self.list.push(ConfigError {
            path: self.source.path().to_string(),
            line: lc.line,
            column: lc.column,
            message: message.into(),
        });
    }
}

/// Reads a mapping's fields, remembering which keys were used, so the rest can be reported.
struct Fields<'n> {
    node: &'n Node,
    used: Vec<&'static str>,
}

impl<'n> Fields<'n> {
    fn new(node: &'n Node, what: &str, errs: &mut Errors<'_>) -> Option<Self> {
        if node.as_map().is_none() {
            if !node.is_null() {
                errs.at(node.span, format!("{what} must be a mapping"));
            }
            return None;
        }
        Some(Fields {
            node,
            used: Vec::new(),
        })
    }

    fn get(&mut self, key: &'static str) -> Option<&'n Node> {
        self.used.push(key);
        self.node.get(key).filter(|n| !n.is_null())
    }

    fn string(&mut self, key: &'static str, errs: &mut Errors<'_>) -> Option<String> {
        let n = self.get(key)?;
        match n.scalar_text() {
            Some(s) if !matches!(n.value, Value::Seq(_) | Value::Map(_)) => Some(s),
            _ => {
                errs.at(n.span, format!("`{key}` must be a string"));
                None
            }
        }
    }

    fn bool(&mut self, key: &'static str, errs: &mut Errors<'_>) -> Option<bool> {
        let n = self.get(key)?;
        match n.as_bool() {
            Some(b) => Some(b),
            None => {
                errs.at(n.span, format!("`{key}` must be true or false"));
                None
            }
        }
    }

    fn strings(&mut self, key: &'static str, errs: &mut Errors<'_>) -> Vec<(String, Span)> {
        let Some(n) = self.get(key) else {
            return Vec::new();
        };
        match n.as_seq() {
            Some(items) => items
                .iter()
                .filter_map(|i| match i.scalar_text() {
                    Some(s) => Some((s, i.span)),
                    None => {
                        errs.at(i.span, format!("`{key}` items must be strings"));
                        None
                    }
                })
                .collect(),
            None => {
                // A comma-separated string is accepted too.
                match n.as_str() {
                    Some(s) => s
                        .split(',')
                        .map(|p| (p.trim().to_string(), n.span))
                        .filter(|(p, _)| !p.is_empty())
                        .collect(),
                    None => {
                        errs.at(n.span, format!("`{key}` must be a list of strings"));
                        Vec::new()
                    }
                }
            }
        }
    }

    fn finish(self, what: &str, errs: &mut Errors<'_>) {
        if let Some(m) = self.node.as_map() {
            for (k, _) in &m.entries {
                if !self.used.contains(&&*k.text) {
                    errs.at(
                        k.span,
                        format!(
                            "unknown key `{}` in {what} (known: {})",
                            k.text,
                            self.used.join(", ")
                        ),
                    );
                }
            }
        }
    }
}

/// A check definition: a template bound to parameters, with metadata.
#[derive(Debug, Clone)]
pub struct CheckSpec {
    /// Name (`^[a-zA-Z0-9-_]+$`).
    pub name: String,
    /// Template key.
    pub template: String,
    /// Severity (default medium).
    pub severity: Severity,
    /// Category (default `custom`).
    pub category: String,
    /// Enabled without `include` (built-ins only; custom checks are always enabled).
    pub enabled_by_default: bool,
    /// Description.
    pub description: String,
    /// Rationale.
    pub rationale: String,
    /// Remediation.
    pub remediation: String,
    /// References.
    pub references: References,
    /// Object kinds; empty means the template's defaults.
    pub object_kinds: Vec<String>,
    /// Parameters as JSON.
    pub params: Json,
    /// Example of a failing manifest.
    pub example: Option<String>,
    /// The fixed example.
    pub use_instead: Option<String>,
    /// Where it was defined (file and span), for errors.
    pub origin: (Arc<SourceFile>, Span),
}

impl CheckSpec {
    /// Reads a check definition from a mapping node.
    pub fn parse(
        node: &Node,
        source: &Arc<SourceFile>,
        errs: &mut Errors<'_>,
    ) -> Option<CheckSpec> {
        let mut f = Fields::new(node, "a check definition", errs)?;
        let name = f.string("name", errs);
        let template = f.string("template", errs);
        let severity = match f.get("severity") {
            Some(n) => match n.as_str().and_then(Severity::parse) {
                Some(s) => s,
                None => {
                    errs.at(
                        n.span,
                        "`severity` must be one of critical, high, medium, low, info",
                    );
                    Severity::Medium
                }
            },
            None => Severity::Medium,
        };
        let category = f
            .string("category", errs)
            .unwrap_or_else(|| "custom".into());
        let enabled_by_default = f.bool("enabledByDefault", errs).unwrap_or(false);
        let description = f.string("description", errs).unwrap_or_default();
        let rationale = f.string("rationale", errs).unwrap_or_default();
        let remediation = f.string("remediation", errs).unwrap_or_default();
        let mut references = References::default();
        if let Some(r) = f.get("references")
            && let Some(mut rf) = Fields::new(r, "references", errs)
        {
            references.cis = rf
                .strings("cis", errs)
                .into_iter()
                .map(|(s, _)| s)
                .collect();
            references.mitre = rf
                .strings("mitre", errs)
                .into_iter()
                .map(|(s, _)| s)
                .collect();
            references.pss = rf
                .strings("pss", errs)
                .into_iter()
                .map(|(s, _)| s)
                .collect();
            rf.finish("references", errs);
        }
        let mut object_kinds = Vec::new();
        if let Some(s) = f.get("scope")
            && let Some(mut sf) = Fields::new(s, "scope", errs)
        {
            object_kinds = sf
                .strings("objectKinds", errs)
                .into_iter()
                .map(|(s, _)| s)
                .collect();
            sf.finish("scope", errs);
        }
        let params = match f.get("params") {
            Some(p) if p.as_map().is_some() => to_json(p),
            Some(p) => {
                errs.at(p.span, "`params` must be a mapping");
                Json::Null
            }
            None => Json::Null,
        };
        let example = f.string("example", errs);
        let use_instead = f.string("useInstead", errs);
        f.finish("a check definition", errs);
        let (Some(name), Some(template)) = (name, template) else {
            errs.at(node.span, "a check definition needs `name` and `template`");
            return None;
        };
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            errs.at(
                node.span,
                format!("check name `{name}` must match ^[a-zA-Z0-9-_]+$"),
            );
            return None;
        }
        Some(CheckSpec {
            name,
            template,
            severity,
            category,
            enabled_by_default,
            description,
            rationale,
            remediation,
            references,
            object_kinds,
            params,
            example,
            use_instead,
            origin: (source.clone(), node.span),
        })
    }

    /// Reads one check definition file (a single YAML document).
    pub fn from_file(source: &Arc<SourceFile>) -> Result<CheckSpec, Vec<ConfigError>> {
        let mut errs = Errors::new(source);
        let root = load_single(source, &mut errs);
        let spec = root
            .as_ref()
            .and_then(|r| CheckSpec::parse(r, source, &mut errs));
        match spec {
            Some(s) if errs.list.is_empty() => Ok(s),
            _ => Err(errs.list),
        }
    }
}

/// Converts a node to JSON.
pub fn to_json(node: &Node) -> Json {
    match &node.value {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(i) => Json::from(*i),
        Value::Float(f) => serde_json::Number::from_f64(*f).map_or(Json::Null, Json::Number),
        Value::Str(s) => Json::String(s.to_string()),
        Value::Seq(items) => Json::Array(items.iter().map(to_json).collect()),
        Value::Map(m) => Json::Object(m.iter().map(|(k, v)| (k.to_string(), to_json(v))).collect()),
    }
}

fn load_single(source: &SourceFile, errs: &mut Errors<'_>) -> Option<Node> {
    let mut docs = parse_documents(source.text(), &Limits::default());
    match docs.len() {
        0 => None,
        1 => match docs.remove(0) {
            Ok(d) => Some(d.root),
            Err(e) => {
                errs.at(Span::empty(e.offset), e.message);
                None
            }
        },
        _ => {
            errs.at(Span::empty(0), "expected a single YAML document");
            None
        }
    }
}

/// An exclusion from the config: findings matching all given criteria are suppressed.
#[derive(Debug, Clone, Default)]
pub struct Exclusion {
    /// Check names (empty: all checks).
    pub checks: Vec<String>,
    /// Namespace globs (empty: any).
    pub namespaces: Vec<String>,
    /// Object name globs (empty: any).
    pub names: Vec<String>,
    /// Kinds (empty: any).
    pub kinds: Vec<String>,
    /// Why.
    pub reason: Option<String>,
}

/// The configuration file's content.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// `checks.addAllBuiltIn`.
    pub add_all_builtin: bool,
    /// `checks.doNotAutoAddDefaults`.
    pub do_not_auto_add_defaults: bool,
    /// `checks.include`.
    pub include: Vec<String>,
    /// `checks.exclude` (always wins).
    pub exclude: Vec<String>,
    /// `checks.ignorePaths` globs.
    pub ignore_paths: Vec<String>,
    /// `checks.severity`: per-check severity overrides.
    pub severity: BTreeMap<String, Severity>,
    /// `checks.params`: per-check parameter overrides (merged over the check's own).
    pub params: BTreeMap<String, Json>,
    /// `customChecks`.
    pub custom_checks: Vec<CheckSpec>,
    /// `exclusions`.
    pub exclusions: Vec<Exclusion>,
    /// The `serve` section, as written: the admission webhook's settings, read and validated by
    /// kubeguard-server (other commands ignore it).
    pub serve: Option<Node>,
    /// The file, when read from one.
    pub source: Option<Arc<SourceFile>>,
}

impl Config {
    /// Parses a configuration file. All problems are returned together.
    pub fn parse(source: &Arc<SourceFile>) -> Result<Config, Vec<ConfigError>> {
        let mut errs = Errors::new(source);
        let mut cfg = Config {
            source: Some(source.clone()),
            ..Config::default()
        };
        if let Some(root) = load_single(source, &mut errs)
            && let Some(mut top) = Fields::new(&root, "the configuration", &mut errs)
        {
            if let Some(checks) = top.get("checks")
                && let Some(mut c) = Fields::new(checks, "`checks`", &mut errs)
            {
                cfg.add_all_builtin = c.bool("addAllBuiltIn", &mut errs).unwrap_or(false);
                cfg.do_not_auto_add_defaults =
                    c.bool("doNotAutoAddDefaults", &mut errs).unwrap_or(false);
                cfg.include = c
                    .strings("include", &mut errs)
                    .into_iter()
                    .map(|(s, _)| s)
                    .collect();
                cfg.exclude = c
                    .strings("exclude", &mut errs)
                    .into_iter()
                    .map(|(s, _)| s)
                    .collect();
                cfg.ignore_paths = c
                    .strings("ignorePaths", &mut errs)
                    .into_iter()
                    .map(|(s, _)| s)
                    .collect();
                if let Some(sev) = c.get("severity") {
                    match sev.as_map() {
                        Some(m) => {
                            for (k, v) in m.iter() {
                                match v.as_str().and_then(Severity::parse) {
                                    Some(s) => {
                                        cfg.severity.insert(k.to_string(), s);
                                    }
                                    None => errs.at(
                                        v.span,
                                        "severity must be one of critical, high, medium, low, info",
                                    ),
                                }
                            }
                        }
                        None => errs.at(sev.span, "`severity` must map check names to severities"),
                    }
                }
                if let Some(p) = c.get("params") {
                    match p.as_map() {
                        Some(m) => {
                            for (k, v) in m.iter() {
                                if v.as_map().is_none() {
                                    errs.at(v.span, format!("params of `{k}` must be a mapping"));
                                }
                                cfg.params.insert(k.to_string(), to_json(v));
                            }
                        }
                        None => errs.at(
                            p.span,
                            "`params` must map check names to parameter mappings",
                        ),
                    }
                }
                c.finish("`checks`", &mut errs);
            }
            if let Some(custom) = top.get("customChecks") {
                match custom.as_seq() {
                    Some(items) => {
                        for item in items {
                            if let Some(spec) = CheckSpec::parse(item, source, &mut errs) {
                                cfg.custom_checks.push(spec);
                            }
                        }
                    }
                    None => errs.at(custom.span, "`customChecks` must be a list"),
                }
            }
            if let Some(ex) = top.get("exclusions") {
                match ex.as_seq() {
                    Some(items) => {
                        for item in items {
                            if let Some(mut e) = Fields::new(item, "an exclusion", &mut errs) {
                                let exclusion = Exclusion {
                                    checks: e
                                        .strings("checks", &mut errs)
                                        .into_iter()
                                        .map(|(s, _)| s)
                                        .collect(),
                                    namespaces: e
                                        .strings("namespaces", &mut errs)
                                        .into_iter()
                                        .map(|(s, _)| s)
                                        .collect(),
                                    names: e
                                        .strings("names", &mut errs)
                                        .into_iter()
                                        .map(|(s, _)| s)
                                        .collect(),
                                    kinds: e
                                        .strings("kinds", &mut errs)
                                        .into_iter()
                                        .map(|(s, _)| s)
                                        .collect(),
                                    reason: e.string("reason", &mut errs),
                                };
                                e.finish("an exclusion", &mut errs);
                                cfg.exclusions.push(exclusion);
                            }
                        }
                    }
                    None => errs.at(ex.span, "`exclusions` must be a list"),
                }
            }
            cfg.serve = top.get("serve").cloned();
            top.finish("the configuration", &mut errs);
        }
        if errs.list.is_empty() {
            Ok(cfg)
        } else {
            Err(errs.list)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(t: &str) -> Result<Config, Vec<ConfigError>> {
        Config::parse(&SourceFile::new("kubeguard.yaml", t))
    }

    #[test]
    fn kube_linter_config() {
        let c = parse("checks:\n  addAllBuiltIn: true\n  exclude: [latest-tag]\n  ignorePaths: ['**/vendor/**']\ncustomChecks:\n- name: owner\n  template: required-label\n  params: {key: owner}\n  scope: {objectKinds: [DeploymentLike]}\n").expect("valid");
        assert!(c.add_all_builtin);
        assert_eq!(c.exclude, ["latest-tag"]);
        assert_eq!(c.custom_checks[0].params["key"], "owner");
        assert_eq!(c.custom_checks[0].object_kinds, ["DeploymentLike"]);
    }

    #[test]
    fn unknown_keys_are_located() {
        let e = parse("checks:\n  includ: [a]\nfoo: 1\ncustomChecks:\n- name: x\n  templat: y\n")
            .expect_err("invalid");
        let msgs: Vec<String> = e.iter().map(ToString::to_string).collect();
        assert!(
            msgs.iter()
                .any(|m| m.starts_with("kubeguard.yaml:2:3: unknown key `includ`")),
            "{msgs:?}"
        );
        assert!(
            msgs.iter()
                .any(|m| m.starts_with("kubeguard.yaml:3:1: unknown key `foo`")),
            "{msgs:?}"
        );
        assert!(
            msgs.iter()
                .any(|m| m.contains("6:3: unknown key `templat`")),
            "{msgs:?}"
        );
    }

    #[test]
    fn kubeguard_extensions() {
        let c = parse("checks:\n  severity: {latest-tag: critical}\n  params: {no-anti-affinity: {minReplicas: 3}}\nexclusions:\n- checks: [latest-tag]\n  namespaces: [dev-*]\n  reason: dev images float\n").expect("valid");
        assert_eq!(c.severity["latest-tag"], Severity::Critical);
        assert_eq!(c.params["no-anti-affinity"]["minReplicas"], 3);
        assert_eq!(c.exclusions[0].namespaces, ["dev-*"]);
    }

    #[test]
    fn serve_section_is_kept_for_the_webhook() {
        let c = parse("serve:\n  exemptNamespaces: [kube-system]\n").expect("valid");
        let serve = c.serve.expect("kept");
        assert!(serve.get("exemptNamespaces").is_some());
        assert!(parse("checks: {}\n").expect("valid").serve.is_none());
    }
}
