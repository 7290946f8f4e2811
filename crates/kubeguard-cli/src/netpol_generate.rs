//! `kubeguard netpol generate PATHS...`: least-privilege NetworkPolicies inferred from the
//! manifests (over `kubeguard_netpol::generate`).
//!
//! Output: the policies as a YAML stream (default) or a JSON `List`, on standard output or
//! with `-o DIR` one file per namespace; with `--connections` (alias `--explain`) the inferred
//! connections and the fields they come from instead. What could not be used (a ConfigMap
//! not in the inputs, a workload without labels, ...) is printed as warnings on standard
//! error. Exit 0, or 2 when an input could not be read (the rest is still used).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use kubeguard_netpol::Labels;
use kubeguard_netpol::generate::{
    DnsTarget, Generated, GeneratedPolicy, Options, generate, to_json_list, to_yaml_stream,
};
use serde_json::json;

use crate::ExitStatus;
use crate::cli::InputArgs;
use crate::inputs::{LoadOptions, load};
use crate::json::location_json;

/// Output formats of `netpol generate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum GenerateFormat {
    /// A YAML stream, one NetworkPolicy per document (with `--connections`: text).
    #[default]
    Yaml,
    /// A JSON `v1` `List` of the NetworkPolicies (with `--connections`: a JSON report).
    Json,
}

/// Arguments of `netpol generate`.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Files, directories or `-` for stdin.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<String>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = GenerateFormat::Yaml)]
    pub format: GenerateFormat,

    /// Print the inferred connections with the fields they come from (file:line:col) instead
    /// of the policies.
    #[arg(long, visible_alias = "explain", conflicts_with = "output_dir")]
    pub connections: bool,

    /// Write one file per namespace (`<namespace>.yaml` or `.json`) into DIR instead of
    /// printing one stream.
    #[arg(short = 'o', long = "output-dir", value_name = "DIR")]
    pub output_dir: Option<PathBuf>,

    /// Namespace of the cluster DNS pods.
    #[arg(long, value_name = "NS", default_value = "kube-system")]
    pub dns_namespace: String,

    /// Labels of the cluster DNS pods, comma separated.
    #[arg(long, value_name = "K=V,...", default_value = "k8s-app=kube-dns", value_parser = parse_labels)]
    pub dns_labels: Labels,

    /// Port the cluster DNS pods listen on (UDP and TCP); 5353 on OpenShift.
    #[arg(long, value_name = "PORT", default_value_t = 53, value_parser = clap::value_parser!(u16).range(1..))]
    pub dns_port: u16,

    /// Skip paths matching these globs (`**` supported).
    #[arg(long, value_delimiter = ',', value_name = "GLOB")]
    pub ignore_paths: Vec<String>,

    /// How inputs are read and rendered.
    #[command(flatten)]
    pub input: InputArgs,
}

fn parse_labels(s: &str) -> Result<Labels, String> {
    let mut out = Labels::new();
    for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (k, v) = part
            .split_once('=')
            .ok_or_else(|| format!("`{part}` is not KEY=VALUE"))?;
        if k.is_empty() {
            return Err(format!("`{part}` has an empty key"));
        }
        out.insert(k.to_string(), v.to_string());
    }
    if out.is_empty() {
        return Err("at least one KEY=VALUE label is needed".into());
    }
    Ok(out)
}

/// Runs `netpol generate`.
pub fn run(args: &GenerateArgs) -> Result<ExitStatus> {
    let opts = LoadOptions::new(&args.input, &args.ignore_paths).map_err(anyhow::Error::msg)?;
    let mut loaded = load(&args.paths, &opts);
    let objects = loaded.take_objects();
    let mut errors = loaded.errors;
    errors.sort();
    let generated = generate(
        &objects,
        &Options {
            dns: DnsTarget {
                namespace: args.dns_namespace.clone(),
                labels: args.dns_labels.clone(),
                port: args.dns_port,
            },
        },
    );
    let mut err = anstream::stderr();
    for e in &errors {
        writeln!(err, "error: {e}")?;
    }
    if args.connections {
        let mut out = std::io::stdout().lock();
        match args.format {
            GenerateFormat::Yaml => out.write_all(connections_text(&generated).as_bytes())?,
            GenerateFormat::Json => {
                let doc = connections_json(&generated, &errors);
                serde_json::to_writer_pretty(&mut out, &doc)?;
                writeln!(out)?;
            }
        }
    } else {
        match &args.output_dir {
            None => {
                let mut out = std::io::stdout().lock();
                out.write_all(render(&generated.policies, args.format).as_bytes())?;
            }
            Some(dir) => write_dir(dir, &generated.policies, args.format, &mut err)?,
        }
    }
    if !(args.connections && args.format == GenerateFormat::Json) {
        for n in &generated.notes {
            match &n.location {
                Some(l) => writeln!(
                    err,
                    "warning: {}:{}:{}: {}",
                    l.path, l.start.line, l.start.column, n.message
                )?,
                None => writeln!(err, "warning: {}", n.message)?,
            }
        }
        if generated.workloads.is_empty() {
            writeln!(
                err,
                "warning: no workloads in the inputs: no policy generated"
            )?;
        }
    }
    Ok(if errors.is_empty() {
        ExitStatus::Clean
    } else {
        ExitStatus::Error
    })
}

fn render(policies: &[GeneratedPolicy], format: GenerateFormat) -> String {
    match format {
        GenerateFormat::Yaml => to_yaml_stream(policies),
        GenerateFormat::Json => to_json_list(policies),
    }
}

fn write_dir(
    dir: &std::path::Path,
    policies: &[GeneratedPolicy],
    format: GenerateFormat,
    err: &mut impl Write,
) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut by_ns: BTreeMap<&str, Vec<GeneratedPolicy>> = BTreeMap::new();
    for p in policies {
        by_ns.entry(&p.namespace).or_default().push(p.clone());
    }
    let ext = match format {
        GenerateFormat::Yaml => "yaml",
        GenerateFormat::Json => "json",
    };
    for (ns, ps) in by_ns {
        let path = dir.join(format!("{ns}.{ext}"));
        std::fs::write(&path, render(&ps, format))
            .with_context(|| format!("cannot write {}", path.display()))?;
        writeln!(err, "wrote {} policies to {}", ps.len(), path.display())?;
    }
    Ok(())
}

fn connections_text(g: &Generated) -> String {
    let mut s = String::new();
    for c in &g.connections {
        s.push_str(&format!(
            "{} => {} : {}\n",
            g.party_name(c.src),
            g.party_name(c.dst),
            c.conns
        ));
        for e in &c.evidence {
            let at = match &e.location {
                Some(l) => format!(" at {}:{}:{}", l.path, l.start.line, l.start.column),
                None => String::new(),
            };
            let field = if e.field.is_empty() {
                String::new()
            } else {
                format!(" {}", e.field)
            };
            s.push_str(&format!(
                "    {}: {:?} ({}{}){}\n",
                e.what, e.text, e.object, field, at
            ));
        }
    }
    s
}

fn connections_json(g: &Generated, errors: &[kubeguard_engine::InputError]) -> serde_json::Value {
    json!({
        "version": 1,
        "connections": g.connections.iter().map(|c| json!({
            "src": g.party_name(c.src),
            "dst": g.party_name(c.dst),
            "conns": c.conns.to_string(),
            "evidence": c.evidence.iter().map(|e| json!({
                "what": e.what,
                "object": e.object,
                "field": e.field,
                "text": e.text,
                "location": location_json(e.location.as_ref()),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "notes": g.notes.iter().map(|n| json!({
            "message": n.message,
            "location": location_json(n.location.as_ref()),
        })).collect::<Vec<_>>(),
        "errors": errors.iter().map(|e| json!({
            "path": e.path, "line": e.line, "column": e.column, "message": e.message,
        })).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_flag() {
        assert_eq!(
            parse_labels("k8s-app=kube-dns, a=").expect("labels"),
            Labels::from([
                ("a".into(), String::new()),
                ("k8s-app".into(), "kube-dns".into())
            ])
        );
        assert!(parse_labels("nope").is_err());
        assert!(parse_labels("=x").is_err());
        assert!(parse_labels(",").is_err());
    }
}
