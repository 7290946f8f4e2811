//! Template `dangling-horizontalpodautoscaler`: HorizontalPodAutoscalers targeting nothing.
//!
//! ## What it does
//! For a HorizontalPodAutoscaler (`autoscaling/v1`, `v2`, `v2beta1`, `v2beta2`), looks for a
//! linted object with a pod template (in any namespace, as KubeLinter does) whose name equals
//! `scaleTargetRef.name`, whose kind equals `scaleTargetRef.kind`, and whose
//! `<group>/<version>` equals `scaleTargetRef.apiVersion` (so a core-group target written
//! `v1` never matches, as in KubeLinter). Reports the HPA when there is none.
//!
//! ## Why is this bad?
//! An autoscaler whose target does not exist scales nothing: the workload it was meant for runs
//! at a fixed size, usually after a rename on one side only.
//!
//! ## Message
//! `no resources found matching HorizontalPodAutoscaler scaleTargetRef ({<kind> <name>
//! <apiVersion>})`, pointing at `spec.scaleTargetRef`.

use kubeguard_engine::{CheckFn, Diagnostic, ParamSpec, Params, Template};
use kubeguard_model::{Context, Object};

use crate::util::{has_pod_template, locate_in, text};

/// The template.
pub struct DanglingHpa;

/// Registered instance.
pub static TEMPLATE: DanglingHpa = DanglingHpa;

impl Template for DanglingHpa {
    fn key(&self) -> &'static str {
        "dangling-horizontalpodautoscaler"
    }
    fn name(&self) -> &'static str {
        "Dangling HorizontalPodAutoscalers"
    }
    fn description(&self) -> &'static str {
        "Flag HorizontalPodAutoscalers that target a resource that does not exist"
    }
    fn supported_kinds(&self) -> &'static [&'static str] {
        &["HorizontalPodAutoscaler"]
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
    fn check(&self, ctx: &Context, obj: &Object, out: &mut Vec<Diagnostic>) {
        if obj.kind != "HorizontalPodAutoscaler"
            || !matches!(
                obj.api_version.as_str(),
                "autoscaling/v1" | "autoscaling/v2" | "autoscaling/v2beta1" | "autoscaling/v2beta2"
            )
        {
            return;
        }
        let target = obj.root.path(&["spec", "scaleTargetRef"]);
        let kind = text(target.and_then(|t| t.get("kind")));
        let name = text(target.and_then(|t| t.get("name")));
        let api_version = text(target.and_then(|t| t.get("apiVersion")));
        let found = ctx.of_kind(&kind).any(|o| {
            has_pod_template(o)
                && o.name == name
                && o.kind == kind
                && format!("{}/{}", o.group(), o.version()) == api_version
        });
        if !found {
            out.push(Diagnostic::new(
                format!(
                    "no resources found matching HorizontalPodAutoscaler scaleTargetRef ({{{kind} {name} {api_version}}})"
                ),
                locate_in(obj, "spec.scaleTargetRef"),
            ));
        }
    }
}
