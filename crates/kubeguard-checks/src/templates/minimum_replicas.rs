//! Template `minimum-replicas`: workloads running fewer replicas than required.
//!
//! ## What it does
//! For a workload with a replica count, reports it when the count is below `minReplicas`.
//! Deployments, ReplicaSets, StatefulSets, ReplicationControllers and Argo Rollouts default to
//! 1 replica when `spec.replicas` is absent; a DeploymentConfig defaults to 0 (its field is
//! not a pointer). DaemonSets, Jobs, CronJobs and Pods have no replica count and are skipped.
//!
//! ## Why is this bad?
//! With one or two replicas a single node drain, eviction or crash takes away the whole
//! service or half its capacity.
//!
//! ## Message
//! `object has <n> replica(s) but minimum required replicas is <min>`, pointing at
//! `spec.replicas` (or `spec`).

use kubeguard_engine::{CheckFn, Diagnostic, ParamKind, ParamSpec, Params, Template};
use kubeguard_model::{Context, Object, WorkloadKind};
use kubeguard_source::Node;

use crate::util::locate_in;

/// The template.
pub struct MinimumReplicas;

/// Registered instance.
pub static TEMPLATE: MinimumReplicas = MinimumReplicas;

static PARAMS: &[ParamSpec] = &[ParamSpec::new(
    "minReplicas",
    ParamKind::Integer,
    "The minimum number of replicas a deployment should have",
)];

impl Template for MinimumReplicas {
    fn key(&self) -> &'static str {
        "minimum-replicas"
    }
    fn name(&self) -> &'static str {
        "Minimum replicas"
    }
    fn description(&self) -> &'static str {
        "Flag applications running fewer than the specified number of replicas"
    }
    fn supported_kinds(&self) -> &'static [&'static str] {
        &["DeploymentLike"]
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

/// `object has <n> replica(s) but minimum required replicas is <min>` (plural only above 1).
fn message(replicas: i64, min: i64) -> String {
    format!(
        "object has {replicas} {} but minimum required replicas is {min}",
        if replicas > 1 { "replicas" } else { "replica" }
    )
}

impl CheckFn for Check {
    fn check(&self, _ctx: &Context, obj: &Object, out: &mut Vec<Diagnostic>) {
        let Some((mut replicas, node)) = obj.replicas() else {
            return;
        };
        if obj.workload_kind() == Some(WorkloadKind::DeploymentConfig) {
            replicas = node.and_then(Node::as_i64).unwrap_or(0);
        }
        if replicas >= self.min {
            return;
        }
        out.push(Diagnostic::new(
            message(replicas, self.min),
            locate_in(obj, "spec.replicas"),
        ));
    }
}
