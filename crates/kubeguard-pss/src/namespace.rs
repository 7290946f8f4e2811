//! The Pod Security Admission labels of Namespace objects
//! (`pod-security.kubernetes.io/{enforce,audit,warn}` and their `-version` labels) and the
//! policy they give a namespace.
//!
//! Resolution follows upstream `PolicyToEvaluate`: a label that is present replaces the
//! default of its mode (the admission configuration's, else `privileged` at `latest`); an
//! invalid value is reported and replaced by a safe one — `restricted` for an invalid
//! `enforce` level (fail closed), `privileged` for an invalid `audit` or `warn` level (fail
//! open), `latest` for an invalid version.

use std::fmt;

use kubeguard_model::{Object, Seg, locate};
use kubeguard_source::{Location, Node};

use crate::version::{Level, ParseError, Version};

/// The prefix of the Pod Security Admission labels.
pub const LABEL_PREFIX: &str = "pod-security.kubernetes.io/";

/// One of the three admission modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mode {
    /// Violations reject the pod.
    Enforce,
    /// Violations are recorded in the audit log.
    Audit,
    /// Violations are returned to the user as warnings.
    Warn,
}

impl Mode {
    /// All modes.
    pub const ALL: [Mode; 3] = [Mode::Enforce, Mode::Audit, Mode::Warn];

    /// `enforce`, `audit` or `warn`.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Enforce => "enforce",
            Mode::Audit => "audit",
            Mode::Warn => "warn",
        }
    }

    /// The level label (`pod-security.kubernetes.io/enforce`).
    pub fn level_label(self) -> &'static str {
        match self {
            Mode::Enforce => "pod-security.kubernetes.io/enforce",
            Mode::Audit => "pod-security.kubernetes.io/audit",
            Mode::Warn => "pod-security.kubernetes.io/warn",
        }
    }

    /// The version label (`pod-security.kubernetes.io/enforce-version`).
    pub fn version_label(self) -> &'static str {
        match self {
            Mode::Enforce => "pod-security.kubernetes.io/enforce-version",
            Mode::Audit => "pod-security.kubernetes.io/audit-version",
            Mode::Warn => "pod-security.kubernetes.io/warn-version",
        }
    }

    /// The level an invalid level value becomes: `restricted` for enforce, `privileged`
    /// for audit and warn.
    pub fn invalid_level_fallback(self) -> Level {
        match self {
            Mode::Enforce => Level::Restricted,
            Mode::Audit | Mode::Warn => Level::Privileged,
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A level at a version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct LevelVersion {
    /// The level.
    pub level: Level,
    /// The version.
    pub version: Version,
}

impl fmt::Display for LevelVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.level, self.version)
    }
}

/// The level and version of each mode. The default is `privileged:latest` for all three.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Policy {
    /// Enforce mode.
    pub enforce: LevelVersion,
    /// Audit mode.
    pub audit: LevelVersion,
    /// Warn mode.
    pub warn: LevelVersion,
}

impl Policy {
    /// The level and version of `mode`.
    pub fn get(&self, mode: Mode) -> LevelVersion {
        match mode {
            Mode::Enforce => self.enforce,
            Mode::Audit => self.audit,
            Mode::Warn => self.warn,
        }
    }

    /// Mutable access to the level and version of `mode`.
    pub fn get_mut(&mut self, mode: Mode) -> &mut LevelVersion {
        match mode {
            Mode::Enforce => &mut self.enforce,
            Mode::Audit => &mut self.audit,
            Mode::Warn => &mut self.warn,
        }
    }
}

/// What is wrong with a Pod Security Admission label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LabelProblem {
    /// The value does not parse; upstream reports it and uses the fallback value.
    Invalid(ParseError),
    /// A `pod-security.kubernetes.io/` label that is none of the six known ones (likely a
    /// typo). Upstream ignores it silently; kubeguard reports it.
    Unknown,
}

/// A problem with one label of a Namespace, located at its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelDiagnostic {
    /// What is wrong.
    pub problem: LabelProblem,
    /// The label key.
    pub label: String,
    /// The label value.
    pub value: String,
    /// `metadata.labels[<key>]`.
    pub field: String,
    /// Where the value is (`None` without source text or when built from plain pairs).
    pub location: Option<Location>,
}

impl fmt::Display for LabelDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.problem {
            LabelProblem::Invalid(e) => write!(f, "invalid label {}: {e}", self.label),
            LabelProblem::Unknown => write!(
                f,
                "unknown label {}: not a Pod Security Admission label (ignored)",
                self.label
            ),
        }
    }
}

/// The Pod Security Admission labels of one namespace, parsed. Fields are `None` when the
/// label is absent; an invalid value is already replaced by its fallback (and reported in
/// `diagnostics`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NamespaceLabels {
    /// The namespace's name (empty when built from plain pairs).
    pub name: String,
    /// `pod-security.kubernetes.io/enforce`.
    pub enforce: Option<Level>,
    /// `pod-security.kubernetes.io/enforce-version`.
    pub enforce_version: Option<Version>,
    /// `pod-security.kubernetes.io/audit`.
    pub audit: Option<Level>,
    /// `pod-security.kubernetes.io/audit-version`.
    pub audit_version: Option<Version>,
    /// `pod-security.kubernetes.io/warn`.
    pub warn: Option<Level>,
    /// `pod-security.kubernetes.io/warn-version`.
    pub warn_version: Option<Version>,
    /// Invalid and unknown labels.
    pub diagnostics: Vec<LabelDiagnostic>,
}

impl NamespaceLabels {
    /// The labels of a core `v1` Namespace object; `None` for any other object.
    pub fn from_object(obj: &Object) -> Option<NamespaceLabels> {
        if obj.kind != "Namespace" || obj.api_version != "v1" {
            return None;
        }
        let meta = obj.metadata();
        let labels = meta.and_then(|m| m.get("labels")).and_then(Node::as_map);
        let mut out = NamespaceLabels {
            name: obj.name.clone(),
            ..NamespaceLabels::default()
        };
        let Some((meta, labels)) = meta.zip(labels) else {
            return Some(out);
        };
        let has_text = !obj.source.text().is_empty();
        for (key, value) in labels.iter() {
            // A label map holds strings: `null` reads as "", collections do not decode.
            let text = if value.is_null() {
                String::new()
            } else {
                match value.scalar_text() {
                    Some(t) => t,
                    None => continue,
                }
            };
            let before = out.diagnostics.len();
            out.set(key, &text);
            if let Some(d) = out.diagnostics.get_mut(before) {
                let f = locate(meta, "metadata", &[Seg::Key("labels"), Seg::Key(key)]);
                d.location = has_text.then(|| obj.source.location(&obj.path, f.span));
            }
        }
        Some(out)
    }

    /// Parses plain `(key, value)` label pairs (other labels are ignored).
    pub fn from_pairs<'a>(labels: impl IntoIterator<Item = (&'a str, &'a str)>) -> NamespaceLabels {
        let mut out = NamespaceLabels::default();
        for (key, value) in labels {
            out.set(key, value);
        }
        out
    }

    /// Records one label.
    fn set(&mut self, key: &str, value: &str) {
        let Some(suffix) = key.strip_prefix(LABEL_PREFIX) else {
            return;
        };
        let mut problem = None;
        let mode_of = |name: &str| Mode::ALL.into_iter().find(|m| m.as_str() == name);
        if let Some(mode) = mode_of(suffix) {
            let level = value.parse::<Level>().unwrap_or_else(|e| {
                problem = Some(LabelProblem::Invalid(e));
                mode.invalid_level_fallback()
            });
            *self.level_mut(mode) = Some(level);
        } else if let Some(mode) = suffix.strip_suffix("-version").and_then(mode_of) {
            let version = value.parse::<Version>().unwrap_or_else(|e| {
                problem = Some(LabelProblem::Invalid(e));
                Version::Latest
            });
            *self.version_mut(mode) = Some(version);
        } else {
            problem = Some(LabelProblem::Unknown);
        }
        if let Some(problem) = problem {
            self.diagnostics.push(LabelDiagnostic {
                problem,
                label: key.to_string(),
                value: value.to_string(),
                field: format!("metadata.labels[{key}]"),
                location: None,
            });
        }
    }

    fn level_mut(&mut self, mode: Mode) -> &mut Option<Level> {
        match mode {
            Mode::Enforce => &mut self.enforce,
            Mode::Audit => &mut self.audit,
            Mode::Warn => &mut self.warn,
        }
    }

    fn version_mut(&mut self, mode: Mode) -> &mut Option<Version> {
        match mode {
            Mode::Enforce => &mut self.enforce_version,
            Mode::Audit => &mut self.audit_version,
            Mode::Warn => &mut self.warn_version,
        }
    }

    /// The level label of `mode`, if present.
    pub fn level(&self, mode: Mode) -> Option<Level> {
        match mode {
            Mode::Enforce => self.enforce,
            Mode::Audit => self.audit,
            Mode::Warn => self.warn,
        }
    }

    /// The version label of `mode`, if present.
    pub fn version(&self, mode: Mode) -> Option<Version> {
        match mode {
            Mode::Enforce => self.enforce_version,
            Mode::Audit => self.audit_version,
            Mode::Warn => self.warn_version,
        }
    }

    /// Whether any of the six labels is present.
    pub fn any(&self) -> bool {
        Mode::ALL
            .into_iter()
            .any(|m| self.level(m).is_some() || self.version(m).is_some())
    }

    /// The policy: each present label replaces the corresponding value of `defaults`.
    pub fn apply(&self, defaults: Policy) -> Policy {
        let mut p = defaults;
        for mode in Mode::ALL {
            let lv = p.get_mut(mode);
            if let Some(level) = self.level(mode) {
                lv.level = level;
            }
            if let Some(version) = self.version(mode) {
                lv.version = version;
            }
        }
        p
    }

    /// The policy over upstream's defaults (`privileged:latest` for every mode), as when the
    /// admission plugin has no configuration.
    pub fn policy(&self) -> Policy {
        self.apply(Policy::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ns(labels: &str) -> NamespaceLabels {
        let y = format!(
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n  labels:\n{labels}"
        );
        let o = Object::parse_all("ns.yaml", &y).0.remove(0);
        NamespaceLabels::from_object(&o).expect("a namespace")
    }

    #[test]
    fn missing_labels_are_privileged_latest() {
        let n = ns("    app: x\n");
        assert!(!n.any() && n.diagnostics.is_empty());
        assert_eq!(n.policy(), Policy::default());
        let lv = n.policy().enforce;
        assert_eq!((lv.level, lv.version), (Level::Privileged, Version::Latest));
        assert_eq!(lv.to_string(), "privileged:latest");
    }

    #[test]
    fn labels_override_defaults_per_field() {
        let n = ns(
            "    pod-security.kubernetes.io/enforce: baseline\n    pod-security.kubernetes.io/enforce-version: v1.25\n    pod-security.kubernetes.io/warn: restricted\n",
        );
        let defaults = Policy {
            warn: LevelVersion {
                level: Level::Baseline,
                version: Version::V(30),
            },
            audit: LevelVersion {
                level: Level::Restricted,
                version: Version::V(20),
            },
            ..Policy::default()
        };
        let p = n.apply(defaults);
        assert_eq!(
            p.enforce,
            LevelVersion {
                level: Level::Baseline,
                version: Version::V(25)
            }
        );
        // The warn level comes from the label, its version from the defaults.
        assert_eq!(
            p.warn,
            LevelVersion {
                level: Level::Restricted,
                version: Version::V(30)
            }
        );
        assert_eq!(p.audit, defaults.audit);
    }

    #[test]
    fn invalid_values_fail_closed_for_enforce_and_open_for_audit_warn() {
        let n = ns(
            "    pod-security.kubernetes.io/enforce: strict\n    pod-security.kubernetes.io/audit: Baseline\n    pod-security.kubernetes.io/warn: ''\n    pod-security.kubernetes.io/warn-version: v1.25.1\n    pod-security.kubernetes.io/audit-version: 1.25\n    pod-security.kubernetes.io/enforce-verison: v1.2\n",
        );
        let p = n.apply(Policy {
            warn: LevelVersion {
                level: Level::Restricted,
                version: Version::V(3),
            },
            ..Policy::default()
        });
        assert_eq!(p.enforce.level, Level::Restricted);
        assert_eq!(p.audit.level, Level::Privileged);
        assert_eq!(p.warn.level, Level::Privileged);
        assert_eq!(p.warn.version, Version::Latest);
        assert_eq!(p.audit.version, Version::Latest);
        let problems: Vec<(&str, bool)> = n
            .diagnostics
            .iter()
            .map(|d| (d.label.as_str(), d.problem == LabelProblem::Unknown))
            .collect();
        assert_eq!(
            problems,
            [
                ("pod-security.kubernetes.io/enforce", false),
                ("pod-security.kubernetes.io/audit", false),
                ("pod-security.kubernetes.io/warn", false),
                ("pod-security.kubernetes.io/warn-version", false),
                ("pod-security.kubernetes.io/audit-version", false),
                ("pod-security.kubernetes.io/enforce-verison", true),
            ]
        );
        let first = &n.diagnostics[0];
        assert_eq!(
            first.field,
            "metadata.labels[pod-security.kubernetes.io/enforce]"
        );
        let loc = first.location.as_ref().expect("located");
        assert_eq!((loc.start.line, loc.start.column), (6, 41));
        assert_eq!(
            first.to_string(),
            "invalid label pod-security.kubernetes.io/enforce: invalid level \"strict\": must be one of privileged, baseline, restricted"
        );
        // A YAML number is read as its text, "1.25", which is not a version.
        assert_eq!(n.diagnostics[4].value, "1.25");
    }

    #[test]
    fn other_objects_and_plain_pairs() {
        let o = Object::parse_all("p.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n")
            .0
            .remove(0);
        assert!(NamespaceLabels::from_object(&o).is_none());
        let n = NamespaceLabels::from_pairs([
            ("pod-security.kubernetes.io/audit", "restricted"),
            ("pod-security.kubernetes.io/audit-version", "latest"),
            ("team", "a"),
        ]);
        assert_eq!(n.audit, Some(Level::Restricted));
        assert_eq!(n.audit_version, Some(Version::Latest));
        assert!(n.diagnostics.is_empty());
        assert_eq!(n.policy().enforce.level, Level::Privileged);
    }
}
