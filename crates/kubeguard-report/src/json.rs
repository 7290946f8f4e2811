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
        write_array(out, &mut buf, "findings", &findings, |f, part| {
            write_finding(&finding(report, f), part);
            Ok(())
        })?;
        let errors: Vec<&InputError> = report.errors.iter().collect();
        write_array(out, &mut buf, "errors", &errors, |e, part| {
            serde_item(&error(e), part)
        })?;
        buf.extend_from_slice(b"\n}\n");
        out.write_all(&buf)
    }
}

/// Appends `,\n  "name": [ ... ]` with each item written by `item` (pretty-printed at depth 2,
/// without the leading newline and indentation). Items are written in parallel, a bounded
/// window at a time, and output in order.
fn write_array<'a, I: Sync>(
    out: &mut dyn io::Write,
    buf: &mut Vec<u8>,
    name: &str,
    items: &[&'a I],
    item: impl Fn(&'a I, &mut Vec<u8>) -> io::Result<()> + Sync,
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
                for (i, it) in chunk.iter().enumerate() {
                    let first = w == 0 && c == 0 && i == 0;
                    part.extend_from_slice(if first { b"\n    " } else { b",\n    " });
                    item(it, &mut part)?;
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

/// Writes `value` as `serde_json::to_writer_pretty` would at depth 2 of the report.
fn serde_item<T: Serialize>(value: &T, out: &mut Vec<u8>) -> io::Result<()> {
    let mut one = Vec::with_capacity(256);
    serde_json::to_writer_pretty(&mut one, value).map_err(other_error)?;
    // Strings never contain a raw newline (JSON escapes it), so every newline byte is a line
    // break of the layout and takes the item's indentation.
    for (n, line) in one.split(|&b| b == b'\n').enumerate() {
        if n > 0 {
            out.extend_from_slice(b"\n    ");
        }
        out.extend_from_slice(line);
    }
    Ok(())
}

/// Writes a finding exactly as [`serde_item`] writes its [`JsonFinding`] (a test holds the two
/// to the same bytes), without serde's per-token overhead: findings are most of a large report.
fn write_finding(f: &JsonFinding<'_>, out: &mut Vec<u8>) {
    const I6: &[u8] = b"\n      ";
    const I8: &[u8] = b"\n        ";
    out.extend_from_slice(b"{");
    out.extend_from_slice(I6);
    out.extend_from_slice(b"\"check\": ");
    json_str(out, f.check);
    out.extend_from_slice(b",");
    out.extend_from_slice(I6);
    out.extend_from_slice(b"\"severity\": ");
    json_str(out, f.severity);
    out.extend_from_slice(b",");
    out.extend_from_slice(I6);
    out.extend_from_slice(b"\"message\": ");
    json_str(out, f.message);
    out.extend_from_slice(b",");
    out.extend_from_slice(I6);
    out.extend_from_slice(b"\"remediation\": ");
    json_opt_str(out, f.remediation);
    out.extend_from_slice(b",");
    out.extend_from_slice(I6);
    out.extend_from_slice(b"\"object\": {");
    out.extend_from_slice(I8);
    out.extend_from_slice(b"\"apiVersion\": ");
    json_str(out, f.object.api_version);
    out.extend_from_slice(b",");
    out.extend_from_slice(I8);
    out.extend_from_slice(b"\"kind\": ");
    json_str(out, f.object.kind);
    out.extend_from_slice(b",");
    out.extend_from_slice(I8);
    out.extend_from_slice(b"\"namespace\": ");
    json_opt_str(out, f.object.namespace);
    out.extend_from_slice(b",");
    out.extend_from_slice(I8);
    out.extend_from_slice(b"\"name\": ");
    json_str(out, f.object.name);
    out.extend_from_slice(I6);
    out.extend_from_slice(b"},");
    out.extend_from_slice(I6);
    out.extend_from_slice(b"\"location\": ");
    match &f.location {
        None => out.extend_from_slice(b"null"),
        Some(l) => {
            out.extend_from_slice(b"{");
            out.extend_from_slice(I8);
            out.extend_from_slice(b"\"path\": ");
            json_str(out, l.path);
            for (key, n) in [
                (&b"\"line\": "[..], l.line),
                (b"\"column\": ", l.column),
                (b"\"end_line\": ", l.end_line),
                (b"\"end_column\": ", l.end_column),
            ] {
                out.extend_from_slice(b",");
                out.extend_from_slice(I8);
                out.extend_from_slice(key);
                json_u32(out, n);
            }
            out.extend_from_slice(I6);
            out.extend_from_slice(b"}");
        }
    }
    out.extend_from_slice(b",");
    out.extend_from_slice(I6);
    out.extend_from_slice(b"\"field\": ");
    json_str(out, f.field);
    out.extend_from_slice(b",");
    out.extend_from_slice(I6);
    out.extend_from_slice(b"\"references\": {");
    for (i, (key, list)) in [
        (&b"\"cis\": "[..], f.references.cis),
        (b"\"mitre\": ", f.references.mitre),
        (b"\"pss\": ", f.references.pss),
    ]
    .into_iter()
    .enumerate()
    {
        if i > 0 {
            out.extend_from_slice(b",");
        }
        out.extend_from_slice(I8);
        out.extend_from_slice(key);
        if list.is_empty() {
            out.extend_from_slice(b"[]");
        } else {
            out.extend_from_slice(b"[");
            for (j, item) in list.iter().enumerate() {
                if j > 0 {
                    out.extend_from_slice(b",");
                }
                out.extend_from_slice(b"\n          ");
                json_str(out, item);
            }
            out.extend_from_slice(I8);
            out.extend_from_slice(b"]");
        }
    }
    out.extend_from_slice(I6);
    out.extend_from_slice(b"}");
    if let Some(s) = &f.suppressed {
        out.extend_from_slice(b",");
        out.extend_from_slice(I6);
        out.extend_from_slice(b"\"suppressed\": {");
        out.extend_from_slice(I8);
        out.extend_from_slice(b"\"kind\": ");
        json_str(out, s.kind);
        out.extend_from_slice(b",");
        out.extend_from_slice(I8);
        out.extend_from_slice(b"\"source\": ");
        json_str(out, s.source);
        out.extend_from_slice(b",");
        out.extend_from_slice(I8);
        out.extend_from_slice(b"\"reason\": ");
        json_opt_str(out, s.reason);
        out.extend_from_slice(I6);
        out.extend_from_slice(b"}");
    }
    out.extend_from_slice(b"\n    }");
}

fn json_opt_str(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        Some(s) => json_str(out, s),
        None => out.extend_from_slice(b"null"),
    }
}

/// A JSON string with serde_json's escaping: `"`, `\\`, and control characters (`\n`, `\t`,
/// ... or `\u00xx`); everything else, non-ASCII included, as is.
fn json_str(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0c => b"\\f",
            0x00..=0x1f => b"",
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        if escape.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.extend_from_slice(b"\\u00");
            out.push(HEX[(b >> 4) as usize]);
            out.push(HEX[(b & 0xf) as usize]);
        } else {
            out.extend_from_slice(escape);
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

fn json_u32(out: &mut Vec<u8>, mut n: u32) {
    let mut digits = [0u8; 10];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[i..]);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn both(f: &JsonFinding<'_>) -> (String, String) {
        let mut fast = Vec::new();
        write_finding(f, &mut fast);
        let mut slow = Vec::new();
        serde_item(f, &mut slow).expect("serializes");
        (
            String::from_utf8(fast).expect("utf-8"),
            String::from_utf8(slow).expect("utf-8"),
        )
    }

    #[test]
    fn hand_written_finding_matches_serde() {
        let tricky = "quote \" backslash \\ newline \n tab \t cr \r bell \u{7} nul \u{0} \u{1f} \u{7f} é ✓ \u{2028} </script>";
        let refs = ["5.2.1".to_string(), "MS-TA9013".to_string()];
        let none: [String; 0] = [];
        let cases = [
            JsonFinding {
                check: "privileged-container",
                severity: "high",
                message: tricky,
                remediation: Some(tricky),
                object: JsonObject {
                    api_version: "apps/v1",
                    kind: "Deployment",
                    namespace: Some("shop"),
                    name: tricky,
                },
                location: Some(JsonLocation {
                    path: "a/b.yaml",
                    line: 0,
                    column: 4_294_967_295,
                    end_line: 10,
                    end_column: 1234567,
                }),
                field: "spec.template.spec.containers[0]",
                references: JsonReferences {
                    cis: &refs,
                    mitre: &refs[1..],
                    pss: &none,
                },
                suppressed: Some(JsonSuppressed {
                    kind: "comment",
                    source: tricky,
                    reason: Some("why"),
                }),
            },
            JsonFinding {
                check: "c",
                severity: "info",
                message: "",
                remediation: None,
                object: JsonObject {
                    api_version: "",
                    kind: "",
                    namespace: None,
                    name: "",
                },
                location: None,
                field: "",
                references: JsonReferences {
                    cis: &none,
                    mitre: &none,
                    pss: &refs,
                },
                suppressed: Some(JsonSuppressed {
                    kind: "config",
                    source: "",
                    reason: None,
                }),
            },
            JsonFinding {
                check: "c",
                severity: "low",
                message: "m",
                remediation: Some(""),
                object: JsonObject {
                    api_version: "v1",
                    kind: "Pod",
                    namespace: None,
                    name: "p",
                },
                location: None,
                field: "spec",
                references: JsonReferences {
                    cis: &none,
                    mitre: &none,
                    pss: &none,
                },
                suppressed: None,
            },
        ];
        for f in &cases {
            let (fast, slow) = both(f);
            assert_eq!(fast, slow);
        }
        // Every single byte value that can start a character.
        for c in (0u32..0x300).filter_map(char::from_u32) {
            let s = c.to_string();
            let mut fast = Vec::new();
            json_str(&mut fast, &s);
            let slow = serde_json::to_vec(&s).expect("serializes");
            assert_eq!(fast, slow, "{c:?}");
        }
        for n in [0u32, 1, 9, 10, 99, 100, 65535, u32::MAX] {
            let mut fast = Vec::new();
            json_u32(&mut fast, n);
            assert_eq!(fast, n.to_string().into_bytes());
        }
    }
}
