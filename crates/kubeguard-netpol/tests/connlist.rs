//! Conformance with netpol-analyzer's connlist outputs (../shared/conformance/netpol-analyzer).
//!
//! Every `tests/<dir>` with a plain `<dir>_connlist_output.txt` (no focus/exposure/other
//! options) is computed and compared, newline-insensitively, like upstream. Dirs that need
//! AdminNetworkPolicy, BaselineAdminNetworkPolicy, Ingress/Route (`{ingress-controller}`),
//! UDN/NAD networks or virtual machines are not supported yet; they are counted as failures
//! but never asserted. Only the dirs in `KNOWN_PASSING` must pass. `NETPOL_SHOW=<dir>` prints
//! the expected and computed text of one failing dir.

use std::path::{Path, PathBuf};

use kubeguard_model::Object;

/// Dirs whose connlist matches upstream exactly.
const KNOWN_PASSING: &[&str] = &[
    "anp_np_banp_core_test",
    "core_pods_without_host_ip",
    "example_pods_w_same_owner_and_labels_gap_no_policy",
    "example_pods_w_same_owner_and_labels_gap_with_good_match_expression",
    "example_pods_w_same_owner_and_labels_gap_with_good_match_expression2",
    "ipblockstest",
    "ipblockstest_2",
    "ipblockstest_4",
    "minimal_test_in_ns",
    "multiple_topology_resources_1",
    "multiple_topology_resources_3",
    "multiple_topology_resources_4",
    "netpol-analysis-example-minimal",
    "netpol_named_port_test",
    "new_online_boutique",
    "new_online_boutique_synthesis",
    "onlineboutique",
    "onlineboutique_workloads",
    "semanticDiff-different-topologies-policy-a",
    "semanticDiff-different-topologies-policy-a-with-ipblock",
    "semanticDiff-different-topologies-policy-b-with-ipblock",
    "semanticDiff-orig-topologies-no-policy",
    "semanticDiff-same-topologies-new1",
    "semanticDiff-same-topologies-new2",
    "semanticDiff-same-topologies-new3",
    "semanticDiff-same-topologies-old2",
    "semanticDiff-same-topologies-old3",
    "test_with_named_ports",
    "test_with_named_ports_changed_netpol_2",
    "with_end_port_example_new",
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance/netpol-analyzer")
}

fn load_dir(dir: &Path, out: &mut Vec<Object>) {
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

fn normalise(s: &str) -> String {
    s.replace(['\n', '\r'], "")
}

#[test]
fn connlist_conformance() {
    let root = root();
    let tests = root.join("tests");
    let outputs = root.join("test_outputs/connlist");
    if !tests.is_dir() || !outputs.is_dir() {
        eprintln!("note: {} absent; conformance skipped", root.display());
        return;
    }
    let mut dirs: Vec<String> = std::fs::read_dir(&tests)
        .expect("tests dir")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter(|d| outputs.join(format!("{d}_connlist_output.txt")).is_file())
        .collect();
    dirs.sort();
    let mut passing = Vec::new();
    let mut failing = Vec::new();
    for d in &dirs {
        let expected = std::fs::read_to_string(outputs.join(format!("{d}_connlist_output.txt")))
            .expect("expected output");
        let mut objects = Vec::new();
        load_dir(&tests.join(d), &mut objects);
        let got = kubeguard_netpol::connlist_txt(&objects);
        if normalise(&got) == normalise(&expected) {
            passing.push(d.clone());
        } else {
            if std::env::var("NETPOL_SHOW").is_ok_and(|v| v == *d) {
                println!("--- expected\n{expected}\n--- got\n{got}");
            }
            failing.push(d.clone());
        }
    }
    println!(
        "netpol connlist conformance: {}/{} dirs pass",
        passing.len(),
        dirs.len()
    );
    println!("passing: {passing:?}");
    println!(
        "first failing: {:?}",
        failing.iter().take(100).collect::<Vec<_>>()
    );
    for k in KNOWN_PASSING {
        assert!(passing.iter().any(|p| p == k), "{k} regressed");
    }
}
