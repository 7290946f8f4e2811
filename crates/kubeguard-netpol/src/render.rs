//! Output formats of the connectivity list and of its diff, byte-compatible with
//! netpol-analyzer's: connlist csv, md, json and dot; diff txt, csv, md and dot. Also a plainer
//! DOT of the same graph for in-process layout (SVG), which understands fewer attributes.
//!
//! Endpoints are read from their display names (`ns/name[Kind]`, `a.b.c.d-e.f.g.h[External]`,
//! `{ingress-controller}`), which is all the formats show.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::net::Ipv4Addr;

use crate::analysis::{Connection, NetworkKind, NetworkSection};
use crate::diff::{ConnDiff, DiffEntry, DiffKind};
use crate::ip::IpRange;
use crate::model::{Cluster, Workload};
use crate::networks::PrimaryNetwork;

/// The ingress controller's name as a connection source.
pub const INGRESS_CONTROLLER: &str = "{ingress-controller}";

const EXTERNAL_SUFFIX: &str = "[External]";

/// What an endpoint name denotes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeerName<'a> {
    /// `ns/name[Kind]`: a workload, drawn inside its namespace.
    Workload {
        /// Namespace.
        namespace: &'a str,
        /// `name[Kind]`.
        label: &'a str,
    },
    /// External address ranges (`a.b.c.d-e.f.g.h[External]`, several joined by commas).
    Ip(Vec<IpRange>),
    /// Anything else outside the namespaces (the ingress controller).
    Other,
}

fn parse_range(s: &str) -> Option<IpRange> {
    let (a, b) = s.split_once('-').unwrap_or((s, s));
    let start = u32::from(a.trim().parse::<Ipv4Addr>().ok()?);
    let end = u32::from(b.trim().parse::<Ipv4Addr>().ok()?);
    (start <= end).then_some(IpRange { start, end })
}

/// Classifies an endpoint name.
pub fn peer_name(display: &str) -> PeerName<'_> {
    if let Some(ranges) = display.strip_suffix(EXTERNAL_SUFFIX) {
        if let Some(parsed) = ranges
            .split(',')
            .map(parse_range)
            .collect::<Option<Vec<_>>>()
        {
            return PeerName::Ip(parsed);
        }
        return PeerName::Other;
    }
    match display.split_once('/') {
        Some((namespace, label)) if !display.starts_with('{') => {
            PeerName::Workload { namespace, label }
        }
        _ => PeerName::Other,
    }
}

/// `name[Kind]` of `ns/name[Kind]`.
fn name_part(display: &str) -> &str {
    display.split_once('/').map_or(display, |(_, n)| n)
}

/// The display name of external ranges.
pub fn ip_name(ranges: &[IpRange]) -> String {
    let parts: Vec<String> = ranges.iter().map(IpRange::to_string).collect();
    format!("{}{EXTERNAL_SUFFIX}", parts.join(","))
}

/// The connections as the csv, md and json formats list them: sorted by source then
/// destination, optionally with the network each belongs to, optionally without the
/// connections (netpol-analyzer's `--focus-conn` tables list the pairs only).
#[derive(Debug, Clone)]
pub struct ConnTable<'a> {
    rows: Vec<(&'a Connection, Option<String>)>,
    conn_column: bool,
}

impl<'a> ConnTable<'a> {
    /// One network: `src`, `dst`, `conn`.
    pub fn new(conns: &'a [Connection]) -> ConnTable<'a> {
        ConnTable::from_rows(conns.iter().map(|c| (c, None)).collect())
    }

    /// Several networks: a `network` column too (`pod-network`, or the UDN, CUDN or NAD
    /// name), as upstream prints them when the input uses multiple networks.
    pub fn with_networks(sections: &'a [NetworkSection]) -> ConnTable<'a> {
        let mut rows = Vec::new();
        for s in sections {
            let network = match s.kind {
                NetworkKind::Pod => "pod-network".to_string(),
                _ => s.name.clone(),
            };
            rows.extend(s.connections.iter().map(|c| (c, Some(network.clone()))));
        }
        ConnTable::from_rows(rows)
    }

    fn from_rows(mut rows: Vec<(&'a Connection, Option<String>)>) -> ConnTable<'a> {
        rows.sort_by(|a, b| (&a.0.src, &a.0.dst).cmp(&(&b.0.src, &b.0.dst)));
        ConnTable {
            rows,
            conn_column: true,
        }
    }

    /// Drops the connections column (with a focus connection every pair allows the same).
    pub fn pairs_only(mut self) -> ConnTable<'a> {
        self.conn_column = false;
        self
    }

    fn networks(&self) -> bool {
        self.rows.iter().any(|r| r.1.is_some())
    }

    fn fields(&self, c: &Connection, network: Option<&String>) -> Vec<String> {
        let mut f = vec![c.src.clone(), c.dst.clone()];
        if self.conn_column {
            f.push(c.conns.to_string());
        }
        f.extend(network.cloned());
        f
    }

    fn header(&self) -> Vec<&'static str> {
        let mut h = vec!["src", "dst"];
        if self.conn_column {
            h.push("conn");
        }
        if self.networks() {
            h.push("network");
        }
        h
    }

    /// netpol-analyzer's csv: a header row, then one row per connection.
    pub fn csv(&self) -> String {
        let mut out = csv_row(&self.header());
        for (c, n) in &self.rows {
            let f = self.fields(c, n.as_ref());
            out.push_str(&csv_row(&f.iter().map(String::as_str).collect::<Vec<_>>()));
        }
        out
    }

    /// netpol-analyzer's md table. (Upstream ends the rows of the full table with networks
    /// with `| ` and gives its separator four cells; both are reproduced.)
    pub fn md(&self) -> String {
        let trailing = if self.conn_column && self.networks() {
            " "
        } else {
            ""
        };
        let underline = match self.header().len() {
            2 => "|-----|-----|",
            3 => "|-----|-----|------|",
            _ => "|-----|-----|------|------|",
        };
        let mut out = format!("| {} |{trailing}\n{underline}\n", self.header().join(" | "));
        for (c, n) in &self.rows {
            let _ = writeln!(
                out,
                "| {} |{trailing}",
                self.fields(c, n.as_ref()).join(" | ")
            );
        }
        out
    }

    /// netpol-analyzer's json: an array of `{"src", "dst", "conn"}` (no network; no `conn`
    /// for pairs only), two-space indent.
    pub fn json(&self) -> String {
        if self.rows.is_empty() {
            return "[]".to_string();
        }
        let items: Vec<String> = self
            .rows
            .iter()
            .map(|(c, _)| {
                let mut item = format!(
                    "  {{\n    \"src\": {},\n    \"dst\": {}",
                    json_string(&c.src),
                    json_string(&c.dst)
                );
                if self.conn_column {
                    let _ = write!(
                        item,
                        ",\n    \"conn\": {}",
                        json_string(&c.conns.to_string())
                    );
                }
                item.push_str("\n  }");
                item
            })
            .collect();
        format!("[\n{}\n]", items.join(",\n"))
    }
}

/// One CSV field, quoted as Go's encoding/csv does (when it holds a comma, quote, CR or LF,
/// or starts with white space).
fn csv_field(s: &str) -> String {
    let needs = s == r"\."
        || s.contains([',', '"', '\r', '\n'])
        || s.chars().next().is_some_and(char::is_whitespace);
    if needs {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn csv_row(fields: &[&str]) -> String {
    let mut line = fields
        .iter()
        .map(|f| csv_field(f))
        .collect::<Vec<_>>()
        .join(",");
    line.push('\n');
    line
}

/// netpol-analyzer's connlist csv: a `src,dst,conn` header, then one row per connection.
pub fn format_csv(conns: &[Connection]) -> String {
    ConnTable::new(conns).csv()
}

/// netpol-analyzer's connlist md: a `| src | dst | conn |` table.
pub fn format_md(conns: &[Connection]) -> String {
    ConnTable::new(conns).md()
}

/// netpol-analyzer's connlist json: an array of `{"src", "dst", "conn"}` (two-space indent).
pub fn format_json(conns: &[Connection]) -> String {
    ConnTable::new(conns).json()
}

/// A JSON string as Go's encoding/json writes it (`<`, `>` and `&` escaped too).
fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", u32::from(ch));
            }
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A DOT double-quoted string, escaped as Go's `%q` does for the characters names can hold.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\x{:02x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A node of the connectivity graph.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Node {
    id: String,
    label: String,
    color: &'static str,
    /// The box it is drawn in; `None` for external ranges and the ingress controller.
    place: Option<Place>,
}

/// Where a workload is drawn.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Place {
    /// Its namespace's box (in the pod network).
    Namespace(String),
    /// The box of the primary UserDefinedNetwork of its namespace.
    Udn(String),
    /// Its namespace's box inside a network's box: a primary ClusterUserDefinedNetwork
    /// (`Cudn`) or a secondary network (`Nad`), by name.
    Network(NetworkBox, String, String),
}

/// Network boxes, in drawing order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum NetworkBox {
    Cudn,
    Nad,
}

/// An edge of the connectivity graph.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Edge {
    src: String,
    dst: String,
    label: String,
    color: &'static str,
    font_color: &'static str,
}

/// The connectivity graph (of a connlist or of a diff) the DOT and SVG outputs draw.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    nodes: Vec<Node>,
    edges: Vec<Edge>,
    /// Edges drawn after the others (the ingress controller's, in a diff).
    late_edges: Vec<Edge>,
    /// Whether to draw the diff legend.
    legend: bool,
}

fn node(id: &str, color: &'static str, external_color: &'static str) -> Node {
    match peer_name(id) {
        PeerName::Workload { namespace, label } => Node {
            id: id.to_string(),
            label: label.to_string(),
            color,
            place: Some(Place::Namespace(namespace.to_string())),
        },
        PeerName::Ip(_) => Node {
            id: id.to_string(),
            label: id.to_string(),
            color: external_color,
            place: None,
        },
        PeerName::Other => Node {
            id: id.to_string(),
            label: id.to_string(),
            color,
            place: None,
        },
    }
}

const CONNLIST_EDGE: &str = "gold2";
const CONNLIST_EDGE_FONT: &str = "darkgreen";
const WORKLOAD_COLOR: &str = "blue";
const IP_COLOR: &str = "red2";
const ADDED_COLOR: &str = "#008000";
const LOST_PEER_COLOR: &str = "red";
const REMOVED_EDGE_COLOR: &str = "red2";
const CHANGED_COLOR: &str = "magenta";
const UNCHANGED_COLOR: &str = "grey";

impl Graph {
    /// The graph of a connlist: every peer (all workloads of the cluster, whether or not they
    /// have a connection, plus the endpoints of `conns`) and one edge per connection.
    pub fn connlist(conns: &[Connection], peers: &[String]) -> Graph {
        let mut g = Graph::default();
        let mut seen = std::collections::BTreeSet::new();
        let mut add = |g: &mut Graph, id: &str| {
            if seen.insert(id.to_string()) {
                g.nodes.push(node(id, WORKLOAD_COLOR, IP_COLOR));
            }
        };
        for c in conns {
            add(&mut g, &c.src);
            add(&mut g, &c.dst);
            g.edges.push(Edge {
                src: c.src.clone(),
                dst: c.dst.clone(),
                label: c.conns.to_string(),
                color: CONNLIST_EDGE,
                font_color: CONNLIST_EDGE_FONT,
            });
        }
        for p in peers {
            if !matches!(peer_name(p), PeerName::Ip(_)) {
                add(&mut g, p);
            }
        }
        g
    }

    /// The graph of a connlist over several networks (netpol-analyzer's layout): pod-network
    /// workloads by namespace inside a `pod network` box (when other networks are drawn),
    /// one box per primary UDN, one box per primary CUDN and per secondary network (NAD)
    /// holding namespace boxes; a workload on a secondary network is a node of its own there
    /// (`ns/name[Kind]<network>`). The workloads `shown` accepts are drawn in each of their
    /// networks, also without connections (upstream: all of them, or the focus workloads
    /// and their focus peers).
    pub fn connlist_networks(
        sections: &[NetworkSection],
        cluster: &Cluster,
        shown: &dyn Fn(&Workload) -> bool,
    ) -> Graph {
        let mut g = Graph::default();
        let mut seen = std::collections::BTreeSet::new();
        let mut add = |g: &mut Graph, n: Node| {
            if seen.insert(n.id.clone()) {
                g.nodes.push(n);
            }
        };
        // (id, label, place) of a workload name in a network.
        let placed = |name: &str, kind: NetworkKind, network: &str| -> Node {
            let mut n = node(name, WORKLOAD_COLOR, IP_COLOR);
            if let PeerName::Workload { namespace, label } = peer_name(name) {
                let (ns, id, place) = match kind {
                    NetworkKind::Pod => (namespace, name.to_string(), None),
                    NetworkKind::Udn => {
                        let ns = namespace.strip_suffix("[udn]").unwrap_or(namespace);
                        (
                            ns,
                            format!("{ns}/{label}"),
                            Some(Place::Udn(ns.to_string())),
                        )
                    }
                    NetworkKind::Cudn => (namespace, name.to_string(), None),
                    NetworkKind::Nad => (namespace, format!("{name}{network}"), None),
                };
                let place = place.unwrap_or_else(|| match kind {
                    NetworkKind::Cudn => {
                        Place::Network(NetworkBox::Cudn, network.to_string(), ns.to_string())
                    }
                    NetworkKind::Nad => {
                        Place::Network(NetworkBox::Nad, network.to_string(), ns.to_string())
                    }
                    _ => Place::Namespace(ns.to_string()),
                });
                n.id = id;
                n.place = Some(place);
            }
            n
        };
        for sec in sections {
            for c in &sec.connections {
                let src = placed(&c.src, sec.kind, &sec.name);
                let dst = placed(&c.dst, sec.kind, &sec.name);
                g.edges.push(Edge {
                    src: src.id.clone(),
                    dst: dst.id.clone(),
                    label: c.conns.to_string(),
                    color: CONNLIST_EDGE,
                    font_color: CONNLIST_EDGE_FONT,
                });
                add(&mut g, src);
                add(&mut g, dst);
            }
        }
        {
            let nets = &cluster.networks;
            for (i, w) in cluster
                .workloads
                .iter()
                .enumerate()
                .filter(|(_, w)| shown(w))
            {
                let name = w.display();
                let (kind, network) = match nets.primary.get(i) {
                    Some(PrimaryNetwork::Udn(n)) => (NetworkKind::Udn, n.as_str()),
                    Some(PrimaryNetwork::Cudn(n)) => (NetworkKind::Cudn, n.as_str()),
                    _ => (NetworkKind::Pod, ""),
                };
                let shown = match kind {
                    NetworkKind::Udn => format!("{}[udn]/{}", w.namespace, name_part(&name)),
                    _ => name.clone(),
                };
                add(&mut g, placed(&shown, kind, network));
                for nad in nets.secondary.get(i).into_iter().flatten() {
                    add(&mut g, placed(&name, NetworkKind::Nad, nad));
                }
            }
        }
        g
    }

    /// The graph of a diff: unchanged (grey), changed (magenta, labelled `new (ref1: old)`),
    /// added (green) and removed (red) connections; peers that exist only in the new (old)
    /// configuration are green (red), the others blue. `ref1` names the first configuration.
    pub fn diff(diff: &ConnDiff, ref1: &str) -> Graph {
        let mut g = Graph {
            legend: true,
            ..Graph::default()
        };
        let mut seen = std::collections::BTreeSet::new();
        for kind in [
            DiffKind::Unchanged,
            DiffKind::Changed,
            DiffKind::Added,
            DiffKind::Removed,
        ] {
            for e in diff.entries.iter().filter(|e| e.kind == kind) {
                for (id, new_or_lost) in [(&e.src, e.src_new_or_lost), (&e.dst, e.dst_new_or_lost)]
                {
                    if seen.insert(id.clone()) {
                        let color = match (new_or_lost, kind) {
                            (true, DiffKind::Added) => ADDED_COLOR,
                            (true, DiffKind::Removed) => LOST_PEER_COLOR,
                            _ => WORKLOAD_COLOR,
                        };
                        g.nodes.push(node(id, color, color));
                    }
                }
                let (label, color) = match kind {
                    DiffKind::Unchanged => (e.ref1.to_string(), UNCHANGED_COLOR),
                    DiffKind::Changed => {
                        (format!("{} ({ref1}: {})", e.ref2, e.ref1), CHANGED_COLOR)
                    }
                    DiffKind::Added => (e.ref2.to_string(), ADDED_COLOR),
                    DiffKind::Removed => (e.ref1.to_string(), REMOVED_EDGE_COLOR),
                };
                let edge = Edge {
                    src: e.src.clone(),
                    dst: e.dst.clone(),
                    label,
                    color,
                    font_color: color,
                };
                if e.src == INGRESS_CONTROLLER {
                    g.late_edges.push(edge);
                } else {
                    g.edges.push(edge);
                }
            }
        }
        g
    }

    /// Number of edges (connections) drawn, the legend's aside.
    pub fn edge_count(&self) -> usize {
        self.edges.len() + self.late_edges.len()
    }

    /// netpol-analyzer's DOT: namespaces as clusters, external peers, edges sorted, weighted
    /// 0.5 when the source name sorts before the destination's and 1 otherwise (no final
    /// newline, as upstream).
    pub fn to_dot(&self) -> String {
        let node_line = |n: &Node| {
            format!(
                "\t{} [label={} color={} fontcolor={}]",
                quote(&n.id),
                quote(&n.label),
                quote(n.color),
                quote(n.color)
            )
        };
        let edge_line = |e: &Edge| {
            let weight = if e.src <= e.dst { "0.5" } else { "1" };
            format!(
                "\t{} -> {} [label={} color={} fontcolor={} weight={weight}]",
                quote(&e.src),
                quote(&e.dst),
                quote(&e.label),
                quote(e.color),
                quote(e.font_color)
            )
        };
        let mut lines = vec!["digraph {".to_string()];
        let mut namespaces: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        let mut udns: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        type Boxes<'n> = BTreeMap<&'n str, Vec<String>>;
        let mut networks: BTreeMap<(NetworkBox, &str), Boxes> = BTreeMap::new();
        let mut external = Vec::new();
        for n in &self.nodes {
            let line = format!("\t{}", node_line(n));
            match &n.place {
                Some(Place::Namespace(ns)) => namespaces.entry(ns).or_default().push(line),
                Some(Place::Udn(ns)) => udns.entry(ns).or_default().push(line),
                Some(Place::Network(b, net, ns)) => networks
                    .entry((*b, net))
                    .or_default()
                    .entry(ns)
                    .or_default()
                    .push(line),
                None => external.push(node_line(n)),
            }
        }
        // Upstream's subgraph names have `_` for `-`; labels keep the namespace name.
        let boxes = |lines: &mut Vec<String>, groups: Boxes, suffix: &str| {
            for (ns, mut members) in groups {
                members.sort();
                let id = format!("cluster_{}[{suffix}]", ns.replace('-', "_"));
                lines.push(format!("\tsubgraph {} {{", quote(&id)));
                lines.push("\t\tcolor=\"black\"".to_string());
                lines.push("\t\tfontcolor=\"black\"".to_string());
                lines.extend(members);
                lines.push(format!("\t\tlabel={}", quote(&format!("{ns}[{suffix}]"))));
                lines.push("\t}".to_string());
            }
        };
        let wrap = !(udns.is_empty() && networks.is_empty());
        if wrap && !namespaces.is_empty() {
            lines.push("\tsubgraph \"cluster_pod_network\" {".to_string());
            lines.push("\tlabel=\"pod network\"".to_string());
            boxes(&mut lines, namespaces, "namespace");
            lines.push("\t}".to_string());
        } else {
            boxes(&mut lines, namespaces, "namespace");
        }
        boxes(&mut lines, udns, "udn");
        for ((b, net), groups) in networks {
            let kind = match b {
                NetworkBox::Cudn => "cluster-udn",
                NetworkBox::Nad => "nad",
            };
            lines.push(format!(
                "\tsubgraph {} {{",
                quote(&format!("cluster_{net}"))
            ));
            lines.push(format!("\tlabel={}", quote(&format!("{net}[{kind}]"))));
            boxes(&mut lines, groups, "namespace");
            lines.push("\t}".to_string());
        }
        external.sort();
        lines.extend(external);
        for list in [&self.edges, &self.late_edges] {
            let mut edges: Vec<String> = list.iter().map(edge_line).collect();
            edges.sort();
            lines.extend(edges);
        }
        if self.legend {
            lines.extend(LEGEND.iter().map(|l| l.to_string()));
        }
        lines.push("}".to_string());
        lines.join("\n")
    }

    /// A plainer DOT of the same graph for the in-process layout engine (which ignores
    /// clusters and knows fewer colour names): boxes labelled with full names, left to right,
    /// colours as hex, and the diff legend as three boxes and one edge per connection kind.
    pub fn to_layout_dot(&self) -> String {
        let mut out = String::from("digraph {\n  rankdir=LR;\n  node [shape=box];\n");
        let mut ids: BTreeMap<&str, usize> = BTreeMap::new();
        let mut nodes: Vec<&Node> = self.nodes.iter().collect();
        nodes.sort_by(|a, b| a.id.cmp(&b.id));
        for (i, n) in nodes.iter().enumerate() {
            ids.insert(&n.id, i);
            let _ = writeln!(
                out,
                "  n{i} [label={} color={} fontcolor={}];",
                quote(&n.id),
                quote(hex(n.color)),
                quote(hex(n.color))
            );
        }
        let mut edges: Vec<&Edge> = self.edges.iter().chain(&self.late_edges).collect();
        edges.sort_by(|a, b| (&a.src, &a.dst).cmp(&(&b.src, &b.dst)));
        for e in edges {
            let (Some(s), Some(d)) = (ids.get(e.src.as_str()), ids.get(e.dst.as_str())) else {
                continue;
            };
            let _ = writeln!(
                out,
                "  n{s} -> n{d} [label={} color={}];",
                quote(&e.label),
                quote(hex(e.color))
            );
        }
        if self.legend {
            for (i, (label, color)) in [
                ("new peer", ADDED_COLOR),
                ("lost peer", LOST_PEER_COLOR),
                ("persistent peer", WORKLOAD_COLOR),
            ]
            .into_iter()
            .enumerate()
            {
                let _ = writeln!(
                    out,
                    "  legend_peer{i} [label={} color={} fontcolor={}];",
                    quote(label),
                    quote(hex(color)),
                    quote(hex(color))
                );
            }
            for (i, (label, color)) in [
                ("added connection", ADDED_COLOR),
                ("removed connection", REMOVED_EDGE_COLOR),
                ("changed connection", CHANGED_COLOR),
                ("unchanged connection", UNCHANGED_COLOR),
            ]
            .into_iter()
            .enumerate()
            {
                let _ = writeln!(
                    out,
                    "  legend_a{i} [label=\" \" color=\"#ffffff\"];\n  legend_b{i} [label=\" \" color=\"#ffffff\"];\n  legend_a{i} -> legend_b{i} [label={} color={}];",
                    quote(label),
                    quote(hex(color))
                );
            }
        }
        out.push_str("}\n");
        out
    }
}

/// Hex value of the colour names the graphs use (the layout engine knows only some names).
fn hex(color: &str) -> &str {
    match color {
        "blue" => "#0000ff",
        "red" => "#ff0000",
        "red2" => "#ee0000",
        "gold2" => "#eec900",
        "darkgreen" => "#006400",
        "magenta" => "#ff00ff",
        "grey" => "#808080",
        "black" => "#000000",
        other => other,
    }
}

/// The diff legend of netpol-analyzer's diff DOT.
const LEGEND: &[&str] = &[
    "\tnodesep=0.5",
    "\tsubgraph cluster_legend {",
    "\t\tlabel=\"Legend\"",
    "\t\tfontsize = 10",
    "\t\tmargin=0",
    "\t\ta [style=invis height=0 width=0]",
    "\t\tb [style=invis height=0 width=0]",
    "\t\tc [style=invis height=0 width=0]",
    "\t\td [style=invis height=0 width=0]",
    "\t\te [style=invis height=0 width=0]",
    "\t\tf [style=invis height=0 width=0]",
    "\t\tg [style=invis height=0 width=0]",
    "\t\th [style=invis height=0 width=0]",
    "\t\t{rank=source a b c d}",
    "\t\t{rank=same e f g h}",
    "\t\ta -> b [label=\"added connection\", color=\"#008000\" fontcolor=\"#008000\" fontsize = 10 arrowsize=0.2]",
    "\t\tc -> d [label=\"removed connection\", color=\"red2\" fontcolor=\"red2\" fontsize = 10 arrowsize=0.2]",
    "\t\te -> f [label=\"changed connection\", color=\"magenta\" fontcolor=\"magenta\" fontsize = 10 arrowsize=0.2]",
    "\t\tg -> h [label=\"unchanged connection\", color=\"grey\" fontcolor=\"grey\" fontsize = 10 arrowsize=0.2]",
    "\t\tnp [label=\"new peer\" color=\"#008000\" fontcolor=\"#008000\" fontsize = 10]",
    "\t\tlp [label=\"lost peer\" color=\"red\" fontcolor=\"red\" fontsize = 10]",
    "\t\tpp [label=\"persistent peer\" color=\"blue\" fontcolor=\"blue\" fontsize = 10]",
    "\t\t{rank=sink np lp pp}",
    "\t\tnp->lp [style=invis]",
    "\t\tlp->pp [style=invis]",
    "\t}",
];

/// netpol-analyzer's connlist DOT (see [`Graph::to_dot`]); `peers` are the names of every
/// workload, drawn even when they have no connection.
pub fn format_dot(conns: &[Connection], peers: &[String]) -> String {
    Graph::connlist(conns, peers).to_dot()
}

/// Formats of a connectivity diff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiffFormat {
    /// `Connectivity diff:` then `diff-type: ..., source: ..., ...` lines.
    Txt,
    /// CSV with a `diff-type,source,destination,<ref1>,<ref2>,workloads-diff-info` header.
    Csv,
    /// A markdown table with the same columns.
    Md,
    /// DOT graph with every connection, coloured by change, and a legend.
    Dot,
}

/// `workload X added`, `workload X and Y removed`, or empty.
pub fn workloads_diff_info(e: &DiffEntry) -> String {
    let mut names = Vec::new();
    if e.src_new_or_lost {
        names.push(e.src.as_str());
    }
    if e.dst_new_or_lost {
        names.push(e.dst.as_str());
    }
    if names.is_empty() {
        String::new()
    } else {
        format!("workload {} {}", names.join(" and "), e.kind.as_str())
    }
}

/// A diff in one of netpol-analyzer's formats; `names` are what the two configurations are
/// called in headers and labels (upstream: `ref1`/`ref2` in the library, `dir1`/`dir2` in its
/// CLI). An empty diff (nothing changed, added or removed) is an empty string, as upstream.
/// Lines are ordered changed, added, removed, each sorted, the ingress controller's last.
pub fn format_diff(diff: &ConnDiff, format: DiffFormat, names: [&str; 2]) -> String {
    if diff.is_empty() {
        return String::new();
    }
    if format == DiffFormat::Dot {
        return Graph::diff(diff, names[0]).to_dot();
    }
    let line = |e: &DiffEntry| -> String {
        let (r1, r2) = (e.ref1.to_string(), e.ref2.to_string());
        let info = workloads_diff_info(e);
        match format {
            DiffFormat::Txt => {
                let mut l = format!(
                    "diff-type: {}, source: {}, destination: {}, {}: {r1}, {}: {r2}",
                    e.kind.as_str(),
                    e.src,
                    e.dst,
                    names[0],
                    names[1]
                );
                if !info.is_empty() {
                    l.push_str(", workloads-diff-info: ");
                    l.push_str(&info);
                }
                l
            }
            DiffFormat::Csv => {
                let mut l = csv_row(&[e.kind.as_str(), &e.src, &e.dst, &r1, &r2, &info]);
                l.pop();
                l
            }
            DiffFormat::Md | DiffFormat::Dot => format!(
                "| {} | {} | {} | {r1} | {r2} | {info} |",
                e.kind.as_str(),
                e.src,
                e.dst
            ),
        }
    };
    let mut lines = Vec::new();
    for ingress in [false, true] {
        for kind in [DiffKind::Changed, DiffKind::Added, DiffKind::Removed] {
            let mut part: Vec<String> = diff
                .entries
                .iter()
                .filter(|e| e.kind == kind && (e.src == INGRESS_CONTROLLER) == ingress)
                .map(line)
                .collect();
            part.sort();
            lines.extend(part);
        }
    }
    let mut out = match format {
        DiffFormat::Txt => "Connectivity diff:\n".to_string(),
        DiffFormat::Csv => csv_row(&[
            "diff-type",
            "source",
            "destination",
            names[0],
            names[1],
            "workloads-diff-info",
        ]),
        DiffFormat::Md | DiffFormat::Dot => format!(
            "| diff-type | source | destination | {} | {} | workloads-diff-info |\n|-----------|--------|-------------|------|------|---------------------|\n",
            names[0], names[1]
        ),
    };
    for l in lines {
        out.push_str(&l);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conns::{ConnSet, Protocol};

    fn conn(src: &str, dst: &str, conns: ConnSet) -> Connection {
        Connection {
            src: src.to_string(),
            dst: dst.to_string(),
            conns,
        }
    }

    fn ports(proto: Protocol, list: &[u16]) -> ConnSet {
        let mut s = ConnSet::none();
        for p in list {
            s.add_range(proto, *p, *p);
        }
        s
    }

    #[test]
    fn peer_names() {
        assert_eq!(
            peer_name("ns/web[Deployment]"),
            PeerName::Workload {
                namespace: "ns",
                label: "web[Deployment]"
            }
        );
        assert_eq!(
            peer_name("10.0.0.0-10.255.255.255[External]"),
            PeerName::Ip(vec![IpRange {
                start: 10 << 24,
                end: (11 << 24) - 1
            }])
        );
        assert_eq!(peer_name(INGRESS_CONTROLLER), PeerName::Other);
        assert_eq!(peer_name("nonsense[External]"), PeerName::Other);
    }

    #[test]
    fn tables_sort_and_quote_like_upstream() {
        let conns = vec![
            conn("b/y[Pod]", "a/x[Pod]", ports(Protocol::Tcp, &[80, 443])),
            conn("a/x[Pod]", "b/y[Pod]", ConnSet::all()),
        ];
        assert_eq!(
            format_csv(&conns),
            "src,dst,conn\na/x[Pod],b/y[Pod],All Connections\nb/y[Pod],a/x[Pod],\"TCP 80,443\"\n"
        );
        assert_eq!(
            format_md(&conns),
            "| src | dst | conn |\n|-----|-----|------|\n| a/x[Pod] | b/y[Pod] | All Connections |\n| b/y[Pod] | a/x[Pod] | TCP 80,443 |\n"
        );
        assert_eq!(
            ConnTable::new(&conns).pairs_only().md(),
            "| src | dst |\n|-----|-----|\n| a/x[Pod] | b/y[Pod] |\n| b/y[Pod] | a/x[Pod] |\n"
        );
        assert_eq!(
            format_json(&conns[..1]),
            "[\n  {\n    \"src\": \"b/y[Pod]\",\n    \"dst\": \"a/x[Pod]\",\n    \"conn\": \"TCP 80,443\"\n  }\n]"
        );
        assert_eq!(format_json(&[]), "[]");
        assert_eq!(
            json_string("a<b>&\"c\""),
            "\"a\\u003cb\\u003e\\u0026\\\"c\\\"\""
        );
        assert_eq!(csv_field(" lead"), "\" lead\"");
    }

    #[test]
    fn network_tables_name_the_network() {
        let sections = vec![
            NetworkSection {
                kind: NetworkKind::Pod,
                name: String::new(),
                connections: vec![conn("a/x[Pod]", "a/y[Pod]", ConnSet::all())],
            },
            NetworkSection {
                kind: NetworkKind::Nad,
                name: "l2".to_string(),
                connections: vec![conn("a/x[Pod]", "a/y[Pod]", ports(Protocol::Udp, &[53]))],
            },
        ];
        let t = ConnTable::with_networks(&sections);
        assert_eq!(
            t.csv(),
            "src,dst,conn,network\na/x[Pod],a/y[Pod],All Connections,pod-network\na/x[Pod],a/y[Pod],UDP 53,l2\n"
        );
        assert!(
            t.md()
                .starts_with("| src | dst | conn | network | \n|-----|-----|------|------|\n")
        );
        assert!(
            t.clone()
                .pairs_only()
                .md()
                .starts_with("| src | dst | network |\n|-----|-----|------|\n")
        );
        let dot = Graph::connlist_networks(&sections, &Cluster::default(), &|_| true).to_dot();
        assert!(dot.contains("\tsubgraph \"cluster_pod_network\" {\n\tlabel=\"pod network\"\n"));
        assert!(dot.contains("\tsubgraph \"cluster_l2\" {\n\tlabel=\"l2[nad]\"\n"));
        assert!(dot.contains(
            "\t\"a/x[Pod]l2\" -> \"a/y[Pod]l2\" [label=\"UDP 53\" color=\"gold2\" fontcolor=\"darkgreen\" weight=0.5]"
        ));
    }

    #[test]
    fn dot_groups_by_namespace_and_draws_idle_workloads() {
        let conns = vec![conn(
            "0.0.0.0-255.255.255.255[External]",
            "my-ns/web[Deployment]",
            ports(Protocol::Tcp, &[8080]),
        )];
        let dot = format_dot(&conns, &["my-ns/idle[Pod]".to_string()]);
        assert_eq!(
            dot,
            "digraph {\n\
             \tsubgraph \"cluster_my_ns[namespace]\" {\n\
             \t\tcolor=\"black\"\n\
             \t\tfontcolor=\"black\"\n\
             \t\t\"my-ns/idle[Pod]\" [label=\"idle[Pod]\" color=\"blue\" fontcolor=\"blue\"]\n\
             \t\t\"my-ns/web[Deployment]\" [label=\"web[Deployment]\" color=\"blue\" fontcolor=\"blue\"]\n\
             \t\tlabel=\"my-ns[namespace]\"\n\
             \t}\n\
             \t\"0.0.0.0-255.255.255.255[External]\" [label=\"0.0.0.0-255.255.255.255[External]\" color=\"red2\" fontcolor=\"red2\"]\n\
             \t\"0.0.0.0-255.255.255.255[External]\" -> \"my-ns/web[Deployment]\" [label=\"TCP 8080\" color=\"gold2\" fontcolor=\"darkgreen\" weight=0.5]\n\
             }"
        );
        let layout = Graph::connlist(&conns, &[]).to_layout_dot();
        assert!(layout.starts_with("digraph {\n  rankdir=LR;\n"));
        assert!(layout.contains("label=\"TCP 8080\" color=\"#eec900\""));
    }
}
