//! `kubeguard cluster`: the cluster configuration audit through the CLI: formats, benchmark
//! views, the summary table, exit codes, and secrets masked in every output.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn kubeguard() -> Command {
    let mut c = Command::cargo_bin("kubeguard").expect("binary");
    c.current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."));
    c
}

fn shared() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/conformance/cluster-config/examples");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("note: {} is absent; skipping", dir.display());
        None
    }
}

fn json(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

#[test]
fn text_report_with_did_you_mean_and_exit_1() {
    let out = kubeguard()
        .args(["cluster", "--color", "never", "examples/cluster/rke"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("medium[RKE-044]: unknown key `secrets_encrytion_config`: RKE ignores it silently; did you mean `secrets_encryption_config`?"), "{text}");
    assert!(
        text.contains("--> examples/cluster/rke/weakened-cluster.yml:17:5"),
        "{text}"
    );
    assert!(
        text.contains("critical[RKE-001]") || text.contains("high[CIS-1.2.1]"),
        "{text}"
    );
}

#[test]
fn json_contract_check_is_the_rule_id_and_references_follow_the_benchmark() {
    let out = kubeguard()
        .args(["cluster", "--format", "json", "examples/cluster/rke"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let doc = json(&out);
    assert_eq!(doc["version"], 1);
    let findings = doc["findings"].as_array().expect("findings");
    let f = findings
        .iter()
        .find(|f| f["check"] == "CIS-1.2.1")
        .expect("anonymous-auth");
    assert_eq!(f["references"]["cis"], serde_json::json!(["1.2.1"]));
    assert_eq!(
        f["location"]["path"],
        "examples/cluster/rke/weakened-cluster.yml"
    );
    assert_eq!(f["location"]["line"], 33);
    assert_eq!(f["field"], "services.kube-api.extra_args.anonymous-auth");
    assert_eq!(f["object"]["kind"], "RKECluster");
    assert!(
        f["remediation"]
            .as_str()
            .is_some_and(|r| r.contains("--anonymous-auth=false"))
    );
    let profiling = findings
        .iter()
        .find(|f| f["check"] == "CIS-1.2.15")
        .expect("profiling deleted by an empty extra_args value");
    assert_eq!(
        profiling["references"]["cis"],
        serde_json::json!(["1.2.15"])
    );
    assert_eq!(profiling["field"], "services.kube-api.extra_args.profiling");

    let out = kubeguard()
        .args([
            "cluster",
            "--format",
            "json",
            "--benchmark",
            "cis-1.8",
            "examples/cluster/rke",
        ])
        .output()
        .expect("runs");
    let doc = json(&out);
    let findings = doc["findings"].as_array().expect("findings");
    let profiling = findings
        .iter()
        .find(|f| f["check"] == "CIS-1.2.15")
        .expect("profiling");
    assert_eq!(
        profiling["references"]["cis"],
        serde_json::json!(["1.2.16"]),
        "cis-1.8 numbering"
    );
    assert!(
        !findings.iter().any(|f| f["check"] == "CIS-1.2.30"),
        "1.2.30 is not in cis-1.8"
    );
}

const SECRETS: &[&str] = &[
    "Sup3rS3cretRegistryPassw0rd",
    "b3BlbnNzaC1rZXktdjEAAAAAfakefakefakefakefake",
    "K10c0ffee0ddba11c0ffee0ddba11c0ffee0ddba11",
    "dGhpcyBpcyBhIDMyIGJ5dGUga2V5IGZvciB0ZXN0cyE",
];

#[test]
fn secret_values_appear_in_no_output_format() {
    for format in [
        "text",
        "json",
        "sarif",
        "junit",
        "github",
        "kube-linter-json",
        "kube-linter-plain",
    ] {
        let out = kubeguard()
            .args([
                "cluster",
                "--color",
                "always",
                "--verbose",
                "--format",
                format,
                "examples/cluster",
            ])
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(1), "{format}");
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        for s in SECRETS {
            assert!(!all.contains(s), "{format} shows {s}");
        }
        assert!(
            all.contains("RKE-037") && all.contains("RKE2-013"),
            "{format}: the secrets are findings"
        );
    }
    for summary_format in ["text", "json"] {
        let out = kubeguard()
            .args([
                "cluster",
                "--summary",
                "--format",
                summary_format,
                "examples/cluster",
            ])
            .output()
            .expect("runs");
        let all = String::from_utf8_lossy(&out.stdout);
        for s in SECRETS {
            assert!(!all.contains(s));
        }
    }
    // The code frame of the registry password shows the masked value.
    let out = kubeguard()
        .args(["cluster", "--color", "never", "examples/cluster/rke"])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("password: ***************************"),
        "{text}"
    );
}

#[test]
fn summary_table_per_control_in_the_benchmark_view() {
    let out = kubeguard()
        .args([
            "cluster",
            "--summary",
            "--benchmark",
            "rke2-cis-1.8",
            "examples/cluster/rke2",
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1), "findings decide the exit code");
    let text = String::from_utf8_lossy(&out.stdout);
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("Benchmark view: rke2-cis-1.8"));
    assert!(lines.next().is_some_and(|l| l.starts_with("CONTROL")));
    let row = |control: &str| -> Vec<String> {
        text.lines()
            .find(|l| l.split_whitespace().next() == Some(control))
            .unwrap_or_else(|| panic!("{control} in {text}"))
            .split_whitespace()
            .take(2)
            .map(str::to_string)
            .collect()
    };
    // rke2-cis-1.8 numbers --profiling 1.2.16; the merged config leaves it at RKE2's default.
    assert_eq!(row("1.2.16"), vec!["1.2.16", "PASS"]);
    // kubelet --streaming-connection-idle-timeout=0s from config.yaml.d/10-tuning.yaml.
    assert_eq!(row("4.2.5"), vec!["4.2.5", "FAIL"]);
    assert_eq!(row("RKE2-005"), vec!["RKE2-005", "FAIL"]);
    assert!(text.lines().last().is_some_and(|l| l.contains("controls:")));

    let out = kubeguard()
        .args([
            "cluster",
            "--summary",
            "--format",
            "json",
            "examples/cluster/kubeadm",
        ])
        .output()
        .expect("runs");
    let doc = json(&out);
    assert_eq!(doc["benchmark"], "cis-1.12");
    let controls = doc["controls"].as_array().expect("controls");
    let c = controls
        .iter()
        .find(|c| c["control"] == "1.2.28")
        .expect("1.2.28");
    assert_eq!(c["result"], "FAIL", "identity first");
    assert_eq!(c["rule"], "CIS-1.2.28");
}

#[test]
fn exit_codes_follow_lint() {
    let dir = tempfile::tempdir().expect("tmp");
    let good = dir.path().join("kube-scheduler.yaml");
    std::fs::write(
        &good,
        "apiVersion: v1\nkind: Pod\nmetadata: {name: kube-scheduler}\nspec:\n  containers:\n  - name: s\n    command: [kube-scheduler, --profiling=false, --bind-address=127.0.0.1]\n",
    )
    .unwrap();
    let out = kubeguard()
        .arg("cluster")
        .arg(&good)
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    let out = kubeguard()
        .args([
            "cluster",
            "--fail-on",
            "critical",
            "examples/cluster/kubeadm",
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "no critical finding");
    let out = kubeguard()
        .args(["cluster", "--fail-on", "high", "examples/cluster/kubeadm"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));

    let bad = dir.path().join("config.yaml");
    std::fs::write(&bad, "profile: cis\ntoken: [unclosed\n").unwrap();
    let out = kubeguard()
        .args(["cluster", "--format", "json"])
        .arg(&bad)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let doc = json(&out);
    assert_eq!(doc["errors"][0]["line"], 2, "the unclosed flow sequence");
    let out = kubeguard()
        .args(["cluster", "--allow-invalid"])
        .arg(&bad)
        .arg(&good)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));

    let out = kubeguard()
        .args(["cluster", "--benchmark", "cis-9.9", "examples/cluster"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let out = kubeguard()
        .args([
            "cluster",
            "--summary",
            "--format",
            "sarif",
            "examples/cluster",
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn stdin_command_line() {
    let out = kubeguard()
        .args(["cluster", "--format", "json", "-"])
        .write_stdin(
            "kube-controller-manager --profiling=true --use-service-account-credentials=true\n",
        )
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let doc = json(&out);
    let checks: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["check"].as_str())
        .collect();
    assert!(
        checks.contains(&"CIS-1.3.2") && checks.contains(&"CIS-1.3.7"),
        "{checks:?}"
    );
    assert!(!checks.contains(&"CIS-1.3.3"));
}

#[test]
fn shared_examples_hardened_passes_high_default_fails() {
    let Some(root) = shared() else { return };
    let out = kubeguard()
        .args(["cluster", "--fail-on", "high"])
        .arg(root.join("hardened-cluster.yml"))
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let out = kubeguard()
        .args(["cluster", "--fail-on", "high", "--format", "json"])
        .arg(root.join("default-cluster.yml"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let doc = json(&out);
    let checks: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["check"].as_str())
        .collect();
    for c in ["RKE-002", "RKE-010", "RKE-013", "CIS-1.2.27"] {
        assert!(checks.contains(&c), "{c}");
    }
}
