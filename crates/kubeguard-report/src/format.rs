//! Output formats, render options and the [`Reporter`] trait.

use std::fmt;
use std::io;
use std::str::FromStr;

use kubeguard_engine::Report;

use crate::github::GithubReporter;
use crate::json::JsonReporter;
use crate::junit::JunitReporter;
use crate::kube_linter_json::KubeLinterJsonReporter;
use crate::kube_linter_plain::KubeLinterPlainReporter;
use crate::sarif::SarifReporter;
use crate::text::TextReporter;

/// Writes a [`Report`] in one output format.
pub trait Reporter {
    /// Writes `report` to `out`. Errors are I/O errors of `out` (or, never expected, of a
    /// serializer, mapped to [`io::ErrorKind::Other`]).
    fn render(
        &self,
        report: &Report,
        opts: &RenderOptions,
        out: &mut dyn io::Write,
    ) -> io::Result<()>;
}

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Format {
    /// Human-readable code frames and a summary line (the default).
    #[default]
    Text,
    /// The versioned JSON contract (`docs/json-format.md`).
    Json,
    /// SARIF 2.1.0.
    Sarif,
    /// JUnit XML.
    Junit,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// KubeLinter's `--format json` report shape.
    KubeLinterJson,
    /// KubeLinter's `--format plain` output.
    KubeLinterPlain,
}

impl Format {
    /// All formats, in documentation order.
    pub const ALL: [Format; 7] = [
        Format::Text,
        Format::Json,
        Format::Sarif,
        Format::Junit,
        Format::Github,
        Format::KubeLinterJson,
        Format::KubeLinterPlain,
    ];

    /// The lowercase name used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Junit => "junit",
            Format::Github => "github",
            Format::KubeLinterJson => "kube-linter-json",
            Format::KubeLinterPlain => "kube-linter-plain",
        }
    }

    /// Parses a format name (`text`, `json`, `sarif`, `junit`, `github`, `kube-linter-json`,
    /// `kube-linter-plain`; any case).
    pub fn parse(s: &str) -> Option<Format> {
        Format::ALL
            .into_iter()
            .find(|f| f.as_str().eq_ignore_ascii_case(s.trim()))
    }

    /// The reporter of this format.
    pub fn reporter(self) -> &'static dyn Reporter {
        match self {
            Format::Text => &TextReporter,
            Format::Json => &JsonReporter,
            Format::Sarif => &SarifReporter,
            Format::Junit => &JunitReporter,
            Format::Github => &GithubReporter,
            Format::KubeLinterJson => &KubeLinterJsonReporter,
            Format::KubeLinterPlain => &KubeLinterPlainReporter,
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error of parsing an unknown format name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseFormatError(pub String);

impl fmt::Display for ParseFormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = Format::ALL.iter().map(|f| f.as_str()).collect();
        write!(
            f,
            "unknown output format `{}` (expected one of: {})",
            self.0,
            names.join(", ")
        )
    }
}

impl std::error::Error for ParseFormatError {}

impl FromStr for Format {
    type Err = ParseFormatError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Format::parse(s).ok_or_else(|| ParseFormatError(s.to_owned()))
    }
}

/// How to render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderOptions {
    /// Use ANSI colours (text format only). The caller decides from the terminal and `NO_COLOR`.
    pub color: bool,
    /// Include suppressed findings, marked as such (SARIF always includes them).
    pub show_suppressed: bool,
    /// Also list skipped inputs (text format).
    pub verbose: bool,
    /// The tool version written in JSON and SARIF.
    pub tool_version: &'static str,
    /// The `CheckEndTime` of `kube-linter-json` (RFC 3339). The library never reads the clock:
    /// the caller passes the time, and `None` writes Go's zero time `0001-01-01T00:00:00Z`.
    pub check_end_time: Option<String>,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            color: false,
            show_suppressed: false,
            verbose: false,
            tool_version: env!("CARGO_PKG_VERSION"),
            check_end_time: None,
        }
    }
}

/// Writes `report` in `format` to `out`.
///
/// ```
/// use kubeguard_report::{Format, RenderOptions, Report, render};
/// let report = Report::default();
/// let mut out = Vec::new();
/// render(Format::Text, &report, &RenderOptions::default(), &mut out).unwrap();
/// assert_eq!(String::from_utf8(out).unwrap(), "No findings in 0 objects from 0 files\n");
/// ```
pub fn render(
    format: Format,
    report: &Report,
    opts: &RenderOptions,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    format.reporter().render(report, opts, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_name_and_round_trips() {
        for f in Format::ALL {
            assert_eq!(f.as_str().parse::<Format>(), Ok(f));
            assert_eq!(Format::parse(&f.to_string().to_uppercase()), Some(f));
        }
        assert_eq!(Format::default(), Format::Text);
    }

    #[test]
    fn unknown_name_lists_the_valid_ones() {
        let err = "xml".parse::<Format>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown output format `xml` (expected one of: text, json, sarif, junit, github, kube-linter-json, kube-linter-plain)"
        );
        assert_eq!(Format::parse(""), None);
    }

    #[test]
    fn default_options_are_plain_and_carry_the_crate_version() {
        let o = RenderOptions::default();
        assert!(!o.color && !o.show_suppressed && !o.verbose);
        assert_eq!(o.tool_version, env!("CARGO_PKG_VERSION"));
    }
}
