//! Decisions on AdmissionReviews as the API server sends them, without the network.

mod common;

use common::*;
use kubeguard_engine::{Config, RunOptions};
use kubeguard_model::{Context, Object};
use kubeguard_server::{Mode, Outcome, Policy, Verdict, decide, parse_review};
use serde_json::Value;

fn policy(config: &str) -> Policy {
    Policy::from_text("kubeguard.yaml", config, "kubeguard").expect("valid configuration")
}

fn run(p: &Policy, review: &Value) -> (Verdict, Value) {
    let req = parse_review(&bytes(review)).expect("a valid review");
    let v = decide(p, &req);
    let body: Value = serde_json::from_slice(&v.body()).expect("json answer");
    (v, body)
}

#[test]
fn clean_deployment_is_allowed_with_uid_and_version_of_the_request() {
    let (v, body) = run(
        &Policy::load(None, "kubeguard").expect("defaults"),
        &deployment(),
    );
    assert_eq!(v.outcome, Outcome::Allowed, "{:?}", v.violations);
    assert!(v.violations.is_empty(), "{:?}", v.violations);
    assert_eq!(body["apiVersion"], "admission.k8s.io/v1");
    assert_eq!(body["kind"], "AdmissionReview");
    assert_eq!(
        body["response"]["uid"],
        "705ab4f5-6393-11e8-b7cc-42010a800002"
    );
    assert_eq!(body["response"]["allowed"], true);
    assert!(body["response"].get("warnings").is_none());
}

#[test]
fn privileged_deployment_is_denied_with_check_field_and_remediation() {
    let (v, body) = run(
        &Policy::load(None, "kubeguard").expect("defaults"),
        &privileged_deployment(),
    );
    assert_eq!(v.outcome, Outcome::Denied);
    let r = &body["response"];
    assert_eq!(r["allowed"], false);
    assert_eq!(r["status"]["code"], 403);
    let msg = r["status"]["message"].as_str().expect("message");
    assert!(
        msg.starts_with("kubeguard denied Deployment shop/web ("),
        "{msg}"
    );
    assert!(msg.contains("\n- privileged-container: "), "{msg}");
    assert!(
        msg.contains("(field spec.template.spec.containers[0].securityContext.privileged)"),
        "{msg}"
    );
    assert!(msg.contains("; fix: "), "{msg}");
    // privilege-escalation-container (high) also enforces; each is listed.
    assert!(
        msg.contains("\n- privilege-escalation-container: "),
        "{msg}"
    );
    assert!(
        v.violations
            .iter()
            .filter(|x| x.mode == Mode::Enforce)
            .count()
            >= 2
    );
}

#[test]
fn medium_findings_warn() {
    let (v, body) = run(
        &Policy::load(None, "kubeguard").expect("defaults"),
        &latest_tag_deployment(),
    );
    assert_eq!(v.outcome, Outcome::Warned);
    assert_eq!(body["response"]["allowed"], true);
    let warnings = body["response"]["warnings"].as_array().expect("warnings");
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    let w = warnings[0].as_str().expect("string");
    assert!(
        w.starts_with(
            "kubeguard latest-tag at spec.template.spec.containers[0].image: The container \"web\""
        ),
        "{w}"
    );
    // Long messages are cut to what the API server keeps.
    assert_eq!(w.chars().count(), 256);
    assert!(w.ends_with("..."));
}

#[test]
fn the_webhook_finds_what_lint_finds() {
    // The object as a manifest, through the lint path: the same checks must fire.
    let review = privileged_deployment();
    let text = review["request"]["object"].to_string();
    let (objects, errors) = Object::parse_all("web.json", &text);
    assert!(errors.is_empty());
    let engine = kubeguard_checks::engine(&Config::default()).expect("engine");
    let mut lint: Vec<String> = engine
        .run(&Context::new(objects), &RunOptions::default())
        .into_iter()
        .map(|f| format!("{} {}", f.check, f.field))
        .collect();
    let (v, _) = run(&Policy::load(None, "kubeguard").expect("defaults"), &review);
    let mut hook: Vec<String> = v
        .violations
        .iter()
        .map(|x| format!("{} {}", x.check, x.field))
        .collect();
    lint.sort();
    hook.sort();
    assert!(!lint.is_empty());
    assert_eq!(lint, hook);
}

#[test]
fn v1beta1_reviews_are_answered_in_v1beta1() {
    let (v, body) = run(
        &Policy::load(None, "kubeguard").expect("defaults"),
        &review("pod-create-v1beta1.json"),
    );
    assert_eq!(body["apiVersion"], "admission.k8s.io/v1beta1");
    assert_eq!(
        body["response"]["uid"],
        "0c9a8d74-9cb7-44dd-b98e-09fd62def2f4"
    );
    assert_eq!(v.outcome, Outcome::Denied);
    let msg = body["response"]["status"]["message"].as_str().expect("msg");
    for check in ["privileged-container", "host-pid", "sensitive-host-mounts"] {
        assert!(msg.contains(&format!("- {check}: ")), "{check}: {msg}");
    }
}

#[test]
fn dry_run_is_answered_the_same_and_flagged() {
    let mut r = privileged_deployment();
    r["request"]["dryRun"] = Value::Bool(true);
    let (v, body) = run(&Policy::load(None, "kubeguard").expect("defaults"), &r);
    assert!(v.dry_run);
    assert_eq!(v.outcome, Outcome::Denied);
    assert_eq!(body["response"]["allowed"], false);
}

#[test]
fn exec_is_denied_where_configured() {
    let exec = review("pod-exec-connect.json");
    let (v, body) = run(&Policy::load(None, "kubeguard").expect("defaults"), &exec);
    assert_eq!(v.outcome, Outcome::Allowed, "exec is allowed by default");
    assert_eq!(body["response"]["allowed"], true);

    let p = policy(
        "serve:\n  connect:\n    deny:\n    - namespaces: [pay*]\n      subresources: [exec, attach]\n",
    );
    let (v, body) = run(&p, &exec);
    assert_eq!(v.outcome, Outcome::Denied);
    let msg = body["response"]["status"]["message"].as_str().expect("msg");
    assert!(
        msg.starts_with("kubeguard denied pods/exec on pod payments/web-7d4b9c8f6-x2x9q"),
        "{msg}"
    );
    assert!(msg.contains("MS-TA9006"), "{msg}");
    assert_eq!(v.violations[0].check, "pods/exec");

    let mut pf = exec.clone();
    pf["request"]["subResource"] = Value::String("portforward".into());
    assert_eq!(run(&p, &pf).0.outcome, Outcome::Allowed);
    let (v, _) = run(&p, &in_namespace(exec, "dev"));
    assert_eq!(v.outcome, Outcome::Allowed);
}

#[test]
fn exempt_namespaces_are_not_checked() {
    let p = Policy::load(None, "kubeguard").expect("defaults");
    for ns in ["kube-system", "kubeguard"] {
        let (v, body) = run(&p, &in_namespace(privileged_deployment(), ns));
        assert_eq!(v.outcome, Outcome::Exempt, "{ns}");
        assert_eq!(body["response"]["allowed"], true);
    }
    let p = policy("serve:\n  exemptNamespaces: [sandbox-*]\n");
    let (v, _) = run(&p, &in_namespace(privileged_deployment(), "sandbox-1"));
    assert_eq!(v.outcome, Outcome::Exempt);
    let (v, _) = run(&p, &in_namespace(privileged_deployment(), "kube-system"));
    assert_eq!(v.outcome, Outcome::Denied, "the list replaces the defaults");
}

#[test]
fn break_glass_lets_through_with_a_warning_unless_disabled() {
    let r = with_template_annotation(
        privileged_deployment(),
        "kubeguard.io/break-glass",
        "INC-4711 hotfix",
    );
    let (v, body) = run(&Policy::load(None, "kubeguard").expect("defaults"), &r);
    assert_eq!(v.outcome, Outcome::BreakGlass);
    assert_eq!(body["response"]["allowed"], true);
    assert_eq!(
        body["response"]["auditAnnotations"]["break-glass"],
        "INC-4711 hotfix"
    );
    let w = body["response"]["warnings"][0].as_str().expect("warning");
    assert!(w.contains("break-glass"), "{w}");

    let off = policy("serve:\n  breakGlass: {enabled: false}\n");
    assert_eq!(run(&off, &r).0.outcome, Outcome::Denied);
    let other = policy("serve:\n  breakGlass: {annotation: example.com/emergency}\n");
    assert_eq!(run(&other, &r).0.outcome, Outcome::Denied);
    let no = with_template_annotation(privileged_deployment(), "kubeguard.io/break-glass", "false");
    assert_eq!(
        run(&Policy::load(None, "kubeguard").expect("defaults"), &no)
            .0
            .outcome,
        Outcome::Denied
    );
}

#[test]
fn modes_from_the_configuration() {
    let p = policy(
        "serve:\n  modes: {privileged-container: audit, privilege-escalation-container: warn, latest-tag: enforce}\n",
    );
    let (v, body) = run(&p, &privileged_deployment());
    assert_eq!(v.outcome, Outcome::Warned, "{:?}", v.violations);
    assert_eq!(
        body["response"]["auditAnnotations"]["audit-violations"],
        "privileged-container"
    );
    let (v, _) = run(&p, &latest_tag_deployment());
    assert_eq!(v.outcome, Outcome::Denied);
}

#[test]
fn checks_excluded_in_the_configuration_do_not_run() {
    let p = policy("checks:\n  exclude: [latest-tag]\n");
    let (v, _) = run(&p, &latest_tag_deployment());
    assert_eq!(v.outcome, Outcome::Allowed);
}

#[test]
fn pss_and_rbac_checks_apply_when_enabled() {
    // The clean Deployment meets Restricted; without its seccomp profile it does not.
    let p = policy(
        "checks:\n  include: [pss-restricted]\nserve:\n  modes: {pss-restricted: enforce}\n",
    );
    assert_eq!(run(&p, &deployment()).0.outcome, Outcome::Allowed);
    let mut r = deployment();
    r["request"]["object"]["spec"]["template"]["spec"]["securityContext"] = serde_json::json!({});
    let (v, body) = run(&p, &r);
    assert_eq!(v.outcome, Outcome::Denied);
    let msg = body["response"]["status"]["message"].as_str().expect("msg");
    assert!(msg.contains("- pss-restricted: "), "{msg}");
    assert!(msg.contains("seccompProfile"), "{msg}");

    let rb = serde_json::json!({
        "kind": "AdmissionReview", "apiVersion": "admission.k8s.io/v1",
        "request": {
            "uid": "rb-1", "operation": "CREATE", "name": "ops-admin", "namespace": "ops",
            "kind": {"group": "rbac.authorization.k8s.io", "version": "v1", "kind": "RoleBinding"},
            "resource": {"group": "rbac.authorization.k8s.io", "version": "v1", "resource": "rolebindings"},
            "userInfo": {"username": "carol"},
            "object": {
                "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
                "metadata": {"name": "ops-admin", "namespace": "ops"},
                "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "cluster-admin"},
                "subjects": [{"kind": "Group", "name": "system:authenticated", "apiGroup": "rbac.authorization.k8s.io"}]
            }
        }
    });
    let p = policy("checks:\n  include: [rbac-anonymous-binding]\n");
    let (v, _) = run(&p, &rb);
    assert_eq!(v.outcome, Outcome::Denied, "{:?}", v.violations);
    assert_eq!(v.violations[0].check, "rbac-anonymous-binding");
}

#[test]
fn namespace_pod_security_levels() {
    let p = policy(
        "serve:\n  podSecurity:\n    default: baseline\n    namespaces: {shop: restricted}\n",
    );
    assert_eq!(run(&p, &deployment()).0.outcome, Outcome::Allowed);
    let mut r = deployment();
    r["request"]["object"]["spec"]["template"]["spec"]["containers"][0]["securityContext"]["capabilities"] =
        serde_json::json!({});
    let (v, body) = run(&p, &r);
    assert_eq!(v.outcome, Outcome::Denied);
    let msg = body["response"]["status"]["message"].as_str().expect("msg");
    assert!(msg.contains("- pod-security-restricted: "), "{msg}");
    // Baseline elsewhere: dropping capabilities is not required there (the lint check
    // drop-net-raw-capability still warns).
    let (v, body) = run(&p, &in_namespace(r, "dev"));
    assert_eq!(body["response"]["allowed"], true);
    assert!(
        v.violations
            .iter()
            .all(|x| !x.check.starts_with("pod-security")),
        "{:?}",
        v.violations
    );
}

#[test]
fn requests_that_are_not_checked() {
    let p = Policy::load(None, "kubeguard").expect("defaults");
    let mut del = privileged_deployment();
    del["request"]["operation"] = Value::String("DELETE".into());
    assert_eq!(run(&p, &del).0.outcome, Outcome::Skipped);
    let mut status = privileged_deployment();
    status["request"]["operation"] = Value::String("UPDATE".into());
    status["request"]["subResource"] = Value::String("status".into());
    assert_eq!(run(&p, &status).0.outcome, Outcome::Skipped);
    let mut leaving = privileged_deployment();
    leaving["request"]["operation"] = Value::String("UPDATE".into());
    leaving["request"]["object"]["metadata"]["deletionTimestamp"] =
        Value::String("2026-11-23T11:00:00Z".into());
    assert_eq!(run(&p, &leaving).0.outcome, Outcome::Skipped);
    // Ephemeral containers are part of the pod: checked.
    let mut eph = review("pod-create-v1beta1.json");
    eph["request"]["operation"] = Value::String("UPDATE".into());
    eph["request"]["subResource"] = Value::String("ephemeralcontainers".into());
    assert_eq!(run(&p, &eph).0.outcome, Outcome::Denied);
}

#[test]
fn malformed_reviews_are_refused_with_a_reason() {
    for (body, reason) in [
        ("", "not a valid AdmissionReview"),
        ("{", "not a valid AdmissionReview"),
        ("[]", "not a valid AdmissionReview"),
        (
            r#"{"kind":"Pod","apiVersion":"admission.k8s.io/v1","request":null}"#,
            "expected AdmissionReview",
        ),
        (
            r#"{"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v2"}"#,
            "is not supported",
        ),
        (
            r#"{"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1"}"#,
            "has no request",
        ),
    ] {
        let e = parse_review(body.as_bytes()).expect_err(body);
        assert!(e.contains(reason), "{body}: {e}");
    }
    let mut r = deployment();
    r["request"]["uid"] = Value::String(String::new());
    let e = parse_review(&bytes(&r)).expect_err("no uid");
    assert!(e.contains("uid"), "{e}");
    let mut r = deployment();
    r["request"]["operation"] = Value::String("PATCH".into());
    assert!(parse_review(&bytes(&r)).is_err());
}
