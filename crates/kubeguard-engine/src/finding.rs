//! The one finding type every analyzer produces and every reporter consumes.

use std::fmt;
use std::sync::Arc;

use kubeguard_source::Location;
use serde::{Deserialize, Serialize};

/// How serious a finding is. Ordered from least to most severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Informational.
    Info,
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
    /// Critical.
    Critical,
}

impl Severity {
    /// All severities, most severe first.
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    /// The lowercase name used in configs and outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// Parses a lowercase (or any-case) severity name.
    pub fn parse(s: &str) -> Option<Severity> {
        Some(match s.to_ascii_lowercase().as_str() {
            "info" => Severity::Info,
            "low" => Severity::Low,
            "medium" => Severity::Medium,
            "high" => Severity::High,
            "critical" => Severity::Critical,
            _ => return None,
        })
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Identity of the Kubernetes object a finding is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default)]
pub struct ObjectRef {
    /// `apiVersion` as written (`apps/v1`, `v1`).
    #[serde(rename = "apiVersion")]
    pub api_version: String,
    /// `kind`.
    pub kind: String,
    /// `metadata.namespace`, `None` when absent.
    pub namespace: Option<String>,
    /// `metadata.name` (or `generateName`), empty when absent.
    pub name: String,
}

impl fmt::Display for ObjectRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.namespace {
            Some(ns) => write!(f, "{} {}/{}", self.kind, ns, self.name),
            None => write!(f, "{} {}", self.kind, self.name),
        }
    }
}

/// External references of a check: CIS benchmark ids, Microsoft threat-matrix ids, PSS controls.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct References {
    /// CIS Kubernetes Benchmark recommendation ids (`5.2.2`).
    #[serde(default)]
    pub cis: Vec<String>,
    /// Microsoft threat matrix for Kubernetes technique ids (`MS-TA9018`).
    #[serde(default)]
    pub mitre: Vec<String>,
    /// Pod Security Standards controls (`baseline/privileged`).
    #[serde(default)]
    pub pss: Vec<String>,
}

impl References {
    /// Whether there is no reference at all.
    pub fn is_empty(&self) -> bool {
        self.cis.is_empty() && self.mitre.is_empty() && self.pss.is_empty()
    }
}

/// Why a finding is not counted: which mechanism suppressed it and the reason given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suppression {
    /// `annotation`, `comment` or `config`.
    pub kind: &'static str,
    /// The suppressing text (annotation key, comment, config entry).
    pub source: String,
    /// The reason given, if any.
    pub reason: Option<String>,
}

/// One problem found in one object.
#[derive(Debug, Clone)]
pub struct Finding {
    /// The check's name (`privileged-container`).
    pub check: Arc<str>,
    /// Severity after configuration overrides.
    pub severity: Severity,
    /// What is wrong with this object.
    pub message: String,
    /// How to fix it.
    pub remediation: Option<Arc<str>>,
    /// The object (shared by the findings of one object).
    pub object: Arc<ObjectRef>,
    /// Where: the offending field, or its nearest existing parent. `None` for objects with no file.
    pub location: Option<Location>,
    /// Dotted field path (`spec.template.spec.containers[0].securityContext.privileged`).
    pub field: String,
    /// External references of the check.
    pub references: Arc<References>,
    /// Set when the finding is suppressed (boxed: most findings are not, and a finding is
    /// moved several times on its way to the output).
    pub suppressed: Option<Box<Suppression>>,
}

impl Finding {
    /// The order of the output: path (findings without a location first), line, column, check,
    /// then message. Paths and check names that are the same shared string are not compared
    /// (the common case: findings of one file).
    pub fn cmp_output(&self, other: &Finding) -> std::cmp::Ordering {
        fn shared_or(a: &Arc<str>, b: &Arc<str>) -> std::cmp::Ordering {
            if Arc::ptr_eq(a, b) {
                std::cmp::Ordering::Equal
            } else {
                a.cmp(b)
            }
        }
        let location = match (&self.location, &other.location) {
            (Some(a), Some(b)) => shared_or(&a.path, &b.path)
                .then(a.start.line.cmp(&b.start.line))
                .then(a.start.column.cmp(&b.start.column)),
            (a, b) => a.is_some().cmp(&b.is_some()),
        };
        location
            .then_with(|| shared_or(&self.check, &other.check))
            .then_with(|| self.message.cmp(&other.message))
    }
}

/// An input that could not be read or parsed; the rest of the run goes on.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct InputError {
    /// Path as given (or `<stdin>`).
    pub path: String,
    /// 1-based line, when known.
    pub line: Option<u32>,
    /// 1-based column, when known.
    pub column: Option<u32>,
    /// What went wrong and what to do.
    pub message: String,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "{}:{}:{}: {}", self.path, l, c, self.message),
            (Some(l), None) => write!(f, "{}:{}: {}", self.path, l, self.message),
            _ => write!(f, "{}: {}", self.path, self.message),
        }
    }
}
