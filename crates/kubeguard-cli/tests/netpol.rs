//! `kubeguard netpol map`: the connectivity map through the CLI.

use std::path::Path;

use assert_cmd::Command;

fn kubeguard() -> Command {
    Command::cargo_bin("kubeguard").expect("binary")
}

const APP: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers:\n      - name: web\n        image: web:1\n        ports: [{name: http, containerPort: 8080}]\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api, namespace: shop}\nspec:\n  selector: {matchLabels: {app: api}}\n  template:\n    metadata: {labels: {app: api}}\n    spec:\n      containers: [{name: api, image: api:1}]\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: web-from-api, namespace: shop}\nspec:\n  podSelector: {matchLabels: {app: web}}\n  ingress:\n  - from: [{podSelector: {matchLabels: {app: api}}}]\n    ports: [{port: http}]\n";

#[test]
fn map_lists_allowed_connections_in_text_and_json() {
    let out = kubeguard()
        .args(["netpol", "map", "-"])
        .write_stdin(APP)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    // web only admits api on its named port; api admits everyone; egress is open.
    assert!(
        lines.contains(&"shop/api[Deployment] => shop/web[Deployment] : TCP 8080"),
        "{text}"
    );
    assert!(
        lines.contains(&"shop/web[Deployment] => shop/api[Deployment] : All Connections"),
        "{text}"
    );
    assert!(
        !lines
            .iter()
            .any(|l| l.starts_with("0.0.0.0-255.255.255.255[External] => shop/web")),
        "{text}"
    );

    let out = kubeguard()
        .args(["netpol", "map", "--format", "json", "-"])
        .write_stdin(APP)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["version"], 1);
    let conns = v["connections"].as_array().expect("connections");
    assert!(conns.iter().any(|c| c["src"] == "shop/api[Deployment]"
        && c["dst"] == "shop/web[Deployment]"
        && c["conns"] == "TCP 8080"));
}

#[test]
fn map_reports_unreadable_inputs_and_still_analyzes_the_rest() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(dir.path().join("app.yaml"), APP).expect("write");
    let out = kubeguard()
        .current_dir(dir.path())
        .args(["netpol", "map", "app.yaml", "missing.yaml"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stdout).contains("shop/api[Deployment]"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.yaml"));
}

#[test]
fn map_matches_netpol_analyzer_on_its_onlineboutique_example() {
    let root =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance/netpol-analyzer");
    if !root.is_dir() {
        eprintln!("note: ../shared/conformance/netpol-analyzer not found; skipped");
        return;
    }
    let expected = std::fs::read_to_string(
        root.join("test_outputs/connlist/onlineboutique_connlist_output.txt"),
    )
    .expect("expected output");
    let out = kubeguard()
        .arg("netpol")
        .arg("map")
        .arg(root.join("tests/onlineboutique"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim_end(),
        expected.trim_end()
    );
}
