//! `kubeguard cluster PATHS...`: audit cluster configuration files (RKE cluster.yml, RKE2
//! config.yaml with config.yaml.d, kubeadm static pod manifests, component command lines,
//! KubeletConfiguration, etcd config, audit Policy, EncryptionConfiguration,
//! AdmissionConfiguration) over `kubeguard-cluster` (issue #7).
//!
//! Findings go through the reporters of `lint` (same formats, same JSON contract: `check` is
//! the rule id, `references.cis` the control ids of the benchmark view); exit codes as for
//! `lint`. `--summary` prints the per-control table of the benchmark view instead. Inline
//! secrets are findings, and every output shows the files with their values masked.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context as _, Result, bail};
use clap::{Args, ValueEnum};
use kubeguard_cluster::summary;
use kubeguard_cluster::{Audit, Bench, InputFile, Options, audit, redact};
use kubeguard_engine::{CheckMeta, InputError, References, Report, Severity, Skipped};
use kubeguard_report::{RenderOptions, render};
use kubeguard_source::SourceFile;

use crate::ExitStatus;
use crate::cli::{ColorChoice, OutputFormat, SeverityArg, parse_size};

/// Arguments of `cluster`.
#[derive(Debug, Args)]
#[command(disable_version_flag = true)]
pub struct ClusterArgs {
    /// Files, directories (searched recursively) or `-` for standard input.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<String>,

    /// Benchmark view: the numbering of CIS references and the controls of --summary.
    #[arg(long, value_enum, default_value_t = BenchArg::Cis112, value_name = "BENCHMARK")]
    pub benchmark: BenchArg,

    /// Print the pass/fail/not-applicable table per control of the benchmark view (text, or
    /// JSON with --format json) instead of the findings.
    #[arg(long)]
    pub summary: bool,

    /// Output format; repeat together with --output to write several formats.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Vec<OutputFormat>,

    /// Output file for the --format at the same position (`-` for stdout).
    #[arg(short, long, value_name = "FILE")]
    pub output: Vec<String>,

    /// Exit 1 only for findings at or above this severity (default: any finding).
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<SeverityArg>,

    /// Report parse errors but do not let them change the exit code.
    #[arg(long)]
    pub allow_invalid: bool,

    /// List skipped files and documents.
    #[arg(short, long)]
    pub verbose: bool,

    /// When to use colours in text output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Largest file read, in bytes (suffixes K, M, G, Ki, Mi, Gi accepted).
    #[arg(long, value_name = "SIZE", default_value = "50Mi", value_parser = parse_size)]
    pub max_file_size: u64,
}

/// Benchmark views on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BenchArg {
    /// CIS Kubernetes Benchmark v1.12.
    #[value(name = "cis-1.12")]
    Cis112,
    /// CIS Kubernetes Benchmark v1.8.
    #[value(name = "cis-1.8")]
    Cis18,
    /// Rancher's RKE benchmark (rke-cis-1.7).
    #[value(name = "rke-cis-1.7")]
    RkeCis17,
    /// Rancher's RKE2 benchmark (rke2-cis-1.8).
    #[value(name = "rke2-cis-1.8")]
    Rke2Cis18,
}

impl BenchArg {
    fn bench(self) -> Bench {
        match self {
            BenchArg::Cis112 => Bench::Cis112,
            BenchArg::Cis18 => Bench::Cis18,
            BenchArg::RkeCis17 => Bench::RkeCis17,
            BenchArg::Rke2Cis18 => Bench::Rke2Cis18,
        }
    }
}

/// Files read from the paths, with read errors and skipped entries.
struct Read_ {
    files: Vec<InputFile>,
    errors: Vec<InputError>,
    skipped: Vec<Skipped>,
}

const EXTENSIONS: &[&str] = &["yaml", "yml", "json", "txt", "conf", "manifest"];

fn read_paths(paths: &[String], max: u64) -> Read_ {
    let mut r = Read_ {
        files: Vec::new(),
        errors: Vec::new(),
        skipped: Vec::new(),
    };
    let error = |path: &str, message: String| InputError {
        path: path.to_string(),
        line: None,
        column: None,
        message,
    };
    for p in paths {
        if p == "-" {
            let mut text = String::new();
            match std::io::stdin().take(max + 1).read_to_string(&mut text) {
                Ok(n) if n as u64 > max => r.errors.push(error(
                    "<stdin>",
                    format!("larger than --max-file-size ({max} bytes)"),
                )),
                Ok(_) => r.files.push(InputFile::new("<stdin>", text)),
                Err(e) => r.errors.push(error("<stdin>", format!("cannot read: {e}"))),
            }
            continue;
        }
        let path = Path::new(p);
        if path.is_dir() {
            let mut found = Vec::new();
            walk(path, &mut found, 0);
            found.sort();
            for f in found {
                let ext = f
                    .extension()
                    .and_then(|e| e.to_str())
                    .unwrap_or_default()
                    .to_ascii_lowercase();
                let name = f.file_name().and_then(|n| n.to_str()).unwrap_or_default();
                if EXTENSIONS.contains(&ext.as_str()) || name == "cluster.yml" {
                    read_file(&f, max, &mut r);
                } else {
                    r.skipped.push(Skipped {
                        path: f.display().to_string(),
                        reason: "not a configuration file extension".into(),
                    });
                }
            }
        } else {
            read_file(path, max, &mut r);
        }
    }
    r
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>, depth: usize) {
    if depth > 32 {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.filter_map(Result::ok) {
        let p = e.path();
        let Ok(ft) = e.file_type() else { continue };
        if ft.is_dir() {
            if !p
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with('.'))
            {
                walk(&p, out, depth + 1);
            }
        } else if ft.is_file() || ft.is_symlink() {
            out.push(p);
        }
    }
}

fn read_file(path: &Path, max: u64, r: &mut Read_) {
    let shown = path.display().to_string();
    match std::fs::metadata(path) {
        Ok(m) if m.len() > max => {
            r.errors.push(InputError {
                path: shown,
                line: None,
                column: None,
                message: format!("larger than --max-file-size ({max} bytes)"),
            });
            return;
        }
        Err(e) => {
            r.errors.push(InputError {
                path: shown,
                line: None,
                column: None,
                message: format!("cannot read: {e}"),
            });
            return;
        }
        _ => {}
    }
    match std::fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => r.files.push(InputFile::new(shown, text)),
            Err(_) => r.skipped.push(Skipped {
                path: shown,
                reason: "not UTF-8 text".into(),
            }),
        },
        Err(e) => r.errors.push(InputError {
            path: shown,
            line: None,
            column: None,
            message: format!("cannot read: {e}"),
        }),
    }
}

/// The check metadata of every rule of the view (SARIF rules, JUnit test cases).
fn check_metas(bench: Bench) -> Vec<Arc<CheckMeta>> {
    let mut metas: Vec<Arc<CheckMeta>> = kubeguard_cluster::rules::table::RULES
        .iter()
        .filter(|r| r.in_view(bench))
        .map(|r| {
            let cis = r.view(bench).map_or_else(
                || r.cis.iter().map(|s| s.to_string()).collect(),
                |(id, _)| vec![id.to_string()],
            );
            let mut where_ = Vec::new();
            if !r.rke.is_empty() {
                where_.push(format!("RKE: {}", r.rke));
            }
            if !r.rke2.is_empty() {
                where_.push(format!("RKE2: {}", r.rke2));
            }
            Arc::new(CheckMeta {
                name: r.id.to_string(),
                template: "cluster".into(),
                severity: r.severity,
                category: "security".into(),
                description: r.title.to_string(),
                rationale: format!("{} ({})", r.setting, r.component),
                remediation: where_.join("; "),
                references: References {
                    cis,
                    mitre: r.mitre.iter().map(|s| s.to_string()).collect(),
                    pss: Vec::new(),
                },
                enabled_by_default: true,
                object_kinds: vec![r.component.to_string()],
                params: serde_json::Value::Null,
                builtin: false,
                example: None,
                use_instead: None,
            })
        })
        .collect();
    metas.sort_by(|a, b| a.name.cmp(&b.name));
    metas
}

fn summary_json(rows: &[summary::Row], bench: Bench) -> String {
    let controls: Vec<serde_json::Value> = rows
        .iter()
        .map(|r| {
            serde_json::json!({
                "control": r.control,
                "rule": r.rule.id,
                "title": r.rule.title,
                "result": r.status.label(),
                "pass": r.pass,
                "fail": r.fail,
                "not_applicable": r.na,
            })
        })
        .collect();
    let doc = serde_json::json!({
        "version": 1,
        "benchmark": bench.name(),
        "controls": controls,
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

/// Runs `cluster`.
pub fn run(args: &ClusterArgs) -> Result<ExitStatus> {
    let (formats, outputs) = crate::lint::pair_outputs(&args.format, &args.output)?;
    if args.summary
        && formats
            .iter()
            .any(|f| !matches!(f, OutputFormat::Text | OutputFormat::Json))
    {
        bail!("--summary is written as text or json only");
    }
    let bench = args.benchmark.bench();
    let read = read_paths(&args.paths, args.max_file_size);
    let result: Audit = audit(&read.files, &Options { benchmark: bench });

    // Sources for code frames, with inline secrets masked.
    let mut sources: BTreeMap<Arc<str>, Arc<SourceFile>> = BTreeMap::new();
    for f in &read.files {
        let src = match result.secrets.get(&f.path) {
            Some(spans) => redact(&f.source, spans),
            None => f.source.clone(),
        };
        sources.insert(f.path.clone(), src);
    }
    let mut report = Report {
        findings: result.findings,
        errors: read.errors.into_iter().chain(result.errors).collect(),
        skipped: read
            .skipped
            .into_iter()
            .chain(
                result
                    .skipped
                    .into_iter()
                    .map(|(path, reason)| Skipped { path, reason }),
            )
            .collect(),
        checks: check_metas(bench),
        sources,
        ..Report::default()
    };
    report.summary.files = read.files.len();
    report.summary.documents = result.documents;
    report.summary.objects = result.targets;
    report.finish();

    let mut stderr = anstream::stderr();
    if result.targets == 0 {
        let _ = writeln!(
            stderr,
            "warning: no cluster configuration found in the inputs"
        );
    }
    for (fmt, out) in formats.iter().zip(&outputs) {
        let text = if args.summary {
            let rows = summary::rows(&result.evaluations, bench);
            Some(match fmt {
                OutputFormat::Json => summary_json(&rows, bench),
                _ => summary::table(&rows, bench),
            })
        } else {
            None
        };
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
            verbose: args.verbose,
            ..RenderOptions::default()
        };
        let write = |w: &mut dyn Write| -> std::io::Result<()> {
            match &text {
                Some(t) => w.write_all(t.as_bytes()),
                None => render((*fmt).into(), &report, &ropts, w),
            }
        };
        let written = match out {
            None => {
                let mut w = std::io::BufWriter::new(std::io::stdout().lock());
                write(&mut w).and_then(|()| w.flush())
            }
            Some(path) => {
                let file =
                    std::fs::File::create(path).with_context(|| format!("writing {path}"))?;
                let mut w = std::io::BufWriter::new(file);
                write(&mut w).and_then(|()| w.flush())
            }
        };
        if let Err(e) = written {
            if e.kind() == std::io::ErrorKind::BrokenPipe && out.is_none() {
                break;
            }
            return Err(e)
                .with_context(|| format!("writing {}", out.as_deref().unwrap_or("to stdout")));
        }
        if args.summary && matches!(fmt, OutputFormat::Text) {
            for e in &report.errors {
                let _ = writeln!(stderr, "error: {e}");
            }
        }
    }
    if !report.errors.is_empty() && !args.allow_invalid {
        return Ok(ExitStatus::Error);
    }
    let threshold = args.fail_on.map_or(Severity::Info, Severity::from);
    Ok(if report.active().any(|f| f.severity >= threshold) {
        ExitStatus::Findings
    } else {
        ExitStatus::Clean
    })
}
