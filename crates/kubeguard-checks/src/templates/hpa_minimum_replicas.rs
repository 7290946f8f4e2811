//! Template `hpa-minimum-replicas`: HorizontalPodAutoscalers allowing too few replicas.
//!
//! ## What it does
//! For a HorizontalPodAutoscaler (`autoscaling/v1`, `v2`, `v2beta1`, `v2beta2`), reports it
//! when `spec.minReplicas` (1 when absent) is below `minReplicas`.
//!
//! ## Why is this bad?
//! The autoscaler may scale the workload down to one or two pods in quiet hours, when a single
//! node failure then takes the service down.
//!
//! ## Message
//! `object has <n> replica(s) but minimum required replicas is <min>`, pointing at
//! `spec.minReplicas` (or `spec`).

use kubeguard_engine::{CheckFn, Diagnostic, ParamKind, ParamSpec, Params, Template};
use kubeguard_model::{Context, Object};
use kubeguard_source::Node;

use crate::util::locate_in;

/// The template.
pub struct HpaMinimumReplicas;

/// Registered instance.
pub static TEMPLATE: HpaMinimumReplicas = HpaMinimumReplicas;

static PARAMS: &[ParamSpec] = &[ParamSpec::new(
    "minReplicas",
    ParamKind::Integer,
    "The minimum number of replicas a HorizontalPodAutoscaler should have",
)];

impl Template for HpaMinimumReplicas {
    fn key(&self) -> &'static str {
        "hpa-minimum-replicas"
    }
    fn name(&self) -> &'static str {
        "HorizontalPodAutoscaler Minimum replicas"
    }
    fn description(&self) -> &'static str {
        "Flag applications running fewer than the specified number of replicas"
    }
    fn supported_kinds(&self) -> &'static [&'static str] {
        &["HorizontalPodAutoscaler"]
    }
    fn params(&self) -> &'static [ParamSpec] {
        PARAMS
    }
    fn instantiate(&self, params: &Params) -> Result<Box<dyn CheckFn>, String> {
        Ok(Box::new(Check {
            min: params.int("minReplicas").unwrap_or(0),
        }))
    }
}

struct Check {
    min: i64,
}

/// Whether `obj` is a HorizontalPodAutoscaler of a version KubeLinter decodes.
fn is_hpa(obj: &Object) -> bool {
    obj.kind == "HorizontalPodAutoscaler"
        && matches!(
            obj.api_version.as_str(),
            "autoscaling/v1" | "autoscaling/v2" | "autoscaling/v2beta1" | "autoscaling/v2beta2"
        )
}

impl CheckFn for Check {
    fn check(&self, _ctx: &Context, obj: &Object, out: &mut Vec<Diagnostic>) {
        if !is_hpa(obj) {
            return;
        }
        let replicas = obj
            .root
            .path(&["spec", "minReplicas"])
            .and_then(Node::as_i64)
            .unwrap_or(1);
        if replicas >= self.min {
            return;
        }
        out.push(Diagnostic::new(
            format!(
                "object has {replicas} {} but minimum required replicas is {}",
                if replicas > 1 { "replicas" } else { "replica" },
                self.min
            ),
            locate_in(obj, "spec.minReplicas"),
        ));
    }
}
