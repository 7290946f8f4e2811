//! Helpers shared by the webhook's integration tests: AdmissionReview fixtures (as the API
//! server sends them) and ways to vary them.

#![allow(dead_code)]

use std::path::PathBuf;

use serde_json::Value;

/// A fixture of `tests/data`.
pub fn review(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The clean Deployment review.
pub fn deployment() -> Value {
    review("deployment-create.json")
}

/// The Deployment review with a privileged container (privileged-container is critical).
pub fn privileged_deployment() -> Value {
    let mut r = deployment();
    r["request"]["object"]["spec"]["template"]["spec"]["containers"][0]["securityContext"]["privileged"] =
        Value::Bool(true);
    r
}

/// The Deployment review with an image without a tag (latest-tag is medium: a warning).
pub fn latest_tag_deployment() -> Value {
    let mut r = deployment();
    r["request"]["object"]["spec"]["template"]["spec"]["containers"][0]["image"] =
        Value::String("registry.example.com/shop/web".into());
    r
}

/// Sets the namespace of the request and of its object.
pub fn in_namespace(mut r: Value, ns: &str) -> Value {
    r["request"]["namespace"] = Value::String(ns.into());
    if r["request"]["object"]["metadata"].is_object() {
        r["request"]["object"]["metadata"]["namespace"] = Value::String(ns.into());
    }
    r
}

/// Sets a pod template annotation of the Deployment.
pub fn with_template_annotation(mut r: Value, key: &str, value: &str) -> Value {
    let meta = &mut r["request"]["object"]["spec"]["template"]["metadata"];
    meta["annotations"][key] = Value::String(value.into());
    r
}

/// Serialises a review.
pub fn bytes(r: &Value) -> Vec<u8> {
    serde_json::to_vec(r).expect("serialisable")
}
