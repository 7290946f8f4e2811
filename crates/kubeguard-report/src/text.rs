//! The human format: rustc/ruff-style code frames and a summary line.

use std::borrow::Cow;
use std::io;

use annotate_snippets::renderer::DecorStyle;
use annotate_snippets::{AnnotationKind, Element, Group, Level, Origin, Renderer, Snippet};
use anstyle::{AnsiColor, Effects, Style};
use kubeguard_engine::{Finding, Report, Severity};
use kubeguard_source::{Location, SourceFile};

use crate::format::{RenderOptions, Reporter};
use crate::util::{check_meta, object_label, plural, remediation, severity_count, shown};

/// The `text` format (see the crate docs).
#[derive(Debug, Clone, Copy, Default)]
pub struct TextReporter;

impl Reporter for TextReporter {
    fn render(
        &self,
        report: &Report,
        opts: &RenderOptions,
        out: &mut dyn io::Write,
    ) -> io::Result<()> {
        let renderer = if opts.color {
            Renderer::styled()
        } else {
            Renderer::plain()
        }
        .decor_style(DecorStyle::Ascii);
        let styles = Styles::new(opts.color);

        for f in shown(report, opts.show_suppressed) {
            let group = finding_group(report, f);
            writeln!(out, "{}\n", renderer.render(&[group]))?;
        }

        for e in &report.errors {
            writeln!(
                out,
                "{}: {}",
                styles.error.paint("error"),
                sanitize(&e.to_string())
            )?;
        }
        if !report.errors.is_empty() {
            writeln!(out)?;
        }

        if opts.verbose && !report.skipped.is_empty() {
            for s in &report.skipped {
                writeln!(
                    out,
                    "{}: {}: {}",
                    styles.skipped.paint("skipped"),
                    sanitize(&s.path),
                    sanitize(&s.reason)
                )?;
            }
            writeln!(out)?;
        }

        for note in &report.summary.notes {
            writeln!(out, "{}: {}", styles.skipped.paint("note"), sanitize(note))?;
        }
        let summary = summary_line(report);
        let style = if report.summary.findings > 0 || report.summary.errors > 0 {
            styles.bold
        } else {
            styles.clean
        };
        writeln!(out, "{}", style.paint(&summary))
    }
}

/// The final line of the text format, e.g.
/// `Found 7 findings (3 high, 4 medium) in 38 objects from 12 files; 1 suppressed, 2 skipped, 0 errors`
/// or, without findings, `No findings in 38 objects from 12 files` (followed by the same
/// `; … suppressed, … skipped, … errors` tail when any of those is non-zero).
pub fn summary_line(report: &Report) -> String {
    let s = &report.summary;
    let scope = format!(
        "{} from {}",
        plural(s.objects, "object", "objects"),
        plural(s.files, "file", "files")
    );
    let tail = format!(
        "{} suppressed, {} skipped, {}",
        s.suppressed,
        s.skipped,
        plural(s.errors, "error", "errors")
    );
    if s.findings == 0 {
        if s.suppressed == 0 && s.skipped == 0 && s.errors == 0 {
            format!("No findings in {scope}")
        } else {
            format!("No findings in {scope}; {tail}")
        }
    } else {
        let by: Vec<String> = Severity::ALL
            .into_iter()
            .filter_map(|sev| match severity_count(report, sev) {
                0 => None,
                n => Some(format!("{n} {sev}")),
            })
            .collect();
        let by = if by.is_empty() {
            String::new()
        } else {
            format!(" ({})", by.join(", "))
        };
        format!(
            "Found {}{by} in {scope}; {tail}",
            plural(s.findings, "finding", "findings")
        )
    }
}

/// The annotate-snippets group of one finding: title, code frame (or origin), notes.
fn finding_group<'a>(report: &'a Report, f: &'a Finding) -> Group<'a> {
    let mut title = severity_level(f.severity)
        .with_name(f.severity.as_str())
        .primary_title(f.message.as_str())
        .id(&*f.check);
    if let Some(meta) = check_meta(report, &f.check).filter(|m| m.builtin) {
        // Only the styled renderer emits the (OSC 8) hyperlink.
        title = title.id_url(meta.help_uri());
    }

    let mut elements: Vec<Element<'a>> = Vec::new();
    if let Some(loc) = &f.location {
        match report
            .sources
            .get(&*loc.path)
            .and_then(|src| frame(src, loc))
        {
            Some(snippet) => elements.push(snippet.into()),
            None => elements.push(
                Origin::path(loc.path.as_ref())
                    .line(loc.start.line as usize)
                    .char_column(loc.start.column as usize)
                    .into(),
            ),
        }
    }
    elements.push(note("object", object_label(f)));
    if !f.field.is_empty() {
        elements.push(note("field", f.field.clone()));
    }
    if let Some(s) = &f.suppressed {
        let reason = s
            .reason
            .as_deref()
            .filter(|r| !r.trim().is_empty())
            .unwrap_or("no reason given");
        elements.push(note(&format!("suppressed ({})", s.kind), reason.to_owned()));
    }
    if let Some(help) = remediation(report, f) {
        elements.push(Level::HELP.message(sanitize(help)).into());
    }
    title.elements(elements)
}

/// A `= name: text` note line.
fn note<'a>(name: &str, text: String) -> Element<'a> {
    Level::NOTE
        .with_name(Some(name.to_owned()))
        .message(sanitize(&text))
        .into()
}

/// The largest source text a code frame is drawn from (bounds the work per finding).
const MAX_FRAME_BYTES: usize = 16 * 1024;

/// The code frame of `loc` in `src`: the whole lines the span touches, span underlined.
/// `None` when the span does not fit the text (stale location): the caller prints the origin.
fn frame<'a>(
    src: &'a SourceFile,
    loc: &'a Location,
) -> Option<Snippet<'a, annotate_snippets::Annotation<'a>>> {
    let text = src.text();
    let (start, mut end) = (loc.span.start as usize, loc.span.end as usize);
    if start > end
        || end > text.len()
        || !text.is_char_boundary(start)
        || !text.is_char_boundary(end)
    {
        return None;
    }
    let first = text[..start].rfind('\n').map_or(0, |i| i + 1);
    // A span ending right after a line break ends on that line: do not show the next one.
    let last_inner = if end > start && text.as_bytes()[end - 1] == b'\n' {
        end - 1
    } else {
        end
    };
    let mut last = text[last_inner..]
        .find('\n')
        .map_or(text.len(), |i| last_inner + i);
    if last - first > MAX_FRAME_BYTES {
        // A huge span: underline only its first line, if that line is not itself huge (a
        // minified JSON file); otherwise print the origin without a frame.
        let eol = text[start..].find('\n').map_or(text.len(), |i| start + i);
        if eol - first > MAX_FRAME_BYTES {
            return None;
        }
        end = end.min(eol);
        last = eol;
    }
    let line = src.line_col(loc.span.start).line as usize;
    Some(
        Snippet::source(&text[first..last])
            .line_start(line)
            .path(loc.path.as_ref())
            .annotation(AnnotationKind::Primary.span(start - first..end - first)),
    )
}

/// The annotate-snippets level (and so the colour) of a severity.
fn severity_level(sev: Severity) -> Level<'static> {
    match sev {
        Severity::Critical | Severity::High => Level::ERROR,
        Severity::Medium => Level::WARNING,
        Severity::Low => Level::NOTE,
        Severity::Info => Level::INFO,
    }
}

/// Makes untrusted text (from manifests) safe to print on a terminal: control characters and
/// bidirectional overrides are replaced by visible stand-ins, line breaks are kept. Shared by
/// every text output (`kubeguard pss` too).
pub fn sanitize(s: &str) -> String {
    let s = annotate_snippets::normalize_untrusted_str(s);
    // C1 controls (CSI and friends) are not covered by annotate-snippets' table.
    s.chars()
        .map(|c| {
            if ('\u{80}'..='\u{9f}').contains(&c) {
                '\u{fffd}'
            } else {
                c
            }
        })
        .collect()
}

/// Styles of the lines the text format writes itself.
struct Styles {
    error: Paint,
    skipped: Paint,
    bold: Paint,
    clean: Paint,
}

impl Styles {
    fn new(color: bool) -> Self {
        let p = |style: Style| Paint(if color { style } else { Style::new() });
        Styles {
            error: p(AnsiColor::BrightRed.on_default().effects(Effects::BOLD)),
            skipped: p(AnsiColor::Yellow.on_default()),
            bold: p(Style::new().effects(Effects::BOLD)),
            clean: p(AnsiColor::Green.on_default().effects(Effects::BOLD)),
        }
    }
}

/// A style that paints text (or leaves it alone when plain).
#[derive(Clone, Copy)]
struct Paint(Style);

impl Paint {
    fn paint<'t>(&self, text: &'t str) -> Cow<'t, str> {
        if self.0 == Style::new() {
            Cow::Borrowed(text)
        } else {
            Cow::Owned(format!("{}{text}{:#}", self.0, self.0))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_neutralizes_terminal_escapes() {
        assert_eq!(sanitize("a\u{1b}[31mb"), "a␛[31mb");
        assert_eq!(sanitize("x\u{9b}31my"), "x\u{fffd}31my");
        assert_eq!(sanitize("\u{202e}evil"), "\u{fffd}evil");
        assert_eq!(sanitize("line1\nline2"), "line1\nline2");
    }

    #[test]
    fn plain_paint_is_identity_and_color_wraps() {
        let plain = Styles::new(false);
        assert_eq!(plain.error.paint("error"), "error");
        let color = Styles::new(true);
        assert_eq!(
            color.error.paint("error"),
            "\u{1b}[1m\u{1b}[91merror\u{1b}[0m"
        );
    }
}
