//! Scale check for the connectivity map (issue 6 item 7): a synthetic cluster of
//! `--namespaces` namespaces (default 200), `--workloads` Deployments (5,000) and
//! `--policies` NetworkPolicies (2,000), plus a few AdminNetworkPolicies and a
//! BaselineAdminNetworkPolicy, generated as YAML, read, and mapped; prints the timings.
//!
//! `cargo run --release -p kubeguard-netpol --example netpol_scale [-- --workloads N
//! --policies N --namespaces N]`

use std::fmt::Write as _;
use std::time::Instant;

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The synthetic manifests: namespace `ns-i` (team `t{i % 10}`), workloads `app-j` with
/// labels `app`, `tier` (web/api/db) and a named port, and per namespace a default deny,
/// tier-to-tier allows (by pod selector, by namespace selector, by both), an egress rule
/// with an ipBlock, and named ports.
fn manifests(namespaces: usize, workloads: usize, policies: usize) -> String {
    let mut y = String::new();
    for n in 0..namespaces {
        let _ = write!(
            y,
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns-{n}\n  labels: {{team: t{}}}\n---\n",
            n % 10
        );
    }
    let tiers = ["web", "api", "db"];
    for w in 0..workloads {
        let n = w % namespaces;
        let tier = tiers[w % 3];
        let _ = write!(
            y,
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: app-{w}, namespace: ns-{n}}}\nspec:\n  template:\n    metadata: {{labels: {{app: app-{w}, tier: {tier}}}}}\n    spec:\n      containers:\n      - name: c\n        ports: [{{name: http, containerPort: {}}}]\n---\n",
            8000 + w % 50
        );
    }
    for p in 0..policies {
        let n = p % namespaces;
        let body = match (p / namespaces) % 5 {
            0 => "  podSelector: {}\n  policyTypes: [Ingress, Egress]\n".to_string(),
            1 => "  podSelector: {matchLabels: {tier: api}}\n  ingress:\n  - from: [{podSelector: {matchLabels: {tier: web}}}]\n    ports: [{port: http}]\n".to_string(),
            2 => format!(
                "  podSelector: {{matchLabels: {{tier: db}}}}\n  ingress:\n  - from:\n    - namespaceSelector: {{matchLabels: {{team: t{}}}}}\n      podSelector: {{matchLabels: {{tier: api}}}}\n    ports: [{{port: 5432}}, {{port: 6000, endPort: 6100}}]\n",
                n % 10
            ),
            3 => "  podSelector: {}\n  egress:\n  - to: [{podSelector: {}}, {namespaceSelector: {matchExpressions: [{key: team, operator: In, values: [t1, t2]}]}}]\n  - to: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}}]\n    ports: [{port: 443}, {port: 53, protocol: UDP}]\n".to_string(),
            _ => "  podSelector: {matchLabels: {tier: web}}\n  ingress:\n  - from: [{ipBlock: {cidr: 0.0.0.0/0}}]\n    ports: [{port: http}]\n".to_string(),
        };
        let _ = write!(
            y,
            "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: p-{p}, namespace: ns-{n}}}\nspec:\n{body}---\n"
        );
    }
    for a in 0..5 {
        let _ = write!(
            y,
            "apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\nmetadata: {{name: anp-{a}}}\nspec:\n  priority: {a}\n  subject: {{namespaces: {{matchLabels: {{team: t{a}}}}}}}\n  ingress:\n  - {{name: deny-db, action: Deny, from: [{{pods: {{namespaceSelector: {{}}, podSelector: {{matchLabels: {{tier: db}}}}}}}}]}}\n  - {{name: pass-rest, action: Pass, from: [{{namespaces: {{}}}}]}}\n---\n"
        );
    }
    y.push_str("apiVersion: policy.networking.k8s.io/v1alpha1\nkind: BaselineAdminNetworkPolicy\nmetadata: {name: default}\nspec:\n  subject: {namespaces: {}}\n  egress:\n  - {name: deny-smtp, action: Deny, to: [{namespaces: {}}], ports: [{portNumber: {port: 25}}]}\n");
    y
}

fn main() {
    let namespaces = arg("--namespaces", 200).max(1);
    let workloads = arg("--workloads", 5000);
    let policies = arg("--policies", 2000);
    let t = Instant::now();
    let text = manifests(namespaces, workloads, policies);
    let objects = kubeguard_netpol::objects_from_text("scale.yaml", &text);
    let t_load = t.elapsed();
    let t = Instant::now();
    let cluster = kubeguard_netpol::Cluster::from_objects(&objects);
    let t_model = t.elapsed();
    let t = Instant::now();
    let analyzer = kubeguard_netpol::Analyzer::new(&cluster);
    let t_index = t.elapsed();
    drop(analyzer);
    let t = Instant::now();
    let conns = kubeguard_netpol::connlist(&cluster);
    let t_map = t.elapsed();
    let t = Instant::now();
    let txt = kubeguard_netpol::format_txt(&conns);
    let t_fmt = t.elapsed();
    println!(
        "{} workloads, {} NetworkPolicies, {} namespaces, {} ANPs: {} connections ({} bytes of txt)",
        cluster.workloads.len(),
        cluster.policies.len(),
        namespaces,
        cluster.admin_policies.len(),
        conns.len(),
        txt.len()
    );
    println!(
        "read {:.2?}, model {:.2?}, index {:.2?}, connlist (index included) {:.2?}, txt {:.2?}",
        t_load, t_model, t_index, t_map, t_fmt
    );
}
