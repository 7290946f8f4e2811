//! The round trip of `netpol generate`: for every example, the connectivity map of the inputs
//! plus the generated policies allows exactly the inferred connections.
//!
//! Inputs: `examples/netpol` and netpol-analyzer's test dirs in `../shared` (skipped when
//! absent), with the NetworkPolicies (and admin policies) they carry removed: the generated
//! policies replace them. Two probe pods are added, as in a real cluster: `dns-probe`, a pod
//! with the DNS labels in the DNS namespace, and `probe`, an unlabelled pod in a namespace of
//! its own. "Managed" workloads are the inputs outside system namespaces (which get no
//! policy); "unmanaged" pods are the probes and the inputs in system namespaces; "DNS pods"
//! are the unmanaged pods with the DNS labels in the DNS namespace. What the map must show,
//! for every pair with a managed workload on at least one side:
//!
//! - workload => workload: exactly the inferred connections, with their ports, plus for an
//!   unmanaged source the ports exposed below;
//! - `0.0.0.0-255.255.255.255[External] => w`: exactly the ports inferred from `{external}`
//!   (LoadBalancer, NodePort, externalIPs), the only ipBlock-free source the policies admit;
//! - no managed workload => External: egress leaves the cluster only for DNS, in-cluster;
//! - `w => <DNS pod>`: exactly the DNS ports, for the managed workloads with an inferred
//!   destination;
//! - `<unmanaged pod> => w`: exactly the `{ingress-controller}` ∪ `{external}` ports of `w`
//!   (plus inferred connections): an exposed port is open to any pod;
//! - `{ingress-controller} => w` (the analysis' model of Ingress and Route backends): exactly
//!   the target ports those objects lead to, all of which the generation allowed.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use kubeguard_model::Object;
use kubeguard_netpol::generate::{Generated, Options, Party, generate, to_yaml_stream};
use kubeguard_netpol::{Cluster, ConnSet, connlist, objects_from_text};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn shared() -> PathBuf {
    repo().join("../shared/conformance/netpol-analyzer/tests")
}

/// netpol-analyzer dirs used as inputs.
const SHARED_DIRS: &[&str] = &[
    "acs-security-demos",
    "acs-security-demos-added-workloads",
    "acs-security-demos-no-routes",
    "acs-security-demos-with-netpol-list",
    "demo_app_with_routes_and_ingress",
    "exposure_test_minimal_netpol_analysis",
    "k8s_ingress_test",
    "multiple_ingress_objects_with_different_ports_new",
    "netpol-analysis-example-minimal",
    "new_online_boutique",
    "new_online_boutique_synthesis",
    "one_ingress_multiple_ports",
    "one_ingress_multiple_services",
    "onlineboutique",
    "onlineboutique_workloads",
    "onlineboutique_workloads_changed_workloads",
    "onlineboutique_workloads_with_ingress",
    "test_with_irrelevant_oc_resources",
    "workload_resources",
];

fn is_policy(o: &Object) -> bool {
    o.kind.ends_with("NetworkPolicy")
}

const PROBE_NS: &str = "kubeguard-probe";

fn probes(g: &Generated) -> String {
    let labels: String = g
        .dns
        .labels
        .iter()
        .map(|(k, v)| format!("{k:?}: {v:?}, "))
        .collect();
    format!(
        "apiVersion: v1\nkind: Pod\nmetadata: {{name: dns-probe, namespace: {ns}, labels: {{{labels}}}}}\nspec: {{containers: [{{name: c}}]}}\n---\napiVersion: v1\nkind: Pod\nmetadata: {{name: probe, namespace: {PROBE_NS}}}\nspec: {{containers: [{{name: c}}]}}\n",
        ns = g.dns.namespace
    )
}

/// Checks one example; returns the number of inferred connections.
fn check(name: &str, mut objects: Vec<Object>) -> usize {
    objects.retain(|o| !is_policy(o));
    let g = generate(&objects, &Options::default());
    let yaml = to_yaml_stream(&g.policies);
    assert!(!yaml.contains("status"), "{name}: status in the output");
    let generated = objects_from_text("generated.yaml", &yaml);
    assert_eq!(generated.len(), g.policies.len(), "{name}: reparse");
    assert!(
        g.workloads.iter().all(|w| w.namespace != PROBE_NS),
        "{name}: the probe's namespace must be free of inputs"
    );
    objects.extend(generated);
    objects.extend(objects_from_text("probes.yaml", &probes(&g)));
    let cluster = Cluster::from_objects(&objects);
    let map: BTreeMap<(String, String), String> = connlist(&cluster)
        .into_iter()
        .map(|c| ((c.src, c.dst), c.conns.to_string()))
        .collect();

    // Managed: input workloads outside system namespaces (they get policies). Unmanaged
    // pods: the probes and the input workloads of system namespaces.
    let managed: Vec<String> = g
        .workloads
        .iter()
        .filter(|w| !g.unmanaged.contains(&w.namespace))
        .map(|w| w.display())
        .collect();
    let probe = format!("{PROBE_NS}/probe[Pod]");
    let mut unmanaged: Vec<String> = vec![probe];
    let mut dns_pods: Vec<String> = Vec::new();
    for w in &cluster.workloads {
        let d = w.display();
        if managed.contains(&d) {
            continue;
        }
        if w.namespace == g.dns.namespace
            && g.dns.labels.iter().all(|(k, v)| w.labels.get(k) == Some(v))
        {
            dns_pods.push(d.clone());
        }
        if !unmanaged.contains(&d) {
            unmanaged.push(d);
        }
    }
    assert!(!dns_pods.is_empty(), "{name}: no DNS pod");
    let mut want: BTreeMap<(String, String), ConnSet> = BTreeMap::new();
    let mut add = |s: &str, d: &str, c: &ConnSet| {
        want.entry((s.to_string(), d.to_string()))
            .or_default()
            .union_with(c);
    };
    let mut exposed: BTreeMap<String, ConnSet> = BTreeMap::new();
    let mut inferred_ic: BTreeMap<String, ConnSet> = BTreeMap::new();
    for c in &g.connections {
        let (src, dst) = (g.party_name(c.src), g.party_name(c.dst));
        match (c.src, c.dst) {
            (Party::Workload(_), Party::Workload(_)) => add(&src, &dst, &c.conns),
            (Party::Workload(_), Party::Dns) => {
                for d in &dns_pods {
                    add(&src, d, &c.conns);
                }
            }
            (Party::External, Party::Workload(_)) => {
                add("0.0.0.0-255.255.255.255[External]", &dst, &c.conns);
                exposed.entry(dst).or_default().union_with(&c.conns);
            }
            (Party::IngressController, Party::Workload(_)) => {
                exposed.entry(dst.clone()).or_default().union_with(&c.conns);
                inferred_ic.entry(dst).or_default().union_with(&c.conns);
            }
            other => panic!("{name}: unexpected connection {other:?}"),
        }
    }
    for (dst, conns) in &exposed {
        for u in &unmanaged {
            if u != dst {
                add(u, dst, conns);
            }
        }
    }
    // The analysis' ingress controller: the target ports of Ingress / Route backends.
    for t in &cluster.ingress_targets {
        let dst = cluster.workloads[t.workload].display();
        if !managed.contains(&dst) {
            continue;
        }
        let allowed = inferred_ic.get(&dst).cloned().unwrap_or_default();
        assert!(
            t.conns.is_subset(&allowed),
            "{name}: the ingress controller reaches {dst} on {} but only {allowed} was inferred",
            t.conns
        );
        add("{ingress-controller}", &dst, &t.conns);
    }
    // Connections without a managed workload on either side are none of the policies'
    // business.
    let is_managed = |p: &String| managed.contains(p);
    let got_lines: Vec<String> = map
        .iter()
        .filter(|((s, d), _)| is_managed(s) || is_managed(d))
        .map(|((s, d), c)| format!("{s} => {d} : {c}"))
        .collect();
    let want_lines: Vec<String> = want
        .iter()
        .filter(|((s, d), c)| !c.is_empty() && (is_managed(s) || is_managed(d)))
        .map(|((s, d), c)| format!("{s} => {d} : {c}"))
        .collect();
    assert_eq!(got_lines, want_lines, "{name}: map != inferred");
    g.connections.len()
}

#[test]
fn examples_netpol_round_trip() {
    let mut objects = Vec::new();
    common::load_dir(&repo().join("examples/netpol"), &mut objects);
    assert!(!objects.is_empty(), "examples/netpol is missing");
    let n = check("examples/netpol", objects);
    assert!(n >= 10, "examples/netpol: only {n} connections inferred");
}

#[test]
fn netpol_analyzer_dirs_round_trip() {
    let root = shared();
    if !root.is_dir() {
        eprintln!("note: {} absent; skipped", root.display());
        return;
    }
    let mut checked = 0;
    for dir in SHARED_DIRS {
        let path = root.join(dir);
        if !path.is_dir() {
            eprintln!("note: {} absent; skipped", path.display());
            continue;
        }
        let mut objects = Vec::new();
        common::load_dir(&path, &mut objects);
        let n = check(dir, objects);
        eprintln!("{dir}: {n} inferred connections, map matches");
        checked += 1;
    }
    assert!(checked > 0);
}
