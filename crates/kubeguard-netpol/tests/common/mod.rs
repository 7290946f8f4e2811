//! netpol-analyzer's conformance data (`../shared/conformance/netpol-analyzer`), shared by the
//! conformance tests: where it is, how a test folder is loaded, how outputs are compared.
#![allow(dead_code)] // each test crate uses a part

use std::path::{Path, PathBuf};

use kubeguard_model::Object;
use kubeguard_netpol::{
    Cluster, Connection, ConnlistOptions, NetworkSection, connlist, connlist_report_txt,
    connlist_sections,
};

/// The conformance data root, `None` (with a note) when absent.
pub fn root() -> Option<PathBuf> {
    let root =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance/netpol-analyzer");
    if root.join("tests").is_dir() && root.join("test_outputs").is_dir() {
        Some(root)
    } else {
        eprintln!("note: {} absent; conformance skipped", root.display());
        None
    }
}

/// Every YAML/JSON object under `dir`, recursively, in path order.
pub fn load_dir(dir: &Path, out: &mut Vec<Object>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            load_dir(&p, out);
            continue;
        }
        let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !matches!(ext, "yaml" | "yml" | "json") {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&p) else {
            continue;
        };
        out.extend(kubeguard_netpol::objects_from_text(
            &p.to_string_lossy(),
            &text,
        ));
    }
}

/// The objects of one test folder.
pub fn objects(dir: &Path) -> Vec<Object> {
    let mut out = Vec::new();
    load_dir(dir, &mut out);
    out
}

/// One analyzed test folder: its connections and the names of all its workloads.
pub struct Analyzed {
    /// `connlist` of the folder.
    pub conns: Vec<Connection>,
    /// `ns/name[Kind]` of every workload.
    pub peers: Vec<String>,
    /// The txt report (with one section per network when there are several).
    pub txt: String,
    /// The connections per network.
    pub sections: Vec<NetworkSection>,
    /// Whether the input uses multiple networks (the formats then name each row's network).
    pub networks: bool,
    /// The model.
    pub cluster: Cluster,
}

/// Loads and analyzes one test folder.
pub fn analyze(dir: &Path) -> Analyzed {
    let cluster = Cluster::from_objects(&objects(dir));
    Analyzed {
        conns: connlist(&cluster),
        peers: cluster.workloads.iter().map(|w| w.display()).collect(),
        txt: connlist_report_txt(&cluster, &ConnlistOptions::default()),
        sections: connlist_sections(&cluster, &ConnlistOptions::default()),
        networks: cluster.networks.enabled,
        cluster,
    }
}

/// Upstream's comparison: the texts with newlines removed.
pub fn normalise(s: &str) -> String {
    s.replace(['\n', '\r'], "")
}

/// The non-empty lines of `s` (without `\r`), sorted: equal when two outputs hold the same
/// lines in any order.
pub fn sorted_lines(s: &str) -> Vec<String> {
    let mut v: Vec<String> = s
        .lines()
        .map(|l| l.trim_end_matches('\r').to_string())
        .filter(|l| !l.is_empty())
        .collect();
    v.sort();
    v
}

/// The sub-folders of `tests/` (names), sorted.
pub fn test_dirs(root: &Path) -> Vec<String> {
    let mut dirs: Vec<String> = std::fs::read_dir(root.join("tests"))
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter(|e| e.path().is_dir())
                .filter_map(|e| e.file_name().to_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    dirs.sort();
    dirs
}

/// Prints a pass count and percentage, the passing cases and the failing ones, and asserts
/// that every `known` case passes.
pub fn report(what: &str, passing: &[String], failing: &[String], known: &[&str]) {
    let total = passing.len() + failing.len();
    let pct = if total == 0 {
        0.0
    } else {
        100.0 * passing.len() as f64 / total as f64
    };
    println!("{what}: {}/{total} pass ({pct:.1}%)", passing.len());
    println!("passing: {passing:?}");
    println!("failing: {failing:?}");
    for k in known {
        assert!(passing.iter().any(|p| p == k), "{what}: {k} regressed");
    }
}
