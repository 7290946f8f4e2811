//! Conformance with netpol-analyzer's diff outputs (`../shared/conformance/netpol-analyzer`).
//!
//! Every `test_outputs/diff/diff_between_<dir2>_and_<dir1>.<txt|csv|md|dot>` (the library's
//! names for the two sides: `ref1`, `ref2`) and every `test_outputs/cli/diff_between_*` (the
//! CLI's: `dir1`, `dir2`) is computed from `tests/<dir1>` (first) and `tests/<dir2>` (second)
//! and compared with the expected output after sorting lines. Cases involving what the
//! analysis does not support yet fail without failing the test; the ones in `KNOWN_PASSING`
//! must pass. `NETPOL_SHOW=<file name>` prints the expected and computed output of one case.

mod common;

use std::path::Path;

use kubeguard_netpol::{DiffFormat, diff, format_diff};

/// Cases whose output matches upstream's (file names under test_outputs/diff or /cli).
const KNOWN_PASSING: &[&str] = &[
    "diff_between_acs-security-demos-added-workloads_and_acs-security-demos.csv",
    "diff_between_acs-security-demos-added-workloads_and_acs-security-demos.dot",
    "diff_between_acs-security-demos-added-workloads_and_acs-security-demos.md",
    "diff_between_acs-security-demos-added-workloads_and_acs-security-demos.txt",
    "diff_between_acs-security-demos-no-routes_and_acs-security-demos.txt",
    "diff_between_anp_test_11_swapping_rules_and_anp_test_11.csv",
    "diff_between_anp_test_11_swapping_rules_and_anp_test_11.dot",
    "diff_between_anp_test_11_swapping_rules_and_anp_test_11.md",
    "diff_between_anp_test_11_swapping_rules_and_anp_test_11.txt",
    "diff_between_anp_test_7_swapping_rules_and_anp_test_7.csv",
    "diff_between_anp_test_7_swapping_rules_and_anp_test_7.dot",
    "diff_between_anp_test_7_swapping_rules_and_anp_test_7.md",
    "diff_between_anp_test_7_swapping_rules_and_anp_test_7.txt",
    "diff_between_banp_test_core_egress_sctp_swapping_rules_and_banp_test_core_egress_sctp_rules.csv",
    "diff_between_banp_test_core_egress_sctp_swapping_rules_and_banp_test_core_egress_sctp_rules.dot",
    "diff_between_banp_test_core_egress_sctp_swapping_rules_and_banp_test_core_egress_sctp_rules.md",
    "diff_between_banp_test_core_egress_sctp_swapping_rules_and_banp_test_core_egress_sctp_rules.txt",
    "diff_between_banp_test_core_gress_swapping_rules_and_banp_test_core_gress_rules.csv",
    "diff_between_banp_test_core_gress_swapping_rules_and_banp_test_core_gress_rules.dot",
    "diff_between_banp_test_core_gress_swapping_rules_and_banp_test_core_gress_rules.md",
    "diff_between_banp_test_core_gress_swapping_rules_and_banp_test_core_gress_rules.txt",
    "diff_between_banp_test_core_ingress_udp_swapping_rules_and_banp_test_core_ingress_udp_rules.csv",
    "diff_between_banp_test_core_ingress_udp_swapping_rules_and_banp_test_core_ingress_udp_rules.dot",
    "diff_between_banp_test_core_ingress_udp_swapping_rules_and_banp_test_core_ingress_udp_rules.md",
    "diff_between_banp_test_core_ingress_udp_swapping_rules_and_banp_test_core_ingress_udp_rules.txt",
    "diff_between_ipblockstest_2_and_ipblockstest.txt",
    "diff_between_ipblockstest_4_and_ipblockstest.txt",
    "diff_between_multiple_topology_resources_4_and_multiple_topology_resources_3.txt",
    "diff_between_netpol-diff-example-minimal_and_netpol-analysis-example-minimal.csv",
    "diff_between_netpol-diff-example-minimal_and_netpol-analysis-example-minimal.dot",
    "diff_between_netpol-diff-example-minimal_and_netpol-analysis-example-minimal.md",
    "diff_between_netpol-diff-example-minimal_and_netpol-analysis-example-minimal.txt",
    "diff_between_new_online_boutique_synthesis_and_new_online_boutique.txt",
    "diff_between_onlineboutique_with_pods_severe_error_and_onlineboutique.txt",
    "diff_between_onlineboutique_workloads_changed_netpols_and_workloads_and_onlineboutique_workloads.csv",
    "diff_between_onlineboutique_workloads_changed_netpols_and_workloads_and_onlineboutique_workloads.dot",
    "diff_between_onlineboutique_workloads_changed_netpols_and_workloads_and_onlineboutique_workloads.md",
    "diff_between_onlineboutique_workloads_changed_netpols_and_workloads_and_onlineboutique_workloads.txt",
    "diff_between_onlineboutique_workloads_changed_workloads_and_onlineboutique_workloads.csv",
    "diff_between_onlineboutique_workloads_changed_workloads_and_onlineboutique_workloads.csv",
    "diff_between_onlineboutique_workloads_changed_workloads_and_onlineboutique_workloads.dot",
    "diff_between_onlineboutique_workloads_changed_workloads_and_onlineboutique_workloads.md",
    "diff_between_onlineboutique_workloads_changed_workloads_and_onlineboutique_workloads.md",
    "diff_between_onlineboutique_workloads_changed_workloads_and_onlineboutique_workloads.txt",
    "diff_between_onlineboutique_workloads_changed_workloads_and_onlineboutique_workloads.txt",
    "diff_between_onlineboutique_workloads_with_ingress_and_onlineboutique_workloads.csv",
    "diff_between_semanticDiff-different-topologies-policy-b-with-ipblock_and_semanticDiff-different-topologies-policy-a-with-ipblock.txt",
    "diff_between_semanticDiff-same-topologies-new2_and_semanticDiff-same-topologies-old2.txt",
    "diff_between_semanticDiff-same-topologies-new3_and_semanticDiff-same-topologies-old3.txt",
    "diff_between_test_with_named_ports_changed_netpol_3_and_test_with_named_ports_changed_netpol_2.txt",
];

/// The (dir1, dir2) a `diff_between_<dir2>_and_<dir1>` stem names, trying every `_and_` as
/// the separator until both folders exist.
fn dirs_of(stem: &str, tests: &Path) -> Option<(String, String)> {
    let rest = stem.strip_prefix("diff_between_")?;
    let mut from = 0;
    while let Some(i) = rest[from..].find("_and_") {
        let at = from + i;
        let (dir2, dir1) = (&rest[..at], &rest[at + "_and_".len()..]);
        if tests.join(dir1).is_dir() && tests.join(dir2).is_dir() {
            return Some((dir1.to_string(), dir2.to_string()));
        }
        from = at + 1;
    }
    None
}

fn format_of(ext: &str) -> Option<DiffFormat> {
    match ext {
        "txt" => Some(DiffFormat::Txt),
        "csv" => Some(DiffFormat::Csv),
        "md" => Some(DiffFormat::Md),
        "dot" => Some(DiffFormat::Dot),
        _ => None,
    }
}

#[test]
fn diff_conformance() {
    let Some(root) = common::root() else {
        return;
    };
    let tests = root.join("tests");
    let mut cases = Vec::new();
    for (sub, names) in [("diff", ["ref1", "ref2"]), ("cli", ["dir1", "dir2"])] {
        let Ok(rd) = std::fs::read_dir(root.join("test_outputs").join(sub)) else {
            continue;
        };
        for e in rd.filter_map(Result::ok) {
            let path = e.path();
            let (Some(stem), Some(ext)) = (
                path.file_stem().and_then(|s| s.to_str()),
                path.extension().and_then(|s| s.to_str()),
            ) else {
                continue;
            };
            if !stem.starts_with("diff_between_") {
                continue;
            }
            let Some(format) = format_of(ext) else {
                continue;
            };
            cases.push((path.clone(), stem.to_string(), format, names));
        }
    }
    cases.sort_by(|a, b| a.0.cmp(&b.0));
    let mut passing = Vec::new();
    let mut failing = Vec::new();
    for (path, stem, format, names) in cases {
        let case = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        let Some((dir1, dir2)) = dirs_of(&stem, &tests) else {
            println!("note: {case}: input folders not found; skipped");
            continue;
        };
        let expected = std::fs::read_to_string(&path).expect("expected output");
        let first = common::analyze(&tests.join(&dir1));
        let second = common::analyze(&tests.join(&dir2));
        let d = diff(&first.conns, &first.peers, &second.conns, &second.peers);
        let got = format_diff(&d, format, names);
        if common::sorted_lines(&got) == common::sorted_lines(&expected) {
            passing.push(case);
        } else {
            if std::env::var("NETPOL_SHOW").is_ok_and(|v| v == case) {
                println!("--- expected\n{expected}\n--- got\n{got}");
            }
            failing.push(case);
        }
    }
    common::report("netpol diff conformance", &passing, &failing, KNOWN_PASSING);
}
