//! Conformance on the real files of `../shared/conformance/cluster-config/examples` (skipped,
//! with a note, when absent):
//! - the hardened cluster.yml has no critical or high finding;
//! - the default cluster.yml fails every insecure default RKE ships (cluster_yml_schema.md);
//! - results agree with kube-bench's (`expected_kube-bench_results.tsv`) except where kube-bench
//!   is wrong, each such case listed in `KUBE_BENCH_WRONG` (and in docs/cluster.md);
//! - every example is read without input errors.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use kubeguard_cluster::{Audit, Bench, InputFile, Options, Status, audit};
use kubeguard_engine::Severity;

fn examples() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/conformance/cluster-config/examples");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "note: {} is absent; skipping the cluster-config conformance test",
            dir.display()
        );
        None
    }
}

fn input(root: &Path, rel: &str) -> InputFile {
    let text = std::fs::read_to_string(root.join(rel)).expect("readable example");
    InputFile::new(rel, text)
}

fn run(root: &Path, rels: &[&str], bench: Bench) -> Audit {
    let files: Vec<InputFile> = rels.iter().map(|r| input(root, r)).collect();
    audit(&files, &Options { benchmark: bench })
}

#[test]
fn hardened_cluster_yml_has_no_critical_or_high_finding() {
    let Some(root) = examples() else { return };
    for bench in Bench::ALL {
        let a = run(&root, &["hardened-cluster.yml"], bench);
        assert!(a.errors.is_empty(), "{:?}", a.errors);
        let bad: Vec<String> = a
            .findings
            .iter()
            .filter(|f| f.severity >= Severity::High)
            .map(|f| format!("{} {} {}", f.check, f.severity, f.message))
            .collect();
        assert!(bad.is_empty(), "{}: {bad:#?}", bench.name());
        assert!(
            !a.findings.is_empty(),
            "medium and low findings remain (e.g. CIS-1.2.3)"
        );
    }
}

/// The insecure defaults cluster_yml_schema.md lists for an RKE cluster.yml left at its
/// defaults, as the rules that must fail.
const INSECURE_DEFAULTS: &[(&str, &str)] = &[
    (
        "RKE-002",
        "secrets_encryption_config.enabled defaults to false",
    ),
    ("CIS-1.2.27", "no --encryption-provider-config"),
    (
        "RKE-010",
        "pod_security_configuration defaults to privileged",
    ),
    (
        "K8S-apiserver-admission-psa",
        "PodSecurity enforces privileged",
    ),
    ("RKE-013", "generate_serving_certificate defaults to false"),
    ("CIS-1.2.5", "no --kubelet-certificate-authority"),
    ("CIS-4.2.9", "no kubelet --tls-cert-file"),
    ("RKE-008", "event_rate_limit off"),
    ("CIS-1.2.9", "no EventRateLimit"),
    ("RKE-009", "always_pull_images false"),
    ("CIS-1.2.11", "no AlwaysPullImages"),
    ("RKE-017", "etcd uid/gid 0"),
    (
        "CIS-1.3.7",
        "controller manager --bind-address unset (0.0.0.0)",
    ),
    ("CIS-1.4.2", "scheduler --bind-address unset (0.0.0.0)"),
    (
        "CIS-1.2.30",
        "no --service-account-extend-token-expiration=false",
    ),
    ("CIS-1.2.3", "no DenyServiceExternalIPs"),
    ("CIS-4.2.7", "kubelet --hostname-override always set"),
    ("CIS-4.2.13", "no --pod-max-pids"),
    ("CIS-4.2.14", "no --seccomp-default"),
];

#[test]
fn default_cluster_yml_fails_every_insecure_default() {
    let Some(root) = examples() else { return };
    let a = run(&root, &["default-cluster.yml"], Bench::Cis112);
    assert!(a.errors.is_empty(), "{:?}", a.errors);
    for (id, why) in INSECURE_DEFAULTS {
        let failed = a
            .evaluations
            .iter()
            .any(|e| e.rule.id == *id && e.status == Status::Fail);
        assert!(failed, "{id} should fail on default-cluster.yml: {why}");
        let f = a
            .findings
            .iter()
            .find(|f| &*f.check == *id)
            .expect("a finding");
        let loc = f.location.as_ref().expect("located");
        assert_eq!(&*loc.path, "default-cluster.yml");
        assert!(loc.start.line >= 1);
    }
}

/// Where kube-bench's result is wrong and kubeguard's differs, by (input, control): kubeguard's
/// result and why. docs/cluster.md lists the same cases.
const KUBE_BENCH_WRONG: &[(&str, &str, &str, &str)] = &[];

fn expected(root: &Path) -> Vec<(String, String, String)> {
    let text = std::fs::read_to_string(root.join("expected_kube-bench_results.tsv")).expect("tsv");
    text.lines()
        .skip(1)
        .filter_map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            (c.len() >= 4).then(|| (c[0].to_string(), c[2].to_string(), c[3].to_string()))
        })
        .collect()
}

#[test]
fn agrees_with_kube_bench_except_where_it_is_wrong() {
    let Some(root) = examples() else { return };
    let rows = expected(&root);
    let mut inputs: Vec<String> = Vec::new();
    for (input, _, _) in &rows {
        for part in input.split('+') {
            if !inputs.iter().any(|i| i == part) {
                inputs.push(part.to_string());
            }
        }
    }
    let rels: Vec<&str> = inputs.iter().map(String::as_str).collect();
    let a = run(&root, &rels, Bench::Cis112);
    assert!(a.errors.is_empty(), "{:?}", a.errors);
    let mut ours: BTreeMap<(String, String), Vec<Status>> = BTreeMap::new();
    for e in &a.evaluations {
        if let Some(id) = e.rule.id.strip_prefix("CIS-") {
            ours.entry((e.target.clone(), id.to_string()))
                .or_default()
                .push(e.status);
        }
    }
    let mut differences = Vec::new();
    for (input, id, kb) in &rows {
        let got = ours
            .get(&(input.clone(), id.clone()))
            .cloned()
            .unwrap_or_default();
        let [status] = got[..] else {
            differences.push(format!("{input} {id}: evaluated {} times", got.len()));
            continue;
        };
        if status.label() != kb {
            let listed = KUBE_BENCH_WRONG
                .iter()
                .any(|(i, c, r, _)| i == input && c == id && *r == status.label());
            if !listed {
                differences.push(format!(
                    "{input} {id}: kube-bench {kb}, kubeguard {}",
                    status.label()
                ));
            }
        } else {
            assert!(
                !KUBE_BENCH_WRONG
                    .iter()
                    .any(|(i, c, _, _)| i == input && c == id),
                "{input} {id} is listed as a difference but agrees"
            );
        }
    }
    assert!(differences.is_empty(), "{differences:#?}");
}

#[test]
fn every_example_is_read_without_errors() {
    let Some(root) = examples() else { return };
    let mut rels = Vec::new();
    fn walk(dir: &Path, root: &Path, out: &mut Vec<String>) {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.path())
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(&p, root, out);
            } else if p.extension().is_some_and(|e| e != "tsv" && e != "conf") {
                out.push(p.strip_prefix(root).unwrap().to_string_lossy().into_owned());
            }
        }
    }
    walk(&root, &root, &mut rels);
    let refs: Vec<&str> = rels.iter().map(String::as_str).collect();
    let a = run(&root, &refs, Bench::Cis112);
    assert!(a.errors.is_empty(), "{:?}", a.errors);
    let skipped: Vec<&str> = a.skipped.iter().map(|(p, _)| p.as_str()).collect();
    assert!(
        skipped.iter().all(|p| p.ends_with("README.txt")),
        "{skipped:?}"
    );
    assert!(a.targets > 40);
}
