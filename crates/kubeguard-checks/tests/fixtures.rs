//! Snapshot tests: every built-in check runs alone on its fixture
//! (`tests/fixtures/<check>.yaml`, failing and passing cases), and the findings are
//! snapshotted with their source line and underline, as users see them.

use std::fmt::Write;
use std::sync::Arc;

use kubeguard_engine::{Config, Engine, RunOptions};
use kubeguard_model::{Context, Object};
use kubeguard_source::{Limits, SourceFile, parse_documents};

/// Runs `check` alone over `text` and renders the findings.
fn render(check: &str, path: &str, text: &str) -> String {
    let source = SourceFile::new(path, text);
    let p: Arc<str> = Arc::from(path);
    let mut objects = Vec::new();
    for doc in parse_documents(text, &Limits::default()) {
        let doc = doc.unwrap_or_else(|e| panic!("{path}: fixture must parse: {e:?}"));
        objects.extend(Object::from_document(&source, &p, doc).0);
    }
    let ctx = Context::new(objects);
    let config = Config {
        do_not_auto_add_defaults: true,
        include: vec![check.to_string()],
        ..Config::default()
    };
    let engine = Engine::new(
        kubeguard_checks::templates(),
        kubeguard_checks::builtin_checks(),
        &config,
    )
    .unwrap_or_else(|e| panic!("engine for {check}: {e:?}"));
    let findings = engine.run(&ctx, &RunOptions::default());
    let mut out = String::new();
    for f in &findings {
        let loc = f
            .location
            .as_ref()
            .expect("fixture findings have locations");
        let _ = writeln!(
            out,
            "{}:{}:{}: {} [{}] {} {}: {}",
            loc.path,
            loc.start.line,
            loc.start.column,
            f.check,
            f.severity,
            f.object.kind,
            f.object.name,
            f.message
        );
        let _ = writeln!(out, "  field: {}", f.field);
        let line = source.lines().line_text(text, loc.start.line).unwrap_or("");
        let width = if loc.end.line == loc.start.line {
            (loc.end.column.saturating_sub(loc.start.column)).max(1)
        } else {
            1
        };
        let _ = writeln!(out, "  | {line}");
        let _ = writeln!(
            out,
            "  | {}{}",
            " ".repeat(loc.start.column as usize - 1),
            "^".repeat(width as usize)
        );
    }
    let _ = writeln!(
        out,
        "{} finding(s) in {} object(s)",
        findings.len(),
        ctx.objects.len()
    );
    out
}

#[test]
fn check_fixtures() {
    insta::glob!("fixtures/*.yaml", |path| {
        let check = path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("utf-8 name");
        let text = std::fs::read_to_string(path).expect("read fixture");
        let rendered = render(check, &format!("{check}.yaml"), &text);
        assert!(
            rendered.lines().count() > 1,
            "{check}: a fixture must have at least one failing case"
        );
        insta::assert_snapshot!(rendered);
    });
}

#[test]
fn every_builtin_has_a_fixture() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    for spec in kubeguard_checks::builtin_checks() {
        assert!(
            dir.join(format!("{}.yaml", spec.name)).exists(),
            "check {} has no fixture",
            spec.name
        );
    }
}
