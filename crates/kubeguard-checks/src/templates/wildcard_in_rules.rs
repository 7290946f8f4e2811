//! Template `wildcard-in-rules`: `*` in the resources or verbs of Role and ClusterRole rules.
//!
//! ## What it does
//! For each rule of an `rbac.authorization.k8s.io/v1` Role or ClusterRole, reports every
//! `resources` entry that is exactly `*`, then every `verbs` entry that is exactly `*`.
//!
//! ## Why is this bad?
//! A wildcard grants access to everything of its kind, including resource types and verbs
//! added later by CRDs or new Kubernetes versions, so the role grows silently.
//!
//! ## Messages
//! - `wildcard "*" in resource specification`, pointing at the entry;
//! - `wildcard "*" in verb specification`, pointing at the entry.

use kubeguard_engine::{CheckFn, Diagnostic, ParamSpec, Params, Template};
use kubeguard_model::{Context, Object};
use kubeguard_source::Node;

use crate::util::locate_in;

/// The template.
pub struct WildcardInRules;

/// Registered instance.
pub static TEMPLATE: WildcardInRules = WildcardInRules;

impl Template for WildcardInRules {
    fn key(&self) -> &'static str {
        "wildcard-in-rules"
    }
    fn name(&self) -> &'static str {
        "Wildcard Use in Role and ClusterRole Rules"
    }
    fn description(&self) -> &'static str {
        "Flag Roles and ClusterRoles that use wildcard * in rules"
    }
    fn supported_kinds(&self) -> &'static [&'static str] {
        &["Role", "ClusterRole"]
    }
    fn params(&self) -> &'static [ParamSpec] {
        &[]
    }
    fn instantiate(&self, _params: &Params) -> Result<Box<dyn CheckFn>, String> {
        Ok(Box::new(Check))
    }
}

struct Check;

impl CheckFn for Check {
    fn check(&self, _ctx: &Context, obj: &Object, out: &mut Vec<Diagnostic>) {
        if obj.api_version != "rbac.authorization.k8s.io/v1"
            || !matches!(obj.kind.as_str(), "Role" | "ClusterRole")
        {
            return;
        }
        let rules = obj.root.get("rules").and_then(Node::as_seq).unwrap_or(&[]);
        for (i, rule) in rules.iter().enumerate() {
            for (field, what) in [("resources", "resource"), ("verbs", "verb")] {
                let items = rule.get(field).and_then(Node::as_seq).unwrap_or(&[]);
                for (j, item) in items.iter().enumerate() {
                    if item.as_str() == Some("*") {
                        out.push(Diagnostic::new(
                            format!("wildcard \"*\" in {what} specification"),
                            locate_in(obj, &format!("rules[{i}].{field}[{j}]")),
                        ));
                    }
                }
            }
        }
    }
}
