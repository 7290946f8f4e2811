//! Check metadata: what a check is, independent of how it decides.

use serde::Serialize;

use crate::finding::{References, Severity};

/// Everything known about a check besides its logic: the single source for `checks explain`,
/// generated docs, SARIF rule metadata and webhook messages.
#[derive(Debug, Clone, Serialize)]
pub struct CheckMeta {
    /// Kebab-case name, KubeLinter's where it has one (`privileged-container`).
    pub name: String,
    /// Template the check is built from.
    pub template: String,
    /// Default severity (before overrides).
    pub severity: Severity,
    /// Category (`security`, `reliability`, `best-practice`, `validity`).
    pub category: String,
    /// One or two sentences: what the check detects.
    pub description: String,
    /// Why it matters.
    pub rationale: String,
    /// What to do about it.
    pub remediation: String,
    /// CIS, Microsoft threat matrix and PSS references.
    pub references: References,
    /// Whether the check runs without being included.
    pub enabled_by_default: bool,
    /// Object kinds the check applies to (`DeploymentLike`, `Service`, `Any`, ...).
    pub object_kinds: Vec<String>,
    /// Parameters, as given (for display).
    pub params: serde_json::Value,
    /// Whether the check is built in (as opposed to custom from the config).
    pub builtin: bool,
    /// A failing example.
    pub example: Option<String>,
    /// The fixed example.
    pub use_instead: Option<String>,
}

impl CheckMeta {
    /// The documentation URL of a built-in check.
    pub fn help_uri(&self) -> String {
        format!("https://kubeguard.dev/checks/{}", self.name)
    }
}
