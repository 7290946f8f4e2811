//! The `kube-linter-json` format: KubeLinter's `--format json` report shape, for tools that
//! already consume KubeLinter output (`jq '.Reports[].Diagnostic.Message'` and the like).
//!
//! One line, as Go's `json.Encoder` writes it (with `<`, `>`, `&`, U+2028 and U+2029 escaped as
//! `\u003c` …), then a newline:
//!
//! ```text
//! {"Checks":[{"name","description","remediation","scope":{"objectKinds":[…]},"template","params"?}…],
//!  "Reports":[{"Diagnostic":{"Message"},"Check","Remediation",
//!              "Object":{"Metadata":{"FilePath"},"K8sObject":{"Namespace","Name",
//!                        "GroupVersionKind":{"Group","Version","Kind"}}}}…],
//!  "Summary":{"ChecksStatus":"Passed"|"Failed","CheckEndTime","KubeLinterVersion"}}
//! ```
//!
//! `Checks` and `Reports` are `null` when empty (Go nil slices). Only active findings are
//! reports (KubeLinter has no notion of suppressed findings; `show_suppressed` is ignored).
//! `Remediation` is the check's remediation, as in KubeLinter. Input errors are not part of the
//! shape. `CheckEndTime` is [`RenderOptions::check_end_time`], or Go's zero time
//! `0001-01-01T00:00:00Z` when unset, so that the library stays deterministic.

use std::io;

use kubeguard_engine::{CheckMeta, Finding, Report};
use serde::Serialize;

use crate::format::{RenderOptions, Reporter};
use crate::util::{check_meta, other_error};

/// Go's zero `time.Time`, the `CheckEndTime` written when no time is given.
pub const GO_ZERO_TIME: &str = "0001-01-01T00:00:00Z";

/// The `kube-linter-json` format (see the module docs).
#[derive(Debug, Clone, Copy, Default)]
pub struct KubeLinterJsonReporter;

impl Reporter for KubeLinterJsonReporter {
    fn render(
        &self,
        report: &Report,
        opts: &RenderOptions,
        out: &mut dyn io::Write,
    ) -> io::Result<()> {
        let checks: Vec<KlCheck<'_>> = report.checks.iter().map(|c| check(c)).collect();
        let reports: Vec<KlReport<'_>> = report.active().map(|f| to_report(report, f)).collect();
        let doc = KlResult {
            checks: (!checks.is_empty()).then_some(checks),
            summary: KlSummary {
                checks_status: if reports.is_empty() {
                    "Passed"
                } else {
                    "Failed"
                },
                check_end_time: opts.check_end_time.as_deref().unwrap_or(GO_ZERO_TIME),
                kube_linter_version: opts.tool_version,
            },
            reports: (!reports.is_empty()).then_some(reports),
        };
        let text = serde_json::to_string(&doc).map_err(other_error)?;
        out.write_all(go_escape(&text).as_bytes())?;
        out.write_all(b"\n")
    }
}

/// Escapes what Go's `json.Encoder` escapes by default and serde_json does not. These
/// characters can only occur inside JSON strings, so replacing them everywhere is safe.
fn go_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

fn check(c: &CheckMeta) -> KlCheck<'_> {
    let params = match &c.params {
        serde_json::Value::Null => None,
        serde_json::Value::Object(m) if m.is_empty() => None,
        v => Some(v),
    };
    KlCheck {
        name: &c.name,
        description: &c.description,
        remediation: &c.remediation,
        scope: KlScope {
            object_kinds: &c.object_kinds,
        },
        template: &c.template,
        params,
    }
}

/// `(group, version)` of an `apiVersion` (`apps/v1` → `apps`, `v1`; `v1` → ``, `v1`).
pub(crate) fn group_version(api_version: &str) -> (&str, &str) {
    match api_version.rsplit_once('/') {
        Some((g, v)) => (g, v),
        None => ("", api_version),
    }
}

/// The remediation KubeLinter reports: the check's, else the finding's own.
pub(crate) fn check_remediation<'r>(report: &'r Report, f: &'r Finding) -> &'r str {
    check_meta(report, &f.check)
        .map(|c| c.remediation.as_str())
        .filter(|r| !r.is_empty())
        .or(f.remediation.as_deref())
        .unwrap_or("")
}

fn to_report<'r>(report: &'r Report, f: &'r Finding) -> KlReport<'r> {
    let (group, version) = group_version(&f.object.api_version);
    KlReport {
        diagnostic: KlDiagnostic {
            message: &f.message,
        },
        check: &f.check,
        remediation: check_remediation(report, f),
        object: KlObject {
            metadata: KlMetadata {
                file_path: f.location.as_ref().map_or("", |l| &l.path),
            },
            k8s_object: KlK8sObject {
                namespace: f.object.namespace.as_deref().unwrap_or(""),
                name: &f.object.name,
                group_version_kind: KlGvk {
                    group,
                    version,
                    kind: &f.object.kind,
                },
            },
        },
    }
}

#[derive(Serialize)]
struct KlResult<'a> {
    #[serde(rename = "Checks")]
    checks: Option<Vec<KlCheck<'a>>>,
    #[serde(rename = "Reports")]
    reports: Option<Vec<KlReport<'a>>>,
    #[serde(rename = "Summary")]
    summary: KlSummary<'a>,
}

#[derive(Serialize)]
struct KlCheck<'a> {
    name: &'a str,
    description: &'a str,
    remediation: &'a str,
    scope: KlScope<'a>,
    template: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    params: Option<&'a serde_json::Value>,
}

#[derive(Serialize)]
struct KlScope<'a> {
    #[serde(rename = "objectKinds")]
    object_kinds: &'a [String],
}

#[derive(Serialize)]
struct KlReport<'a> {
    #[serde(rename = "Diagnostic")]
    diagnostic: KlDiagnostic<'a>,
    #[serde(rename = "Check")]
    check: &'a str,
    #[serde(rename = "Remediation")]
    remediation: &'a str,
    #[serde(rename = "Object")]
    object: KlObject<'a>,
}

#[derive(Serialize)]
struct KlDiagnostic<'a> {
    #[serde(rename = "Message")]
    message: &'a str,
}

#[derive(Serialize)]
struct KlObject<'a> {
    #[serde(rename = "Metadata")]
    metadata: KlMetadata<'a>,
    #[serde(rename = "K8sObject")]
    k8s_object: KlK8sObject<'a>,
}

#[derive(Serialize)]
struct KlMetadata<'a> {
    #[serde(rename = "FilePath")]
    file_path: &'a str,
}

#[derive(Serialize)]
struct KlK8sObject<'a> {
    #[serde(rename = "Namespace")]
    namespace: &'a str,
    #[serde(rename = "Name")]
    name: &'a str,
    #[serde(rename = "GroupVersionKind")]
    group_version_kind: KlGvk<'a>,
}

#[derive(Serialize)]
struct KlGvk<'a> {
    #[serde(rename = "Group")]
    group: &'a str,
    #[serde(rename = "Version")]
    version: &'a str,
    #[serde(rename = "Kind")]
    kind: &'a str,
}

#[derive(Serialize)]
struct KlSummary<'a> {
    #[serde(rename = "ChecksStatus")]
    checks_status: &'static str,
    #[serde(rename = "CheckEndTime")]
    check_end_time: &'a str,
    #[serde(rename = "KubeLinterVersion")]
    kube_linter_version: &'a str,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_versions() {
        assert_eq!(group_version("apps/v1"), ("apps", "v1"));
        assert_eq!(group_version("v1"), ("", "v1"));
        assert_eq!(group_version(""), ("", ""));
    }

    #[test]
    fn escapes_like_go() {
        assert_eq!(go_escape("a<b>&\u{2028}"), "a\\u003cb\\u003e\\u0026\\u2028");
    }
}
