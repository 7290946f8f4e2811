//! Template `no-node-affinity`: pods without node affinity rules.
//!
//! ## What it does
//! Reports a workload whose pod spec has no `affinity.nodeAffinity` (absent or null). Only
//! its presence is checked, not its content. A workload without a pod template counts as an
//! empty pod spec (reported), except a DeploymentConfig.
//!
//! ## Why is this bad?
//! Without node affinity the scheduler may place the pods on any node, including nodes meant
//! for other workloads, zones or hardware.
//!
//! ## Message
//! `object does not define any node affinity rules.`, pointing at `affinity.nodeAffinity` (or
//! its nearest existing parent).

use kubeguard_engine::{CheckFn, Diagnostic, ParamSpec, Params, Template};
use kubeguard_model::{Context, Object};

use crate::util::{kl_pod_spec, locate_in};

/// The template.
pub struct NoNodeAffinity;

/// Registered instance.
pub static TEMPLATE: NoNodeAffinity = NoNodeAffinity;

impl Template for NoNodeAffinity {
    fn key(&self) -> &'static str {
        "no-node-affinity"
    }
    fn name(&self) -> &'static str {
        "Node Affinity"
    }
    fn description(&self) -> &'static str {
        "Flag objects that don't have node affinity rules set"
    }
    fn supported_kinds(&self) -> &'static [&'static str] {
        &["DeploymentLike"]
    }
    fn params(&self) -> &'static [ParamSpec] {
        &[]
    }
    fn instantiate(&self, _: &Params) -> Result<Box<dyn CheckFn>, String> {
        Ok(Box::new(NoNodeAffinity))
    }
}

impl CheckFn for NoNodeAffinity {
    fn check(&self, _: &Context, obj: &Object, out: &mut Vec<Diagnostic>) {
        let Some((pod, path)) = kl_pod_spec(obj) else {
            return;
        };
        let present = pod
            .and_then(|p| p.path(&["affinity", "nodeAffinity"]))
            .is_some_and(|n| !n.is_null());
        if !present {
            out.push(Diagnostic::new(
                "object does not define any node affinity rules.",
                locate_in(obj, &format!("{path}.affinity.nodeAffinity")),
            ));
        }
    }
}
