//! `kubeguard netpol`: NetworkPolicy connectivity over `kubeguard-netpol` (issue #6).
//!
//! - `map PATHS...`: every allowed connection between workloads and external IP ranges, in
//!   netpol-analyzer's connlist txt, csv, md, dot or json, our own JSON, or SVG; with its
//!   focus options and `--explain`.
//! - `diff DIR1 DIR2`: the connections added, removed and changed from DIR1 to DIR2, in
//!   netpol-analyzer's diff txt, csv, md or dot, our own JSON, or SVG; `--exit-code` makes
//!   differences exit 1.
//!
//! Output formats are described in docs/netpol-output.md.

use std::io::Write;
use std::path::Path;

use anyhow::Result;
use clap::{Args, Subcommand, ValueEnum};
use kubeguard_engine::InputError;
use kubeguard_netpol::{
    Cluster, ConnSet, ConnTable, Connection, ConnlistOptions, DiffFormat, DiffKind, Direction,
    Graph, NetworkKind, Workload, connlist, connlist_report_txt, connlist_sections, connlist_with,
    diff, explain, format_diff, format_explain_txt,
};
use serde_json::json;

use crate::ExitStatus;
use crate::cli::InputArgs;
use crate::inputs::{LoadOptions, load};
use crate::svg::dot_to_svg;

/// `kubeguard netpol` sub-commands.
#[derive(Debug, Subcommand)]
pub enum NetpolCommand {
    /// Who can reach whom under the NetworkPolicies: every allowed connection between
    /// workloads, and between workloads and external IP ranges.
    Map(MapArgs),
    /// Semantic diff of two versions of manifests: the connections added, removed and
    /// changed from DIR1 to DIR2 (not a text diff: only what changes who can reach whom).
    Diff(DiffArgs),
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
    /// `src,dst,conn` rows (netpol-analyzer's csv format).
    Csv,
    /// A markdown table `| src | dst | conn |` (netpol-analyzer's md format).
    Md,
    /// Graphviz DOT, workloads grouped by namespace (netpol-analyzer's dot format).
    Dot,
    /// SVG of the same graph, laid out in-process (no Graphviz needed).
    Svg,
    /// netpol-analyzer's json: an array of `{"src", "dst", "conn"}`.
    NetpolAnalyzerJson,
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

    /// Only connections to or from these workloads (`name` or `ns/name`;
    /// `ingress-controller` for the ingress controller). Repeatable or comma-separated.
    #[arg(long, value_delimiter = ',', value_name = "WORKLOAD")]
    pub focus_workload: Vec<String>,

    /// With --focus-workload: only connections whose other end is one of these workloads.
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "WORKLOAD",
        requires = "focus_workload"
    )]
    pub focus_workload_peer: Vec<String>,

    /// With --focus-workload: only connections into (`ingress`) or out of (`egress`) them.
    #[arg(long, value_name = "DIRECTION", value_parser = parse_direction, requires = "focus_workload")]
    pub focus_direction: Option<Direction>,

    /// Only pairs that allow this connection, `protocol-port` (`tcp-80`, `udp-53`); the txt
    /// output then lists the pairs under `Permitted connections on TCP 80:`.
    #[arg(long, value_name = "PROTO-PORT", value_parser = parse_focus_conn)]
    pub focus_conn: Option<ConnSet>,

    /// Explain every pair (allowed or not): which policy, rule, file and line decided each
    /// part of its connections (txt only).
    #[arg(long)]
    pub explain: bool,

    /// Skip paths matching these globs (`**` supported).
    #[arg(long, value_delimiter = ',', value_name = "GLOB")]
    pub ignore_paths: Vec<String>,

    /// How inputs are read and rendered.
    #[command(flatten)]
    pub input: InputArgs,
}

fn parse_direction(s: &str) -> Result<Direction, String> {
    Direction::parse(&s.to_ascii_lowercase())
        .ok_or_else(|| format!("`{s}`: expected `ingress` or `egress`"))
}

fn parse_focus_conn(s: &str) -> Result<ConnSet, String> {
    ConnSet::parse_focus(s)
        .ok_or_else(|| format!("`{s}`: expected protocol-port, e.g. `tcp-80` or `udp-53`"))
}

impl MapArgs {
    fn options(&self) -> ConnlistOptions {
        ConnlistOptions {
            focus_workloads: self.focus_workload.clone(),
            focus_workload_peers: self.focus_workload_peer.clone(),
            focus_direction: self.focus_direction,
            focus_conn: self.focus_conn.clone(),
        }
    }
}

/// Formats of the connectivity diff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum DiffOutput {
    /// `Connectivity diff:` then one `diff-type: ..., source: ..., destination: ...` line per
    /// difference (netpol-analyzer's txt format).
    #[default]
    Txt,
    /// `diff-type,source,destination,dir1,dir2,workloads-diff-info` rows.
    Csv,
    /// A markdown table with the same columns.
    Md,
    /// Graphviz DOT of every connection, coloured by change, with a legend.
    Dot,
    /// SVG of the same graph, laid out in-process (no Graphviz needed).
    Svg,
    /// `{"version": 1, "dir1", "dir2", "differences": [{"type", "src", "dst", "dir1",
    /// "dir2", "newOrLostSrc", "newOrLostDst"}], "errors": [...]}`.
    Json,
}

/// Arguments of `netpol diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The first (reference) version: a directory or file, or `-` for stdin.
    #[arg(value_name = "DIR1")]
    pub dir1: String,

    /// The second (new) version: a directory or file, or `-` for stdin.
    #[arg(value_name = "DIR2")]
    pub dir2: String,

    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffOutput::Txt)]
    pub format: DiffOutput,

    /// Exit 1 when the allowed connections differ (like `git diff --exit-code`); without
    /// it, differences exit 0 as in netpol-analyzer and roxctl.
    #[arg(long)]
    pub exit_code: bool,

    /// Skip paths matching these globs (`**` supported).
    #[arg(long, value_delimiter = ',', value_name = "GLOB")]
    pub ignore_paths: Vec<String>,

    /// How inputs are read and rendered.
    #[command(flatten)]
    pub input: InputArgs,
}

/// Runs a `netpol` sub-command. Exit 0, or 2 when an input could not be read (the rest is
/// still analyzed); `diff --exit-code` exits 1 when connections differ.
pub fn run(cmd: &NetpolCommand) -> Result<ExitStatus> {
    match cmd {
        NetpolCommand::Map(args) => map(args),
        NetpolCommand::Diff(args) => diff_cmd(args),
        NetpolCommand::Generate(args) => crate::netpol_generate::run(args),
    }
}

/// One configuration: its workloads' names and its connections.
struct Analyzed {
    peers: Vec<String>,
    conns: Vec<Connection>,
}

/// Loads `paths` as one cluster (every input together, as they would be applied).
fn cluster_of(paths: &[String], opts: &LoadOptions, errors: &mut Vec<InputError>) -> Cluster {
    let mut loaded = load(paths, opts);
    let objects = loaded.take_objects();
    errors.append(&mut loaded.errors);
    Cluster::from_objects(&objects)
}

fn analyze(paths: &[String], opts: &LoadOptions, errors: &mut Vec<InputError>) -> Analyzed {
    let cluster = cluster_of(paths, opts, errors);
    Analyzed {
        peers: cluster.workloads.iter().map(|w| w.display()).collect(),
        conns: connlist(&cluster),
    }
}

fn errors_json(errors: &[InputError]) -> Vec<serde_json::Value> {
    errors
        .iter()
        .map(|e| {
            json!({
                "path": e.path, "line": e.line, "column": e.column, "message": e.message,
            })
        })
        .collect()
}

fn print_errors(errors: &[InputError]) -> Result<()> {
    let mut err = anstream::stderr();
    for e in errors {
        writeln!(err, "error: {e}")?;
    }
    Ok(())
}

/// Writes `text` with a final newline.
fn emit(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    if !text.is_empty() && !text.ends_with('\n') {
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}

fn map(args: &MapArgs) -> Result<ExitStatus> {
    if args.explain && args.format != MapFormat::Txt {
        anyhow::bail!("--explain is only available with --format txt");
    }
    let opts = LoadOptions::new(&args.input, &args.ignore_paths).map_err(anyhow::Error::msg)?;
    let mut errors = Vec::new();
    let cluster = cluster_of(&args.paths, &opts, &mut errors);
    errors.sort();
    let options = args.options();
    let a = Analyzed {
        peers: cluster
            .workloads
            .iter()
            .filter(|w| drawn(&options, w))
            .map(|w| w.display())
            .collect(),
        conns: connlist_with(&cluster, &options),
    };
    let text = match args.format {
        // With several networks, one section per network and the workload-to-networks map.
        MapFormat::Txt if args.explain => format_explain_txt(&explain(&cluster, &options)),
        MapFormat::Txt => connlist_report_txt(&cluster, &options),
        MapFormat::Csv => table(&cluster, &options, &a.conns, |t| t.csv()),
        MapFormat::Md => table(&cluster, &options, &a.conns, |t| t.md()),
        MapFormat::Dot => graph(&cluster, &options, &a).to_dot(),
        MapFormat::Svg => svg(&graph(&cluster, &options, &a), "connectivity graph")?,
        MapFormat::NetpolAnalyzerJson => table(&cluster, &options, &a.conns, |t| t.json()),
        MapFormat::Json => {
            let item = |c: &Connection, network: Option<&str>| {
                let mut v = json!({
                    "src": c.src,
                    "dst": c.dst,
                    "conns": c.conns.to_string(),
                });
                if let Some(n) = network {
                    v["network"] = json!(n);
                }
                v
            };
            // With several networks, each connection names its network.
            let connections: Vec<serde_json::Value> = if cluster.networks.enabled {
                connlist_sections(&cluster, &options)
                    .iter()
                    .flat_map(|s| {
                        let n = match s.kind {
                            NetworkKind::Pod => "pod-network".to_string(),
                            _ => s.name.clone(),
                        };
                        s.connections
                            .iter()
                            .map(|c| item(c, Some(&n)))
                            .collect::<Vec<_>>()
                    })
                    .collect()
            } else {
                a.conns.iter().map(|c| item(c, None)).collect()
            };
            let doc = json!({
                "version": 1,
                "connections": connections,
                "errors": errors_json(&errors),
            });
            serde_json::to_string_pretty(&doc)?
        }
    };
    emit(&text)?;
    if args.format != MapFormat::Json {
        print_errors(&errors)?;
    }
    Ok(if errors.is_empty() {
        ExitStatus::Clean
    } else {
        ExitStatus::Error
    })
}

/// Most edges the in-process layout is given: its time grows steeply with dense graphs
/// (150 connections among 12 workloads take about 3 s; 420 among 20, minutes).
const MAX_SVG_EDGES: usize = 150;

/// SVG of a graph, refusing graphs too large for the in-process layout.
fn svg(graph: &Graph, what: &str) -> Result<String> {
    let edges = graph.edge_count();
    if edges > MAX_SVG_EDGES {
        anyhow::bail!(
            "the {what} has {edges} connections; the in-process SVG layout handles at most \
             {MAX_SVG_EDGES}: use --format dot and Graphviz (`dot -Tsvg`), or narrow it with \
             --focus-workload"
        );
    }
    dot_to_svg(&graph.to_layout_dot(), what)
}

/// Whether the graph draws a workload that has no connection: every workload, or with
/// focus workloads only those and their focus peers (as netpol-analyzer).
fn drawn(options: &ConnlistOptions, w: &Workload) -> bool {
    let named = |list: &[String]| {
        list.iter()
            .any(|f| *f == w.name || *f == format!("{}/{}", w.namespace, w.name))
    };
    options.focus_workloads.is_empty()
        || named(&options.focus_workloads)
        || named(&options.focus_workload_peers)
}

/// The connectivity graph; with several networks, grouped by network as netpol-analyzer
/// draws it.
fn graph(cluster: &Cluster, options: &ConnlistOptions, a: &Analyzed) -> Graph {
    if cluster.networks.enabled {
        Graph::connlist_networks(&connlist_sections(cluster, options), cluster, &|w| {
            drawn(options, w)
        })
    } else {
        Graph::connlist(&a.conns, &a.peers)
    }
}

/// A csv/md/json table as netpol-analyzer prints it: with a `network` column when the input
/// uses several networks, without the connections column under a focus connection.
fn table(
    cluster: &Cluster,
    options: &ConnlistOptions,
    conns: &[Connection],
    render: impl Fn(&ConnTable) -> String,
) -> String {
    let sections;
    let mut t = if cluster.networks.enabled {
        sections = connlist_sections(cluster, options);
        ConnTable::with_networks(&sections)
    } else {
        ConnTable::new(conns)
    };
    if options.focus_conn.is_some() {
        t = t.pairs_only();
    }
    render(&t)
}

fn diff_cmd(args: &DiffArgs) -> Result<ExitStatus> {
    if args.dir1 == "-" && args.dir2 == "-" {
        anyhow::bail!("netpol diff: only one of DIR1 and DIR2 can be `-` (stdin)");
    }
    // A missing side would turn into "everything removed/added": refuse instead.
    for p in [&args.dir1, &args.dir2] {
        if p != "-" && !Path::new(p).exists() {
            anyhow::bail!("netpol diff: {p}: no such file or directory");
        }
    }
    let opts = LoadOptions::new(&args.input, &args.ignore_paths).map_err(anyhow::Error::msg)?;
    let mut errors = Vec::new();
    let first = analyze(std::slice::from_ref(&args.dir1), &opts, &mut errors);
    let second = analyze(std::slice::from_ref(&args.dir2), &opts, &mut errors);
    errors.sort();
    let d = diff(&first.conns, &first.peers, &second.conns, &second.peers);
    let names = ["dir1", "dir2"];
    let text = match args.format {
        DiffOutput::Txt => format_diff(&d, DiffFormat::Txt, names),
        DiffOutput::Csv => format_diff(&d, DiffFormat::Csv, names),
        DiffOutput::Md => format_diff(&d, DiffFormat::Md, names),
        DiffOutput::Dot => format_diff(&d, DiffFormat::Dot, names),
        DiffOutput::Json => {
            let doc = json!({
                "version": 1,
                "dir1": args.dir1,
                "dir2": args.dir2,
                "differences": d
                    .entries
                    .iter()
                    .filter(|e| e.kind != DiffKind::Unchanged)
                    .map(|e| json!({
                        "type": e.kind.as_str(),
                        "src": e.src,
                        "dst": e.dst,
                        "dir1": e.ref1.to_string(),
                        "dir2": e.ref2.to_string(),
                        "newOrLostSrc": e.src_new_or_lost,
                        "newOrLostDst": e.dst_new_or_lost,
                    }))
                    .collect::<Vec<_>>(),
                "errors": errors_json(&errors),
            });
            serde_json::to_string_pretty(&doc)?
        }
        DiffOutput::Svg if d.is_empty() => String::new(),
        DiffOutput::Svg => svg(&Graph::diff(&d, names[0]), "connectivity diff graph")?,
    };
    emit(&text)?;
    if args.format != DiffOutput::Json {
        print_errors(&errors)?;
    }
    Ok(if !errors.is_empty() {
        ExitStatus::Error
    } else if args.exit_code && !d.is_empty() {
        ExitStatus::Findings
    } else {
        ExitStatus::Clean
    })
}
