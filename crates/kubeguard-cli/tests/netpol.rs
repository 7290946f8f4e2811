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

fn conformance_root() -> Option<std::path::PathBuf> {
    let root =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance/netpol-analyzer");
    if root.is_dir() {
        Some(root)
    } else {
        eprintln!("note: ../shared/conformance/netpol-analyzer not found; skipped");
        None
    }
}

fn sorted_lines(s: &str) -> Vec<String> {
    let mut v: Vec<String> = s
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect();
    v.sort();
    v
}

fn run_map(format: &str) -> (Option<i32>, String) {
    let out = kubeguard()
        .args(["netpol", "map", "--format", format, "-"])
        .write_stdin(APP)
        .output()
        .expect("runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn map_prints_csv_md_dot_svg_and_netpol_analyzer_json() {
    let (code, csv) = run_map("csv");
    assert_eq!(code, Some(0));
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows[0], "src,dst,conn");
    assert!(rows.contains(&"shop/api[Deployment],shop/web[Deployment],TCP 8080"));

    let (code, md) = run_map("md");
    assert_eq!(code, Some(0));
    assert!(
        md.starts_with("| src | dst | conn |\n|-----|-----|------|\n"),
        "{md}"
    );
    assert!(md.contains("| shop/api[Deployment] | shop/web[Deployment] | TCP 8080 |\n"));

    let (code, dot) = run_map("dot");
    assert_eq!(code, Some(0));
    assert!(
        dot.starts_with("digraph {\n\tsubgraph \"cluster_shop[namespace]\" {\n"),
        "{dot}"
    );
    assert!(dot.contains(
        "\t\"shop/api[Deployment]\" -> \"shop/web[Deployment]\" [label=\"TCP 8080\" color=\"gold2\" fontcolor=\"darkgreen\" weight=0.5]\n"
    ));
    assert!(dot.trim_end().ends_with('}'));

    let (code, json) = run_map("netpol-analyzer-json");
    assert_eq!(code, Some(0));
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    let items = v.as_array().expect("an array");
    assert!(items.iter().any(|c| c["src"] == "shop/api[Deployment]"
        && c["dst"] == "shop/web[Deployment]"
        && c["conn"] == "TCP 8080"));

    let (code, svg) = run_map("svg");
    assert_eq!(code, Some(0));
    assert!(svg.contains("<svg"), "{svg}");
    assert!(svg.contains("shop/api[Deployment]"));
    assert!(svg.contains("TCP 8080"));
}

#[test]
fn map_formats_match_netpol_analyzer_on_its_minimal_example() {
    let Some(root) = conformance_root() else {
        return;
    };
    let dir = root.join("tests/netpol-analysis-example-minimal");
    for (format, ext) in [
        ("csv", "csv"),
        ("md", "md"),
        ("dot", "dot"),
        ("netpol-analyzer-json", "json"),
    ] {
        let expected = std::fs::read_to_string(root.join(format!(
            "test_outputs/connlist/netpol-analysis-example-minimal_connlist_output.{ext}"
        )))
        .expect("expected output");
        let out = kubeguard()
            .args(["netpol", "map", "--format", format])
            .arg(&dir)
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(0), "{format}");
        assert_eq!(
            String::from_utf8_lossy(&out.stdout).trim_end(),
            expected.trim_end(),
            "{format}"
        );
    }
}

const APP_V2_POLICY: &str = "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: api-from-web, namespace: shop}\nspec:\n  podSelector: {matchLabels: {app: api}}\n  ingress:\n  - from: [{podSelector: {matchLabels: {app: web}}}]\n    ports: [{port: 9000}]\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: cache, namespace: shop}\nspec:\n  selector: {matchLabels: {app: cache}}\n  template:\n    metadata: {labels: {app: cache}}\n    spec:\n      containers: [{name: cache, image: cache:1}]\n";

/// Two versions of the shop in `old/` and `new/` under a temporary directory.
fn two_versions() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::create_dir(dir.path().join("old")).expect("mkdir");
    std::fs::create_dir(dir.path().join("new")).expect("mkdir");
    std::fs::write(dir.path().join("old/app.yaml"), APP).expect("write");
    std::fs::write(
        dir.path().join("new/app.yaml"),
        format!("{APP}{APP_V2_POLICY}"),
    )
    .expect("write");
    dir
}

#[test]
fn diff_lists_changed_added_and_removed_connections() {
    let dir = two_versions();
    let out = kubeguard()
        .current_dir(dir.path())
        .args(["netpol", "diff", "old", "new"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "Connectivity diff:");
    // api now only admits web on TCP 9000.
    assert!(lines.contains(&"diff-type: changed, source: shop/web[Deployment], destination: shop/api[Deployment], dir1: All Connections, dir2: TCP 9000"), "{text}");
    assert!(lines.contains(&"diff-type: removed, source: 0.0.0.0-255.255.255.255[External], destination: shop/api[Deployment], dir1: All Connections, dir2: No Connections"), "{text}");
    // The new cache workload brings new connections, marked as such.
    assert!(lines.contains(&"diff-type: added, source: shop/web[Deployment], destination: shop/cache[Deployment], dir1: No Connections, dir2: All Connections, workloads-diff-info: workload shop/cache[Deployment] added"), "{text}");
    // Categories in order: changed, added, removed.
    let kinds: Vec<&str> = lines[1..]
        .iter()
        .map(|l| l.split(',').next().unwrap_or_default())
        .collect();
    let mut ordered = kinds.clone();
    ordered.sort_by_key(|k| match *k {
        "diff-type: changed" => 0,
        "diff-type: added" => 1,
        _ => 2,
    });
    assert_eq!(kinds, ordered);

    // --exit-code: 1 on differences.
    let out = kubeguard()
        .current_dir(dir.path())
        .args([
            "netpol",
            "diff",
            "--exit-code",
            "--format",
            "csv",
            "old",
            "new",
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let csv = String::from_utf8_lossy(&out.stdout);
    assert!(csv.starts_with("diff-type,source,destination,dir1,dir2,workloads-diff-info\n"));
    assert!(
        csv.contains(
            "changed,shop/web[Deployment],shop/api[Deployment],All Connections,TCP 9000,\n"
        )
    );

    // Files work as well as directories; the same version twice: no difference, no output.
    let out = kubeguard()
        .current_dir(dir.path())
        .args(["netpol", "diff", "--exit-code", "old/app.yaml", "old"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
}

#[test]
fn diff_dot_md_and_svg() {
    let dir = two_versions();
    let run = |format: &str| {
        let out = kubeguard()
            .current_dir(dir.path())
            .args(["netpol", "diff", "--format", format, "old", "new"])
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(0), "{format}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let md = run("md");
    assert!(md.starts_with("| diff-type | source | destination | dir1 | dir2 | workloads-diff-info |\n|-----------|--------|-------------|------|------|---------------------|\n"), "{md}");
    let dot = run("dot");
    // Changed edges are magenta, labelled with both versions; the new workload is green.
    assert!(dot.contains("\t\"shop/web[Deployment]\" -> \"shop/api[Deployment]\" [label=\"TCP 9000 (dir1: All Connections)\" color=\"magenta\" fontcolor=\"magenta\" weight=1]\n"), "{dot}");
    assert!(dot.contains("\t\t\"shop/cache[Deployment]\" [label=\"cache[Deployment]\" color=\"#008000\" fontcolor=\"#008000\"]\n"), "{dot}");
    assert!(dot.contains("\tsubgraph cluster_legend {\n"));
    let svg = run("svg");
    assert!(svg.contains("<svg") && svg.contains("TCP 9000 (dir1: All Connections)"));
}

#[test]
fn diff_input_errors_exit_2() {
    let dir = two_versions();
    // A missing side is fatal: no diff against nothing.
    let out = kubeguard()
        .current_dir(dir.path())
        .args(["netpol", "diff", "old", "missing"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing"));
    // stdin can be one side only.
    let out = kubeguard()
        .args(["netpol", "diff", "-", "-"])
        .write_stdin(APP)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    // One side from stdin.
    let out = kubeguard()
        .current_dir(dir.path())
        .args(["netpol", "diff", "-", "new"])
        .write_stdin(APP)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("Connectivity diff:\n"));
    // A bad document in one version: reported, exit 2, the rest still compared.
    std::fs::write(dir.path().join("new/broken.yaml"), "kind: [unclosed\n").expect("write");
    let out = kubeguard()
        .current_dir(dir.path())
        .args(["netpol", "diff", "old", "new"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("broken.yaml"));
    assert!(String::from_utf8_lossy(&out.stdout).contains("diff-type: changed"));
}

#[test]
fn diff_matches_netpol_analyzer_cli_outputs() {
    let Some(root) = conformance_root() else {
        return;
    };
    let tests = root.join("tests");
    for ext in ["txt", "csv", "md"] {
        let expected = std::fs::read_to_string(root.join(format!(
            "test_outputs/cli/diff_between_onlineboutique_workloads_changed_workloads_and_onlineboutique_workloads.{ext}"
        )))
        .expect("expected output");
        let out = kubeguard()
            .args(["netpol", "diff", "--format", ext])
            .arg(tests.join("onlineboutique_workloads"))
            .arg(tests.join("onlineboutique_workloads_changed_workloads"))
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(0), "{ext}");
        assert_eq!(
            sorted_lines(&String::from_utf8_lossy(&out.stdout)),
            sorted_lines(&expected),
            "{ext}"
        );
    }
}

#[test]
fn map_focus_options_match_netpol_analyzer() {
    let Some(root) = conformance_root() else {
        return;
    };
    let dir = root.join("tests/onlineboutique_workloads");
    for (format, ext) in [
        ("txt", "txt"),
        ("csv", "csv"),
        ("md", "md"),
        ("dot", "dot"),
        ("netpol-analyzer-json", "json"),
    ] {
        let expected = std::fs::read_to_string(root.join(format!(
            "test_outputs/cli/onlineboutique_workloads_focus_workload_emailservice_connlist_output.{ext}"
        )))
        .expect("expected output");
        let out = kubeguard()
            .args([
                "netpol",
                "map",
                "--focus-workload",
                "emailservice",
                "--format",
                format,
            ])
            .arg(&dir)
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(0), "{format}");
        assert_eq!(
            String::from_utf8_lossy(&out.stdout).trim_end(),
            expected.trim_end(),
            "{format}"
        );
    }
    // A focus connection lists the pairs allowing it under a header.
    let out = kubeguard()
        .args(["netpol", "map", "--focus-conn", "udp-52"])
        .arg(root.join("tests/anp_banp_blog_demo"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let expected = std::fs::read_to_string(
        root.join("test_outputs/connlist/anp_banp_blog_demo_udp-52_connlist_output.txt"),
    )
    .expect("expected output");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim_end(),
        expected.trim_end()
    );
}

#[test]
fn map_focus_flags_are_validated() {
    for args in [
        &["netpol", "map", "--focus-conn", "http", "-"][..],
        &["netpol", "map", "--focus-direction", "ingress", "-"][..],
        &[
            "netpol",
            "map",
            "--focus-workload",
            "web",
            "--focus-direction",
            "up",
            "-",
        ][..],
    ] {
        let out = kubeguard()
            .args(args)
            .write_stdin(APP)
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
    let out = kubeguard()
        .args([
            "netpol",
            "map",
            "--focus-workload",
            "web",
            "--focus-direction",
            "ingress",
            "-",
        ])
        .write_stdin(APP)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "shop/api[Deployment] => shop/web[Deployment] : TCP 8080\n"
    );
}

#[test]
fn map_explain_names_the_deciding_policy() {
    let out = kubeguard()
        .args(["netpol", "map", "--explain", "--focus-workload", "web", "-"])
        .write_stdin(APP)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("web-from-api"), "{text}");
    let out = kubeguard()
        .args(["netpol", "map", "--explain", "--format", "csv", "-"])
        .write_stdin(APP)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--explain"));
}

#[test]
fn map_formats_with_several_networks_match_netpol_analyzer() {
    let Some(root) = conformance_root() else {
        return;
    };
    let dir = root.join("tests/nad_test_4");
    for (extra, stem) in [
        (&["--focus-conn", "tcp-80"][..], "nad_test_4_tcp-80"),
        (
            &[
                "--focus-workload",
                "pod2",
                "--focus-direction",
                "ingress",
                "--focus-workload-peer",
                "pod3",
                "--focus-conn",
                "tcp-80",
            ][..],
            "nad_test_4_focus_workload_pod2_ingress_with_pod3_tcp-80",
        ),
        (&[][..], "nad_test_4"),
    ] {
        for (format, ext) in [
            ("txt", "txt"),
            ("csv", "csv"),
            ("md", "md"),
            ("dot", "dot"),
            ("netpol-analyzer-json", "json"),
        ] {
            let expected = root.join(format!(
                "test_outputs/connlist/{stem}_connlist_output.{ext}"
            ));
            let Ok(expected) = std::fs::read_to_string(expected) else {
                continue;
            };
            let out = kubeguard()
                .args(["netpol", "map", "--format", format])
                .args(extra)
                .arg(&dir)
                .output()
                .expect("runs");
            assert_eq!(out.status.code(), Some(0), "{stem}.{ext}");
            assert_eq!(
                sorted_lines(&String::from_utf8_lossy(&out.stdout)),
                sorted_lines(&expected),
                "{stem}.{ext}"
            );
        }
    }
}

#[test]
fn diff_json_lists_differences_and_errors() {
    let dir = two_versions();
    let out = kubeguard()
        .current_dir(dir.path())
        .args(["netpol", "diff", "--format", "json", "old", "new"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["version"], 1);
    assert_eq!(v["dir1"], "old");
    let diffs = v["differences"].as_array().expect("differences");
    assert!(diffs.iter().any(|d| d["type"] == "changed"
        && d["src"] == "shop/web[Deployment]"
        && d["dst"] == "shop/api[Deployment]"
        && d["dir1"] == "All Connections"
        && d["dir2"] == "TCP 9000"));
    assert!(diffs.iter().any(|d| d["type"] == "added"
        && d["src"] == "shop/cache[Deployment]"
        && d["newOrLostSrc"] == true));
    assert!(diffs.iter().all(|d| d["type"] != "unchanged"));
    // The same version twice: an empty list, not an empty output.
    let out = kubeguard()
        .current_dir(dir.path())
        .args(["netpol", "diff", "--format", "json", "old", "old"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["differences"].as_array().map(Vec::len), Some(0));
}

#[test]
fn map_json_names_networks_when_there_are_several() {
    let Some(root) = conformance_root() else {
        return;
    };
    let out = kubeguard()
        .args(["netpol", "map", "--format", "json"])
        .arg(root.join("tests/nad_test_3"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let conns = v["connections"].as_array().expect("connections");
    assert!(conns.iter().any(|c| c["src"] == "ns2/pod3[Pod]"
        && c["dst"] == "ns1/pod2[Pod]"
        && c["conns"] == "TCP 80"
        && c["network"] == "l2-network"));
    assert!(conns.iter().all(|c| c["network"].is_string()));
}

#[test]
fn svg_refuses_graphs_too_large_to_lay_out() {
    // 14 workloads without policies: 182 connections between them, more than the layout's
    // limit; the command stops at once with a hint instead of laying out for minutes.
    let mut yaml = String::new();
    for i in 0..14 {
        yaml.push_str(&format!(
            "apiVersion: v1\nkind: Pod\nmetadata: {{name: p{i}, namespace: ns}}\nspec: {{containers: [{{name: c}}]}}\n---\n"
        ));
    }
    let out = kubeguard()
        .args(["netpol", "map", "--format", "svg", "-"])
        .write_stdin(yaml.clone())
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--format dot"), "{err}");
    // Narrowed with a focus workload it fits.
    let out = kubeguard()
        .args([
            "netpol",
            "map",
            "--format",
            "svg",
            "--focus-workload",
            "p1",
            "-",
        ])
        .write_stdin(yaml)
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("<svg"));
}
