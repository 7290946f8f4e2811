//! Template `use-namespace`: objects in the default namespace.
//!
//! ## What it does
//! Reports an object (a `Service` only when it is the core `v1` one) whose `metadata.namespace` is absent, empty, or `default` (ignoring
//! case).
//!
//! ## Why is this bad?
//! The `default` namespace is shared by everything deployed without thought: RBAC, network
//! policies, quotas and limit ranges cannot be scoped to the application, and names collide.
//!
//! ## Message
//! `object in default namespace`, pointing at `metadata.namespace` (or `metadata`).

use kubeguard_engine::{CheckFn, Diagnostic, ParamSpec, Params, Template};
use kubeguard_model::{Context, Object};

use crate::util::locate_in;

/// The template.
pub struct UseNamespace;

/// Registered instance.
pub static TEMPLATE: UseNamespace = UseNamespace;

impl Template for UseNamespace {
    fn key(&self) -> &'static str {
        "use-namespace"
    }
    fn name(&self) -> &'static str {
        "Use Namespaces for Administrative Boundaries between Resources"
    }
    fn description(&self) -> &'static str {
        "Flag resources with no namespace specified or using default namespace"
    }
    fn supported_kinds(&self) -> &'static [&'static str] {
        &["DeploymentLike", "Service"]
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
        // The `Service` scope means the core `v1` Service only (not Knative's).
        if obj.kind == "Service" && obj.api_version != "v1" {
            return;
        }
        let ns = obj.namespace.as_deref().unwrap_or("");
        if ns.is_empty() || ns.eq_ignore_ascii_case("default") {
            out.push(Diagnostic::new(
                "object in default namespace",
                locate_in(obj, "metadata.namespace"),
            ));
        }
    }
}
