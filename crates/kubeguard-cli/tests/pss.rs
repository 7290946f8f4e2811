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

// ---------------------------------------------------------------------------------------
// Legacy PodSecurityPolicies (examples/pss-psp: three policies, RBAC `use` grants, workloads
// in two namespaces).

fn named<'a>(v: &'a Value, key: &str, field: &str, name: &str) -> &'a Value {
    v[key]
        .as_array()
        .and_then(|xs| {
            xs.iter()
                .find(|x| x[field] == name || x["object"][field] == name)
        })
        .unwrap_or_else(|| panic!("no {key} entry {name} in {v}"))
}

fn names(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|xs| {
            xs.iter()
                .filter_map(|x| {
                    let o = if x.get("object").is_some() {
                        &x["object"]
                    } else {
                        x
                    };
                    o["name"].as_str().map(str::to_string)
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn psp_examples_json_snapshot() {
    let (code, v, stderr) = pss_json(&repo(), &["examples/pss-psp"]);
    assert_eq!(code, 0, "no --level: a report ({stderr})");
    insta::assert_json_snapshot!("examples_pss_psp", v);
}

#[test]
fn psp_json_reports_audit_levels_users_and_migration() {
    let (_, v, _) = pss_json(&repo(), &["examples/pss-psp"]);
    let keys: Vec<&str> = v
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    assert_eq!(
        keys,
        [
            "version",
            "policyVersion",
            "gate",
            "workloads",
            "namespaces",
            "podSecurityPolicies",
            "migration",
            "errors"
        ]
    );

    let privileged = named(&v, "podSecurityPolicies", "name", "privileged");
    assert_eq!(privileged["level"], "privileged");
    let host_network = privileged["findings"]
        .as_array()
        .and_then(|f| f.iter().find(|f| f["rule"] == "psp-host-network"))
        .expect("hostNetwork finding");
    assert_eq!(host_network["field"], "spec.hostNetwork");
    assert_eq!(
        host_network["location"]["path"],
        "examples/pss-psp/policies.yaml"
    );
    assert_eq!(
        (
            host_network["location"]["line"].as_u64(),
            host_network["location"]["column"].as_u64()
        ),
        (Some(14), Some(16))
    );
    assert!(privileged["blockers"].as_array().is_some_and(|b| {
        b.iter().any(|b| {
            b["level"] == "baseline"
                && b["control"] == "privileged"
                && b["field"] == "spec.privileged"
        })
    }));
    // Only the node agent's ServiceAccount may use it, through a RoleBinding.
    assert_eq!(names(&privileged["users"]), ["node-agent"]);
    let grant = &privileged["users"][0]["grants"][0];
    assert_eq!(grant["binding"]["object"]["kind"], "RoleBinding");
    assert_eq!(grant["binding"]["object"]["namespace"], "monitoring");
    assert_eq!(
        grant["subject"],
        serde_json::json!({"kind": "ServiceAccount", "name": "node-agent"})
    );
    assert_eq!(grant["role"]["object"]["name"], "psp:privileged");
    assert_eq!(grant["ruleField"], "rules[0]");
    assert_eq!(grant["ruleLocation"]["path"], "examples/pss-psp/rbac.yaml");

    // The locked-down policy is restricted, with the caveats of a mutating PSP; every
    // ServiceAccount of "shop" may use it through the group grant.
    let restricted = named(&v, "podSecurityPolicies", "name", "restricted");
    assert_eq!(restricted["level"], "restricted");
    assert_eq!(restricted["findings"], serde_json::json!([]));
    assert_eq!(restricted["blockers"], serde_json::json!([]));
    let caveats: Vec<&str> = restricted["caveats"]
        .as_array()
        .expect("caveats")
        .iter()
        .filter_map(|c| c["control"].as_str())
        .collect();
    assert!(caveats.contains(&"runAsNonRoot") && caveats.contains(&"capabilities_restricted"));
    assert_eq!(
        names(&restricted["users"]),
        ["storefront", "web", "migrate", "debug"]
    );
    assert_eq!(
        restricted["users"][0]["grants"][0]["subject"],
        serde_json::json!({"kind": "Group", "name": "system:serviceaccounts:shop"})
    );
    assert_eq!(
        named(&v, "podSecurityPolicies", "name", "web")["level"],
        "baseline"
    );

    // Migration, by namespace name.
    let ns: Vec<&str> = v["migration"]
        .as_array()
        .expect("migration")
        .iter()
        .filter_map(|m| m["namespace"].as_str())
        .collect();
    assert_eq!(ns, ["monitoring", "shop"]);
    let shop = named(&v, "migration", "namespace", "shop");
    assert_eq!(shop["pspLevel"], "baseline");
    assert_eq!(shop["workloadsLevel"], "privileged");
    assert_eq!(shop["currentLabels"], serde_json::json!({}));
    assert_eq!(
        shop["labels"],
        serde_json::json!({
            "pod-security.kubernetes.io/enforce": "baseline",
            "pod-security.kubernetes.io/enforce-version": "latest",
            "pod-security.kubernetes.io/warn": "restricted",
            "pod-security.kubernetes.io/warn-version": "latest",
            "pod-security.kubernetes.io/audit": "restricted",
            "pod-security.kubernetes.io/audit-version": "latest",
        })
    );
    assert_eq!(names(&shop["rejected"]), ["debug"]);
    let debug = &shop["rejected"][0];
    assert_eq!(
        (&debug["level"], &debug["fails"]),
        (&"privileged".into(), &"baseline".into())
    );
    assert_eq!(
        debug["controls"],
        serde_json::json!(["baseline/hostNamespaces"])
    );
    assert_eq!(debug["violations"][0]["field"], "spec.hostNetwork");
    assert_eq!(debug["violations"][0]["location"]["line"], 71);
    assert_eq!(names(&shop["warned"]), ["web", "migrate"]);
    let monitoring = named(&v, "migration", "namespace", "monitoring");
    assert_eq!(monitoring["pspLevel"], "privileged");
    assert_eq!(
        monitoring["currentLabels"],
        serde_json::json!({"pod-security.kubernetes.io/warn": "baseline"})
    );
    assert_eq!(names(&monitoring["withoutPsp"]), ["report"]);
    assert_eq!(names(&monitoring["warned"]), ["node-agent"]);
    assert_eq!(monitoring["rejected"], serde_json::json!([]));

    // Without PodSecurityPolicies among the inputs, the document keeps its shape.
    let (_, plain, _) = pss_json(&repo(), &["examples/pss"]);
    assert!(plain.get("podSecurityPolicies").is_none() && plain.get("migration").is_none());
}

#[test]
fn psp_text_sections_follow_the_workloads() {
    let out = kubeguard()
        .current_dir(repo())
        .args(["pss", "examples/pss-psp"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let line_of = |header: &str| {
        text.lines()
            .position(|l| l == header)
            .unwrap_or_else(|| panic!("missing {header:?} in\n{text}"))
    };
    let last_workload = line_of("restricted: CronJob monitoring/report");
    let first_psp = line_of("privileged: PodSecurityPolicy privileged");
    assert!(last_workload < first_psp);
    assert!(line_of("restricted: PodSecurityPolicy restricted") > first_psp);
    let web = line_of("baseline: PodSecurityPolicy web");
    assert!(line_of("migration: Namespace monitoring") > web);
    assert!(line_of("migration: Namespace shop") > web);
    for expected in [
        // Each permissive setting framed with its rule.
        "::: examples/pss-psp/policies.yaml:10:15",
        "10 |   privileged: true\n   |               ^^^^ psp-privileged: allows privileged containers (privileged: true)",
        "= missing: spec.readOnlyRootFilesystem",
        "= equivalent to privileged at policy latest",
        // Why not the next level, and what the level cannot promise.
        "= not baseline: baseline/hostNamespaces: hostNetwork: true admits pods sharing the host's namespace (spec.hostNetwork at examples/pss-psp/policies.yaml:14:16)",
        "= not restricted: restricted/runAsNonRoot: runAsUser.rule \"RunAsAny\" admits containers running as root",
        "= caveat: capabilities_restricted: the PSP adds ALL to every container's dropped capabilities",
        // Who may use it.
        "= used by: DaemonSet monitoring/node-agent (ServiceAccount monitoring/node-agent) through RoleBinding monitoring/psp:privileged subjects[0] (ServiceAccount node-agent at examples/pss-psp/rbac.yaml:72:3) -> ClusterRole psp:privileged rules[0] at examples/pss-psp/rbac.yaml:17:3",
        "= used by: Pod shop/debug (ServiceAccount shop/default) through RoleBinding shop/psp:restricted subjects[0] (Group system:serviceaccounts:shop",
        // The migration.
        "= psp: web (baseline) may be used by Deployment shop/web",
        "= without psp: CronJob monitoring/report: no PodSecurityPolicy is granted to their ServiceAccounts",
        "= suggested: enforce baseline, warn and audit restricted at policy latest",
        "= current: pod-security.kubernetes.io/warn=baseline",
        "= current: no pod-security.kubernetes.io labels",
        "= rejected: Pod shop/debug at examples/pss-psp/workloads.yaml:66:1 (meets privileged): enforce baseline:latest would reject its pods (baseline/hostNamespaces)",
        "= warned: Job shop/migrate at examples/pss-psp/workloads.yaml:51:1 (meets baseline): warn restricted:latest would warn about its pods",
        "= help: fix the rejected workloads first, then: kubectl label --overwrite namespace shop pod-security.kubernetes.io/enforce=baseline pod-security.kubernetes.io/enforce-version=latest pod-security.kubernetes.io/warn=restricted",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in\n{text}");
    }
    assert!(text.ends_with(
        "6 workloads at policy latest: 2 restricted, 2 baseline, 2 privileged; 0 rejected by their namespace's enforce level; 2 namespaces with 2 label problems; 3 PodSecurityPolicies (1 restricted, 1 baseline, 1 privileged); the suggested labels reject 1 workload; 0 errors\n"
    ), "{text}");
}

#[test]
fn psp_levels_and_migration_follow_the_policy_version() {
    // net.ipv4.tcp_keepalive_time is a safe sysctl from policy v1.29 only: the "web" policy
    // and the Deployment setting it are Baseline at latest, Privileged at v1.24.
    let (_, latest, _) = pss_json(&repo(), &["examples/pss-psp"]);
    let (code, old, _) = pss_json(&repo(), &["--version", "v1.24", "examples/pss-psp"]);
    assert_eq!(code, 0);
    assert_eq!(
        named(&latest, "podSecurityPolicies", "name", "web")["level"],
        "baseline"
    );
    let web = named(&old, "podSecurityPolicies", "name", "web");
    assert_eq!(web["level"], "privileged");
    assert!(web["blockers"].as_array().is_some_and(|b| {
        b.iter()
            .any(|b| b["control"] == "sysctls" && b["field"] == "spec.allowedUnsafeSysctls[0]")
    }));
    // The audit does not depend on the version.
    assert_eq!(
        web["findings"],
        named(&latest, "podSecurityPolicies", "name", "web")["findings"]
    );
    // "shop" is then migrated at privileged: nothing is rejected, the debug pod is warned.
    let shop = named(&old, "migration", "namespace", "shop");
    assert_eq!(shop["pspLevel"], "privileged");
    assert_eq!(
        shop["labels"]["pod-security.kubernetes.io/enforce"],
        "privileged"
    );
    assert_eq!(
        shop["labels"]["pod-security.kubernetes.io/enforce-version"],
        "v1.24"
    );
    assert_eq!(shop["rejected"], serde_json::json!([]));
    assert_eq!(names(&shop["warned"]), ["web", "debug"]);
    assert_eq!(
        named(shop, "warned", "name", "web")["controls"],
        serde_json::json!(["baseline/sysctls"])
    );
}

#[test]
fn psp_findings_do_not_change_the_exit_code() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(
        dir.path().join("psp.yaml"),
        "apiVersion: policy/v1beta1\nkind: PodSecurityPolicy\nmetadata: {name: open}\nspec:\n  privileged: true\n  hostNetwork: true\n",
    )
    .expect("write");
    std::fs::write(dir.path().join("pod.yaml"), RESTRICTED_POD).expect("write");
    // The gate is about workloads: a privileged PSP does not fail it.
    let (code, v, _) = pss_json(
        dir.path(),
        &["--level", "restricted", "psp.yaml", "pod.yaml"],
    );
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["podSecurityPolicies"][0]["level"], "privileged");
    assert_eq!(v["podSecurityPolicies"][0]["users"], serde_json::json!([]));
    // The pod's namespace has no usable PSP: it keeps its own level.
    let default = named(&v, "migration", "namespace", "default");
    assert_eq!(default["pspLevel"], Value::Null);
    assert_eq!(default["namespaceFound"], false);
    assert_eq!(default["currentLabels"], Value::Null);
    assert_eq!(
        default["labels"]["pod-security.kubernetes.io/enforce"],
        "restricted"
    );
    assert_eq!(names(&default["withoutPsp"]), ["api"]);
    // A PSP alone: no workload, no migration, still a clean exit.
    let out = kubeguard()
        .current_dir(dir.path())
        .args(["pss", "--level", "baseline", "psp.yaml"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("privileged: PodSecurityPolicy open"),
        "{text}"
    );
    assert!(
        text.contains("= used by: no workload among the inputs"),
        "{text}"
    );
    assert!(!text.contains("migration:"), "{text}");
    // The examples fail a Baseline gate because of their workloads.
    let (code, _, _) = pss_json(&repo(), &["--level", "baseline", "examples/pss-psp"]);
    assert_eq!(code, 1);
}

#[test]
fn kustomize_psp_locations_point_back_at_the_base_file() {
    if !on_path("kustomize") && !on_path("kubectl") {
        eprintln!("skipped: neither kustomize nor kubectl is on PATH");
        return;
    }
    let dir = tempfile::tempdir().expect("tmp");
    let psp = "apiVersion: policy/v1beta1\nkind: PodSecurityPolicy\nmetadata:\n  name: open\nspec:\n  hostNetwork: true\n  volumes: ['*']\n";
    let rbac = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: use-psps\nrules:\n- apiGroups: [policy]\n  resources: [podsecuritypolicies]\n  verbs: [use]\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: use-psps\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: use-psps\nsubjects:\n- kind: Group\n  apiGroup: rbac.authorization.k8s.io\n  name: system:serviceaccounts\n";
    for (path, text) in [
        (
            "k/base/kustomization.yaml",
            "resources:\n  - psp.yaml\n  - rbac.yaml\n  - pod.yaml\n",
        ),
        ("k/base/psp.yaml", psp),
        ("k/base/rbac.yaml", rbac),
        ("k/base/pod.yaml", PRIVILEGED_POD),
        (
            "k/overlay/kustomization.yaml",
            "namespace: prod\nresources:\n  - ../base\n",
        ),
    ] {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }
    let (code, v, stderr) = pss_json(dir.path(), &["k/overlay"]);
    assert_eq!(code, 0, "{stderr}");
    let open = named(&v, "podSecurityPolicies", "name", "open");
    assert_eq!(open["location"]["path"], "k/base/psp.yaml");
    let host_network = open["findings"]
        .as_array()
        .and_then(|f| f.iter().find(|f| f["rule"] == "psp-host-network"))
        .expect("finding");
    assert_eq!(host_network["location"]["path"], "k/base/psp.yaml");
    assert_eq!(host_network["location"]["line"], 6);
    let grant = &open["users"][0]["grants"][0];
    // The rendering rewrites subjects and rules (keys sorted, flow lists as blocks): they are
    // located at their first scalar in the source.
    assert_eq!(grant["subjectLocation"]["path"], "k/base/rbac.yaml");
    assert_eq!(grant["subjectLocation"]["line"], 20);
    assert_eq!(grant["ruleLocation"]["path"], "k/base/rbac.yaml");
    assert_eq!(grant["ruleLocation"]["line"], 6);
    let prod = named(&v, "migration", "namespace", "prod");
    let agent = &prod["warned"][0];
    assert_eq!(agent["location"]["path"], "k/base/pod.yaml");
    assert!(
        agent["violations"].as_array().is_some_and(|vs| vs
            .iter()
            .all(|x| x["location"]["path"] == "k/base/pod.yaml")),
        "{agent}"
    );
}
