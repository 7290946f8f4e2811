//! End-to-end tests of `kubeguard rbac who-can`, `can-i` and `permissions`: answers, the
//! locations of bindings and rules, the JSON shape, scopes, and exit codes.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::{Value, json};

fn kubeguard() -> Command {
    let mut c = Command::cargo_bin("kubeguard").expect("binary built");
    c.env("NO_COLOR", "1");
    c
}

const RBAC: &str = "apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: debug
  namespace: shop
rules:
- apiGroups: [\"\"]
  resources: [pods/exec, pods/attach]
  verbs: [create]
- apiGroups: [\"\"]
  resources: [configmaps]
  resourceNames: [shop-config]
  verbs: [get]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: debuggers
  namespace: shop
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: debug
subjects:
- kind: ServiceAccount
  name: toolbox
- kind: User
  name: alice
  apiGroup: rbac.authorization.k8s.io
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: viewers
  namespace: shop
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: view
subjects:
- kind: Group
  name: system:serviceaccounts:shop
  apiGroup: rbac.authorization.k8s.io
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: metrics
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: metrics-reader
subjects:
- kind: ServiceAccount
  name: prometheus
  namespace: monitoring
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: metrics-reader
rules:
- nonResourceURLs: [/metrics]
  verbs: [get]
- apiGroups: [\"\"]
  resources: [pods, nodes]
  verbs: [get, list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: broken
  namespace: shop
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: does-not-exist
subjects:
- kind: User
  name: mallory
";

/// A directory holding `rbac.yaml`.
fn inputs() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("rbac.yaml");
    std::fs::write(&file, RBAC).expect("written");
    (dir, file)
}

/// Runs `kubeguard rbac ARGS` in `dir`: (exit code, stdout, stderr).
fn rbac(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = kubeguard()
        .current_dir(dir)
        .arg("rbac")
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn json_of(stdout: &str) -> Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("invalid JSON ({e}): {stdout}"))
}

#[test]
fn who_can_text_names_bindings_and_rules() {
    let (dir, _) = inputs();
    let (code, out, err) = rbac(
        dir.path(),
        &["who-can", "create", "pods/exec", "-n", "shop", "rbac.yaml"],
    );
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!("who_can_text", out);
    // The binding to a missing role is a note, listed with --verbose.
    assert!(err.contains("note: 1 RBAC note"), "{err}");
    let (_, _, err) = rbac(
        dir.path(),
        &[
            "who-can",
            "create",
            "pods/exec",
            "-n",
            "shop",
            "-v",
            "rbac.yaml",
        ],
    );
    assert!(
        err.contains("note[missing-role]: rbac.yaml:77:9: RoleBinding shop/broken refers to Role shop/does-not-exist"),
        "{err}"
    );
    // Nobody: still a clean answer.
    let (code, out, _) = rbac(
        dir.path(),
        &["who-can", "create", "pods/exec", "-n", "other", "rbac.yaml"],
    );
    assert_eq!(
        (code, out.as_str()),
        (0, "nobody can create pods/exec in namespace other\n")
    );
}

#[test]
fn who_can_json_has_the_documented_shape() {
    let (dir, _) = inputs();
    let (code, out, err) = rbac(
        dir.path(),
        &[
            "who-can",
            "create",
            "pods/exec",
            "-n",
            "shop",
            "--format",
            "json",
            "rbac.yaml",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let v = json_of(&out);
    let subjects = v["subjects"].as_array().expect("subjects");
    assert_eq!(subjects.len(), 2);
    let sa = &subjects[1];
    assert_eq!(
        (&sa["kind"], &sa["namespace"], &sa["name"]),
        (&json!("ServiceAccount"), &json!("shop"), &json!("toolbox"))
    );
    let g = &sa["grants"][0];
    assert_eq!(g["binding"], "debuggers");
    assert_eq!(g["role"], "debug");
    assert_eq!(g["location"]["path"], "rbac.yaml");
    assert_eq!(g["location"]["line"], 16);
    assert_eq!(g["bindingKind"], "RoleBinding");
    assert_eq!(g["roleKind"], "Role");
    assert_eq!(g["namespace"], "shop");
    assert_eq!(g["subject"]["field"], "subjects[0]");
    assert_eq!(g["subject"]["location"]["line"], 25);
    assert_eq!(g["rule"]["field"], "rules[0]");
    assert_eq!(g["rule"]["location"]["line"], 7);
    assert_eq!(g["rule"]["builtin"], false);
    assert_eq!(subjects[0]["kind"], "User");
    assert_eq!(subjects[0]["namespace"], Value::Null);
    assert_eq!(
        v["request"],
        json!({"verb": "create", "apiGroup": "", "resource": "pods", "subresource": "exec", "name": "", "scope": "namespace", "namespace": "shop"})
    );
    assert_eq!(v["diagnostics"][0]["kind"], "missing-role");
    assert_eq!(v["diagnostics"][0]["location"]["line"], 77);
    assert_eq!(v["errors"], json!([]));
    assert_eq!(v["version"], 1);
}

#[test]
fn who_can_scopes_names_urls_and_built_in_roles() {
    let (dir, _) = inputs();
    let names = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["who-can", "--format", "json"];
        all.extend_from_slice(args);
        all.push("rbac.yaml");
        let (code, out, err) = rbac(dir.path(), &all);
        assert_eq!(code, 0, "{err}");
        json_of(&out)["subjects"]
            .as_array()
            .expect("subjects")
            .iter()
            .map(|s| {
                format!(
                    "{} {}",
                    s["kind"].as_str().unwrap_or(""),
                    s["name"].as_str().unwrap_or("")
                )
            })
            .collect()
    };
    // Cluster-wide (no -n): only the ClusterRoleBinding.
    assert_eq!(names(&["list", "pods"]), ["ServiceAccount prometheus"]);
    // In shop: the view ClusterRole through a RoleBinding, to a group.
    assert_eq!(
        names(&["list", "pods", "-n", "shop"]),
        [
            "Group system:serviceaccounts:shop",
            "ServiceAccount prometheus"
        ]
    );
    assert_eq!(names(&["create", "pods/attach", "-A"]).len(), 2);
    assert_eq!(
        names(&["get", "configmaps", "-n", "shop", "--name", "shop-config"]).len(),
        3
    );
    assert_eq!(
        names(&["get", "configmaps", "-n", "shop", "--name", "other"]),
        ["Group system:serviceaccounts:shop"]
    );
    assert_eq!(names(&["get", "/metrics"]), ["ServiceAccount prometheus"]);
    assert!(names(&["get", "/healthz"]).is_empty());
    assert!(names(&["list", "pods", "-n", "shop", "--no-builtin-roles"]).len() == 1);
    // -n and -A together are a usage error.
    let (code, _, err) = rbac(
        dir.path(),
        &["who-can", "get", "pods", "-n", "a", "-A", "rbac.yaml"],
    );
    assert_eq!(code, 2, "{err}");
    // Unknown resource types are warned about.
    let (code, _, err) = rbac(dir.path(), &["who-can", "get", "widgets", "rbac.yaml"]);
    assert_eq!(code, 0);
    assert!(
        err.contains("warning: resource type 'widgets' is not known"),
        "{err}"
    );
}

#[test]
fn can_i_answers_with_exit_codes() {
    let (dir, _) = inputs();
    kubeguard()
        .current_dir(dir.path())
        .args(["rbac", "can-i", "--as", "serviceaccount:shop:toolbox", "create", "pods/exec", "-n", "shop", "rbac.yaml"])
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with("yes\n  RoleBinding shop/debuggers (in namespace shop) at rbac.yaml:16:1, subjects[0] at line 25\n    Role shop/debug rules[0] at rbac.yaml:7:3\n"));
    kubeguard()
        .current_dir(dir.path())
        .args([
            "rbac",
            "can-i",
            "--as",
            "serviceaccount:shop:toolbox",
            "create",
            "pods/exec",
            "-n",
            "other",
            "rbac.yaml",
        ])
        .assert()
        .code(1)
        .stdout("no\n");
    // The implicit group of the namespace's ServiceAccounts grants view's rules.
    kubeguard()
        .current_dir(dir.path())
        .args([
            "rbac",
            "can-i",
            "--as",
            "system:serviceaccount:shop:web",
            "list",
            "deployments",
            "-n",
            "shop",
            "-q",
            "rbac.yaml",
        ])
        .assert()
        .code(0)
        .stdout("");
    // --as-group adds a group.
    kubeguard()
        .current_dir(dir.path())
        .args([
            "rbac",
            "can-i",
            "--as",
            "user:bob",
            "--as-group",
            "system:serviceaccounts:shop",
            "get",
            "pods",
            "-n",
            "shop",
            "rbac.yaml",
        ])
        .assert()
        .code(0);
    // Missing input: exit 2 even though the rest answers.
    kubeguard()
        .current_dir(dir.path())
        .args(["rbac", "can-i", "--as", "user:alice", "create", "pods/exec", "-n", "shop", "rbac.yaml", "missing.yaml"])
        .assert()
        .code(2)
        .stdout("yes\n  RoleBinding shop/debuggers (in namespace shop) at rbac.yaml:16:1, subjects[1] at line 27\n    Role shop/debug rules[0] at rbac.yaml:7:3\n")
        .stderr(predicate::str::contains("error: missing.yaml: cannot read"));
    // An invalid subject is a usage error.
    kubeguard()
        .current_dir(dir.path())
        .args([
            "rbac",
            "can-i",
            "--as",
            "robot:r2",
            "get",
            "pods",
            "rbac.yaml",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown kind `robot`"));
    // JSON.
    let (code, out, _) = rbac(
        dir.path(),
        &[
            "can-i",
            "--as",
            "sa:monitoring:prometheus",
            "get",
            "/metrics",
            "--format",
            "json",
            "rbac.yaml",
        ],
    );
    assert_eq!(code, 0);
    let v = json_of(&out);
    assert_eq!(v["allowed"], true);
    assert_eq!(
        v["identity"]["user"],
        "system:serviceaccount:monitoring:prometheus"
    );
    assert_eq!(
        v["subject"],
        json!({"kind": "ServiceAccount", "namespace": "monitoring", "name": "prometheus"})
    );
    assert_eq!(v["grants"][0]["binding"], "metrics");
    assert_eq!(v["grants"][0]["namespace"], Value::Null);
    assert_eq!(
        v["grants"][0]["rule"]["nonResourceURLs"],
        json!(["/metrics"])
    );
}

#[test]
fn can_i_reads_standard_input() {
    kubeguard()
        .args([
            "rbac",
            "can-i",
            "--as",
            "user:alice",
            "get",
            "configmaps",
            "--name",
            "shop-config",
            "-n",
            "shop",
            "-",
        ])
        .write_stdin(RBAC)
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "Role shop/debug rules[1] at <stdin>:10:3",
        ));
}

#[test]
fn permissions_merged_per_namespace() {
    let (dir, _) = inputs();
    let (code, out, err) = rbac(
        dir.path(),
        &["permissions", "serviceaccount:shop:toolbox", "rbac.yaml"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("ServiceAccount shop/toolbox (user system:serviceaccount:shop:toolbox, groups system:serviceaccounts, system:serviceaccounts:shop, system:authenticated)\n\nCluster-wide (ClusterRoleBindings; they apply in every namespace too):\n  (nothing)\n\nNamespace shop"), "{out}");
    let row = out
        .lines()
        .find(|l| l.contains("[shop-config]"))
        .expect("the named configmap row");
    assert_eq!(
        row.split_whitespace().collect::<Vec<_>>(),
        ["configmaps", "[]", "[shop-config]", "[get]"]
    );
    assert!(out.contains("ClusterRole view, aggregated from ClusterRole system:aggregate-to-view rules[0] at <kubernetes bootstrap roles>:"), "{out}");
    let (code, out, _) = rbac(
        dir.path(),
        &[
            "permissions",
            "sa:monitoring:prometheus",
            "--format",
            "json",
            "rbac.yaml",
        ],
    );
    assert_eq!(code, 0);
    let v = json_of(&out);
    let cluster = v["clusterWide"].as_array().expect("cluster-wide");
    let first = &cluster[0];
    assert_eq!(
        (
            &first["apiGroup"],
            &first["resource"],
            &first["resourceName"],
            &first["verbs"]
        ),
        (
            &json!(""),
            &json!("nodes"),
            &Value::Null,
            &json!(["get", "list", "watch"])
        )
    );
    assert_eq!(
        cluster.last().map(|p| p["nonResourceURL"].clone()),
        Some(json!("/metrics"))
    );
    assert_eq!(first["grants"][0]["binding"], "metrics");
    assert_eq!(v["namespaces"], json!({}));
    // -n keeps one namespace.
    let (_, out, _) = rbac(
        dir.path(),
        &[
            "permissions",
            "sa:shop:toolbox",
            "--format",
            "json",
            "-n",
            "elsewhere",
            "rbac.yaml",
        ],
    );
    assert_eq!(json_of(&out)["namespaces"], json!({}));
}

#[test]
fn outputs_are_deterministic() {
    let (dir, _) = inputs();
    for args in [
        &[
            "who-can",
            "get",
            "pods",
            "-A",
            "--format",
            "json",
            "rbac.yaml",
        ][..],
        &[
            "permissions",
            "group:system:serviceaccounts:shop",
            "rbac.yaml",
        ][..],
    ] {
        let first = rbac(dir.path(), args);
        assert_eq!(first, rbac(dir.path(), args));
    }
}

fn on_path(tool: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(tool).is_file()))
}

#[test]
fn kustomize_locations_point_at_the_source_files() {
    if !on_path("kustomize") && !on_path("kubectl") {
        eprintln!("note: neither kustomize nor kubectl is installed; skipping");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let base = dir.path().join("base");
    std::fs::create_dir(&base).expect("created");
    std::fs::write(
        base.join("kustomization.yaml"),
        "namespace: shop\nresources: [rbac.yaml]\n",
    )
    .expect("written");
    std::fs::write(
        base.join("rbac.yaml"),
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: exec\nrules:\n- apiGroups: [\"\"]\n  resources: [pods/exec]\n  verbs: [create]\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: debuggers\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n  name: exec\nsubjects:\n- kind: ServiceAccount\n  name: tools\n",
    )
    .expect("written");
    let (code, out, err) = rbac(
        dir.path(),
        &["who-can", "create", "pods/exec", "-n", "shop", "base"],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        "1 subject can create pods/exec in namespace shop:\n\nServiceAccount shop/tools\n  RoleBinding shop/debuggers (in namespace shop) at base/rbac.yaml:11:1, subjects[0] at line 19\n    Role shop/exec rules[0] at base/rbac.yaml:6:3\n"
    );
}

const WORKLOADS: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    spec:
      serviceAccountName: shop-app
      containers: [{name: web, image: registry.example.com/web:1.4.0}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: worker, namespace: shop}
spec:
  template:
    spec:
      serviceAccountName: shop-app
      containers: [{name: worker, image: registry.example.com/worker:1.4.0}]
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: report, namespace: shop}
spec:
  schedule: "0 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          automountServiceAccountToken: false
          containers: [{name: r, image: registry.example.com/r:1}]
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: shop-app, namespace: shop}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: shop-app, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
subjects: [{kind: ServiceAccount, name: shop-app}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: ci, namespace: ci}
spec:
  template:
    spec:
      serviceAccountName: ci
      containers: [{name: ci, image: registry.example.com/ci:2}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: ci-admin}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: ServiceAccount, name: ci, namespace: ci}]
"#;

#[test]
fn workloads_join_service_accounts_tokens_and_levels() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("w.yaml"), WORKLOADS).expect("written");
    let (code, out, err) = rbac(dir.path(), &["workloads", "w.yaml"]);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!(out);

    let (code, out, err) = rbac(dir.path(), &["workloads", "--format", "json", "w.yaml"]);
    assert_eq!(code, 0, "{err}");
    let doc = json_of(&out);
    let workloads = doc["workloads"].as_array().expect("workloads");
    let summary: Vec<(String, String, bool, String)> = workloads
        .iter()
        .map(|w| {
            (
                format!(
                    "{}/{}",
                    w["namespace"].as_str().unwrap_or(""),
                    w["name"].as_str().unwrap_or("")
                ),
                w["serviceAccount"]["name"]
                    .as_str()
                    .unwrap_or("")
                    .to_string(),
                w["tokenMounted"].as_bool().unwrap_or(true),
                w["level"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let expect = |ns: &str, sa: &str, token: bool, level: &str| {
        (ns.to_string(), sa.to_string(), token, level.to_string())
    };
    assert_eq!(
        summary,
        vec![
            expect("shop/web", "shop-app", true, "namespace-write"),
            expect("shop/worker", "shop-app", true, "namespace-write"),
            expect("shop/report", "default", false, "none"),
            expect("ci/ci", "ci", true, "cluster-admin-equivalent"),
        ]
    );
    assert_eq!(
        workloads[0]["sharedWith"],
        json!([{"kind": "Deployment", "name": "worker"}])
    );
    assert_eq!(
        workloads[3]["levelGrant"]["binding"],
        "ClusterRoleBinding ci-admin"
    );
    assert_eq!(workloads[3]["levelGrant"]["bindingLocation"]["line"], 54);
    assert_eq!(workloads[2]["tokenSource"], "pod-spec");
    assert_eq!(workloads[0]["serviceAccount"]["location"]["line"], 7);

    // -n keeps one namespace.
    let (_, out, _) = rbac(
        dir.path(),
        &["workloads", "--format", "json", "-n", "ci", "w.yaml"],
    );
    let doc = json_of(&out);
    assert_eq!(doc["workloads"].as_array().map(Vec::len), Some(1));
}

/// `WORKLOADS` plus a user and a group with namespace roles.
const ESCALATION_EXTRA: &str = r#"---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: dev, namespace: ci}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
subjects: [{kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: view, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects: [{kind: Group, name: readers, apiGroup: rbac.authorization.k8s.io}]
"#;

#[test]
fn escalation_paths_text_json_and_dot() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("e.yaml"),
        format!("{WORKLOADS}{ESCALATION_EXTRA}"),
    )
    .expect("written");
    let (code, out, err) = rbac(dir.path(), &["escalation", "--all", "e.yaml"]);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!(out);

    let (code, out, err) = rbac(dir.path(), &["escalation", "--format", "json", "e.yaml"]);
    assert_eq!(code, 0, "{err}");
    let doc = json_of(&out);
    let paths = doc["paths"].as_array().expect("paths");
    let reach: Vec<(String, bool)> = paths
        .iter()
        .map(|p| {
            (
                p["subject"]["name"].as_str().unwrap_or("").to_string(),
                p["reachesClusterAdmin"].as_bool().unwrap_or(false),
            )
        })
        .collect();
    assert_eq!(
        reach,
        vec![
            ("alice".to_string(), true),
            ("readers".to_string(), false),
            ("ci".to_string(), true),
            ("default".to_string(), false),
            ("shop-app".to_string(), false),
        ]
    );
    let alice = &paths[0]["steps"];
    assert_eq!(alice.as_array().map(Vec::len), Some(3));
    assert_eq!(
        alice[0]["to"],
        json!({"node": "namespace-serviceaccounts", "namespace": "ci"})
    );
    assert_eq!(alice[0]["grant"]["binding"], "RoleBinding ci/dev");
    assert_eq!(alice[2]["to"], json!({"node": "cluster-admin"}));
    assert_eq!(paths[2]["workloads"], json!(["Deployment ci/ci"]));
    assert!(paths[1]["steps"].is_null());

    let (code, out, err) = rbac(dir.path(), &["escalation", "--format", "dot", "e.yaml"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("digraph escalation {"), "{out}");
    assert!(
        out.contains("[label=\"cluster-admin\", shape=doubleoctagon"),
        "{out}"
    );
    assert!(
        out.contains("[label=\"holds-cluster-admin\", color=red]"),
        "{out}"
    );
    assert!(out.trim_end().ends_with('}'));

    // The same graph laid out as SVG in-process.
    let (code, out, err) = rbac(dir.path(), &["escalation", "--format", "svg", "e.yaml"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("<?xml"), "{out}");
    assert!(
        out.contains("<svg") && out.trim_end().ends_with("</svg>"),
        "{out}"
    );
    assert!(out.contains("cluster-admin") && out.contains("holds-cluster-admin"));
    let (code, _, err) = rbac(
        dir.path(),
        &["permissions", "--format", "svg", "user:alice", "e.yaml"],
    );
    assert_eq!(code, 2);
    assert!(err.contains("only available for"), "{err}");

    // dot is for escalation only.
    let (code, _, err) = rbac(
        dir.path(),
        &["who-can", "--format", "dot", "get", "pods", "e.yaml"],
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("only available for `kubeguard rbac escalation`"),
        "{err}"
    );
}
