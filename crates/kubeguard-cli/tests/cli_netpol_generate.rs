//! `kubeguard netpol generate` through the CLI: the generated YAML of examples/netpol
//! (snapshot), that it passes `kubeguard lint`, has no `status`, and that `netpol map` over
//! the inputs plus the output allows exactly the inferred workload connections.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn kubeguard() -> Command {
    Command::cargo_bin("kubeguard").expect("binary")
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn generate(args: &[&str]) -> (Option<i32>, String, String) {
    let out = kubeguard()
        .current_dir(repo())
        .args(["netpol", "generate"])
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn examples_netpol_yaml_snapshot() {
    let (code, yaml, stderr) = generate(&["examples/netpol"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(stderr, "", "no warning expected on the example");
    insta::assert_snapshot!("examples_netpol_generated", yaml);
}

#[test]
fn output_has_no_status_and_json_matches_yaml() {
    let (code, yaml, _) = generate(&["examples/netpol"]);
    assert_eq!(code, Some(0));
    let docs: Vec<&str> = yaml.split("---\n").collect();
    assert_eq!(docs.len(), 11, "2 default denies + 9 workloads");
    for d in &docs {
        assert!(d.starts_with("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"));
        assert!(
            !d.lines()
                .any(|l| l.starts_with("status") || l.trim_start().starts_with("status:")),
            "{d}"
        );
    }
    let (code, json, _) = generate(&["--format", "json", "examples/netpol"]);
    assert_eq!(code, Some(0));
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(v["kind"], "List");
    let items = v["items"].as_array().expect("items");
    assert_eq!(items.len(), docs.len());
    assert!(items.iter().all(|i| i.get("status").is_none()));
    assert_eq!(
        items[0]["metadata"]["name"],
        "default-deny-in-namespace-payments"
    );
}

#[test]
fn generated_policies_pass_lint() {
    let dir = tempfile::tempdir().expect("tmp");
    let (code, yaml, _) = generate(&["examples/netpol"]);
    assert_eq!(code, Some(0));
    let file = dir.path().join("policies.yaml");
    std::fs::write(&file, &yaml).expect("write");
    // The default checks, on the generated file alone.
    let out = kubeguard()
        .args(["lint", "--format", "json"])
        .arg(&file)
        .output()
        .expect("runs");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(
        v["findings"].as_array().map(Vec::len),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(out.status.code(), Some(0));
    // Schema and key order (opt-in checks), on the generated file alone.
    let out = kubeguard()
        .args([
            "lint",
            "--do-not-auto-add-defaults",
            "--include",
            "schema-validation,sorted-keys",
        ])
        .arg(&file)
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // The NetworkPolicy checks, on the inputs plus the generated policies as one stream (one
    // lint context, so that the policies see the workloads they select).
    let mut stream = String::new();
    let mut files = Vec::new();
    collect_yaml(&repo().join("examples/netpol"), &mut files);
    for f in files {
        stream.push_str(&std::fs::read_to_string(f).expect("read"));
        stream.push_str("\n---\n");
    }
    stream.push_str(&yaml);
    let out = kubeguard()
        .args([
            "lint",
            "--do-not-auto-add-defaults",
            "--include",
            "namespace-without-default-deny-ingress,namespace-without-default-deny-egress,dangling-networkpolicy,dangling-networkpolicypeer-podselector,network-policy-unknown-named-port,network-policy-allows-any-ip,cloud-metadata-egress",
            "-",
        ])
        .write_stdin(stream)
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

fn collect_yaml(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            collect_yaml(&p, out);
        } else if p.extension().is_some_and(|e| e == "yaml") {
            out.push(p);
        }
    }
}

fn map_lines(paths: &[&Path]) -> BTreeSet<String> {
    let out = kubeguard()
        .current_dir(repo())
        .args(["netpol", "map"])
        .args(paths)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn map_of_inputs_and_output_allows_exactly_the_inferred_workload_connections() {
    let dir = tempfile::tempdir().expect("tmp");
    let out_dir = dir.path().to_string_lossy().into_owned();
    let (code, _, stderr) = generate(&["-o", &out_dir, "examples/netpol"]);
    assert_eq!(code, Some(0), "{stderr}");
    // One file per namespace.
    let files: BTreeSet<String> = std::fs::read_dir(dir.path())
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        files,
        BTreeSet::from(["payments.yaml".to_string(), "shop.yaml".to_string()])
    );
    assert!(
        stderr.contains("wrote 4 policies to") && stderr.contains("wrote 7 policies to"),
        "{stderr}"
    );

    let (code, conns, _) = generate(&["--connections", "examples/netpol"]);
    assert_eq!(code, Some(0));
    let inferred: BTreeSet<String> = conns
        .lines()
        .filter(|l| !l.starts_with(' ') && !l.contains('{'))
        .map(str::to_string)
        .collect();
    assert_eq!(inferred.len(), 7, "{conns}");
    let map = map_lines(&[Path::new("examples/netpol"), dir.path()]);
    let workload_pairs: BTreeSet<String> = map
        .iter()
        .filter(|l| !l.contains('{') && !l.contains("[External]"))
        .cloned()
        .collect();
    assert_eq!(workload_pairs, inferred);
    // The LoadBalancer-exposed storefront takes connections from outside on its target port;
    // nothing else does.
    let external: Vec<&String> = map.iter().filter(|l| l.contains("[External]")).collect();
    assert_eq!(
        external,
        ["0.0.0.0-255.255.255.255[External] => shop/storefront[Deployment] : TCP 8080"]
    );
    // Without the policies, everything is open.
    let open = map_lines(&[Path::new("examples/netpol")]);
    assert!(open.len() > map.len());
}

#[test]
fn connections_are_explained_with_their_fields() {
    let (code, text, _) = generate(&["--explain", "examples/netpol"]);
    assert_eq!(code, Some(0));
    assert!(text.contains(
        "shop/checkout[Deployment] => payments/gateway[Deployment] : TCP 8443\n    env PAYMENTS_URL of container checkout: \"https://gateway.payments:8443/v1/charge\" (Deployment shop/checkout spec.template.spec.containers[0].env[0].value) at examples/netpol/shop/checkout.yaml:"
    ), "{text}");
    let (code, json, _) = generate(&["--connections", "--format", "json", "examples/netpol"]);
    assert_eq!(code, Some(0));
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(v["version"], 1);
    let conns = v["connections"].as_array().expect("connections");
    let c = conns
        .iter()
        .find(|c| {
            c["src"] == "payments/gateway[Deployment]"
                && c["dst"] == "payments/processor[Deployment]"
        })
        .expect("gateway => processor");
    assert_eq!(c["conns"], "TCP 7000");
    let e = &c["evidence"][0];
    assert_eq!(e["object"], "ConfigMap payments/gateway-config");
    assert_eq!(e["field"], "data.gateway.properties");
    assert_eq!(
        e["location"]["path"],
        "examples/netpol/payments/gateway.yaml"
    );
    assert!(e["location"]["line"].as_u64().is_some_and(|l| l > 0));
}

#[test]
fn dns_flags_and_warnings_and_input_errors() {
    let app = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers:\n      - name: web\n        env: [{name: A, value: 'api:80'}, {name: B, valueFrom: {configMapKeyRef: {name: missing, key: k}}}]\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  template:\n    metadata: {labels: {app: api}}\n    spec: {containers: [{name: api}]}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: api}\nspec: {selector: {app: api}, ports: [{port: 80, targetPort: 8080}]}\n";
    let out = kubeguard()
        .args([
            "netpol",
            "generate",
            "--dns-namespace",
            "openshift-dns",
            "--dns-labels",
            "dns.operator.openshift.io/daemonset-dns=default",
            "--dns-port",
            "5353",
            "-",
        ])
        .write_stdin(app)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let yaml = String::from_utf8_lossy(&out.stdout);
    assert!(
        yaml.contains("kubernetes.io/metadata.name: openshift-dns"),
        "{yaml}"
    );
    assert!(
        yaml.contains("dns.operator.openshift.io/daemonset-dns: default"),
        "{yaml}"
    );
    assert!(yaml.contains("- port: 5353\n      protocol: UDP"), "{yaml}");
    // Inputs without a namespace give policies without one.
    assert!(!yaml.contains("namespace: default"), "{yaml}");
    assert!(yaml.contains("name: default-deny-in-namespace\n"), "{yaml}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("warning: <stdin>:10:")
            && stderr.contains("ConfigMap default/missing is not in the inputs"),
        "{stderr}"
    );

    // A missing input: exit 2, the rest is still used.
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(dir.path().join("app.yaml"), app).expect("write");
    let out = kubeguard()
        .current_dir(dir.path())
        .args(["netpol", "generate", "app.yaml", "missing.yaml"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stdout).contains("name: web-netpol"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("error: missing.yaml"));

    // Bad flag values are usage errors.
    for bad in [["--dns-labels", "nolabel"], ["--dns-port", "0"]] {
        let out = kubeguard()
            .args(["netpol", "generate"])
            .args(bad)
            .arg("app.yaml")
            .current_dir(dir.path())
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
    }
}
