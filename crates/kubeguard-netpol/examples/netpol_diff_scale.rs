//! Scale check for the connectivity diff (issue 6 item 3): two versions of a synthetic
//! cluster of `--namespaces` namespaces (default 10), `--workloads` Deployments (800) and
//! `--policies` NetworkPolicies (40, each admitting a team's namespaces and a /16 on one
//! port; the second version opens another port in one of them), mapped and compared;
//! prints the sizes and timings.
//!
//! `cargo run --release -p kubeguard-netpol --example netpol_diff_scale [-- --workloads N
//! --policies N --namespaces N]`

use std::fmt::Write as _;
use std::time::Instant;

use kubeguard_netpol::{Cluster, DiffFormat, DiffKind, connlist, diff, format_diff};

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn manifests(namespaces: usize, workloads: usize, policies: usize, changed: bool) -> String {
    let mut y = String::new();
    for n in 0..namespaces {
        let _ = write!(
            y,
            "apiVersion: v1\nkind: Namespace\nmetadata: {{name: ns-{n}, labels: {{team: t{}}}}}\n---\n",
            n % 3
        );
    }
    for w in 0..workloads {
        let _ = write!(
            y,
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: app-{w}, namespace: ns-{}}}\nspec:\n  template:\n    metadata: {{labels: {{app: app-{w}, tier: t{}}}}}\n    spec:\n      containers:\n      - name: c\n        ports: [{{name: http, containerPort: 8080}}]\n---\n",
            w % namespaces,
            w % 4
        );
    }
    for p in 0..policies {
        let ports = if changed && p == 3 {
            "[{port: 8080}, {port: 9090}]"
        } else {
            "[{port: 8080}]"
        };
        let _ = write!(
            y,
            "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: p-{p}, namespace: ns-{}}}\nspec:\n  podSelector: {{matchLabels: {{tier: t{}}}}}\n  ingress:\n  - from: [{{namespaceSelector: {{matchLabels: {{team: t{}}}}}}}, {{ipBlock: {{cidr: 10.{}.0.0/16}}}}]\n    ports: {ports}\n---\n",
            p % namespaces,
            p % 4,
            p % 3,
            p % 256
        );
    }
    y
}

fn main() {
    let namespaces = arg("--namespaces", 10).max(1);
    let workloads = arg("--workloads", 800);
    let policies = arg("--policies", 40);
    let analyze = |changed: bool| {
        let text = manifests(namespaces, workloads, policies, changed);
        let objects = kubeguard_netpol::objects_from_text("synthetic.yaml", &text);
        let cluster = Cluster::from_objects(&objects);
        let peers: Vec<String> = cluster.workloads.iter().map(|w| w.display()).collect();
        (connlist(&cluster), peers)
    };
    let t = Instant::now();
    let (conns1, peers1) = analyze(false);
    let (conns2, peers2) = analyze(true);
    let t_map = t.elapsed();
    let t = Instant::now();
    let d = diff(&conns1, &peers1, &conns2, &peers2);
    let t_diff = t.elapsed();
    let t = Instant::now();
    let txt = format_diff(&d, DiffFormat::Txt, ["dir1", "dir2"]);
    let t_fmt = t.elapsed();
    println!(
        "{workloads} workloads, {policies} NetworkPolicies, {namespaces} namespaces: {} and {} connections, {} changed, {} added, {} removed ({} bytes of txt)",
        conns1.len(),
        conns2.len(),
        d.of_kind(DiffKind::Changed).count(),
        d.of_kind(DiffKind::Added).count(),
        d.of_kind(DiffKind::Removed).count(),
        txt.len()
    );
    println!("read and map both {t_map:.2?}, diff {t_diff:.2?}, txt {t_fmt:.2?}");
}
