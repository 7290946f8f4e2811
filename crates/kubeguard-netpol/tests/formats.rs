//! Conformance of the connlist csv, md, dot and json formats with netpol-analyzer's
//! (`../shared/conformance/netpol-analyzer/test_outputs/connlist/<dir>_connlist_output.*`).
//!
//! Only folders whose txt connlist already matches are checked (a wrong connection list is
//! the connlist test's failure, not the formats'): csv, md and dot are compared after sorting
//! lines, json item by item (in any order). The cases in `KNOWN_PASSING`
//! must pass. `NETPOL_SHOW=<dir>.<ext>` prints the expected and computed output of one case.

mod common;

use kubeguard_netpol::{ConnTable, Graph, format_dot};

/// `<dir>.<ext>` cases that match upstream.
const KNOWN_PASSING: &[&str] = &[
    "acs-security-demos.csv",
    "acs-security-demos.dot",
    "acs-security-demos.json",
    "acs-security-demos.md",
    "anp_and_banp_using_networks_test.csv",
    "anp_and_banp_using_networks_test.dot",
    "anp_and_banp_using_networks_test.json",
    "anp_and_banp_using_networks_test.md",
    "anp_banp_blog_demo.csv",
    "anp_banp_blog_demo.dot",
    "anp_banp_blog_demo.json",
    "anp_banp_blog_demo.md",
    "anp_np_banp_core_test.csv",
    "anp_np_banp_core_test.dot",
    "anp_np_banp_core_test.json",
    "anp_np_banp_core_test.md",
    "anp_test_10.csv",
    "anp_test_10.dot",
    "anp_test_10.json",
    "anp_test_10.md",
    "anp_test_11.csv",
    "anp_test_11.dot",
    "anp_test_11.json",
    "anp_test_11.md",
    "anp_test_4.csv",
    "anp_test_4.dot",
    "anp_test_4.json",
    "anp_test_4.md",
    "anp_test_5.csv",
    "anp_test_5.dot",
    "anp_test_5.json",
    "anp_test_5.md",
    "anp_test_6.csv",
    "anp_test_6.dot",
    "anp_test_6.json",
    "anp_test_6.md",
    "anp_test_7.csv",
    "anp_test_7.dot",
    "anp_test_7.json",
    "anp_test_7.md",
    "anp_test_9.csv",
    "anp_test_9.dot",
    "anp_test_9.json",
    "anp_test_9.md",
    "anp_with_banp_pass_test.csv",
    "anp_with_banp_pass_test.dot",
    "anp_with_banp_pass_test.json",
    "anp_with_banp_pass_test.md",
    "anp_with_np_and_banp_pass_test.csv",
    "anp_with_np_and_banp_pass_test.dot",
    "anp_with_np_and_banp_pass_test.json",
    "anp_with_np_and_banp_pass_test.md",
    "banp_test_core_egress_sctp_rules.csv",
    "banp_test_core_egress_sctp_rules.dot",
    "banp_test_core_egress_sctp_rules.json",
    "banp_test_core_egress_sctp_rules.md",
    "banp_test_core_egress_sctp_swapping_rules.csv",
    "banp_test_core_egress_sctp_swapping_rules.dot",
    "banp_test_core_egress_sctp_swapping_rules.json",
    "banp_test_core_egress_sctp_swapping_rules.md",
    "banp_test_core_egress_tcp_swapping_rules.csv",
    "banp_test_core_egress_tcp_swapping_rules.dot",
    "banp_test_core_egress_tcp_swapping_rules.json",
    "banp_test_core_egress_tcp_swapping_rules.md",
    "banp_test_core_egress_udp_rules.csv",
    "banp_test_core_egress_udp_rules.dot",
    "banp_test_core_egress_udp_rules.json",
    "banp_test_core_egress_udp_rules.md",
    "banp_test_core_gress_rules.csv",
    "banp_test_core_gress_rules.dot",
    "banp_test_core_gress_rules.json",
    "banp_test_core_gress_rules.md",
    "banp_test_core_gress_swapping_rules.csv",
    "banp_test_core_gress_swapping_rules.dot",
    "banp_test_core_gress_swapping_rules.json",
    "banp_test_core_gress_swapping_rules.md",
    "banp_test_core_ingress_sctp_swapping_rules.csv",
    "banp_test_core_ingress_sctp_swapping_rules.dot",
    "banp_test_core_ingress_sctp_swapping_rules.json",
    "banp_test_core_ingress_sctp_swapping_rules.md",
    "banp_test_core_ingress_tcp_rules.csv",
    "banp_test_core_ingress_tcp_rules.dot",
    "banp_test_core_ingress_tcp_rules.json",
    "banp_test_core_ingress_tcp_rules.md",
    "banp_test_core_ingress_udp_rules.csv",
    "banp_test_core_ingress_udp_rules.dot",
    "banp_test_core_ingress_udp_rules.json",
    "banp_test_core_ingress_udp_rules.md",
    "banp_test_core_ingress_udp_swapping_rules.csv",
    "banp_test_core_ingress_udp_swapping_rules.dot",
    "banp_test_core_ingress_udp_swapping_rules.json",
    "banp_test_core_ingress_udp_swapping_rules.md",
    "cudn_test_2.csv",
    "cudn_test_2.dot",
    "cudn_test_2.json",
    "cudn_test_2.md",
    "cudn_test_3.csv",
    "cudn_test_3.dot",
    "cudn_test_3.json",
    "cudn_test_3.md",
    "cudn_test_5.csv",
    "cudn_test_5.dot",
    "cudn_test_5.json",
    "cudn_test_5.md",
    "cudn_test_6.csv",
    "cudn_test_6.dot",
    "cudn_test_6.json",
    "cudn_test_6.md",
    "demo_app_with_routes_and_ingress.csv",
    "demo_app_with_routes_and_ingress.dot",
    "demo_app_with_routes_and_ingress.json",
    "demo_app_with_routes_and_ingress.md",
    "k8s_ingress_test.csv",
    "k8s_ingress_test.dot",
    "k8s_ingress_test.json",
    "k8s_ingress_test.md",
    "nad_test_13.dot",
    "nad_test_14.dot",
    "nad_test_16.csv",
    "nad_test_16.dot",
    "nad_test_16.json",
    "nad_test_16.md",
    "nad_test_17.csv",
    "nad_test_17.dot",
    "nad_test_17.json",
    "nad_test_17.md",
    "nad_test_3.csv",
    "nad_test_3.dot",
    "nad_test_3.json",
    "nad_test_3.md",
    "nad_test_4.csv",
    "nad_test_4.dot",
    "nad_test_4.json",
    "nad_test_4.md",
    "nad_test_6.csv",
    "nad_test_6.dot",
    "nad_test_6.json",
    "nad_test_6.md",
    "netpol-analysis-example-minimal.csv",
    "netpol-analysis-example-minimal.dot",
    "netpol-analysis-example-minimal.json",
    "netpol-analysis-example-minimal.md",
    "one_ingress_multiple_ports.csv",
    "one_ingress_multiple_ports.dot",
    "one_ingress_multiple_ports.json",
    "one_ingress_multiple_ports.md",
    "one_ingress_multiple_services.csv",
    "one_ingress_multiple_services.dot",
    "one_ingress_multiple_services.json",
    "one_ingress_multiple_services.md",
    "onlineboutique.json",
    "onlineboutique.md",
    "onlineboutique_workloads.csv",
    "onlineboutique_workloads.dot",
    "udn_and_vms_test_2.csv",
    "udn_and_vms_test_2.dot",
    "udn_and_vms_test_2.json",
    "udn_and_vms_test_2.md",
    "udn_and_vms_test_3.csv",
    "udn_and_vms_test_3.dot",
    "udn_and_vms_test_3.json",
    "udn_and_vms_test_3.md",
    "udn_and_vms_test_5.csv",
    "udn_and_vms_test_5.dot",
    "udn_and_vms_test_5.json",
    "udn_and_vms_test_5.md",
    "udn_test_2.csv",
    "udn_test_2.dot",
    "udn_test_2.json",
    "udn_test_2.md",
    "udn_test_3.csv",
    "udn_test_3.dot",
    "udn_test_3.json",
    "udn_test_3.md",
    "udn_with_ingress_controller.csv",
    "udn_with_ingress_controller.dot",
    "udn_with_ingress_controller.json",
    "udn_with_ingress_controller.md",
    "udn_with_ingress_controller_two_pods.csv",
    "udn_with_ingress_controller_two_pods.dot",
    "udn_with_ingress_controller_two_pods.json",
    "udn_with_ingress_controller_two_pods.md",
    "virtual_machines_example.csv",
    "virtual_machines_example.dot",
    "virtual_machines_example.json",
    "virtual_machines_example.md",
];

/// The items of a JSON array of flat objects, whitespace removed, sorted.
fn json_items(s: &str) -> Vec<String> {
    let flat: String = s.split_whitespace().collect();
    let inner = flat
        .trim()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    let mut items: Vec<String> = inner
        .split("},{")
        .map(|i| i.trim_matches(['{', '}']).to_string())
        .filter(|i| !i.is_empty())
        .collect();
    items.sort();
    items
}

#[test]
fn connlist_formats_conformance() {
    let Some(root) = common::root() else {
        return;
    };
    let outputs = root.join("test_outputs/connlist");
    let mut passing = Vec::new();
    let mut failing = Vec::new();
    let mut txt_failing = 0;
    for dir in common::test_dirs(&root) {
        let expected_file = |ext: &str| outputs.join(format!("{dir}_connlist_output.{ext}"));
        let Ok(txt) = std::fs::read_to_string(expected_file("txt")) else {
            continue;
        };
        let exts: Vec<&str> = ["csv", "md", "dot", "json"]
            .into_iter()
            .filter(|e| expected_file(e).is_file())
            .collect();
        if exts.is_empty() {
            continue;
        }
        let a = common::analyze(&root.join("tests").join(&dir));
        if common::normalise(&a.txt) != common::normalise(&txt) {
            txt_failing += exts.len();
            continue;
        }
        for ext in exts {
            let case = format!("{dir}.{ext}");
            let expected = std::fs::read_to_string(expected_file(ext)).expect("expected output");
            let table = if a.networks {
                ConnTable::with_networks(&a.sections)
            } else {
                ConnTable::new(&a.conns)
            };
            let (got, ok) = match ext {
                "json" => {
                    let got = table.json();
                    // Upstream orders rows of equal source and destination (one per
                    // network) arbitrarily: compare the items in any order.
                    let ok = json_items(&got) == json_items(&expected);
                    (got, ok)
                }
                _ => {
                    let got = match ext {
                        "csv" => table.csv(),
                        "md" => table.md(),
                        _ if a.networks => {
                            Graph::connlist_networks(&a.sections, &a.cluster, &|_| true).to_dot()
                        }
                        _ => format_dot(&a.conns, &a.peers),
                    };
                    let ok = common::sorted_lines(&got) == common::sorted_lines(&expected);
                    (got, ok)
                }
            };
            if ok {
                passing.push(case);
            } else {
                if std::env::var("NETPOL_SHOW").is_ok_and(|v| v == case) {
                    println!("--- expected\n{expected}\n--- got\n{got}");
                }
                failing.push(case);
            }
        }
    }
    println!("not checked (their txt connlist does not match yet): {txt_failing} files");
    common::report(
        "netpol connlist formats conformance",
        &passing,
        &failing,
        KNOWN_PASSING,
    );
}
