//! `checks list`, `checks explain` and `templates list`.

use std::io::Write;

use anyhow::Result;
use kubeguard_engine::{CheckMeta, CheckSpec, Config, build_check};
use serde_json::json;

use crate::ExitStatus;
use crate::cli::ListFormat;
use crate::lint::{config_failure, load_config};

/// All checks (built-in, then custom from the configuration) as metadata, sorted by name.
fn all_checks(config: &Config) -> Result<Vec<CheckMeta>, Vec<String>> {
    let templates = kubeguard_checks::templates();
    let mut metas = Vec::new();
    let mut errors = Vec::new();
    let specs: Vec<(&CheckSpec, bool)> = kubeguard_checks::builtin_checks()
        .iter()
        .map(|s| (s, true))
        .chain(config.custom_checks.iter().map(|s| (s, false)))
        .collect();
    for (spec, builtin) in specs {
        match build_check(spec, templates, builtin, config) {
            Ok(c) => metas.push((*c.meta).clone()),
            Err(e) => errors.extend(e),
        }
    }
    metas.sort_by(|a, b| a.name.cmp(&b.name));
    if errors.is_empty() {
        Ok(metas)
    } else {
        Err(errors)
    }
}

fn with_config<F: FnOnce(Vec<CheckMeta>) -> Result<ExitStatus>>(
    config: Option<&std::path::Path>,
    f: F,
) -> Result<ExitStatus> {
    let config = match load_config(config) {
        Ok(c) => c,
        Err(errors) => return Ok(config_failure(&errors)),
    };
    match all_checks(&config) {
        Ok(m) => f(m),
        Err(errors) => {
            for e in errors {
                eprintln!("error: {e}");
            }
            Ok(ExitStatus::Error)
        }
    }
}

/// `checks list`.
pub fn checks_list(format: ListFormat, config: Option<&std::path::Path>) -> Result<ExitStatus> {
    with_config(config, |metas| {
        let mut out = std::io::stdout().lock();
        match format {
            ListFormat::Json => {
                let v = serde_json::to_string_pretty(&metas)?;
                writeln!(out, "{v}")?;
            }
            ListFormat::Markdown => {
                writeln!(
                    out,
                    "| check | severity | default | template | description |"
                )?;
                writeln!(out, "| --- | --- | --- | --- | --- |")?;
                for m in &metas {
                    writeln!(
                        out,
                        "| `{}` | {} | {} | `{}` | {} |",
                        m.name,
                        m.severity,
                        if m.enabled_by_default { "yes" } else { "no" },
                        m.template,
                        m.description.replace('|', "\\|").replace('\n', " ")
                    )?;
                }
            }
            ListFormat::Plain => {
                let width = metas.iter().map(|m| m.name.len()).max().unwrap_or(0);
                for m in &metas {
                    writeln!(
                        out,
                        "{:width$}  {:8}  {:7}  {}",
                        m.name,
                        m.severity.as_str(),
                        if m.enabled_by_default { "default" } else { "" },
                        m.description.lines().next().unwrap_or(""),
                    )?;
                }
                writeln!(
                    out,
                    "\n{} checks, {} enabled by default. `kubeguard checks explain <check>` for details.",
                    metas.len(),
                    metas.iter().filter(|m| m.enabled_by_default).count()
                )?;
            }
        }
        Ok(ExitStatus::Clean)
    })
}

/// `checks explain NAME`.
pub fn checks_explain(name: &str, config: Option<&std::path::Path>) -> Result<ExitStatus> {
    with_config(config, |metas| {
        let Some(m) = metas.iter().find(|m| m.name == name) else {
            let close: Vec<&str> = metas
                .iter()
                .map(|m| m.name.as_str())
                .filter(|n| n.contains(name) || name.contains(n))
                .collect();
            eprintln!(
                "error: no check named `{name}`{}",
                if close.is_empty() {
                    String::new()
                } else {
                    format!(" (did you mean: {}?)", close.join(", "))
                }
            );
            return Ok(ExitStatus::Error);
        };
        let mut out = std::io::stdout().lock();
        writeln!(
            out,
            "{} ({} severity, {}, {})",
            m.name,
            m.severity,
            m.category,
            if m.enabled_by_default {
                "enabled by default"
            } else {
                "opt-in"
            }
        )?;
        writeln!(out, "\n## What it does\n{}", m.description.trim())?;
        writeln!(out, "\n## Why is this bad?\n{}", m.rationale.trim())?;
        writeln!(out, "\n## How to fix it\n{}", m.remediation.trim())?;
        if let Some(e) = &m.example {
            writeln!(out, "\n## Example\n```yaml\n{}\n```", e.trim_end())?;
        }
        if let Some(e) = &m.use_instead {
            writeln!(out, "\nUse instead:\n```yaml\n{}\n```", e.trim_end())?;
        }
        writeln!(
            out,
            "\n## Details\n- template: `{}`\n- applies to: {}",
            m.template,
            m.object_kinds.join(", ")
        )?;
        if m.params.as_object().is_some_and(|o| !o.is_empty()) {
            writeln!(out, "- params: {}", m.params)?;
        }
        let r = &m.references;
        if !r.is_empty() {
            writeln!(out, "\n## References")?;
            for (label, ids) in [
                ("CIS Kubernetes Benchmark", &r.cis),
                ("Microsoft threat matrix", &r.mitre),
                ("Pod Security Standards", &r.pss),
            ] {
                if !ids.is_empty() {
                    writeln!(out, "- {label}: {}", ids.join(", "))?;
                }
            }
        }
        writeln!(
            out,
            "\nSuppress with the annotation `kubeguard.io/ignore: {0}` or a comment `# kubeguard:ignore {0} <reason>`.",
            m.name
        )?;
        Ok(ExitStatus::Clean)
    })
}

/// `templates list`.
pub fn templates_list(format: ListFormat) -> Result<ExitStatus> {
    let mut out = std::io::stdout().lock();
    let templates = kubeguard_checks::templates();
    match format {
        ListFormat::Json => {
            let v: Vec<_> = templates
                .values()
                .map(|t| {
                    json!({
                        "key": t.key(), "name": t.name(), "description": t.description(),
                        "supportedObjectKinds": t.supported_kinds(),
                        "params": t.params().iter().map(|p| json!({
                            "name": p.name, "type": p.kind.to_string(), "required": p.required,
                            "regex": p.regex, "description": p.description,
                        })).collect::<Vec<_>>(),
                    })
                })
                .collect();
            writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
        }
        ListFormat::Markdown | ListFormat::Plain => {
            for t in templates.values() {
                writeln!(
                    out,
                    "{} ({})\n  {}\n  applies to: {}",
                    t.key(),
                    t.name(),
                    t.description(),
                    t.supported_kinds().join(", ")
                )?;
                for p in t.params() {
                    writeln!(
                        out,
                        "  - {}: {}{}{} — {}",
                        p.name,
                        p.kind,
                        if p.required { ", required" } else { "" },
                        if p.regex { ", regex" } else { "" },
                        p.description
                    )?;
                }
                writeln!(out)?;
            }
        }
    }
    Ok(ExitStatus::Clean)
}
