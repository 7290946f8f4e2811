//! End-to-end tests of the `kubeguard` binary: exit codes, inputs, outputs, configuration,
//! suppression and determinism.

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

const PRIVILEGED: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: web\n    image: nginx:1.25\n    securityContext:\n      privileged: yes\n";

fn json_of(out: &[u8]) -> Value {
    serde_json::from_slice(out).expect("valid JSON output")
}

fn lint_json(dir: &Path, args: &[&str]) -> (i32, Value) {
    let out = kubeguard()
        .current_dir(dir)
        .arg("lint")
        .args(["--format", "json"])
        .args(args)
        .output()
        .expect("runs");
    (out.status.code().unwrap_or(-1), json_of(&out.stdout))
}

#[test]
fn examples_insecure_fail_and_hardened_pass() {
    kubeguard()
        .current_dir(repo())
        .args(["lint", "examples/hardened"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("No findings"));
    kubeguard()
        .current_dir(repo())
        .args(["lint", "examples/insecure"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("privileged-container"));
}

#[test]
fn stdin_finding_points_at_the_field() {
    let out = kubeguard()
        .args([
            "lint",
            "--do-not-auto-add-defaults",
            "--include",
            "privileged-container",
            "--format",
            "json",
            "-",
        ])
        .write_stdin(PRIVILEGED)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let v = json_of(&out.stdout);
    let f = &v["findings"][0];
    assert_eq!(f["check"], "privileged-container");
    // `yes` is a YAML 1.1 boolean, as Kubernetes reads it.
    assert_eq!(f["location"]["path"], "<stdin>");
    assert_eq!(
        (
            f["location"]["line"].as_u64(),
            f["location"]["column"].as_u64()
        ),
        (Some(10), Some(19))
    );
    assert_eq!(f["location"]["end_column"], 22);
    assert_eq!(f["field"], "spec.containers[0].securityContext.privileged");
    assert_eq!(f["object"]["namespace"], Value::Null);
}

#[test]
fn parse_errors_exit_2_and_keep_other_documents() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(
        dir.path().join("a.yaml"),
        format!("{PRIVILEGED}---\nkind: [broken\n---\n{PRIVILEGED}"),
    )
    .expect("write");
    let (code, v) = lint_json(
        dir.path(),
        &[
            "--do-not-auto-add-defaults",
            "--include",
            "privileged-container",
            "a.yaml",
        ],
    );
    assert_eq!(code, 2);
    assert_eq!(v["summary"]["objects"], 2);
    assert_eq!(v["findings"].as_array().map(Vec::len), Some(2));
    assert_eq!(v["errors"][0]["path"], "a.yaml");
    assert!(v["errors"][0]["line"].as_u64().is_some_and(|l| l >= 11));
    let (code, _) = lint_json(
        dir.path(),
        &[
            "--allow-invalid",
            "--do-not-auto-add-defaults",
            "--include",
            "privileged-container",
            "a.yaml",
        ],
    );
    assert_eq!(code, 1);
}

#[test]
fn fail_on_threshold() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(dir.path().join("p.yaml"), PRIVILEGED).expect("write");
    kubeguard()
        .current_dir(dir.path())
        .args([
            "lint",
            "--do-not-auto-add-defaults",
            "--include",
            "run-as-non-root",
            "--fail-on",
            "critical",
            "p.yaml",
        ])
        .assert()
        .code(0);
    kubeguard()
        .current_dir(dir.path())
        .args([
            "lint",
            "--do-not-auto-add-defaults",
            "--include",
            "run-as-non-root",
            "p.yaml",
        ])
        .assert()
        .code(1);
}

#[test]
fn no_objects_warns_or_fails() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(dir.path().join("notes.yaml"), "just: data\n").expect("write");
    kubeguard()
        .current_dir(dir.path())
        .args(["lint", "-v", "."])
        .assert()
        .code(0)
        .stderr(predicate::str::contains("no valid Kubernetes objects"));
    kubeguard()
        .current_dir(dir.path())
        .args(["lint", "--fail-if-no-objects-found", "."])
        .assert()
        .code(2);
}

#[test]
fn skipped_files_are_counted_and_listed() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(dir.path().join("p.yaml"), PRIVILEGED).expect("write");
    std::fs::write(dir.path().join("README.md"), "# hi\n").expect("write");
    std::fs::create_dir(dir.path().join("vendor")).expect("mkdir");
    std::fs::write(dir.path().join("vendor/x.yaml"), PRIVILEGED).expect("write");
    let (_, v) = lint_json(dir.path(), &["--ignore-paths", "**/vendor/**", "."]);
    assert_eq!(v["summary"]["objects"], 1);
    assert_eq!(v["summary"]["skipped"], 2);
    kubeguard()
        .current_dir(dir.path())
        .args(["lint", "-v", "--ignore-paths", "**/vendor/**", "."])
        .assert()
        .stdout(predicate::str::contains("README.md").and(predicate::str::contains("vendor")));
}

#[test]
fn several_formats_to_files() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(dir.path().join("p.yaml"), PRIVILEGED).expect("write");
    kubeguard()
        .current_dir(dir.path())
        .args([
            "lint",
            "--format",
            "sarif",
            "-o",
            "out.sarif",
            "--format",
            "junit",
            "-o",
            "out.xml",
            "--format",
            "github",
            "-o",
            "-",
            "p.yaml",
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "::error file=p.yaml,line=10,col=19",
        ));
    let sarif: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("out.sarif")).expect("sarif"),
    )
    .expect("json");
    assert_eq!(sarif["version"], "2.1.0");
    assert!(
        std::fs::read_to_string(dir.path().join("out.xml"))
            .expect("junit")
            .contains("<testsuites")
    );
    kubeguard()
        .current_dir(dir.path())
        .args(["lint", "--format", "json", "--format", "sarif", "p.yaml"])
        .assert()
        .code(2);
}

#[test]
fn suppressions_comment_annotation_and_expiry() {
    let dir = tempfile::tempdir().expect("tmp");
    let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    kubeguard.io/ignore: run-as-non-root@web\nspec:\n  hostNetwork: true # kubeguard:ignore host-network until=2999-01-01 node agent\n  hostPID: true # kubeguard:ignore host-pid until=2000-01-01 old\n  containers:\n  - name: web\n    image: nginx:1.25\n";
    std::fs::write(dir.path().join("p.yaml"), text).expect("write");
    let args = [
        "--do-not-auto-add-defaults",
        "--include",
        "host-network,host-pid,run-as-non-root",
        "p.yaml",
    ];
    let (code, v) = lint_json(dir.path(), &args);
    assert_eq!(code, 1);
    assert_eq!(v["summary"]["suppressed"], 2);
    let active: Vec<&str> = v["findings"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|f| f["check"].as_str())
        .collect();
    assert_eq!(active, ["host-pid"]);
    assert!(
        v["findings"][0]["message"]
            .as_str()
            .expect("msg")
            .contains("expired on 2000-01-01")
    );
    let (_, v) = lint_json(
        dir.path(),
        &[&["--show-suppressed"][..], &args[..]].concat(),
    );
    let reasons: Vec<&str> = v["findings"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|f| f["suppressed"]["reason"].as_str())
        .collect();
    assert_eq!(reasons, ["node agent"]);
}

#[test]
fn config_errors_are_located() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(
        dir.path().join("kubeguard.yaml"),
        "checks:\n  exclud: [latest-tag]\n",
    )
    .expect("write");
    std::fs::write(dir.path().join("p.yaml"), PRIVILEGED).expect("write");
    kubeguard()
        .current_dir(dir.path())
        .args(["lint", "p.yaml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "kubeguard.yaml:2:3: unknown key `exclud`",
        ));
    kubeguard()
        .current_dir(dir.path())
        .args([
            "lint",
            "--include",
            "no-such-check",
            "--config",
            "/dev/null",
            "p.yaml",
        ])
        .assert()
        .code(2);
}

#[test]
fn kube_linter_config_is_read_when_alone() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(
        dir.path().join(".kube-linter.yaml"),
        "checks:\n  doNotAutoAddDefaults: true\n  include: [privileged-container]\n",
    )
    .expect("write");
    std::fs::write(dir.path().join("p.yaml"), PRIVILEGED).expect("write");
    let (_, v) = lint_json(dir.path(), &["p.yaml"]);
    let checks: Vec<&str> = v["findings"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|f| f["check"].as_str())
        .collect();
    assert_eq!(checks, ["privileged-container"]);
}

#[test]
fn lists_are_flattened_and_duplicate_keys_reported() {
    let dir = tempfile::tempdir().expect("tmp");
    let text = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: a}\n  spec:\n    hostPID: false\n    hostPID: true\n    containers: [{name: c, image: 'x:1'}]\n- apiVersion: v1\n  kind: ServiceAccount\n  metadata: {name: sa}\n";
    std::fs::write(dir.path().join("l.yaml"), text).expect("write");
    let (_, v) = lint_json(
        dir.path(),
        &[
            "--do-not-auto-add-defaults",
            "--include",
            "host-pid,duplicate-key",
            "l.yaml",
        ],
    );
    assert_eq!(v["summary"]["objects"], 2);
    let got: Vec<(&str, u64)> = v["findings"]
        .as_array()
        .expect("list")
        .iter()
        .map(|f| {
            (
                f["check"].as_str().unwrap_or(""),
                f["location"]["line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(got, [("duplicate-key", 9), ("host-pid", 9)]);
}

#[test]
fn max_file_size_is_an_error() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(dir.path().join("p.yaml"), PRIVILEGED).expect("write");
    kubeguard()
        .current_dir(dir.path())
        .args(["lint", "--max-file-size", "10", "p.yaml"])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("max-file-size"));
}

#[test]
fn helm_charts_get_a_clear_error() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::create_dir_all(dir.path().join("chart/templates")).expect("mkdir");
    std::fs::write(
        dir.path().join("chart/Chart.yaml"),
        "name: c\nversion: 1.0.0\n",
    )
    .expect("write");
    std::fs::write(
        dir.path().join("chart/templates/d.yaml"),
        "replicas: {{ .Values.replicas }}\n",
    )
    .expect("write");
    // An empty PATH: the answer must not depend on whether helm is installed.
    kubeguard()
        .current_dir(dir.path())
        .env("PATH", dir.path())
        .args(["lint", "chart"])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("helm template"));
    kubeguard()
        .current_dir(dir.path())
        .args(["lint", "chart/templates/d.yaml"])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("helm template"));
}

#[test]
fn output_is_deterministic_across_thread_counts() {
    let run = |j: &str| {
        kubeguard()
            .current_dir(repo())
            .args(["lint", "-j", j, "--format", "json", "examples"])
            .output()
            .expect("runs")
            .stdout
    };
    let one = run("1");
    assert!(!one.is_empty());
    assert_eq!(one, run("2"));
    assert_eq!(one, run("2"));
}

#[test]
fn checks_and_templates_commands() {
    kubeguard()
        .args(["checks", "list"])
        .assert()
        .code(0)
        .stdout(
            predicate::str::contains("privileged-container").and(
                predicate::str::contains("31 enabled by default")
                    .or(predicate::str::contains("32 enabled by default")),
            ),
        );
    let out = kubeguard()
        .args(["checks", "list", "--format", "json"])
        .output()
        .expect("runs");
    assert!(
        json_of(&out.stdout)
            .as_array()
            .is_some_and(|a| a.len() >= 32)
    );
    kubeguard()
        .args(["checks", "explain", "run-as-non-root"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("## Why is this bad?"));
    kubeguard()
        .args(["checks", "explain", "nope"])
        .assert()
        .code(2);
    kubeguard()
        .args(["templates", "list"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("host-mounts"));
    kubeguard()
        .args(["completions", "bash"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("kubeguard"));
    kubeguard()
        .args(["man"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(".TH kubeguard"));
    kubeguard().args(["lint"]).assert().code(2);
}

fn on_path(tool: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(tool).is_file()))
}

fn write_all(root: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let p = root.join(path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }
}

const KUSTOMIZE_BASE_DEPLOY: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.25
          securityContext:
            privileged: true
";

#[test]
fn kustomize_overlay_findings_point_back_at_the_base_file() {
    if !on_path("kustomize") && !on_path("kubectl") {
        eprintln!("skipped: neither kustomize nor kubectl is on PATH");
        return;
    }
    let dir = tempfile::tempdir().expect("tmp");
    write_all(
        dir.path(),
        &[
            ("k/base/kustomization.yaml", "resources:\n  - deploy.yaml\n"),
            ("k/base/deploy.yaml", KUSTOMIZE_BASE_DEPLOY),
            (
                "k/overlay/kustomization.yaml",
                "namePrefix: prod-\nresources:\n  - ../base\npatches:\n  - path: patch.yaml\n",
            ),
            (
                "k/overlay/patch.yaml",
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      hostNetwork: true\n",
            ),
        ],
    );
    let (code, v) = lint_json(
        dir.path(),
        &[
            "--do-not-auto-add-defaults",
            "--include",
            "privileged-container,host-network",
            "k/overlay",
        ],
    );
    assert_eq!(code, 1, "{v}");
    let findings = v["findings"].as_array().expect("findings");
    assert_eq!(findings.len(), 2, "{v}");
    let privileged = findings
        .iter()
        .find(|f| f["check"] == "privileged-container")
        .expect("privileged finding");
    // The object is the rendered one (with the prefix); the location is the base file's line.
    assert_eq!(privileged["object"]["name"], "prod-web");
    assert_eq!(privileged["location"]["path"], "k/base/deploy.yaml");
    assert_eq!(privileged["location"]["line"], 16);
    assert_eq!(privileged["location"]["column"], 25);
    // Set by the overlay's patch: not in the base, so it stays on the rendered object.
    let host = findings
        .iter()
        .find(|f| f["check"] == "host-network")
        .expect("host-network finding");
    assert_eq!(
        host["location"]["path"],
        "k/overlay/kustomize:Deployment-prod-web"
    );
    // The walk renders each kustomization as its own context and does not descend into it:
    // the patch file alone is never linted as an object.
    let out = kubeguard()
        .current_dir(dir.path())
        .args([
            "lint",
            "--format",
            "kube-linter-plain",
            "--do-not-auto-add-defaults",
        ])
        .args(["--include", "privileged-container", "k"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).expect("utf-8");
    // Both kustomizations render the base object; the same finding at the same source line is
    // reported once (the report drops duplicates by location, check, message and field).
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "{text}");
    assert_eq!(
        lines[0],
        format!("KubeLinter {}", env!("CARGO_PKG_VERSION"))
    );
    assert!(
        lines[2].starts_with("k/base/deploy.yaml: (object: <no namespace>/web apps/v1, Kind=Deployment) container \"web\" is privileged (check: privileged-container, remediation: "),
        "{text}"
    );
    assert!(lines[1].is_empty() && lines[3].is_empty(), "{text}");
}

#[test]
fn kustomize_render_failure_is_an_input_error() {
    if !on_path("kustomize") && !on_path("kubectl") {
        eprintln!("skipped: neither kustomize nor kubectl is on PATH");
        return;
    }
    let dir = tempfile::tempdir().expect("tmp");
    write_all(
        dir.path(),
        &[("k/kustomization.yaml", "resources:\n  - missing.yaml\n")],
    );
    let (code, v) = lint_json(dir.path(), &["k"]);
    assert_eq!(code, 2);
    let errors = v["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 1, "{v}");
    assert_eq!(errors[0]["path"], "k");
    let msg = errors[0]["message"].as_str().expect("message");
    assert!(
        msg.contains("kustomize") && msg.contains("missing.yaml"),
        "{msg}"
    );
}

#[cfg(unix)]
fn fake_helm(dir: &Path) -> String {
    use std::os::unix::fs::PermissionsExt;
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).expect("mkdir");
    let script = format!(
        "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > \"{}\"\ncat <<'EOF'\n---\n# Source: mychart/templates/pod.yaml\n{PRIVILEGED}EOF\n",
        dir.join("helm-args.txt").display()
    );
    let helm = bin.join("helm");
    std::fs::write(&helm, script).expect("write");
    std::fs::set_permissions(&helm, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut dirs = vec![bin];
    dirs.extend(std::env::split_paths(&path));
    std::env::join_paths(dirs)
        .expect("PATH")
        .to_string_lossy()
        .into_owned()
}

#[cfg(unix)]
#[test]
fn helm_charts_are_rendered_with_values_set_and_namespace() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = fake_helm(dir.path());
    write_all(
        dir.path(),
        &[
            ("chart/Chart.yaml", "name: mychart\nversion: 1.0.0\n"),
            ("chart/templates/pod.yaml", "kind: {{ .Values.kind }}\n"),
            ("v1.yaml", "a: 1\n"),
            ("v2.yaml", "b: 2\n"),
        ],
    );
    let out = kubeguard()
        .current_dir(dir.path())
        .env("PATH", &path)
        .args(["lint", "--format", "json", "chart"])
        .args([
            "-f", "v1.yaml", "--values", "v2.yaml", "--set", "x=1", "--set", "y=2",
        ])
        .args(["--namespace", "prod"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let v = json_of(&out.stdout);
    let args = std::fs::read_to_string(dir.path().join("helm-args.txt")).expect("args");
    assert_eq!(
        args.lines().collect::<Vec<_>>(),
        [
            "template",
            "test-release",
            "chart",
            "--values",
            "v1.yaml",
            "--values",
            "v2.yaml",
            "--set",
            "x=1",
            "--set",
            "y=2",
            "--namespace",
            "prod"
        ]
    );
    let privileged = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["check"] == "privileged-container")
        .expect("privileged finding");
    assert_eq!(privileged["location"]["path"], "chart/templates/pod.yaml");
    // Helm's `---` and `# Source:` lines are not counted: the template's own line.
    assert_eq!(privileged["location"]["line"], 10);

    // A packaged chart, with another release name; the chart name stays in the path.
    std::fs::write(
        dir.path().join("mychart-1.0.0.tgz"),
        b"not really a tarball",
    )
    .expect("write");
    let out = kubeguard()
        .current_dir(dir.path())
        .env("PATH", &path)
        .args([
            "lint",
            "--format",
            "json",
            "--release-name",
            "r1",
            "mychart-1.0.0.tgz",
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let args = std::fs::read_to_string(dir.path().join("helm-args.txt")).expect("args");
    assert_eq!(
        args.lines().collect::<Vec<_>>(),
        ["template", "r1", "mychart-1.0.0.tgz"]
    );
    let v = json_of(&out.stdout);
    assert!(
        v["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .all(|f| f["location"]["path"] == "mychart-1.0.0.tgz/mychart/templates/pod.yaml"),
        "{v}"
    );
}

#[cfg(unix)]
#[test]
fn helm_failure_is_an_input_error_with_its_stderr() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tmp");
    let bin = dir.path().join("bin");
    std::fs::create_dir_all(&bin).expect("mkdir");
    std::fs::write(
        bin.join("helm"),
        "#!/bin/sh\necho 'Error: template: bad.yaml:1: function \"oops\" not defined' >&2\nexit 1\n",
    )
    .expect("write");
    std::fs::set_permissions(bin.join("helm"), std::fs::Permissions::from_mode(0o755))
        .expect("chmod");
    write_all(
        dir.path(),
        &[("chart/Chart.yaml", "name: c\nversion: 1.0.0\n")],
    );
    let (code, v) = {
        let out = kubeguard()
            .current_dir(dir.path())
            .env("PATH", &bin)
            .args(["lint", "--format", "json", "chart"])
            .output()
            .expect("runs");
        (out.status.code().unwrap_or(-1), json_of(&out.stdout))
    };
    assert_eq!(code, 2);
    let msg = v["errors"][0]["message"].as_str().expect("message");
    assert!(
        msg.contains("helm template failed") && msg.contains("\"oops\" not defined"),
        "{msg}"
    );
}

#[test]
fn kube_linter_formats_from_the_command_line() {
    let out = kubeguard()
        .args([
            "lint",
            "--format",
            "kube-linter-json",
            "--do-not-auto-add-defaults",
        ])
        .args(["--include", "privileged-container", "-"])
        .write_stdin(PRIVILEGED)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).expect("utf-8");
    assert_eq!(text.lines().count(), 1);
    let v: Value = serde_json::from_str(&text).expect("json");
    assert_eq!(v["Reports"][0]["Check"], "privileged-container");
    assert_eq!(
        v["Reports"][0]["Object"]["K8sObject"]["GroupVersionKind"],
        serde_json::json!({"Group": "", "Version": "v1", "Kind": "Pod"})
    );
    assert_eq!(v["Summary"]["ChecksStatus"], "Failed");
    let end = v["Summary"]["CheckEndTime"].as_str().expect("time");
    assert!(
        end.len() == 20 && end.ends_with('Z') && end > "2024",
        "{end}"
    );

    kubeguard()
        .args([
            "lint",
            "--format",
            "kube-linter-plain",
            "--do-not-auto-add-defaults",
        ])
        .args(["--include", "privileged-container", "-"])
        .write_stdin("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers: []\n")
        .assert()
        .code(0)
        .stdout(predicate::str::ends_with("\n\nNo lint errors found!\n"));
}

/// A real `helm` when one is on PATH (CI gets one from scripts/install-helm.sh).
fn real_helm() -> Option<std::path::PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join("helm"))
        .find(|p| p.is_file())
}

#[test]
fn helm_charts_are_rendered_by_real_helm() {
    if real_helm().is_none() {
        eprintln!("note: no helm on PATH; skipping the real Helm rendering test");
        return;
    }
    let dir = tempfile::tempdir().expect("tmp");
    write_all(
        dir.path(),
        &[
            (
                "chart/Chart.yaml",
                "apiVersion: v2\nname: shop\nversion: 1.0.0\n",
            ),
            ("chart/values.yaml", "privileged: false\nreplicas: 1\n"),
            (
                "chart/templates/deployment.yaml",
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}-web\n  namespace: {{ .Release.Namespace }}\nspec:\n  replicas: {{ .Values.replicas }}\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: registry.example.com/web:1.0.0\n          securityContext:\n            privileged: {{ .Values.privileged }}\n",
            ),
            (
                "chart/charts/sub/Chart.yaml",
                "apiVersion: v2\nname: sub\nversion: 0.1.0\n",
            ),
            (
                "chart/charts/sub/templates/pod.yaml",
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: sub\nspec:\n  hostNetwork: true\n  containers:\n    - name: c\n      image: registry.example.com/c:1.0.0\n",
            ),
            ("prod.yaml", "privileged: true\n"),
        ],
    );
    let lint = |extra: &[&str]| {
        let out = kubeguard()
            .current_dir(dir.path())
            .args([
                "lint",
                "--format",
                "json",
                "--do-not-auto-add-defaults",
                "--include",
                "privileged-container,host-network",
            ])
            .args(extra)
            .output()
            .expect("runs");
        let v = json_of(&out.stdout);
        let found: Vec<(String, String, String, u64)> = v["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .map(|f| {
                (
                    f["check"].as_str().unwrap_or_default().to_string(),
                    f["object"]["name"].as_str().unwrap_or_default().to_string(),
                    f["location"]["path"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string(),
                    f["location"]["line"].as_u64().unwrap_or_default(),
                )
            })
            .collect();
        (out.status.code(), found, v)
    };
    // Defaults: only the subchart's pod is flagged, at its template's line.
    let (code, found, _) = lint(&["chart"]);
    assert_eq!(code, Some(1));
    assert_eq!(
        found,
        [(
            "host-network".to_string(),
            "sub".to_string(),
            "chart/charts/sub/templates/pod.yaml".to_string(),
            6
        )]
    );
    // Values, release name and namespace reach helm; ignore-paths drops the subchart.
    let (code, found, v) = lint(&[
        "--values",
        "prod.yaml",
        "--set",
        "replicas=3",
        "--release-name",
        "r1",
        "--namespace",
        "prod",
        "--ignore-paths",
        "chart/charts/**",
        "chart",
    ]);
    assert_eq!(code, Some(1));
    assert_eq!(found.len(), 1, "{v}");
    assert_eq!(found[0].0, "privileged-container");
    assert_eq!(found[0].1, "r1-web");
    assert_eq!(found[0].2, "chart/templates/deployment.yaml");
    let finding = &v["findings"][0];
    assert_eq!(finding["object"]["namespace"], "prod");
}

#[test]
fn schema_validation_counts_kinds_without_a_schema() {
    let dir = tempfile::tempdir().expect("tmp");
    write_all(
        dir.path(),
        &[(
            "in.yaml",
            "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: a}\n---\napiVersion: example.com/v1\nkind: Widget\nmetadata: {name: b}\n---\napiVersion: example.com/v1\nkind: CustomResourceDefinition\nmetadata: {name: x}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n",
        )],
    );
    let args = [
        "lint",
        "--do-not-auto-add-defaults",
        "--include",
        "schema-validation",
    ];
    let out = kubeguard()
        .current_dir(dir.path())
        .args(args)
        .args(["--format", "json", "in.yaml"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let v = json_of(&out.stdout);
    assert_eq!(
        v["summary"]["notes"],
        serde_json::json!([
            "schema-validation: 3 objects not validated, no schema for: example.com/v1/CustomResourceDefinition (1), example.com/v1/Widget (2)"
        ])
    );
    let out = kubeguard()
        .current_dir(dir.path())
        .args(args)
        .arg("in.yaml")
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("note: schema-validation: 3 objects not validated"),
        "{text}"
    );
    // Without such kinds there is no note at all.
    let out = kubeguard()
        .current_dir(dir.path())
        .args(args)
        .args(["--format", "json", "-"])
        .write_stdin("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n")
        .output()
        .expect("runs");
    assert!(json_of(&out.stdout)["summary"].get("notes").is_none());
}
