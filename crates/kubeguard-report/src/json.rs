//! The `json` format: the versioned contract documented in `docs/json-format.md`.
//!
//! The contract is defined by the private structs below, not by the engine's types, so that a
//! change in the engine cannot change the output by accident. Field order is struct order.

use std::io;

use kubeguard_engine::{Finding, InputError, Report, Severity};
use rayon::prelude::*;
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
        // Streamed: the head through serde, then the findings and errors, each serialized on
        // its own (in parallel, a window at a time), indented and written in order. The bytes
        // are those `serde_json::to_writer_pretty` writes for the whole report, without
        // holding it all in memory or making one small write per token.
        let head = JsonHead {
            version: JSON_FORMAT_VERSION,
            tool: JsonTool {
                name: "kubeguard",
                version: opts.tool_version,
            },
            summary: summary(report),
        };
        let mut buf = serde_json::to_vec_pretty(&head).map_err(other_error)?;
        // Reopen the head's object: drop its closing "\n}".
        buf.truncate(buf.len().saturating_sub(2));
        let findings: Vec<&Finding> = shown(report, opts.show_suppressed).collect();
        write_array(out, &mut buf, "findings", &findings, |f| finding(report, f))?;
        let errors: Vec<&InputError> = report.errors.iter().collect();
        write_array(out, &mut buf, "errors", &errors, error)?;
        buf.extend_from_slice(b"\n}\n");
        out.write_all(&buf)
    }
}

/// Appends `,\n  "name": [ ... ]` with each item pretty-printed at depth 2. Items are
/// serialized in parallel, a bounded window at a time, and written in order.
fn write_array<'a, I: Sync, T: Serialize>(
    out: &mut dyn io::Write,
    buf: &mut Vec<u8>,
    name: &str,
    items: &[&'a I],
    view: impl Fn(&'a I) -> T + Sync,
) -> io::Result<()> {
    const WINDOW: usize = 8192;
    const CHUNK: usize = 256;
    buf.extend_from_slice(b",\n  ");
    serde_json::to_writer(&mut *buf, name).map_err(other_error)?;
    buf.extend_from_slice(b": [");
    for (w, window) in items.chunks(WINDOW).enumerate() {
        let parts: Vec<io::Result<Vec<u8>>> = window
            .par_chunks(CHUNK)
            .enumerate()
            .map(|(c, chunk)| {
                let mut part = Vec::with_capacity(chunk.len() * 1024);
                let mut one = Vec::with_capacity(1024);
                for (i, item) in chunk.iter().enumerate() {
                    let first = w == 0 && c == 0 && i == 0;
                    part.extend_from_slice(if first { b"\n    " } else { b",\n    " });
                    one.clear();
                    serde_json::to_writer_pretty(&mut one, &view(*item)).map_err(other_error)?;
                    // Strings never contain a raw newline (JSON escapes it), so every newline
                    // byte is a line break of the layout and takes the item's indentation.
                    for (n, line) in one.split(|&b| b == b'\n').enumerate() {
                        if n > 0 {
                            part.extend_from_slice(b"\n    ");
                        }
                        part.extend_from_slice(line);
                    }
                }
                Ok(part)
            })
            .collect();
        out.write_all(buf)?;
        buf.clear();
        for part in parts {
            out.write_all(&part?)?;
        }
    }
    buf.extend_from_slice(if items.is_empty() { b"]" } else { b"\n  ]" });
    Ok(())
}

/// The members of the report before its arrays; [`JsonFinding`] and [`JsonError`] follow.
#[derive(Serialize)]
struct JsonHead<'a> {
    version: u32,
    tool: JsonTool,
    summary: JsonSummary<'a>,
}

#[derive(Serialize)]
struct JsonTool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct JsonSummary<'a> {
    files: usize,
    documents: usize,
    objects: usize,
    skipped: usize,
    findings: usize,
    suppressed: usize,
    errors: usize,
    by_severity: BySeverity,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    notes: &'a [String],
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

fn summary(report: &Report) -> JsonSummary<'_> {
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
        notes: &s.notes,
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
