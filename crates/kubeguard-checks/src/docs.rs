//! Reference pages for the built-in checks, generated from their definitions (the data files
//! in `builtin/` and the templates), so the docs can never drift from the code:
//! `docs/checks/<check>.md` and `docs/checks/README.md`. The test `tests/docs.rs` fails when the
//! committed pages differ; `UPDATE_DOCS=1 cargo test -p kubeguard-checks --test docs` rewrites them.

use std::fmt::Write;

use kubeguard_engine::CheckSpec;

use crate::templates;

/// The Markdown page of one check.
pub fn check_page(spec: &CheckSpec) -> String {
    let mut p = String::new();
    let _ = writeln!(p, "# `{}`\n", spec.name);
    let _ = writeln!(
        p,
        "| severity | category | enabled by default | template | applies to |\n|---|---|---|---|---|\n| {} | {} | {} | `{}` | {} |\n",
        spec.severity,
        spec.category,
        if spec.enabled_by_default { "yes" } else { "no" },
        spec.template,
        if spec.object_kinds.is_empty() {
            "(template default)".to_string()
        } else {
            spec.object_kinds.join(", ")
        },
    );
    let _ = writeln!(p, "## What it does\n\n{}\n", spec.description.trim());
    let _ = writeln!(p, "## Why is this bad?\n\n{}\n", spec.rationale.trim());
    let _ = writeln!(p, "## How to fix it\n\n{}\n", spec.remediation.trim());
    if let Some(e) = &spec.example {
        let _ = writeln!(
            p,
            "## Example\n\nFails:\n\n```yaml\n{}\n```\n",
            e.trim_end()
        );
    }
    if let Some(e) = &spec.use_instead {
        let _ = writeln!(p, "Passes:\n\n```yaml\n{}\n```\n", e.trim_end());
    }
    if spec.params.as_object().is_some_and(|o| !o.is_empty()) {
        let params = serde_json::to_string_pretty(&spec.params).unwrap_or_default();
        let _ = writeln!(p, "## Parameters\n\n```json\n{params}\n```\n");
        if let Some(t) = templates::ALL.iter().find(|t| t.key() == spec.template) {
            for ps in t.params() {
                let _ = writeln!(
                    p,
                    "- `{}` ({}{}): {}",
                    ps.name,
                    ps.kind,
                    if ps.regex { ", regex" } else { "" },
                    ps.description
                );
            }
            p.push('\n');
        }
    }
    let r = &spec.references;
    if !r.is_empty() {
        let _ = writeln!(p, "## References\n");
        for (label, ids) in [
            ("CIS Kubernetes Benchmark", &r.cis),
            ("Microsoft threat matrix for Kubernetes", &r.mitre),
            ("Pod Security Standards", &r.pss),
        ] {
            if !ids.is_empty() {
                let _ = writeln!(p, "- {label}: {}", ids.join(", "));
            }
        }
        p.push('\n');
    }
    let _ = writeln!(
        p,
        "## Suppressing it\n\nAnnotate the object (or its pod template) with `kubeguard.io/ignore: {0}`, or put\n`# kubeguard:ignore {0} <reason>` on or above the offending line (see the README).",
        spec.name
    );
    p
}

/// The index page listing every check.
pub fn index_page(specs: &[CheckSpec]) -> String {
    let mut p = String::from(
        "# Checks\n\nGenerated from the check definitions in `crates/kubeguard-checks/builtin/`; do not edit by hand.\n\n| check | severity | default | description |\n|---|---|---|---|\n",
    );
    let mut sorted: Vec<&CheckSpec> = specs.iter().collect();
    sorted.sort_by(|a, b| a.name.cmp(&b.name));
    for s in sorted {
        let _ = writeln!(
            p,
            "| [`{0}`]({0}.md) | {1} | {2} | {3} |",
            s.name,
            s.severity,
            if s.enabled_by_default { "yes" } else { "no" },
            s.description.trim().replace('|', "\\|").replace('\n', " ")
        );
    }
    p
}
