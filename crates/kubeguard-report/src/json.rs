//! The `json` format: the versioned contract documented in `docs/json-format.md`.
//!
//! The contract is defined by the private structs below, not by the engine's types, so that a
//! change in the engine cannot change the output by accident. Field order is struct order.

use std::io;

use kubeguard_engine::{Finding, InputError, Report, Severity};
use serde::Serialize;

use crate::format::{RenderOptions, Reporter};
use crate::util::{other_error, remediation, severity_count, shown};

/// The version of the JSON contract (`"version"`); bumped only on breaking changes.
pub const JSON_FORMAT_VERSION: u32 = 1;

/// The `json` format (see the crate docs and `docs/json-format.md`).
#[derive(Debug, Clone, Copy, Default)]
pub struct JsonReporter;

impl Reporter for JsonReporter {
    fn render(
        &self,
        report: &Report,
        opts: &RenderOptions,
        out: &mut dyn io::Write,
    ) -> io::Result<()> {
        let doc = JsonReport {
            version: JSON_FORMAT_VERSION,
            tool: JsonTool {
                name: "kubeguard",
                version: opts.tool_version,
            },
            summary: summary(report),
            findings: shown(report, opts.show_suppressed)
                .map(|f| finding(report, f))
                .collect(),
            errors: report.errors.iter().map(error).collect(),
        };
        serde_json::to_writer_pretty(&mut *out, &doc).map_err(other_error)?;
        out.write_all(b"\n")
    }
}

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    tool: JsonTool,
    summary: JsonSummary,
    findings: Vec<JsonFinding<'a>>,
    errors: Vec<JsonError<'a>>,
}

#[derive(Serialize)]
struct JsonTool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct JsonSummary {
    files: usize,
    documents: usize,
    objects: usize,
    skipped: usize,
    findings: usize,
    suppressed: usize,
    errors: usize,
    by_severity: BySeverity,
}

/// Most severe first; every key always present.
#[derive(Serialize)]
struct BySeverity {
    critical: usize,
    high: usize,
    medium: usize,
    low: usize,
    info: usize,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    check: &'a str,
    severity: &'static str,
    message: &'a str,
    remediation: Option<&'a str>,
    object: JsonObject<'a>,
    location: Option<JsonLocation<'a>>,
    field: &'a str,
    references: JsonReferences<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressed: Option<JsonSuppressed<'a>>,
}

#[derive(Serialize)]
struct JsonObject<'a> {
    #[serde(rename = "apiVersion")]
    api_version: &'a str,
    kind: &'a str,
    namespace: Option<&'a str>,
    name: &'a str,
}

#[derive(Serialize)]
struct JsonLocation<'a> {
    path: &'a str,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
}

#[derive(Serialize)]
struct JsonReferences<'a> {
    cis: &'a [String],
    mitre: &'a [String],
    pss: &'a [String],
}

#[derive(Serialize)]
struct JsonSuppressed<'a> {
    kind: &'a str,
    source: &'a str,
    reason: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonError<'a> {
    path: &'a str,
    line: Option<u32>,
    column: Option<u32>,
    message: &'a str,
}

fn summary(report: &Report) -> JsonSummary {
    let s = &report.summary;
    JsonSummary {
        files: s.files,
        documents: s.documents,
        objects: s.objects,
        skipped: s.skipped,
        findings: s.findings,
        suppressed: s.suppressed,
        errors: s.errors,
        by_severity: BySeverity {
            critical: severity_count(report, Severity::Critical),
            high: severity_count(report, Severity::High),
            medium: severity_count(report, Severity::Medium),
            low: severity_count(report, Severity::Low),
            info: severity_count(report, Severity::Info),
        },
    }
}

fn finding<'a>(report: &'a Report, f: &'a Finding) -> JsonFinding<'a> {
    JsonFinding {
        check: &f.check,
        severity: f.severity.as_str(),
        message: &f.message,
        remediation: remediation(report, f),
        object: JsonObject {
            api_version: &f.object.api_version,
            kind: &f.object.kind,
            namespace: f.object.namespace.as_deref(),
            name: &f.object.name,
        },
        location: f.location.as_ref().map(|l| JsonLocation {
            path: &l.path,
            line: l.start.line,
            column: l.start.column,
            end_line: l.end.line,
            end_column: l.end.column,
        }),
        field: &f.field,
        references: JsonReferences {
            cis: &f.references.cis,
            mitre: &f.references.mitre,
            pss: &f.references.pss,
        },
        suppressed: f.suppressed.as_ref().map(|s| JsonSuppressed {
            kind: s.kind,
            source: &s.source,
            reason: s.reason.as_deref(),
        }),
    }
}

fn error(e: &InputError) -> JsonError<'_> {
    JsonError {
        path: &e.path,
        line: e.line,
        column: e.column,
        message: &e.message,
    }
}
