//! Template `pdb-unhealthy-pod-eviction-policy`: PodDisruptionBudgets left on the default
//! unhealthy-pod eviction policy.
//!
//! ## What it does
//! Reports a `policy/v1` PodDisruptionBudget (v1beta1 budgets are not checked) without
//! `spec.unhealthyPodEvictionPolicy`. Any value, even one Kubernetes would reject, passes.
//!
//! ## Why is this bad?
//! With the default policy (`IfHealthyBudget`), pods that run but are not ready count against
//! the budget, so a workload stuck in a crash loop can block node drains indefinitely.
//!
//! ## Message
//! `unhealthyPodEvictionPolicy is not explicitly set`, pointing at `spec` (or at the object's
//! `kind` when it has no `spec`).

use kubeguard_engine::{CheckFn, Diagnostic, ParamSpec, Params, Template};
use kubeguard_model::{Context, Object, locate, parse_path};

use super::pdb_max_unavailable::is_pdb_v1;

/// The template.
pub struct PdbUnhealthyPodEvictionPolicy;

/// Registered instance.
pub static TEMPLATE: PdbUnhealthyPodEvictionPolicy = PdbUnhealthyPodEvictionPolicy;

impl Template for PdbUnhealthyPodEvictionPolicy {
    fn key(&self) -> &'static str {
        "pdb-unhealthy-pod-eviction-policy"
    }
    fn name(&self) -> &'static str {
        ".spec.unhealthyPodEvictionPolicy in PDB is set to default"
    }
    fn description(&self) -> &'static str {
        "Flag PodDisruptionBudget objects that do not explicitly set unhealthyPodEvictionPolicy."
    }
    fn supported_kinds(&self) -> &'static [&'static str] {
        &["PodDisruptionBudget"]
    }
    fn params(&self) -> &'static [ParamSpec] {
        &[]
    }
    fn instantiate(&self, _: &Params) -> Result<Box<dyn CheckFn>, String> {
        Ok(Box::new(PdbUnhealthyPodEvictionPolicy))
    }
}

impl CheckFn for PdbUnhealthyPodEvictionPolicy {
    fn check(&self, _: &Context, obj: &Object, out: &mut Vec<Diagnostic>) {
        if !is_pdb_v1(obj) {
            return;
        }
        if obj
            .root
            .path(&["spec", "unhealthyPodEvictionPolicy"])
            .is_some_and(|n| !n.is_null())
        {
            return;
        }
        const MSG: &str = "unhealthyPodEvictionPolicy is not explicitly set";
        if obj.spec().is_some_and(|s| s.as_map().is_some()) {
            out.push(Diagnostic::new(
                MSG,
                locate(
                    &obj.root,
                    "",
                    &parse_path("spec.unhealthyPodEvictionPolicy"),
                ),
            ));
        } else {
            out.push(Diagnostic::on_object(obj, MSG));
        }
    }
}
