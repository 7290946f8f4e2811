//! The `kube-linter-json` and `kube-linter-plain` formats: KubeLinter's report shapes.

mod common;

use common::*;
use kubeguard_engine::Report;
use kubeguard_report::{Format, GO_ZERO_TIME, RenderOptions};
use serde_json::{Value, json};

fn fixed_time() -> RenderOptions {
    RenderOptions {
        tool_version: "v0.0.0-test",
        check_end_time: Some("2026-01-02T03:04:05Z".into()),
        ..RenderOptions::default()
    }
}

#[test]
fn snapshot_json() {
    insta::assert_snapshot!(
        "kube_linter_json",
        render_string(Format::KubeLinterJson, &sample_report(), &fixed_time())
    );
}

#[test]
fn snapshot_plain() {
    insta::assert_snapshot!(
        "kube_linter_plain",
        render_string(Format::KubeLinterPlain, &sample_report(), &fixed_time())
    );
}

#[test]
fn json_is_one_line_with_kube_linter_keys() {
    let out = render_string(Format::KubeLinterJson, &sample_report(), &fixed_time());
    assert_eq!(out.matches('\n').count(), 1);
    assert!(out.ends_with("}\n"));
    let v: Value = serde_json::from_str(&out).expect("valid JSON");
    let keys: Vec<&str> = v
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["Checks", "Reports", "Summary"]);
    let reports = v["Reports"].as_array().expect("array");
    // Active findings only: the suppressed one is left out, even with show_suppressed.
    assert_eq!(reports.len(), 5);
    let priv_report = reports
        .iter()
        .find(|r| r["Check"] == "privileged-container")
        .expect("report");
    assert_eq!(
        *priv_report,
        json!({
            "Diagnostic": {"Message": "container \"web\" is privileged"},
            "Check": "privileged-container",
            "Remediation": "Set `securityContext.privileged: false`.",
            "Object": {
                "Metadata": {"FilePath": "k8s/web.yaml"},
                "K8sObject": {"Namespace": "default", "Name": "web",
                    "GroupVersionKind": {"Group": "apps", "Version": "v1", "Kind": "Deployment"}}
            }
        })
    );
    assert_eq!(
        v["Summary"],
        json!({"ChecksStatus": "Failed", "CheckEndTime": "2026-01-02T03:04:05Z", "KubeLinterVersion": "v0.0.0-test"})
    );
    let with_suppressed = RenderOptions {
        show_suppressed: true,
        ..fixed_time()
    };
    let again = render_string(Format::KubeLinterJson, &sample_report(), &with_suppressed);
    assert_eq!(again, out);
}

#[test]
fn json_empty_report_has_null_lists_and_zero_time() {
    let out = render_string(Format::KubeLinterJson, &Report::default(), &plain());
    let v: Value = serde_json::from_str(&out).expect("valid JSON");
    assert_eq!(v["Reports"], Value::Null);
    assert_eq!(v["Checks"], Value::Null);
    assert_eq!(v["Summary"]["ChecksStatus"], "Passed");
    assert_eq!(v["Summary"]["CheckEndTime"], GO_ZERO_TIME);
}

#[test]
fn json_escapes_html_characters_like_go() {
    let mut report = sample_report();
    report.findings[0].message = "a <b> & c".into();
    let out = render_string(Format::KubeLinterJson, &report, &fixed_time());
    assert!(out.contains(r#""a \u003cb\u003e \u0026 c""#), "{out}");
}

#[test]
fn plain_core_group_and_no_namespace() {
    let out = render_string(Format::KubeLinterPlain, &sample_report(), &fixed_time());
    assert!(out.starts_with("KubeLinter v0.0.0-test\n\n"));
    assert!(out.contains(
        "k8s/db.yaml: (object: <no namespace>/db /v1, Kind=Pod) pod shares the host's network namespace (check: host-network, remediation: Remove `hostNetwork: true`.)\n\n"
    ));
    assert!(!out.contains("No lint errors found!"));
}

#[test]
fn plain_without_findings() {
    let out = render_string(Format::KubeLinterPlain, &Report::default(), &fixed_time());
    assert_eq!(out, "KubeLinter v0.0.0-test\n\nNo lint errors found!\n");
}
