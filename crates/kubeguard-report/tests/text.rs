//! The `text` format.

mod common;

use std::sync::Arc;

use common::*;
use kubeguard_engine::{Finding, ObjectRef, References, Report, Severity};
use kubeguard_report::{Format, RenderOptions, summary_line};
use kubeguard_source::{LineCol, Location, Span};

fn text(report: &Report, opts: &RenderOptions) -> String {
    render_string(Format::Text, report, opts)
}

/// Removes ANSI CSI sequences (`ESC [ … letter`) and OSC sequences (`ESC ] … ESC \`).
fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\u{1b}' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('[') => {
                for c in chars.by_ref() {
                    if c.is_ascii_alphabetic() {
                        break;
                    }
                }
            }
            Some(']') => {
                while let Some(c) = chars.next() {
                    if c == '\u{7}' || (c == '\u{1b}' && chars.next_if_eq(&'\\').is_some()) {
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    out
}

#[test]
fn snapshot_default() {
    insta::assert_snapshot!("text_default", text(&sample_report(), &plain()));
}

#[test]
fn snapshot_show_suppressed_and_verbose() {
    insta::assert_snapshot!("text_everything", text(&sample_report(), &everything()));
}

#[test]
fn suppressed_and_skipped_only_on_request() {
    let report = sample_report();
    let default = text(&report, &plain());
    assert!(!default.contains("runs as user 0"));
    assert!(!default.contains("suppressed ("));
    assert!(!default.contains("skipped: "));
    let all = text(&report, &everything());
    assert!(all.contains("medium[run-as-non-root]: container \"web\" runs as user 0 (root)"));
    assert!(all.contains("= suppressed (comment): legacy image needs root"));
    assert!(
        all.contains(
            "skipped: k8s/kustomization.yaml: not a Kubernetes object (no apiVersion/kind)"
        )
    );
}

#[test]
fn header_origin_and_notes_of_a_finding() {
    let out = text(&sample_report(), &plain());
    let block: Vec<&str> = out
        .split("\n\n")
        .filter(|b| b.starts_with("high[privileged-container]"))
        .collect();
    assert_eq!(
        block.len(),
        1,
        "one block for the privileged finding in:\n{out}"
    );
    let block = block[0];
    assert!(block.starts_with("high[privileged-container]: container \"web\" is privileged\n"));
    assert!(block.contains("--> k8s/web.yaml:15:25"));
    assert!(block.contains("15 |             privileged: true\n"));
    assert!(block.contains("   |                         ^^^^"));
    assert!(block.contains("= object: Deployment default/web"));
    assert!(block.contains("= field: spec.template.spec.containers[0].securityContext.privileged"));
    assert!(
        block.contains("= help: Set `securityContext.privileged: false` on container \"web\".")
    );
}

#[test]
fn columns_count_characters_before_a_multibyte_prefix() {
    let report = sample_report();
    let f = report
        .findings
        .iter()
        .find(|f| &*f.check == "latest-tag")
        .expect("sample has a latest-tag finding");
    let loc = f.location.as_ref().expect("located");
    // `          image: "registry.example/équipe/wéb:` is 48 bytes but 46 characters.
    assert_eq!(
        loc.start,
        LineCol {
            line: 13,
            column: 47
        }
    );
    assert_eq!(
        loc.span.start as usize
            - WEB_YAML
                .lines()
                .take(12)
                .map(|l| l.len() + 1)
                .sum::<usize>(),
        48
    );
    let out = text(&report, &plain());
    assert!(out.contains("--> k8s/web.yaml:13:47"), "{out}");
    // The underline sits under `latest`: the gutter's space, then 46 columns.
    assert!(
        out.contains(&format!("\n   |{}^^^^^^\n", " ".repeat(47))),
        "{out}"
    );
}

#[test]
fn help_falls_back_to_the_check_remediation() {
    let out = text(&sample_report(), &plain());
    let block = out
        .split("\n\n")
        .find(|b| b.starts_with("medium[latest-tag]"))
        .expect("latest-tag block");
    assert!(block.contains("= help: Pin the image to a version tag or a digest."));
}

#[test]
fn multi_line_span_shows_every_line() {
    let out = text(&sample_report(), &plain());
    let block = out
        .split("\n\n")
        .find(|b| b.starts_with("low[resource-limits]"))
        .expect("resource-limits block");
    // The span opens on line 8 and closes on line 9; both lines are shown and connected.
    assert!(
        block.contains("8 |       - name: postgres\n  |  _______^\n"),
        "{block}"
    );
    assert!(
        block.contains("9 | |       image: postgres:16\n  | |________________________^\n"),
        "{block}"
    );
    assert!(!block.contains("hostNetwork"), "{block}");
}

#[test]
fn findings_without_location_or_source_have_no_frame() {
    let mut report = Report::default();
    let nowhere = Finding {
        check: "require-network-policy".into(),
        severity: Severity::Info,
        message: "namespace \"prod\" has no NetworkPolicy".into(),
        remediation: None,
        object: ObjectRef {
            api_version: "v1".into(),
            kind: "Namespace".into(),
            namespace: None,
            name: "prod".into(),
        }
        .into(),
        location: None,
        field: String::new(),
        references: Arc::new(References::default()),
        suppressed: None,
    };
    let mut unsourced = nowhere.clone();
    unsourced.check = "latest-tag".into();
    unsourced.message = "image uses latest".into();
    unsourced.location = Some(Location {
        path: Arc::from("rendered/chart.yaml"),
        start: LineCol { line: 5, column: 3 },
        end: LineCol { line: 5, column: 9 },
        span: Span::new(40, 46),
    });
    report.findings = vec![nowhere, unsourced];
    report.summary.objects = 2;
    report.summary.files = 1;
    report.finish();
    let out = text(&report, &plain());
    assert!(!out.contains(" | "), "no code frame expected:\n{out}");
    assert!(
        out.contains("info[require-network-policy]: namespace \"prod\" has no NetworkPolicy\n")
    );
    assert!(out.contains("--> rendered/chart.yaml:5:3"), "{out}");
    assert!(out.contains("= object: Namespace prod"));
    assert!(
        !out.contains("= field:"),
        "an empty field path is not printed:\n{out}"
    );
    insta::assert_snapshot!("text_without_frames", out);
}

#[test]
fn stale_span_beyond_the_source_falls_back_to_the_origin() {
    let mut report = sample_report();
    let f = report
        .findings
        .iter_mut()
        .find(|f| &*f.check == "privileged-container")
        .expect("sample finding");
    if let Some(loc) = f.location.as_mut() {
        loc.span = Span::new(10_000, 10_004);
    }
    let out = text(&report, &plain());
    let block = out
        .split("\n\n")
        .find(|b| b.starts_with("high[privileged-container]"))
        .expect("block");
    assert!(block.contains("--> k8s/web.yaml:15:25"));
    assert!(!block.contains("privileged: true"), "{block}");
}

#[test]
fn summary_line_of_the_sample() {
    let report = sample_report();
    let expected = "Found 5 findings (1 critical, 1 high, 1 medium, 1 low, 1 info) in 3 objects from 4 files; 1 suppressed, 1 skipped, 1 error";
    assert_eq!(summary_line(&report), expected);
    assert!(text(&report, &plain()).ends_with(&format!("\n{expected}\n")));
}

#[test]
fn clean_run_summary() {
    let mut report = Report::default();
    report.summary.objects = 38;
    report.summary.files = 12;
    report.finish();
    assert_eq!(
        text(&report, &plain()),
        "No findings in 38 objects from 12 files\n"
    );
    report.summary.objects = 1;
    report.summary.files = 1;
    assert_eq!(summary_line(&report), "No findings in 1 object from 1 file");
    report.skipped.push(kubeguard_engine::Skipped {
        path: "a.yaml".into(),
        reason: "empty".into(),
    });
    report.finish();
    assert_eq!(
        summary_line(&report),
        "No findings in 1 object from 1 file; 0 suppressed, 1 skipped, 0 errors"
    );
}

#[test]
fn input_errors_are_listed() {
    let out = text(&sample_report(), &plain());
    assert!(
        out.contains("\nerror: k8s/bad.yaml:3:7: mapping values are not allowed in this context\n"),
        "{out}"
    );
}

#[test]
fn color_only_when_asked_and_same_text_otherwise() {
    let report = sample_report();
    let plain_out = text(&report, &everything());
    assert!(!plain_out.contains('\u{1b}'));
    let color_opts = RenderOptions {
        color: true,
        ..everything()
    };
    let colored = text(&report, &color_opts);
    assert!(
        colored.contains("\u{1b}["),
        "styled output has ANSI escapes"
    );
    assert!(
        colored.contains("\u{1b}]8;;https://kubeguard.dev/checks/privileged-container"),
        "check ids link to their docs"
    );
    assert_eq!(strip_ansi(&colored), plain_out);
}

#[test]
fn hostile_manifest_text_cannot_drive_the_terminal() {
    let mut report = sample_report();
    for f in &mut report.findings {
        f.message = format!("evil \u{1b}]0;pwned\u{7}\u{1b}[2J {}", f.message);
        std::sync::Arc::make_mut(&mut f.object).name = "x\u{1b}[31mred".into();
    }
    report.errors[0].message = "bad \u{1b}[2J".into();
    let out = text(&report, &everything());
    assert!(!out.contains('\u{1b}'), "raw escape leaked:\n{out}");
    assert!(out.contains("evil ␛]0;pwned␇␛[2J"));
}

#[test]
fn long_lines_are_cut_around_the_span() {
    // A minified JSON manifest: everything on one line.
    let padding = "x".repeat(5_000);
    let json = format!("{{\"spec\":{{\"a\":\"{padding}\",\"hostNetwork\":true}}}}\n");
    let out = text(&one_finding(&json, span_of(&json, "true", 0)), &plain());
    let col = json.find("true").expect("in json") + 1; // ASCII: bytes are characters
    assert!(out.contains(&format!("--> pod.yaml:1:{col}")), "{out}");
    assert!(
        out.lines().all(|l| l.chars().count() <= 160),
        "lines are cut to the terminal width:\n{out}"
    );
    assert!(out.contains("\"hostNetwork\":true"), "{out}");
}

/// A report with one finding on `span` of a single source `text` at `pod.yaml`.
fn one_finding(text: &str, span: Span) -> Report {
    let path: Arc<str> = Arc::from("pod.yaml");
    let src = kubeguard_source::SourceFile::new(&*path, text);
    let mut report = Report::default();
    report.findings.push(Finding {
        check: "resource-limits".into(),
        severity: Severity::Low,
        message: "no limits".into(),
        remediation: None,
        object: ObjectRef {
            api_version: "v1".into(),
            kind: "Pod".into(),
            namespace: None,
            name: "p".into(),
        }
        .into(),
        location: Some(src.location(&path, span)),
        field: "spec".into(),
        references: Arc::new(References::default()),
        suppressed: None,
    });
    report.sources.insert(path, src);
    report.finish();
    report
}

#[test]
fn huge_spans_underline_only_their_first_line() {
    let mut yaml = String::from("spec:\n  containers:\n");
    for i in 0..2_000 {
        yaml.push_str(&format!("    - name: c{i}\n"));
    }
    let start = yaml.find("containers").expect("in yaml") as u32;
    let out = text(
        &one_finding(&yaml, Span::new(start, yaml.len() as u32)),
        &plain(),
    );
    assert!(out.contains("--> pod.yaml:2:3"), "{out}");
    assert!(
        out.contains("2 |   containers:\n  |   ^^^^^^^^^^^\n"),
        "{out}"
    );
    assert!(!out.contains("name: c1"), "{out}");
}

#[test]
fn a_huge_single_line_gets_no_frame() {
    let json = format!(
        "{{\"spec\":{{\"a\":\"{}\",\"hostNetwork\":true}}}}",
        "x".repeat(40_000)
    );
    let out = text(&one_finding(&json, span_of(&json, "true", 0)), &plain());
    let col = json.find("true").expect("in json") + 1;
    assert_eq!(col, 40_031);
    assert!(out.contains(&format!("--> pod.yaml:1:{col}\n")), "{out}");
    assert!(!out.contains(" | "), "{out}");
    assert!(out.len() < 500, "{out}");
}
