//! The `sarif` format, validated against the official SARIF 2.1.0 JSON schema.

mod common;

use common::*;
use kubeguard_engine::{InputError, Report};
use kubeguard_report::{FINGERPRINT_KEY, Format, RenderOptions, fingerprint};
use serde_json::{Value, json};

/// The SARIF 2.1.0 schema (see tests/data/README.md for its source).
const SCHEMA: &str = include_str!("data/sarif-schema-2.1.0.json");

/// A pattern of the published schema (on `run.language` and `toolComponent.language`) that is
/// not a valid ECMA-262 regex in Unicode mode (a stray `]`), which `jsonschema` rejects when it
/// checks the schema against the draft-07 meta-schema.
const LANGUAGE_PATTERN: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";

/// Replaces every `"pattern": LANGUAGE_PATTERN` in `v`; returns how many.
fn escape_language_patterns(v: &mut Value) -> usize {
    match v {
        Value::Object(map) => {
            let mut n = 0;
            for (key, value) in map.iter_mut() {
                if key == "pattern" && value == LANGUAGE_PATTERN {
                    // Escaping the stray `]` keeps its meaning (a literal, as non-Unicode
                    // ECMA-262 reads it). kubeguard writes neither `language` property.
                    *value = json!(r"^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\]?$");
                    n += 1;
                } else {
                    n += escape_language_patterns(value);
                }
            }
            n
        }
        Value::Array(items) => items.iter_mut().map(escape_language_patterns).sum(),
        _ => 0,
    }
}

fn validator() -> jsonschema::Validator {
    let mut schema: Value = serde_json::from_str(SCHEMA).expect("the schema is JSON");
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    assert_eq!(
        escape_language_patterns(&mut schema),
        2,
        "the schema file is the one described in tests/data/README.md"
    );
    jsonschema::draft7::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles")
}

/// Every schema violation of `instance`, as `path: message` lines.
fn violations(instance: &Value) -> Vec<String> {
    validator()
        .iter_errors(instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

fn sarif_of(report: &Report, opts: &RenderOptions) -> Value {
    serde_json::from_str(&render_string(Format::Sarif, report, opts))
        .expect("the sarif format is valid JSON")
}

fn results(v: &Value) -> &Vec<Value> {
    v["runs"][0]["results"].as_array().expect("results array")
}

fn result_of<'v>(v: &'v Value, check: &str) -> &'v Value {
    results(v)
        .iter()
        .find(|r| r["ruleId"] == check)
        .expect("a result of the check")
}

#[test]
fn snapshot() {
    let opts = plain();
    insta::assert_snapshot!(
        "sarif",
        redact_version(
            &render_string(Format::Sarif, &sample_report(), &opts),
            &opts
        )
    );
}

#[test]
fn output_validates_against_the_sarif_2_1_0_schema() {
    for opts in [plain(), everything()] {
        let v = sarif_of(&sample_report(), &opts);
        assert_eq!(violations(&v), Vec::<String>::new());
    }
    // A clean run (no findings, no errors, no checks) is valid too.
    let v = sarif_of(&Report::default(), &plain());
    assert_eq!(violations(&v), Vec::<String>::new());
}

#[test]
fn the_schema_validation_is_not_vacuous() {
    let valid = sarif_of(&sample_report(), &plain());
    let mut bad_level = valid.clone();
    bad_level["runs"][0]["results"][0]["level"] = json!("fatal");
    assert!(!violations(&bad_level).is_empty());
    let mut zero_line = valid.clone();
    zero_line["runs"][0]["results"][1]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        json!(0);
    assert!(!violations(&zero_line).is_empty());
    let mut unknown = valid.clone();
    unknown["runs"][0]["tool"]["driver"]["colour"] = json!("red");
    assert!(!violations(&unknown).is_empty());
    let mut bad_uri = valid;
    bad_uri["runs"][0]["results"][1]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] =
        json!("k8s/a b|c.yaml");
    assert!(
        !violations(&bad_uri).is_empty(),
        "uri-reference format is checked"
    );
}

#[test]
fn log_run_and_driver() {
    let v = sarif_of(&sample_report(), &plain());
    assert_eq!(v["version"], "2.1.0");
    assert_eq!(
        v["$schema"],
        "https://json.schemastore.org/sarif-2.1.0.json"
    );
    assert_eq!(v["runs"].as_array().expect("runs").len(), 1);
    let run = &v["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "kubeguard");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(driver["informationUri"], "https://kubeguard.dev");
    let ids: Vec<&str> = driver["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .map(|r| r["id"].as_str().expect("id"))
        .collect();
    let expected: Vec<String> = sample_checks().iter().map(|c| c.name.clone()).collect();
    assert_eq!(ids, expected);
}

#[test]
fn rule_metadata() {
    let v = sarif_of(&sample_report(), &plain());
    let rules = v["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    let rule = rules
        .iter()
        .find(|r| r["id"] == "privileged-container")
        .expect("rule");
    assert_eq!(
        rule["shortDescription"]["text"],
        "Containers running in privileged mode."
    );
    assert_eq!(
        rule["fullDescription"]["text"],
        "A privileged container has all capabilities and device access: it is root on the node."
    );
    assert_eq!(
        rule["help"]["text"],
        "Set `securityContext.privileged: false`."
    );
    assert_eq!(
        rule["help"]["markdown"],
        "Set `securityContext.privileged: false`.\n\n[Documentation of `privileged-container`](https://kubeguard.dev/checks/privileged-container)"
    );
    assert_eq!(
        rule["helpUri"],
        "https://kubeguard.dev/checks/privileged-container"
    );
    assert_eq!(rule["defaultConfiguration"]["level"], "error");
    assert_eq!(
        rule["properties"],
        json!({"tags": ["security", "external/cis/5.2.2", "external/mitre/MS-TA9018", "external/pss/baseline/privileged"],
               "severity": "high", "category": "security", "security-severity": "8.0"})
    );
    // A custom (not built-in) check has no documentation page.
    let custom = rules
        .iter()
        .find(|r| r["id"] == "require-network-policy")
        .expect("rule");
    assert!(custom.get("helpUri").is_none());
    assert_eq!(
        custom["help"]["markdown"],
        "Add a default-deny NetworkPolicy to the namespace."
    );
    assert_eq!(custom["defaultConfiguration"]["level"], "note");
    assert!(
        custom["properties"].get("security-severity").is_none(),
        "only security checks get a score"
    );
}

#[test]
fn results_levels_and_rule_indexes() {
    let v = sarif_of(&sample_report(), &plain());
    let rules = v["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    for (check, level) in [
        ("host-network", "error"),
        ("privileged-container", "error"),
        ("latest-tag", "warning"),
        ("resource-limits", "note"),
        ("require-network-policy", "note"),
    ] {
        let r = result_of(&v, check);
        assert_eq!(r["level"], level, "{check}");
        let index = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], check);
    }
    assert_eq!(
        result_of(&v, "privileged-container")["message"]["text"],
        "container \"web\" is privileged"
    );
}

#[test]
fn physical_and_logical_locations() {
    let v = sarif_of(&sample_report(), &plain());
    let loc = &result_of(&v, "latest-tag")["locations"][0];
    assert_eq!(
        loc["physicalLocation"],
        json!({"artifactLocation": {"uri": "k8s/web.yaml"}, "region": {"startLine": 13, "startColumn": 47, "endLine": 13, "endColumn": 53}})
    );
    assert_eq!(
        loc["logicalLocations"],
        json!([{"name": "web", "fullyQualifiedName": "Deployment/default/web", "kind": "resource"}])
    );
    let multi = &result_of(&v, "resource-limits")["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        *multi,
        json!({"startLine": 8, "startColumn": 7, "endLine": 9, "endColumn": 25})
    );
    // Without a location: only the logical location, no physical one.
    let nowhere = &result_of(&v, "require-network-policy")["locations"][0];
    assert!(nowhere.get("physicalLocation").is_none());
    assert_eq!(
        nowhere["logicalLocations"][0]["fullyQualifiedName"],
        "Namespace/prod"
    );
}

#[test]
fn windows_paths_become_forward_slash_uris() {
    let mut report = sample_report();
    for f in &mut report.findings {
        if let Some(l) = f.location.as_mut() {
            l.path = l.path.replace('/', "\\").into();
        }
    }
    let v = sarif_of(&report, &plain());
    assert_eq!(
        result_of(&v, "latest-tag")["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "k8s/web.yaml"
    );
}

#[test]
fn fingerprints_ignore_location_but_not_identity() {
    let report = sample_report();
    let v = sarif_of(&report, &plain());
    let fps: Vec<&str> = results(&v)
        .iter()
        .map(|r| {
            r["partialFingerprints"][FINGERPRINT_KEY]
                .as_str()
                .expect("fingerprint")
        })
        .collect();
    assert!(
        fps.iter()
            .all(|fp| fp.len() == 16 && fp.chars().all(|c| c.is_ascii_hexdigit()))
    );
    let mut unique = fps.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(
        unique.len(),
        fps.len(),
        "distinct findings have distinct fingerprints"
    );

    let f = report
        .findings
        .iter()
        .find(|f| &*f.check == "privileged-container")
        .expect("finding");
    let mut moved = f.clone();
    if let Some(l) = moved.location.as_mut() {
        l.start.line += 10;
        l.end.line += 10;
    }
    moved.message = "reworded".into();
    std::sync::Arc::make_mut(&mut moved.object).api_version = "apps/v1beta2".into();
    assert_eq!(
        fingerprint(&moved),
        fingerprint(f),
        "location, message and apiVersion do not matter"
    );
    let mut other = f.clone();
    std::sync::Arc::make_mut(&mut other.object).name = "api".into();
    assert_ne!(fingerprint(&other), fingerprint(f));
    let mut other_field = f.clone();
    other_field.field = "spec.template.spec.containers[1].securityContext.privileged".into();
    assert_ne!(fingerprint(&other_field), fingerprint(f));
    // Pinned (computed independently with a Python FNV-1a): it must never change between releases.
    assert_eq!(fingerprint(f), "7d3c3a29a090e41d");
}

#[test]
fn suppressed_findings_carry_suppressions() {
    for opts in [plain(), everything()] {
        let v = sarif_of(&sample_report(), &opts);
        assert_eq!(
            results(&v).len(),
            6,
            "SARIF always includes suppressed results"
        );
        let sup = result_of(&v, "run-as-non-root");
        assert_eq!(
            sup["suppressions"],
            json!([{"kind": "inSource", "status": "accepted", "justification": "legacy image needs root",
                    "properties": {"mechanism": "comment", "source": "kubeguard:ignore run-as-non-root -- legacy image needs root"}}])
        );
        assert!(result_of(&v, "latest-tag").get("suppressions").is_none());
    }
}

#[test]
fn config_suppressions_are_external() {
    let mut report = sample_report();
    for f in &mut report.findings {
        if let Some(s) = f.suppressed.as_mut() {
            s.kind = "config";
            s.reason = None;
        }
    }
    let v = sarif_of(&report, &plain());
    let sup = &result_of(&v, "run-as-non-root")["suppressions"][0];
    assert_eq!(sup["kind"], "external");
    assert!(sup.get("justification").is_none());
    assert_eq!(violations(&v), Vec::<String>::new());
}

#[test]
fn input_errors_are_tool_execution_notifications() {
    let v = sarif_of(&sample_report(), &plain());
    let inv = &v["runs"][0]["invocations"][0];
    assert_eq!(inv["executionSuccessful"], false);
    assert_eq!(
        inv["toolExecutionNotifications"],
        json!([{"level": "error", "message": {"text": "mapping values are not allowed in this context"},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": "k8s/bad.yaml"},
                                                    "region": {"startLine": 3, "startColumn": 7}}}]}])
    );

    let mut clean = sample_report();
    clean.errors.clear();
    clean.finish();
    let v = sarif_of(&clean, &plain());
    let inv = &v["runs"][0]["invocations"][0];
    assert_eq!(inv["executionSuccessful"], true);
    assert!(inv.get("toolExecutionNotifications").is_none());

    // An error without a position has a location without a region.
    let mut unplaced = Report::default();
    unplaced.errors.push(InputError {
        path: "<stdin>".into(),
        line: None,
        column: None,
        message: "not UTF-8".into(),
    });
    unplaced.finish();
    let v = sarif_of(&unplaced, &plain());
    assert_eq!(
        v["runs"][0]["invocations"][0]["toolExecutionNotifications"][0]["locations"][0]["physicalLocation"],
        json!({"artifactLocation": {"uri": "%3Cstdin%3E"}})
    );
    assert_eq!(violations(&v), Vec::<String>::new());
}
