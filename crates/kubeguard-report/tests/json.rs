//! The `json` format: the contract of docs/json-format.md.

mod common;

use common::*;
use kubeguard_engine::Report;
use kubeguard_report::{Format, JSON_FORMAT_VERSION, RenderOptions};
use serde_json::{Value, json};

fn json_of(report: &Report, opts: &RenderOptions) -> (String, Value) {
    let out = render_string(Format::Json, report, opts);
    let value = serde_json::from_str(&out).expect("the json format is valid JSON");
    (out, value)
}

#[test]
fn snapshot_default() {
    let opts = plain();
    insta::assert_snapshot!(
        "json_default",
        redact_version(&render_string(Format::Json, &sample_report(), &opts), &opts)
    );
}

#[test]
fn snapshot_show_suppressed() {
    let opts = everything();
    insta::assert_snapshot!(
        "json_show_suppressed",
        redact_version(&render_string(Format::Json, &sample_report(), &opts), &opts)
    );
}

#[test]
fn top_level_keys_version_and_tool() {
    let (out, v) = json_of(&sample_report(), &plain());
    let keys: Vec<&str> = v
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["version", "tool", "summary", "findings", "errors"]);
    assert_eq!(v["version"], json!(JSON_FORMAT_VERSION));
    assert_eq!(
        v["tool"],
        json!({"name": "kubeguard", "version": env!("CARGO_PKG_VERSION")})
    );
    assert!(
        out.ends_with("}\n") && !out.ends_with("\n\n"),
        "exactly one trailing newline"
    );
    assert!(
        out.starts_with("{\n  \"version\": 1,\n"),
        "pretty-printed with two-space indents"
    );
}

#[test]
fn summary_and_by_severity_order() {
    let (_, v) = json_of(&sample_report(), &plain());
    assert_eq!(
        v["summary"],
        json!({"files": 4, "documents": 4, "objects": 3, "skipped": 1, "findings": 5, "suppressed": 1, "errors": 1,
               "by_severity": {"critical": 1, "high": 1, "medium": 1, "low": 1, "info": 1}})
    );
    let summary_keys: Vec<&str> = v["summary"]
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        summary_keys,
        [
            "files",
            "documents",
            "objects",
            "skipped",
            "findings",
            "suppressed",
            "errors",
            "by_severity"
        ]
    );
    let order: Vec<&str> = v["summary"]["by_severity"]
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(order, ["critical", "high", "medium", "low", "info"]);
}

#[test]
fn by_severity_has_every_key_even_when_empty() {
    let (_, v) = json_of(&Report::default(), &plain());
    assert_eq!(
        v["summary"]["by_severity"],
        json!({"critical": 0, "high": 0, "medium": 0, "low": 0, "info": 0})
    );
    assert_eq!(v["findings"], json!([]));
    assert_eq!(v["errors"], json!([]));
}

#[test]
fn a_located_finding_in_full() {
    let (_, v) = json_of(&sample_report(), &plain());
    let f = v["findings"]
        .as_array()
        .expect("array")
        .iter()
        .find(|f| f["check"] == "privileged-container")
        .expect("finding");
    assert_eq!(
        *f,
        json!({
            "check": "privileged-container",
            "severity": "high",
            "message": "container \"web\" is privileged",
            "remediation": "Set `securityContext.privileged: false` on container \"web\".",
            "object": {"apiVersion": "apps/v1", "kind": "Deployment", "namespace": "default", "name": "web"},
            "location": {"path": "k8s/web.yaml", "line": 15, "column": 25, "end_line": 15, "end_column": 29},
            "field": "spec.template.spec.containers[0].securityContext.privileged",
            "references": {"cis": ["5.2.2"], "mitre": ["MS-TA9018"], "pss": ["baseline/privileged"]}
        })
    );
    let keys: Vec<&str> = f
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "check",
            "severity",
            "message",
            "remediation",
            "object",
            "location",
            "field",
            "references"
        ]
    );
}

#[test]
fn columns_are_characters_and_absent_location_is_null() {
    let (_, v) = json_of(&sample_report(), &plain());
    let findings = v["findings"].as_array().expect("array");
    let latest = findings
        .iter()
        .find(|f| f["check"] == "latest-tag")
        .expect("latest-tag");
    assert_eq!(
        latest["location"],
        json!({"path": "k8s/web.yaml", "line": 13, "column": 47, "end_line": 13, "end_column": 53})
    );
    // No remediation on the finding: the check's is used.
    assert_eq!(
        latest["remediation"],
        "Pin the image to a version tag or a digest."
    );
    let nowhere = findings
        .iter()
        .find(|f| f["check"] == "require-network-policy")
        .expect("no-location finding");
    assert_eq!(nowhere["location"], Value::Null);
    assert_eq!(nowhere["object"]["namespace"], Value::Null);
    assert_eq!(nowhere["field"], "");
}

#[test]
fn suppressed_only_with_show_suppressed() {
    let report = sample_report();
    let (_, v) = json_of(&report, &plain());
    assert_eq!(v["findings"].as_array().expect("array").len(), 5);
    assert!(
        v["findings"]
            .as_array()
            .expect("array")
            .iter()
            .all(|f| f.get("suppressed").is_none())
    );

    let (_, v) = json_of(&report, &everything());
    let findings = v["findings"].as_array().expect("array");
    assert_eq!(findings.len(), 6);
    let sup: Vec<&Value> = findings
        .iter()
        .filter(|f| f.get("suppressed").is_some())
        .collect();
    assert_eq!(sup.len(), 1);
    assert_eq!(sup[0]["check"], "run-as-non-root");
    assert_eq!(
        sup[0]["suppressed"],
        json!({"kind": "comment", "source": "kubeguard:ignore run-as-non-root -- legacy image needs root", "reason": "legacy image needs root"})
    );
    // The summary counts do not depend on the option.
    assert_eq!(v["summary"]["findings"], 5);
    assert_eq!(v["summary"]["suppressed"], 1);
}

#[test]
fn findings_keep_report_order_and_errors_are_listed() {
    let report = sample_report();
    let (_, v) = json_of(&report, &plain());
    let checks: Vec<&str> = v["findings"]
        .as_array()
        .expect("array")
        .iter()
        .map(|f| f["check"].as_str().expect("string"))
        .collect();
    let expected: Vec<&str> = report.active().map(|f| &*f.check).collect();
    assert_eq!(checks, expected);
    assert_eq!(
        v["errors"],
        json!([{"path": "k8s/bad.yaml", "line": 3, "column": 7, "message": "mapping values are not allowed in this context"}])
    );
}

#[test]
fn output_is_deterministic() {
    let a = render_string(Format::Json, &sample_report(), &everything());
    let b = render_string(Format::Json, &sample_report(), &everything());
    assert_eq!(a, b);
}
