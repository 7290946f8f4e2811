//! End-to-end tests of `kubeguard pss` (levels, violations with locations, namespace labels,
//! admission configuration, the `--level` gate and its exit codes) and of `lint --pss-version`.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn kubeguard() -> Command {
    let mut c = Command::cargo_bin("kubeguard").expect("binary built");
    c.env("NO_COLOR", "1");
    c
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn on_path(tool: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(tool).is_file()))
}

/// Runs `kubeguard pss --format json ARGS` in `dir`: (exit code, JSON, stderr).
fn pss_json(dir: &Path, args: &[&str]) -> (i32, Value, String) {
    let out = kubeguard()
        .current_dir(dir)
        .args(["pss", "--format", "json"])
        .args(args)
        .output()
        .expect("runs");
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "invalid JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    });
    (
        out.status.code().unwrap_or(-1),
        json,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn workload<'a>(v: &'a Value, name: &str) -> &'a Value {
    v["workloads"]
        .as_array()
        .and_then(|ws| ws.iter().find(|w| w["object"]["name"] == name))
        .unwrap_or_else(|| panic!("no workload {name} in {v}"))
}

const PRIVILEGED_POD: &str = "apiVersion: v1
kind: Pod
metadata:
  name: agent
spec:
  hostNetwork: true
  containers:
    - name: agent
      image: registry.example.com/agent:1.0.0
      securityContext:
        privileged: true
";

const RESTRICTED_POD: &str = "apiVersion: v1
kind: Pod
metadata:
  name: api
spec:
  securityContext:
    runAsNonRoot: true
    seccompProfile: {type: RuntimeDefault}
  containers:
    - name: api
      image: registry.example.com/api:1.0.0
      securityContext:
        allowPrivilegeEscalation: false
        capabilities: {drop: [ALL]}
";

#[test]
fn examples_json_snapshot() {
    let (code, v, stderr) = pss_json(&repo(), &["examples/pss"]);
    assert_eq!(code, 0, "no --level: a report, not a gate ({stderr})");
    insta::assert_json_snapshot!("examples_pss", v);
}

#[test]
fn examples_text_has_one_block_per_workload_with_frames() {
    let out = kubeguard()
        .current_dir(repo())
        .args(["pss", "examples/pss"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).expect("utf-8");
    for header in [
        "baseline: Deployment shop/storefront",
        "baseline: CronJob payments/settlement",
        "privileged: DaemonSet shop/log-shipper",
        "privileged: Pod legacy/debug",
        "restricted: Deployment payments/checkout",
    ] {
        assert!(
            text.lines().any(|l| l == header),
            "missing {header:?} in\n{text}"
        );
    }
    // The offending field, framed and labelled with its control.
    assert!(
        text.contains("::: examples/pss/privileged.yaml:15:20"),
        "{text}"
    );
    assert!(text.contains(
        "15 |       hostNetwork: true\n   |                    ^^^^ baseline/hostNamespaces: host namespaces (hostNetwork=true)"
    ), "{text}");
    // A required field that is missing is shown at its parent, with its path.
    assert!(
        text.contains("= missing: spec.template.spec.containers[0].securityContext.runAsNonRoot")
    );
    // Namespace enforcement.
    assert!(text.contains(
        "= rejected: namespace \"shop\" enforces baseline:latest: its pods would be rejected (baseline/hostNamespaces, baseline/privileged, baseline/hostPathVolumes)"
    ), "{text}");
    assert!(text.contains(
        "= rejected: namespace \"payments\" enforces restricted:v1.30: its pods would be rejected (restricted/restrictedVolumes)"
    ));
    assert!(text.contains("= enforce: namespace \"shop\" enforces baseline:latest: allowed"));
    // Namespace label problems.
    assert!(text.contains(
        "no pod-security.kubernetes.io/enforce label: pods are admitted at privileged:latest (nothing is enforced)"
    ));
    assert!(text.contains("pod-security.kubernetes.io/enforce is privileged: nothing is enforced"));
    assert!(
        text.contains("invalid label pod-security.kubernetes.io/enforce: invalid level \"strict\"")
    );
    assert!(text.contains("unknown label pod-security.kubernetes.io/enforce-verison"));
    assert!(text.ends_with(
        "6 workloads at policy latest: 1 restricted, 2 baseline, 3 privileged; 3 rejected by their namespace's enforce level; 5 namespaces with 4 label problems; 0 errors\n"
    ), "{text}");
}

#[test]
fn level_gate_exit_codes() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(dir.path().join("privileged.yaml"), PRIVILEGED_POD).expect("write");
    std::fs::write(dir.path().join("restricted.yaml"), RESTRICTED_POD).expect("write");
    let run = |args: &[&str]| {
        kubeguard()
            .current_dir(dir.path())
            .arg("pss")
            .args(args)
            .output()
            .expect("runs")
    };
    // Meets the level: 0.
    for level in ["baseline", "restricted"] {
        let out = run(&["--level", level, "restricted.yaml"]);
        assert_eq!(out.status.code(), Some(0), "{level}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains(&format!("; 0 fail {level};")), "{text}");
    }
    // Fails it: 1.
    let out = run(&["--level", "baseline", "privileged.yaml", "restricted.yaml"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("; 1 fail baseline;"));
    // Without --level it is only a report.
    assert_eq!(run(&["privileged.yaml"]).status.code(), Some(0));
    // Usage errors: 2.
    assert_eq!(
        run(&["--level", "privileged", "restricted.yaml"])
            .status
            .code(),
        Some(2)
    );
    let out = run(&["--version", "1.30", "restricted.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("must be \"latest\" or \"v1.x\""));
    assert_eq!(run(&[]).status.code(), Some(2));
}

#[test]
fn bad_input_is_reported_and_the_rest_analyzed() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(dir.path().join("good.yaml"), RESTRICTED_POD).expect("write");
    std::fs::write(
        dir.path().join("bad.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata: [\n",
    )
    .expect("write");
    let (code, v, _) = pss_json(
        dir.path(),
        &[
            "--level",
            "baseline",
            "bad.yaml",
            "good.yaml",
            "missing.yaml",
        ],
    );
    assert_eq!(code, 2, "{v}");
    assert_eq!(workload(&v, "api")["level"], "restricted");
    let errors = v["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 2, "{v}");
    assert_eq!(errors[0]["path"], "bad.yaml");
    assert!(errors[0]["line"].as_u64().is_some());
    assert_eq!(errors[1]["path"], "missing.yaml");
    // In text, the error is listed before the summary.
    kubeguard()
        .current_dir(dir.path())
        .args(["pss", "bad.yaml", "good.yaml"])
        .assert()
        .code(2)
        .stdout(
            predicate::str::contains("error: bad.yaml:")
                .and(predicate::str::contains("; 1 error\n")),
        );
}

#[test]
fn stdin_json_matches_the_issue_shape() {
    let out = kubeguard()
        .args(["pss", "--format", "json", "--version", "v1.24", "-"])
        .write_stdin(PRIVILEGED_POD)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["version"], 1);
    assert_eq!(v["policyVersion"], "v1.24");
    let w = workload(&v, "agent");
    assert_eq!(
        w["object"],
        serde_json::json!({"apiVersion": "v1", "kind": "Pod", "namespace": null, "name": "agent"})
    );
    assert_eq!(w["location"]["path"], "<stdin>");
    assert_eq!(
        (
            w["location"]["line"].as_u64(),
            w["location"]["column"].as_u64()
        ),
        (Some(2), Some(1))
    );
    assert_eq!(w["level"], "privileged");
    let first = &w["violations"][0];
    assert_eq!(first["level"], "baseline");
    assert_eq!(first["control"], "hostNamespaces");
    assert_eq!(first["message"], "host namespaces (hostNetwork=true)");
    assert_eq!(first["field"], "spec.hostNetwork");
    assert_eq!(
        (
            first["location"]["line"].as_u64(),
            first["location"]["column"].as_u64()
        ),
        (Some(6), Some(16))
    );
    // Baseline violations first, then Restricted ones.
    let levels: Vec<&str> = w["violations"]
        .as_array()
        .expect("violations")
        .iter()
        .filter_map(|x| x["level"].as_str())
        .collect();
    assert_eq!(levels.iter().filter(|l| **l == "baseline").count(), 2);
    assert!(levels.windows(2).all(|p| p[0] <= p[1]), "{levels:?}");
    assert!(
        w.get("admission").is_none(),
        "no namespace, no configuration"
    );
    assert_eq!(v["namespaces"], serde_json::json!([]));
    assert_eq!(v["errors"], serde_json::json!([]));
}

#[test]
fn namespace_enforce_rejection_fails_the_gate() {
    // storefront meets Baseline, the gate's level; settlement meets Baseline too but lands in
    // "payments", which enforces Restricted.
    let (code, v, _) = pss_json(
        &repo(),
        &[
            "--level",
            "baseline",
            "examples/pss/baseline.yaml",
            "examples/pss/namespaces.yaml",
        ],
    );
    assert_eq!(code, 1, "{v}");
    let settlement = workload(&v, "settlement");
    assert_eq!(settlement["level"], "baseline");
    let enforce = &settlement["admission"]["enforce"];
    assert_eq!(enforce["level"], "restricted");
    assert_eq!(enforce["version"], "v1.30");
    assert_eq!(enforce["allowed"], false);
    assert_eq!(
        enforce["controls"],
        serde_json::json!(["restricted/restrictedVolumes"])
    );
    assert_eq!(
        workload(&v, "storefront")["admission"]["enforce"]["allowed"],
        true
    );
    // Without the Namespace objects, nothing is known about enforcement: the gate passes.
    let (code, _, _) = pss_json(
        &repo(),
        &["--level", "baseline", "examples/pss/baseline.yaml"],
    );
    assert_eq!(code, 0);
    let payments = v["namespaces"]
        .as_array()
        .and_then(|ns| ns.iter().find(|n| n["name"] == "payments"))
        .expect("payments");
    assert_eq!(
        (
            payments["workloads"].as_u64(),
            payments["rejected"].as_u64()
        ),
        (Some(1), Some(1))
    );
    assert_eq!(
        payments["policy"]["enforce"],
        serde_json::json!({"level": "restricted", "version": "v1.30"})
    );
    let sandbox = v["namespaces"]
        .as_array()
        .and_then(|ns| ns.iter().find(|n| n["name"] == "sandbox"))
        .expect("sandbox");
    let problems: Vec<&str> = sandbox["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .filter_map(|p| p["problem"].as_str())
        .collect();
    assert_eq!(problems, ["invalid-label", "unknown-label"]);
    assert_eq!(
        sandbox["problems"][0]["field"],
        "metadata.labels[pod-security.kubernetes.io/enforce]"
    );
    assert_eq!(sandbox["problems"][0]["location"]["line"], 42);
}

#[test]
fn admission_config_defaults_and_exemptions() {
    let (code, v, stderr) = pss_json(
        &repo(),
        &[
            "--admission-config",
            "examples/pss-admission/admission-config.yaml",
            "--level",
            "baseline",
            "examples/pss",
        ],
    );
    assert_eq!(code, 1, "{stderr}");
    // "legacy" has no labels: the configured default (baseline) now rejects the debug pod.
    let debug = &workload(&v, "debug")["admission"];
    assert_eq!(debug["enforce"]["level"], "baseline");
    assert_eq!(debug["enforce"]["allowed"], false);
    assert_eq!(debug["warn"]["level"], "restricted");
    // The node agent runs under the exempt runtime class: not checked.
    let agent = &workload(&v, "node-agent")["admission"];
    assert_eq!(agent["exempt"], "runtime class \"kata\" is exempt");
    assert!(agent.get("enforce").is_none());
    // The legacy namespace is still reported without an enforce label, at the default.
    let legacy = v["namespaces"]
        .as_array()
        .and_then(|ns| ns.iter().find(|n| n["name"] == "legacy"))
        .expect("legacy");
    assert_eq!(legacy["policy"]["enforce"]["level"], "baseline");
    assert!(
        legacy["problems"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("configured default baseline:latest"))
    );

    // Workloads whose namespace is not among the inputs get the defaults; exempt
    // namespaces and users are not checked.
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(
        dir.path().join("ps.yaml"),
        "apiVersion: pod-security.admission.config.k8s.io/v1\nkind: PodSecurityConfiguration\ndefaults:\n  enforce: restricted\n  enforce-version: v1.25\nexemptions:\n  namespaces: [kube-system]\n  usernames: [deployer]\n",
    )
    .expect("write");
    let pods = format!(
        "{}---\n{}",
        PRIVILEGED_POD.replacen(
            "name: agent\n",
            "name: agent\n  namespace: kube-system\n",
            1
        ),
        RESTRICTED_POD.replacen("name: api\n", "name: api\n  namespace: apps\n", 1)
    );
    std::fs::write(dir.path().join("pods.yaml"), &pods).expect("write");
    let (code, v, _) = pss_json(
        dir.path(),
        &[
            "--admission-config",
            "ps.yaml",
            "--level",
            "restricted",
            "pods.yaml",
        ],
    );
    // The privileged agent is exempt from admission but still fails the --level gate.
    assert_eq!(code, 1);
    assert_eq!(
        workload(&v, "agent")["admission"]["exempt"],
        "namespace \"kube-system\" is exempt"
    );
    let api = &workload(&v, "api")["admission"];
    assert_eq!(api["namespaceFound"], false);
    assert_eq!(
        api["enforce"],
        serde_json::json!({"level": "restricted", "version": "v1.25", "allowed": true, "controls": []})
    );
    let (_, v, _) = pss_json(
        dir.path(),
        &[
            "--admission-config",
            "ps.yaml",
            "--username",
            "deployer",
            "pods.yaml",
        ],
    );
    assert_eq!(
        workload(&v, "api")["admission"]["exempt"],
        "user \"deployer\" is exempt"
    );

    // An AdmissionConfiguration naming the plugin configuration by path (relative to it).
    std::fs::create_dir(dir.path().join("conf")).expect("mkdir");
    std::fs::write(
        dir.path().join("conf/admission.yaml"),
        "apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins:\n- name: PodSecurity\n  path: ../ps.yaml\n",
    )
    .expect("write");
    let (code, v, stderr) = pss_json(
        dir.path(),
        &["--admission-config", "conf/admission.yaml", "pods.yaml"],
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        workload(&v, "api")["admission"]["enforce"]["version"],
        "v1.25"
    );
}

#[test]
fn invalid_admission_config_is_a_located_usage_error() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(dir.path().join("pod.yaml"), RESTRICTED_POD).expect("write");
    std::fs::write(
        dir.path().join("ps.yaml"),
        "apiVersion: pod-security.admission.config.k8s.io/v1\nkind: PodSecurityConfiguration\ndefaults:\n  enforce: strict\n",
    )
    .expect("write");
    kubeguard()
        .current_dir(dir.path())
        .args(["pss", "--admission-config", "ps.yaml", "pod.yaml"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "error: ps.yaml:4:12: defaults.enforce: invalid level \"strict\"",
        ));
    kubeguard()
        .current_dir(dir.path())
        .args(["pss", "--admission-config", "nope.yaml", "pod.yaml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "nope.yaml: cannot read admission configuration",
        ));
}

#[test]
fn kustomize_violations_point_back_at_the_base_file() {
    if !on_path("kustomize") && !on_path("kubectl") {
        eprintln!("skipped: neither kustomize nor kubectl is on PATH");
        return;
    }
    let dir = tempfile::tempdir().expect("tmp");
    for (path, text) in [
        ("k/base/kustomization.yaml", "resources:\n  - pod.yaml\n"),
        ("k/base/pod.yaml", PRIVILEGED_POD),
        (
            "k/overlay/kustomization.yaml",
            "namespace: prod\nnamePrefix: prod-\nresources:\n  - ../base\n",
        ),
    ] {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }
    let (code, v, stderr) = pss_json(dir.path(), &["k/overlay"]);
    assert_eq!(code, 0, "{stderr}");
    let w = workload(&v, "prod-agent");
    assert_eq!(w["object"]["namespace"], "prod");
    assert_eq!(w["location"]["path"], "k/base/pod.yaml");
    let privileged = w["violations"]
        .as_array()
        .and_then(|vs| vs.iter().find(|x| x["control"] == "privileged"))
        .expect("privileged violation");
    assert_eq!(privileged["location"]["path"], "k/base/pod.yaml");
    assert_eq!(privileged["location"]["line"], 11);
}

#[test]
fn lint_pss_checks_follow_pss_version() {
    // An Unconfined seccomp field: Baseline checks it from v1.19 on.
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  securityContext:\n    seccompProfile: {type: Unconfined}\n  containers: [{name: c, image: x}]\n";
    let lint = |extra: &[&str]| {
        let out = kubeguard()
            .args([
                "lint",
                "--format",
                "json",
                "--do-not-auto-add-defaults",
                "--include",
                "pss-baseline,pss-restricted",
            ])
            .args(extra)
            .arg("-")
            .write_stdin(pod)
            .output()
            .expect("runs");
        let v: Value = serde_json::from_slice(&out.stdout).expect("json");
        (out.status.code(), v)
    };
    let (code, v) = lint(&[]);
    assert_eq!(code, Some(1));
    let baseline: Vec<&Value> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["check"] == "pss-baseline")
        .collect();
    assert_eq!(baseline.len(), 1, "{v}");
    assert!(
        baseline[0]["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("baseline/seccompProfile_baseline: "))
    );
    assert_eq!(
        baseline[0]["field"],
        "spec.securityContext.seccompProfile.type"
    );
    assert_eq!(baseline[0]["location"]["line"], 6);
    assert!(
        baseline[0]["references"]["pss"]
            .as_array()
            .is_some_and(|r| r.iter().any(|x| x == "baseline/seccompProfile_baseline"))
    );
    let (_, v) = lint(&["--pss-version", "v1.18"]);
    assert!(
        v["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .all(|f| f["check"] != "pss-baseline"),
        "{v}"
    );
    // Restricted before v1.19 still requires runAsNonRoot, but not a seccomp profile.
    assert!(v["findings"].as_array().expect("findings").iter().any(|f| {
        f["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("restricted/runAsNonRoot"))
    }));
    kubeguard()
        .args(["lint", "--pss-version", "v2.0", "-"])
        .write_stdin(pod)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--pss-version"));
}
