//! Findings on kubeguard's own example files (`examples/cluster`), as insta snapshots: one
//! line per finding (location, rule, severity, field, message), sorted as the reporters sort.
//! Also: RKE2's merge order on the shared examples' config.yaml.d (skipped when absent), and
//! inline secrets never copied into findings.

use std::path::{Path, PathBuf};

use kubeguard_cluster::{Audit, Bench, InputFile, Options, Status, audit};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/cluster")
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("examples")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|e| e != "md") {
            out.push(p);
        }
    }
}

fn run_dir(sub: &str) -> (Audit, Vec<InputFile>) {
    let base = root();
    let mut paths = Vec::new();
    files(&base.join(sub), &mut paths);
    let inputs: Vec<InputFile> = paths
        .iter()
        .map(|p| {
            let rel = p
                .strip_prefix(&base)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            InputFile::new(rel, std::fs::read_to_string(p).unwrap())
        })
        .collect();
    (audit(&inputs, &Options::default()), inputs)
}

fn render(a: &Audit) -> String {
    let mut f = a.findings.clone();
    f.sort_by(|a, b| a.cmp_output(b));
    let mut out = String::new();
    for x in &f {
        let loc = x.location.as_ref().map_or_else(
            || "-".to_string(),
            |l| format!("{}:{}:{}", l.path, l.start.line, l.start.column),
        );
        out.push_str(&format!(
            "{loc} {} {} [{}] {}\n",
            x.check, x.severity, x.field, x.message
        ));
    }
    out
}

#[test]
fn rke_weakened_cluster() {
    let (a, _) = run_dir("rke");
    assert!(a.errors.is_empty());
    insta::assert_snapshot!(render(&a));
}

#[test]
fn rke2_merged_config() {
    let (a, _) = run_dir("rke2");
    assert!(a.errors.is_empty());
    insta::assert_snapshot!(render(&a));
}

#[test]
fn kubeadm_static_pod_with_its_files() {
    let (a, _) = run_dir("kubeadm");
    assert!(a.errors.is_empty());
    insta::assert_snapshot!(render(&a));
}

#[test]
fn secret_values_are_never_in_findings() {
    let (a, inputs) = run_dir("");
    let secrets = [
        "Sup3rS3cretRegistryPassw0rd",
        "b3BlbnNzaC1rZXktdjEAAAAAfakefakefakefakefake",
        "K10c0ffee0ddba11c0ffee0ddba11c0ffee0ddba11::server:5ecret",
        "dGhpcyBpcyBhIDMyIGJ5dGUga2V5IGZvciB0ZXN0cyE=",
    ];
    for s in secrets {
        assert!(
            inputs.iter().any(|i| i.source.text().contains(s)),
            "the fixture holds {s}"
        );
        for f in &a.findings {
            assert!(
                !f.message.contains(s)
                    && !f.field.contains(s)
                    && !f.remediation.as_deref().unwrap_or_default().contains(s)
            );
        }
    }
    // Every secret is masked.
    for i in &inputs {
        if let Some(spans) = a.secrets.get(&i.path) {
            let masked = kubeguard_cluster::redact(&i.source, spans);
            for s in secrets {
                assert!(!masked.text().contains(s), "{s} masked in {}", i.path);
            }
        }
    }
    let rules: Vec<&str> = a.findings.iter().map(|f| &*f.check).collect();
    for r in ["RKE-033", "RKE-037", "RKE2-013"] {
        assert!(rules.contains(&r), "{r}");
    }
}

#[test]
fn rke2_drop_ins_merge_in_lexical_order() {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/conformance/cluster-config/examples/rke2");
    if !shared.is_dir() {
        eprintln!("note: {} is absent; skipping", shared.display());
        return;
    }
    let read = |p: &str| std::fs::read_to_string(shared.join(p)).unwrap();
    // docs-config-merge-base.yaml is the docs' /etc/rancher/rke2/config.yaml; the drop-ins
    // are given in reverse order to show that the order is RKE2's, not the command line's.
    let inputs = vec![
        InputFile::new(
            "etc/config.yaml.d/test2.yaml",
            read("config.yaml.d/test2.yaml"),
        ),
        InputFile::new(
            "etc/config.yaml.d/test1.yaml",
            read("config.yaml.d/test1.yaml"),
        ),
        InputFile::new("etc/config.yaml", read("docs-config-merge-base.yaml")),
    ];
    let a = audit(
        &inputs,
        &Options {
            benchmark: Bench::Rke2Cis18,
        },
    );
    let mode = a
        .findings
        .iter()
        .find(|f| &*f.check == "RKE2-005")
        .expect("world-writable kubeconfig");
    assert!(mode.message.contains("0777"), "{}", mode.message);
    assert_eq!(
        mode.location.as_ref().map(|l| (&*l.path, l.start.line)),
        Some(("etc/config.yaml.d/test2.yaml", 3))
    );
    let mut replaced: Vec<String> = a
        .findings
        .iter()
        .filter(|f| &*f.check == "RKE2-026")
        .map(|f| {
            f.location
                .as_ref()
                .map(|l| format!("{}:{}", l.path, l.start.line))
                .unwrap_or_default()
        })
        .collect();
    replaced.sort();
    assert_eq!(
        replaced,
        vec!["etc/config.yaml.d/test1.yaml:2", "etc/config.yaml:4"],
        "write-kubeconfig-mode and node-label replaced"
    );
    let token = a
        .findings
        .iter()
        .find(|f| &*f.check == "RKE2-013")
        .expect("inline token");
    assert!(!token.message.contains("boop"));
    assert_eq!(
        a.evaluations
            .iter()
            .filter(|e| e.rule.id == "RKE2-001")
            .map(|e| e.status)
            .collect::<Vec<_>>(),
        vec![Status::Fail]
    );
}
