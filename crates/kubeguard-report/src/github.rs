//! The `github` format: GitHub Actions workflow commands that become annotations.

use std::io;

use kubeguard_engine::{Finding, InputError, Report, Severity};

use crate::format::{RenderOptions, Reporter};
use crate::util::forward_slashes;

/// The `github` format (see the crate docs).
#[derive(Debug, Clone, Copy, Default)]
pub struct GithubReporter;

impl Reporter for GithubReporter {
    fn render(
        &self,
        report: &Report,
        _opts: &RenderOptions,
        out: &mut dyn io::Write,
    ) -> io::Result<()> {
        // Annotations are for what must be fixed: suppressed findings are never shown here.
        for f in report.active() {
            writeln!(out, "{}", finding_line(f))?;
        }
        for e in &report.errors {
            writeln!(out, "{}", error_line(e))?;
        }
        Ok(())
    }
}

fn command(sev: Severity) -> &'static str {
    match sev {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "notice",
    }
}

fn finding_line(f: &Finding) -> String {
    let mut props: Vec<(&str, String)> = Vec::new();
    if let Some(l) = &f.location {
        props.push(("file", forward_slashes(&l.path)));
        props.push(("line", l.start.line.to_string()));
        props.push(("col", l.start.column.to_string()));
        props.push(("endLine", l.end.line.to_string()));
        props.push(("endColumn", l.end.column.to_string()));
    }
    props.push(("title", f.check.to_string()));
    format_command(command(f.severity), &props, &f.message)
}

fn error_line(e: &InputError) -> String {
    let mut props: Vec<(&str, String)> = vec![("file", forward_slashes(&e.path))];
    if let Some(line) = e.line {
        props.push(("line", line.to_string()));
        if let Some(col) = e.column {
            props.push(("col", col.to_string()));
        }
    }
    props.push(("title", "kubeguard input error".to_owned()));
    format_command("error", &props, &e.message)
}

/// `::cmd k=v,k=v::message`, escaped.
fn format_command(cmd: &str, props: &[(&str, String)], message: &str) -> String {
    let props: Vec<String> = props
        .iter()
        .map(|(k, v)| format!("{k}={}", escape_property(v)))
        .collect();
    if props.is_empty() {
        format!("::{cmd}::{}", escape_data(message))
    } else {
        format!("::{cmd} {}::{}", props.join(","), escape_data(message))
    }
}

/// Escapes a workflow-command message: `%` → `%25`, `\r` → `%0D`, `\n` → `%0A`.
pub fn escape_data(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c => out.push(c),
        }
    }
    out
}

/// Escapes a workflow-command property value: as [`escape_data`], plus `:` → `%3A`, `,` → `%2C`.
pub fn escape_property(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            ':' => out.push_str("%3A"),
            ',' => out.push_str("%2C"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_escaping() {
        assert_eq!(
            escape_data("100% bad\r\nnext: a,b"),
            "100%25 bad%0D%0Anext: a,b"
        );
    }

    #[test]
    fn property_escaping() {
        assert_eq!(escape_property("a:b,c%d\ne"), "a%3Ab%2Cc%25d%0Ae");
        // `%` first, so escapes are not escaped twice.
        assert_eq!(escape_property("%3A"), "%253A");
    }

    #[test]
    fn command_levels() {
        assert_eq!(command(Severity::Critical), "error");
        assert_eq!(command(Severity::High), "error");
        assert_eq!(command(Severity::Medium), "warning");
        assert_eq!(command(Severity::Low), "notice");
        assert_eq!(command(Severity::Info), "notice");
    }

    #[test]
    fn error_without_position_has_only_file_and_title() {
        let e = InputError {
            path: r"dir\a,b.yaml".into(),
            line: None,
            column: None,
            message: "cannot read: 50%".into(),
        };
        assert_eq!(
            error_line(&e),
            "::error file=dir/a%2Cb.yaml,title=kubeguard input error::cannot read: 50%25"
        );
    }
}
