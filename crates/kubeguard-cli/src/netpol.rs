//! `kubeguard netpol`: NetworkPolicy connectivity over `kubeguard-netpol` (first slice of
//! issue #6: the connectivity map).
//!
//! - `map PATHS...`: every allowed connection between workloads and external IP ranges, in
//!   netpol-analyzer's connlist text (`src => dst : conns`) or JSON.

use std::io::Write;

use anyhow::Result;
use clap::{Args, Subcommand, ValueEnum};
use kubeguard_netpol::{Cluster, connlist, format_txt};
use serde_json::json;

use crate::ExitStatus;
use crate::cli::InputArgs;
use crate::inputs::{LoadOptions, load};

/// `kubeguard netpol` sub-commands.
#[derive(Debug, Subcommand)]
pub enum NetpolCommand {
    /// Who can reach whom under the NetworkPolicies: every allowed connection between
    /// workloads, and between workloads and external IP ranges.
    Map(MapArgs),
    /// Least-privilege NetworkPolicies inferred from the manifests: Services, references to
    /// them in env, args, commands and ConfigMaps, Ingress/Route/Gateway backends and
    /// LoadBalancer/NodePort exposure; one per workload, a default deny per namespace, DNS.
    Generate(crate::netpol_generate::GenerateArgs),
}

/// Formats of the connectivity map.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum MapFormat {
    /// One connection per line, `src => dst : conns` (netpol-analyzer's txt format).
    #[default]
    Txt,
    /// `{"version": 1, "connections": [{"src", "dst", "conns"}], "errors": [...]}`.
    Json,
}

/// Arguments of `netpol map`.
#[derive(Debug, Args)]
pub struct MapArgs {
    /// Files, directories or `-` for stdin.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<String>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = MapFormat::Txt)]
    pub format: MapFormat,

    /// Skip paths matching these globs (`**` supported).
    #[arg(long, value_delimiter = ',', value_name = "GLOB")]
    pub ignore_paths: Vec<String>,

    /// How inputs are read and rendered.
    #[command(flatten)]
    pub input: InputArgs,
}

/// Runs a `netpol` sub-command. Exit 0, or 2 when an input could not be read (the rest is
/// still analyzed).
pub fn run(cmd: &NetpolCommand) -> Result<ExitStatus> {
    match cmd {
        NetpolCommand::Map(args) => map(args),
        NetpolCommand::Generate(args) => crate::netpol_generate::run(args),
    }
}

fn map(args: &MapArgs) -> Result<ExitStatus> {
    let opts = LoadOptions::new(&args.input, &args.ignore_paths).map_err(anyhow::Error::msg)?;
    let mut loaded = load(&args.paths, &opts);
    // One cluster: every input together, as they would be applied.
    let objects = loaded.take_objects();
    let mut errors = loaded.errors;
    errors.sort();
    let conns = connlist(&Cluster::from_objects(&objects));
    let mut out = std::io::stdout().lock();
    match args.format {
        MapFormat::Txt => {
            out.write_all(format_txt(&conns).as_bytes())?;
            let mut err = anstream::stderr();
            for e in &errors {
                writeln!(err, "error: {e}")?;
            }
        }
        MapFormat::Json => {
            let doc = json!({
                "version": 1,
                "connections": conns.iter().map(|c| json!({
                    "src": c.src,
                    "dst": c.dst,
                    "conns": c.conns.to_string(),
                })).collect::<Vec<_>>(),
                "errors": errors.iter().map(|e| json!({
                    "path": e.path, "line": e.line, "column": e.column, "message": e.message,
                })).collect::<Vec<_>>(),
            });
            serde_json::to_writer_pretty(&mut out, &doc)?;
            writeln!(out)?;
        }
    }
    Ok(if errors.is_empty() {
        ExitStatus::Clean
    } else {
        ExitStatus::Error
    })
}
