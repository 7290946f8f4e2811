//! Template `restart-policy`: pods whose restart policy is not `Always` or `OnFailure`.
//!
//! ## What it does
//! Reports a workload whose pod spec `restartPolicy`, as written, is neither `Always` nor
//! `OnFailure`. The API server's default is not applied: an absent policy is reported as `''`.
//! A workload without a pod template counts as an empty pod spec (reported), except a
//! DeploymentConfig.
//!
//! ## Why is this bad?
//! With `Never`, a crashed container stays dead until someone intervenes.
//!
//! ## Message
//! `object has a restart policy defined with '<policy>' but the only accepted restart policies
//! are '[Always OnFailure]'`, pointing at `restartPolicy` (or its nearest existing parent).

use kubeguard_engine::{CheckFn, Diagnostic, ParamSpec, Params, Template};
use kubeguard_model::{Context, Object};

use crate::util::{kl_pod_spec, locate_in, text};

/// The template.
pub struct RestartPolicy;

/// Registered instance.
pub static TEMPLATE: RestartPolicy = RestartPolicy;

impl Template for RestartPolicy {
    fn key(&self) -> &'static str {
        "restart-policy"
    }
    fn name(&self) -> &'static str {
        "Restart policy"
    }
    fn description(&self) -> &'static str {
        "Flag applications running without the restart policy."
    }
    fn supported_kinds(&self) -> &'static [&'static str] {
        &["DeploymentLike"]
    }
    fn params(&self) -> &'static [ParamSpec] {
        &[]
    }
    fn instantiate(&self, _: &Params) -> Result<Box<dyn CheckFn>, String> {
        Ok(Box::new(RestartPolicy))
    }
}

impl CheckFn for RestartPolicy {
    fn check(&self, _: &Context, obj: &Object, out: &mut Vec<Diagnostic>) {
        let Some((pod, path)) = kl_pod_spec(obj) else {
            return;
        };
        let policy = text(pod.and_then(|p| p.get("restartPolicy")));
        if policy == "Always" || policy == "OnFailure" {
            return;
        }
        out.push(Diagnostic::new(
            format!(
                "object has a restart policy defined with '{policy}' but the only accepted restart policies are '[Always OnFailure]'"
            ),
            locate_in(obj, &format!("{path}.restartPolicy")),
        ));
    }
}
