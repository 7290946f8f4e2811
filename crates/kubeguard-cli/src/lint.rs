//! `kubeguard lint`: configuration, loading, running the engine, writing reports, exit code.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};
use kubeguard_engine::{Config, ConfigError, Report, RunOptions, Severity};
use kubeguard_model::Context;
use kubeguard_report::{Format, RenderOptions, render};
use kubeguard_source::SourceFile;

use crate::ExitStatus;
use crate::cli::{ColorChoice, LintArgs, OutputFormat, SeverityArg};
use crate::inputs::{LoadOptions, load};
use crate::render::remap;

/// Finds and reads the configuration: `--config`, else `kubeguard.yaml`/`.kubeguard.yaml`,
/// else `.kube-linter.yaml`/`.kube-linter.yml` in the working directory, else defaults.
pub fn load_config(explicit: Option<&Path>) -> Result<Config, Vec<ConfigError>> {
    let Some(path) = config_path(explicit) else {
        return Ok(Config::default());
    };
    let text = std::fs::read_to_string(&path).map_err(|e| {
        vec![ConfigError {
            path: path.display().to_string(),
            line: 0,
            column: 0,
            message: format!("cannot read configuration: {e}"),
        }]
    })?;
    Config::parse(&SourceFile::new(path.display().to_string(), text))
}

/// The configuration file `load_config` reads: `--config`, else the first of `kubeguard.yaml`,
/// `.kubeguard.yaml`, `.kube-linter.yaml`, `.kube-linter.yml` in the working directory.
pub fn config_path(explicit: Option<&Path>) -> Option<PathBuf> {
    let candidates = [
        "kubeguard.yaml",
        ".kubeguard.yaml",
        ".kube-linter.yaml",
        ".kube-linter.yml",
    ];
    match explicit {
        Some(p) => Some(p.to_path_buf()),
        None => candidates.iter().map(PathBuf::from).find(|p| p.is_file()),
    }
}

/// Prints configuration errors and returns the usage-error status.
pub fn config_failure(errors: &[ConfigError]) -> ExitStatus {
    let mut err = anstream::stderr();
    for e in errors {
        let _ = writeln!(err, "error: {e}");
    }
    ExitStatus::Error
}

impl From<SeverityArg> for Severity {
    fn from(s: SeverityArg) -> Severity {
        match s {
            SeverityArg::Info => Severity::Info,
            SeverityArg::Low => Severity::Low,
            SeverityArg::Medium => Severity::Medium,
            SeverityArg::High => Severity::High,
            SeverityArg::Critical => Severity::Critical,
        }
    }
}

impl From<OutputFormat> for Format {
    fn from(f: OutputFormat) -> Format {
        match f {
            OutputFormat::Text => Format::Text,
            OutputFormat::Json => Format::Json,
            OutputFormat::Sarif => Format::Sarif,
            OutputFormat::Junit => Format::Junit,
            OutputFormat::Github => Format::Github,
            OutputFormat::KubeLinterJson => Format::KubeLinterJson,
            OutputFormat::KubeLinterPlain => Format::KubeLinterPlain,
        }
    }
}

/// Today's date (UTC) as `YYYY-MM-DD`, for `until=` dates of suppression comments.
fn today() -> Option<String> {
    now_rfc3339().map(|t| t[..10].to_owned())
}

/// The current time (UTC) as RFC 3339 (`2026-01-02T03:04:05Z`), for `CheckEndTime`.
fn now_rfc3339() -> Option<String> {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_secs();
    let date = civil_date((secs / 86_400) as i64);
    let s = secs % 86_400;
    Some(format!(
        "{date}T{:02}:{:02}:{:02}Z",
        s / 3600,
        s / 60 % 60,
        s % 60
    ))
}

/// The `--format` values and their `--output` files, paired by position (`None`: stdout).
/// Text to stdout when no format is given; several formats need as many files, each file named
/// once.
pub fn pair_outputs(
    format: &[OutputFormat],
    output: &[String],
) -> Result<(Vec<OutputFormat>, Vec<Option<String>>)> {
    let formats: Vec<OutputFormat> = if format.is_empty() {
        vec![OutputFormat::Text]
    } else {
        format.to_vec()
    };
    if output.is_empty() {
        if formats.len() > 1 {
            bail!("several --format values need as many --output files (use `-` for stdout)");
        }
        return Ok((formats, vec![None]));
    }
    if output.len() != formats.len() {
        bail!(
            "--format and --output must be given the same number of times ({} formats, {} outputs)",
            formats.len(),
            output.len()
        );
    }
    let mut seen = std::collections::HashSet::new();
    for o in output {
        if o != "-" && !seen.insert(o) {
            bail!("output file `{o}` is given twice");
        }
    }
    let outputs = output
        .iter()
        .map(|o| (o != "-").then(|| o.clone()))
        .collect();
    Ok((formats, outputs))
}

/// `YYYY-MM-DD` of a day count since 1970-01-01.
fn civil_date(days: i64) -> String {
    let (y, m, d) = kubeguard_engine::civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Sets parameter `param` to `value` for the built-in `checks` (over the configuration's
/// `checks.params`), and for the custom checks of `template` that do not set it themselves.
fn set_version_param(
    config: &mut Config,
    checks: &[&str],
    template: &str,
    param: &str,
    value: &str,
) {
    let version = serde_json::json!(value);
    for check in checks {
        let entry = config
            .params
            .entry((*check).into())
            .or_insert_with(|| serde_json::json!({}));
        if let Some(o) = entry.as_object_mut() {
            o.insert(param.into(), version.clone());
        }
    }
    for custom in config
        .custom_checks
        .iter_mut()
        .filter(|c| c.template == template)
    {
        if let Some(o) = custom.params.as_object_mut() {
            o.entry(param).or_insert(version.clone());
        } else if custom.params.is_null() {
            custom.params = serde_json::json!({ param: version });
        }
    }
}

/// Runs `lint`.
pub fn run(args: &LintArgs) -> Result<ExitStatus> {
    let timings = Timings::from_env();
    if let Some(n) = args.threads {
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build_global();
    }
    let (formats, outputs) = pair_outputs(&args.format, &args.output)?;

    let mut config = match load_config(args.config.as_deref()) {
        Ok(c) => c,
        Err(errors) => return Ok(config_failure(&errors)),
    };
    // Flags override the configuration file (slices replace, as in KubeLinter).
    if !args.include.is_empty() {
        config.include = args.include.clone();
    }
    if !args.exclude.is_empty() {
        config.exclude = args.exclude.clone();
    }
    if !args.ignore_paths.is_empty() {
        config.ignore_paths = args.ignore_paths.clone();
    }
    config.add_all_builtin |= args.add_all_built_in;
    config.do_not_auto_add_defaults |= args.do_not_auto_add_defaults;
    if let Some(v) = &args.kubernetes_version {
        set_version_param(
            &mut config,
            &["schema-validation"],
            "kubeconform",
            "kubernetesVersion",
            v,
        );
    }
    if let Some(v) = &args.pss_version {
        set_version_param(
            &mut config,
            &["pss-baseline", "pss-restricted"],
            "pod-security-standard",
            "version",
            &v.to_string(),
        );
    }

    let engine = match kubeguard_checks::engine(&config) {
        Ok(e) => e,
        Err(errors) => return Ok(config_failure(&errors)),
    };
    let opts = LoadOptions::new(&args.input, &config.ignore_paths).map_err(anyhow::Error::msg)?;
    timings.mark("configured");
    let loaded = load(&args.paths, &opts);
    timings.mark("inputs read and parsed");

    let run_opts = RunOptions { today: today() };
    let mut report = Report {
        errors: loaded.errors,
        skipped: loaded.skipped,
        sources: loaded.sources,
        ..Report::default()
    };
    report.checks = engine.checks().cloned().collect();
    let mut objects = 0;
    let mut contexts = Vec::with_capacity(loaded.contexts.len());
    for (_, objs) in loaded.contexts {
        objects += objs.len();
        let ctx = Context::new(objs);
        timings.mark("context indexed");
        let mut found = engine.run(&ctx, &run_opts);
        timings.mark("checks run");
        remap(&mut found, &ctx, &loaded.origins, &mut report.sources);
        report.findings.extend(found);
        contexts.push(ctx);
    }
    // The process ends right after reporting: freeing millions of tree nodes one by one would
    // only add to the wall time, so they go back to the OS with the process.
    std::mem::forget(contexts);
    report.summary.files = loaded.files;
    report.summary.documents = loaded.documents;
    report.summary.objects = objects;
    report.summary.notes = engine.notes();
    report.finish();
    timings.mark("findings sorted");

    let mut stderr = anstream::stderr();
    // KubeLinter's report shapes have no place for input errors: they go to stderr, as
    // KubeLinter prints its own.
    if formats.iter().any(|f| {
        matches!(
            f,
            OutputFormat::KubeLinterJson | OutputFormat::KubeLinterPlain
        )
    }) {
        for e in &report.errors {
            let _ = writeln!(stderr, "Error: {e}");
        }
    }
    if engine.checks().next().is_none() {
        let _ = writeln!(stderr, "warning: no checks enabled");
    }
    if objects == 0 {
        if args.fail_if_no_objects_found {
            let _ = writeln!(stderr, "error: no valid Kubernetes objects found");
        } else {
            let _ = writeln!(stderr, "warning: no valid Kubernetes objects found");
        }
    }

    for (fmt, out) in formats.iter().zip(&outputs) {
        let to_terminal = out.is_none() && std::io::stdout().is_terminal();
        let color = match args.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        };
        let ropts = RenderOptions {
            color,
            show_suppressed: args.show_suppressed,
            verbose: args.verbose,
            check_end_time: now_rfc3339(),
            ..RenderOptions::default()
        };
        // Stream straight to the destination: a large report is never held in memory twice.
        let written = match out {
            None => {
                let mut w = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
                render((*fmt).into(), &report, &ropts, &mut w).and_then(|()| w.flush())
            }
            Some(path) => {
                let file =
                    std::fs::File::create(path).with_context(|| format!("writing {path}"))?;
                let mut w = std::io::BufWriter::with_capacity(1 << 16, file);
                render((*fmt).into(), &report, &ropts, &mut w).and_then(|()| w.flush())
            }
        };
        if let Err(e) = written {
            if e.kind() == std::io::ErrorKind::BrokenPipe && out.is_none() {
                return Ok(finish_status(report, args, objects));
            }
            return Err(e)
                .with_context(|| format!("writing {}", out.as_deref().unwrap_or("to stdout")));
        }
    }
    timings.mark("reports written");
    Ok(finish_status(report, args, objects))
}

/// Phase timings on stderr when `KUBEGUARD_TIMINGS` is set (see docs/performance.md): seconds
/// since the start of the run at the end of each phase.
struct Timings(Option<std::time::Instant>);

impl Timings {
    fn from_env() -> Timings {
        Timings(
            std::env::var_os("KUBEGUARD_TIMINGS")
                .filter(|v| !v.is_empty())
                .map(|_| std::time::Instant::now()),
        )
    }

    fn mark(&self, phase: &str) {
        if let Some(start) = self.0 {
            eprintln!("timing: {:8.3} s  {phase}", start.elapsed().as_secs_f64());
        }
    }
}

/// The exit status; the report is then left to the OS with the process, like the trees
/// (freeing 100k+ findings one by one only adds to the wall time).
fn finish_status(report: Report, args: &LintArgs, objects: usize) -> ExitStatus {
    let s = status(&report, args, objects);
    std::mem::forget(report);
    s
}

fn status(report: &Report, args: &LintArgs, objects: usize) -> ExitStatus {
    if (!report.errors.is_empty() && !args.allow_invalid)
        || (objects == 0 && args.fail_if_no_objects_found)
    {
        return ExitStatus::Error;
    }
    let threshold = args.fail_on.map_or(Severity::Info, Severity::from);
    if report.active().any(|f| f.severity >= threshold) {
        ExitStatus::Findings
    } else {
        ExitStatus::Clean
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn today_is_iso() {
        let t = super::today().expect("clock");
        assert_eq!(t.len(), 10);
        assert!(t.as_str() > "2024-01-01");
        let now = super::now_rfc3339().expect("clock");
        assert_eq!(now.len(), 20);
        assert!(now.starts_with(&t) && now.ends_with('Z'));
        assert_eq!(super::civil_date(0), "1970-01-01");
        assert_eq!(super::civil_date(19_723), "2024-01-01");
    }
}
