//! The `sarif` format: SARIF 2.1.0, built with `serde-sarif`'s typed model.

use std::collections::BTreeMap;
use std::io;

use kubeguard_engine::{CheckMeta, Finding, InputError, Report, Severity};
use kubeguard_source::Location as SourceLocation;
use serde_json::{Value, json};
use serde_sarif::sarif::{
    ArtifactLocation, Invocation, Location, LogicalLocation, Message, MultiformatMessageString,
    Notification, PhysicalLocation, PropertyBag, Region, ReportingConfiguration,
    ReportingDescriptor, Result as SarifResult, ResultLevel, Run, Sarif, Suppression, Tool,
    ToolComponent,
};

use crate::format::{RenderOptions, Reporter};
use crate::util::{object_qualified_name, other_error, remediation};

/// The key of kubeguard's entry in a result's `partialFingerprints`.
pub const FINGERPRINT_KEY: &str = "kubeguard/v1";

/// Where the SARIF 2.1.0 schema is published (written as `$schema`).
const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The tool's home page (`tool.driver.informationUri`).
const INFORMATION_URI: &str = "https://kubeguard.dev";

/// The `sarif` format (see the crate docs).
#[derive(Debug, Clone, Copy, Default)]
pub struct SarifReporter;

impl Reporter for SarifReporter {
    fn render(
        &self,
        report: &Report,
        opts: &RenderOptions,
        out: &mut dyn io::Write,
    ) -> io::Result<()> {
        let log = build(report, opts);
        serde_json::to_writer_pretty(&mut *out, &log).map_err(other_error)?;
        out.write_all(b"\n")
    }
}

fn build(report: &Report, opts: &RenderOptions) -> Sarif {
    let rules: Vec<ReportingDescriptor> = report.checks.iter().map(|c| rule(c)).collect();
    let mut driver = ToolComponent::builder()
        .name("kubeguard".to_owned())
        .build();
    driver.version = Some(opts.tool_version.to_owned());
    driver.semantic_version = Some(opts.tool_version.to_owned());
    driver.information_uri = Some(INFORMATION_URI.to_owned());
    driver.rules = Some(rules);

    // Suppressed findings are always included: SARIF marks them and viewers hide them.
    let results: Vec<SarifResult> = report.findings.iter().map(|f| result(report, f)).collect();

    let mut invocation = Invocation::builder()
        .execution_successful(report.errors.is_empty())
        .build();
    if !report.errors.is_empty() {
        invocation.tool_execution_notifications =
            Some(report.errors.iter().map(notification).collect());
    }

    let mut run = Run::builder()
        .tool(Tool::builder().driver(driver).build())
        .build();
    run.results = Some(results);
    run.invocations = Some(vec![invocation]);
    run.column_kind = Some(json!("unicodeCodePoints"));

    let mut log = Sarif::builder()
        .version(json!("2.1.0"))
        .runs(vec![run])
        .build();
    log.schema = Some(SCHEMA_URI.to_owned());
    log
}

fn text(s: &str) -> MultiformatMessageString {
    MultiformatMessageString::builder()
        .text(s.to_owned())
        .build()
}

fn message(s: &str) -> Message {
    Message {
        text: Some(s.to_owned()),
        ..Default::default()
    }
}

/// SARIF level of a severity: critical/high → error, medium → warning, low/info → note.
fn level(sev: Severity) -> ResultLevel {
    match sev {
        Severity::Critical | Severity::High => ResultLevel::Error,
        Severity::Medium => ResultLevel::Warning,
        Severity::Low | Severity::Info => ResultLevel::Note,
    }
}

/// GitHub code scanning's `security-severity` score of a severity.
fn security_severity(sev: Severity) -> Option<&'static str> {
    match sev {
        Severity::Critical => Some("9.5"),
        Severity::High => Some("8.0"),
        Severity::Medium => Some("5.5"),
        Severity::Low => Some("3.0"),
        Severity::Info => None,
    }
}

fn rule(c: &CheckMeta) -> ReportingDescriptor {
    let mut r = ReportingDescriptor::builder().id(c.name.clone()).build();
    if !c.description.is_empty() {
        r.short_description = Some(text(&c.description));
    }
    if !c.rationale.is_empty() {
        r.full_description = Some(text(&c.rationale));
    }
    if !c.remediation.is_empty() {
        let mut help = text(&c.remediation);
        help.markdown = Some(if c.builtin {
            format!(
                "{}\n\n[Documentation of `{}`]({})",
                c.remediation,
                c.name,
                c.help_uri()
            )
        } else {
            c.remediation.clone()
        });
        r.help = Some(help);
    }
    if c.builtin {
        r.help_uri = Some(c.help_uri());
    }
    r.default_configuration = Some(ReportingConfiguration {
        level: Some(json!(level(c.severity).to_string())),
        ..Default::default()
    });

    let mut tags = Vec::new();
    if !c.category.is_empty() {
        tags.push(c.category.clone());
    }
    tags.extend(
        c.references
            .cis
            .iter()
            .map(|id| format!("external/cis/{id}")),
    );
    tags.extend(
        c.references
            .mitre
            .iter()
            .map(|id| format!("external/mitre/{id}")),
    );
    tags.extend(
        c.references
            .pss
            .iter()
            .map(|id| format!("external/pss/{id}")),
    );
    let mut props = BTreeMap::new();
    props.insert("severity".to_owned(), json!(c.severity.as_str()));
    props.insert("category".to_owned(), json!(c.category));
    if c.category == "security"
        && let Some(score) = security_severity(c.severity)
    {
        props.insert("security-severity".to_owned(), json!(score));
    }
    r.properties = Some(PropertyBag {
        tags: Some(tags),
        additional_properties: props,
    });
    r
}

fn result(report: &Report, f: &Finding) -> SarifResult {
    let mut r = SarifResult::builder().message(message(&f.message)).build();
    r.rule_id = Some(f.check.to_string());
    r.rule_index = report
        .checks
        .iter()
        .position(|c| c.name == *f.check)
        .map(|i| i as i64);
    r.level = Some(level(f.severity));

    let logical = LogicalLocation {
        name: Some(f.object.name.clone()),
        fully_qualified_name: Some(object_qualified_name(f)),
        kind: Some("resource".to_owned()),
        ..Default::default()
    };
    r.locations = Some(vec![Location {
        physical_location: f.location.as_ref().map(physical),
        logical_locations: Some(vec![logical]),
        ..Default::default()
    }]);
    r.partial_fingerprints = Some(BTreeMap::from([(
        FINGERPRINT_KEY.to_owned(),
        fingerprint(f),
    )]));

    if let Some(s) = &f.suppressed {
        let kind = if s.kind == "config" {
            "external"
        } else {
            "inSource"
        };
        let mut sup = Suppression::builder().kind(json!(kind)).build();
        sup.status = Some(json!("accepted"));
        sup.justification = s.reason.clone();
        let mut props = BTreeMap::new();
        props.insert("mechanism".to_owned(), json!(s.kind));
        props.insert("source".to_owned(), json!(s.source));
        sup.properties = Some(PropertyBag {
            tags: None,
            additional_properties: props,
        });
        r.suppressions = Some(vec![sup]);
    }

    let mut props = BTreeMap::new();
    props.insert("severity".to_owned(), json!(f.severity.as_str()));
    if !f.field.is_empty() {
        props.insert("field".to_owned(), json!(f.field));
    }
    props.insert(
        "object".to_owned(),
        json!({
            "apiVersion": f.object.api_version,
            "kind": f.object.kind,
            "namespace": f.object.namespace,
            "name": f.object.name,
        }),
    );
    if let Some(rem) = remediation(report, f) {
        props.insert("remediation".to_owned(), Value::from(rem));
    }
    r.properties = Some(PropertyBag {
        tags: None,
        additional_properties: props,
    });
    r
}

fn artifact(path: &str) -> ArtifactLocation {
    ArtifactLocation {
        uri: Some(path_to_uri(path)),
        ..Default::default()
    }
}

fn physical(l: &SourceLocation) -> PhysicalLocation {
    let region = (l.start.line >= 1 && l.start.column >= 1).then(|| {
        let mut region = Region {
            start_line: Some(i64::from(l.start.line)),
            start_column: Some(i64::from(l.start.column)),
            ..Default::default()
        };
        // SARIF requires the end not to come before the start.
        if (l.end.line, l.end.column) >= (l.start.line, l.start.column) {
            region.end_line = Some(i64::from(l.end.line));
            region.end_column = Some(i64::from(l.end.column));
        }
        region
    });
    PhysicalLocation {
        artifact_location: Some(artifact(&l.path)),
        region,
        ..Default::default()
    }
}

fn notification(e: &InputError) -> Notification {
    let mut n = Notification::builder().message(message(&e.message)).build();
    n.level = Some(json!("error"));
    let region = e.line.filter(|&l| l >= 1).map(|line| Region {
        start_line: Some(i64::from(line)),
        start_column: e.column.filter(|&c| c >= 1).map(i64::from),
        ..Default::default()
    });
    n.locations = Some(vec![Location {
        physical_location: Some(PhysicalLocation {
            artifact_location: Some(artifact(&e.path)),
            region,
            ..Default::default()
        }),
        ..Default::default()
    }]);
    n
}

/// A stable fingerprint of a finding: 16 hex digits of FNV-1a (64 bit) over the check name, the
/// object's kind, namespace and name, and the field path. The location (and so any edit that moves
/// lines) and the `apiVersion` (so that `apps/v1beta2` → `apps/v1` migrations keep alerts) are
/// deliberately left out.
pub fn fingerprint(f: &Finding) -> String {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let ns = f.object.namespace.as_deref().unwrap_or("");
    let mut h = OFFSET;
    for part in [&*f.check, &f.object.kind, ns, &f.object.name, &f.field] {
        // Each part is followed by a 0xff separator byte, which never occurs in UTF-8.
        for &b in part.as_bytes().iter().chain(&[0xff]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(PRIME);
        }
    }
    format!("{h:016x}")
}

/// Turns a display path into a SARIF artifact URI: backslashes become `/`, a leading `./` is
/// dropped, relative paths stay relative references, absolute paths become `file://` URIs, and
/// characters outside the URI unreserved/sub-delimiter set are percent-encoded (UTF-8).
///
/// ```
/// use kubeguard_report::path_to_uri;
/// assert_eq!(path_to_uri("k8s/web.yaml"), "k8s/web.yaml");
/// assert_eq!(path_to_uri(r".\k8s\my app.yaml"), "k8s/my%20app.yaml");
/// assert_eq!(path_to_uri("/srv/ü.yaml"), "file:///srv/%C3%BC.yaml");
/// assert_eq!(path_to_uri(r"C:\k8s\web.yaml"), "file:///C:/k8s/web.yaml");
/// ```
pub fn path_to_uri(path: &str) -> String {
    let mut p = path.replace('\\', "/");
    while let Some(rest) = p.strip_prefix("./") {
        p = rest.to_owned();
    }
    let b = p.as_bytes();
    if b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && b[2] == b'/' {
        // Windows drive path: `C:/x` → `file:///C:/x`.
        return format!("file:///{}:{}", char::from(b[0]), encode(&p[2..]));
    }
    if p.starts_with("//") {
        // UNC path `//server/share/x` → `file://server/share/x`.
        return format!("file:{}", encode(&p));
    }
    if p.starts_with('/') {
        return format!("file://{}", encode(&p));
    }
    encode(&p)
}

/// Percent-encodes everything but unreserved characters, sub-delimiters, `@` and `/`. `:` is
/// encoded so that a relative path is never mistaken for a scheme.
fn encode(s: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=@".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xf)]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris() {
        assert_eq!(path_to_uri("k8s/web.yaml"), "k8s/web.yaml");
        assert_eq!(path_to_uri("././k8s/web.yaml"), "k8s/web.yaml");
        assert_eq!(path_to_uri(r"k8s\prod\web.yaml"), "k8s/prod/web.yaml");
        assert_eq!(path_to_uri("a:b/c #1.yaml"), "a%3Ab/c%20%231.yaml");
        assert_eq!(path_to_uri("<stdin>"), "%3Cstdin%3E");
        assert_eq!(path_to_uri("/abs/x.yaml"), "file:///abs/x.yaml");
        assert_eq!(path_to_uri("//srv/share/x.yaml"), "file://srv/share/x.yaml");
        assert_eq!(path_to_uri("d:/x y.yaml"), "file:///d:/x%20y.yaml");
        assert_eq!(path_to_uri("tëst.yaml"), "t%C3%ABst.yaml");
    }

    #[test]
    fn levels() {
        assert_eq!(level(Severity::Critical), ResultLevel::Error);
        assert_eq!(level(Severity::High), ResultLevel::Error);
        assert_eq!(level(Severity::Medium), ResultLevel::Warning);
        assert_eq!(level(Severity::Low), ResultLevel::Note);
        assert_eq!(level(Severity::Info), ResultLevel::Note);
        assert_eq!(level(Severity::High).to_string(), "error");
    }
}
