//! Conformance with netpol-analyzer's connlist outputs (../shared/conformance/netpol-analyzer).
//!
//! Every `*_connlist_output.txt` is computed and compared, newline-insensitively, like
//! upstream: `<dir>_connlist_output.txt` from `tests/<dir>` without options, the others with
//! the focus options their names encode (`WITH_OPTIONS`). The pass count and percentage are
//! printed; the outputs in `KNOWN_PASSING` must stay identical. `NETPOL_SHOW=<stem>` prints
//! the expected and computed text of one failing output.

mod common;

/// Expected outputs (file stem) that match upstream exactly and must stay so.
const KNOWN_PASSING: &[&str] = &[
    "acs-security-demos",
    "acs-security-demos-added-workloads_focus_workload_asset-cache",
    "acs-security-demos-added-workloads_focus_workload_backend_recommendation",
    "acs-security-demos-added-workloads_focus_workload_backend_recommendation_egress",
    "acs-security-demos-added-workloads_focus_workload_backend_recommendation_ingress",
    "acs-security-demos-added-workloads_focus_workload_frontend_asset-cache",
    "acs-security-demos-added-workloads_focus_workload_ingress-controller",
    "acs-security-demos-with-netpol-list",
    "acs-security-demos_focus_workload_backend_checkout_frontend_webapp_with_backend_recommendation",
    "acs-security-demos_focus_workload_checkout_ingress_with_webapp",
    "acs-security-demos_focus_workload_checkout_reports_egress_with_recommendation_catalog",
    "anp_and_banp_using_networks_and_nodes_test",
    "anp_and_banp_using_networks_test",
    "anp_banp_blog_demo",
    "anp_banp_blog_demo_focus_workload_mybar_egress_with_mybaz",
    "anp_banp_blog_demo_focus_workload_myfoo_mybar",
    "anp_banp_blog_demo_udp-52",
    "anp_banp_test_with_named_port_matched",
    "anp_banp_test_with_named_port_unmatched",
    "anp_np_banp_core_test",
    "anp_test_10",
    "anp_test_11",
    "anp_test_11_swapping_rules",
    "anp_test_12_swapping_rules",
    "anp_test_1_deny_traffic_at_cluster_level",
    "anp_test_3_pass_traffic",
    "anp_test_4",
    "anp_test_5",
    "anp_test_6",
    "anp_test_7",
    "anp_test_7_swapping_rules",
    "anp_test_8_swapping_rules",
    "anp_test_9",
    "anp_test_combining_test_6_and_test_10",
    "anp_test_ingress_egress_intersection",
    "anp_test_named_ports_multiple_peers",
    "anp_with_banp_pass_test",
    "anp_with_np_and_banp_pass_test",
    "banp_test_core_egress_sctp_rules",
    "banp_test_core_egress_sctp_swapping_rules",
    "banp_test_core_egress_tcp_swapping_rules",
    "banp_test_core_egress_udp_rules",
    "banp_test_core_gress_rules",
    "banp_test_core_gress_swapping_rules",
    "banp_test_core_ingress_sctp_swapping_rules",
    "banp_test_core_ingress_tcp_rules",
    "banp_test_core_ingress_udp_rules",
    "banp_test_core_ingress_udp_swapping_rules",
    "core_pods_without_host_ip",
    "cudn_test_2",
    "cudn_test_3",
    "cudn_test_5",
    "cudn_test_6",
    "demo_app_with_routes_and_ingress",
    "example_pods_w_same_owner_and_labels_gap_banp_good",
    "example_pods_w_same_owner_and_labels_gap_no_policy",
    "example_pods_w_same_owner_and_labels_gap_with_good_match_expression",
    "example_pods_w_same_owner_and_labels_gap_with_good_match_expression2",
    "ipblockstest",
    "ipblockstest_2",
    "ipblockstest_4",
    "k8s_ingress_test",
    "k8s_ingress_test_focus_workload_details-v1-79f774bdb9",
    "minimal_test_in_ns",
    "multiple_topology_resources_1",
    "multiple_topology_resources_3",
    "multiple_topology_resources_4",
    "nad_test_10_focus_workload_pod-server",
    "nad_test_11_focus_workload_pod-server",
    "nad_test_13",
    "nad_test_14",
    "nad_test_16",
    "nad_test_17",
    "nad_test_3",
    "nad_test_4",
    "nad_test_4_focus_workload_pod2_ingress_with_pod3_tcp-80",
    "nad_test_4_tcp-80",
    "nad_test_6",
    "nad_test_7_focus_workload_pod-server",
    "nad_test_9_focus_workload_pod-server",
    "netpol-analysis-example-minimal",
    "netpol_named_port_test",
    "new_online_boutique",
    "new_online_boutique_synthesis",
    "one_ingress_multiple_ports",
    "one_ingress_multiple_services",
    "onlineboutique",
    "onlineboutique_workloads",
    "onlineboutique_workloads_focus_workload_emailservice",
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
    "udn_and_vms_test_2",
    "udn_and_vms_test_3",
    "udn_and_vms_test_5",
    "udn_test_2",
    "udn_test_2_tcp-90",
    "udn_test_3",
    "udn_with_ingress_controller",
    "udn_with_ingress_controller_two_pods",
    "virtual_machines_example",
    "with_end_port_example_new",
];

/// Expected outputs computed with options: (file stem, input dir, focus workloads, focus
/// direction, focus workload peers, focus connection), as upstream's tests name them.
/// (file stem, input dir, focus workloads, focus direction, focus workload peers, focus conn).
type OptionCase = (
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static str,
    &'static [&'static str],
    &'static str,
);

const WITH_OPTIONS: &[OptionCase] = &[
    (
        "acs-security-demos-added-workloads_focus_workload_asset-cache",
        "acs-security-demos-added-workloads",
        &["asset-cache"],
        "",
        &[],
        "",
    ),
    (
        "acs-security-demos-added-workloads_focus_workload_backend_recommendation",
        "acs-security-demos-added-workloads",
        &["backend/recommendation"],
        "",
        &[],
        "",
    ),
    (
        "acs-security-demos-added-workloads_focus_workload_backend_recommendation_egress",
        "acs-security-demos-added-workloads",
        &["backend/recommendation"],
        "egress",
        &[],
        "",
    ),
    (
        "acs-security-demos-added-workloads_focus_workload_backend_recommendation_ingress",
        "acs-security-demos-added-workloads",
        &["backend/recommendation"],
        "ingress",
        &[],
        "",
    ),
    (
        "acs-security-demos-added-workloads_focus_workload_frontend_asset-cache",
        "acs-security-demos-added-workloads",
        &["frontend/asset-cache"],
        "",
        &[],
        "",
    ),
    (
        "acs-security-demos-added-workloads_focus_workload_ingress-controller",
        "acs-security-demos-added-workloads",
        &["ingress-controller"],
        "",
        &[],
        "",
    ),
    (
        "acs-security-demos_focus_workload_backend_checkout_frontend_webapp_with_backend_recommendation",
        "acs-security-demos",
        &["backend/checkout", "frontend/webapp"],
        "",
        &["backend/recommendation"],
        "",
    ),
    (
        "acs-security-demos_focus_workload_checkout_ingress_with_webapp",
        "acs-security-demos",
        &["checkout"],
        "ingress",
        &["webapp"],
        "",
    ),
    (
        "acs-security-demos_focus_workload_checkout_reports_egress_with_recommendation_catalog",
        "acs-security-demos",
        &["checkout", "reports"],
        "egress",
        &["recommendation", "catalog"],
        "",
    ),
    (
        "anp_banp_blog_demo_focus_workload_mybar_egress_with_mybaz",
        "anp_banp_blog_demo",
        &["mybar"],
        "egress",
        &["mybaz"],
        "",
    ),
    (
        "anp_banp_blog_demo_focus_workload_myfoo_mybar",
        "anp_banp_blog_demo",
        &["myfoo", "mybar"],
        "",
        &[],
        "",
    ),
    (
        "anp_banp_blog_demo_udp-52",
        "anp_banp_blog_demo",
        &[],
        "",
        &[],
        "udp-52",
    ),
    (
        "k8s_ingress_test_focus_workload_details-v1-79f774bdb9",
        "k8s_ingress_test",
        &["details-v1-79f774bdb9"],
        "",
        &[],
        "",
    ),
    (
        "nad_test_10_focus_workload_pod-server",
        "nad_test_10",
        &["pod-server"],
        "",
        &[],
        "",
    ),
    (
        "nad_test_11_focus_workload_pod-server",
        "nad_test_11",
        &["pod-server"],
        "",
        &[],
        "",
    ),
    (
        "nad_test_4_focus_workload_pod2_ingress_with_pod3_tcp-80",
        "nad_test_4",
        &["pod2"],
        "ingress",
        &["pod3"],
        "tcp-80",
    ),
    ("nad_test_4_tcp-80", "nad_test_4", &[], "", &[], "tcp-80"),
    (
        "nad_test_7_focus_workload_pod-server",
        "nad_test_7",
        &["pod-server"],
        "",
        &[],
        "",
    ),
    (
        "nad_test_9_focus_workload_pod-server",
        "nad_test_9",
        &["pod-server"],
        "",
        &[],
        "",
    ),
    (
        "onlineboutique_workloads_focus_workload_emailservice",
        "onlineboutique_workloads",
        &["emailservice"],
        "",
        &[],
        "",
    ),
    ("udn_test_2_tcp-90", "udn_test_2", &[], "", &[], "tcp-90"),
];

fn options(
    focus: &[&str],
    direction: &str,
    peers: &[&str],
    conn: &str,
) -> kubeguard_netpol::ConnlistOptions {
    kubeguard_netpol::ConnlistOptions {
        focus_workloads: focus.iter().map(|s| s.to_string()).collect(),
        focus_workload_peers: peers.iter().map(|s| s.to_string()).collect(),
        focus_direction: kubeguard_netpol::Direction::parse(direction),
        focus_conn: (!conn.is_empty())
            .then(|| kubeguard_netpol::ConnSet::parse_focus(conn).expect("focus conn")),
    }
}

#[test]
fn connlist_conformance() {
    let Some(root) = common::root() else {
        return;
    };
    let tests = root.join("tests");
    let outputs = root.join("test_outputs/connlist");
    // (file stem, input dir, options): plain dirs, then the option cases.
    let mut cases: Vec<(String, String, kubeguard_netpol::ConnlistOptions)> =
        std::fs::read_dir(&tests)
            .expect("tests dir")
            .filter_map(|e| e.ok())
            .filter(|e| e.path().is_dir())
            .filter_map(|e| e.file_name().to_str().map(str::to_string))
            .filter(|d| outputs.join(format!("{d}_connlist_output.txt")).is_file())
            .map(|d| (d.clone(), d, kubeguard_netpol::ConnlistOptions::default()))
            .collect();
    for (stem, dir, focus, direction, peers, conn) in WITH_OPTIONS {
        cases.push((
            stem.to_string(),
            dir.to_string(),
            options(focus, direction, peers, conn),
        ));
    }
    cases.sort_by(|a, b| a.0.cmp(&b.0));
    let total_files = std::fs::read_dir(&outputs)
        .expect("outputs dir")
        .filter_map(|e| e.ok())
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .ends_with("_connlist_output.txt")
        })
        .count();
    let mut passing = Vec::new();
    let mut failing = Vec::new();
    for (stem, dir, opts) in &cases {
        let Ok(expected) =
            std::fs::read_to_string(outputs.join(format!("{stem}_connlist_output.txt")))
        else {
            continue;
        };
        let objects = common::objects(&tests.join(dir));
        let cluster = kubeguard_netpol::Cluster::from_objects(&objects);
        let got = kubeguard_netpol::connlist_report_txt(&cluster, opts);
        if common::normalise(&got) == common::normalise(&expected) {
            passing.push(stem.clone());
        } else {
            if std::env::var("NETPOL_SHOW").is_ok_and(|v| v == *stem) {
                println!("--- expected\n{expected}\n--- got\n{got}");
            }
            failing.push(stem.clone());
        }
    }
    let pct = 100.0 * passing.len() as f64 / total_files.max(1) as f64;
    println!(
        "netpol connlist conformance: {}/{} expected outputs identical ({pct:.1}%; {} computed)",
        passing.len(),
        total_files,
        cases.len()
    );
    println!("failing: {failing:?}");
    for k in KNOWN_PASSING {
        assert!(passing.iter().any(|p| p == k), "{k} regressed");
    }
}
