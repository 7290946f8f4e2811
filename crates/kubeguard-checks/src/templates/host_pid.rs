//! Template `host-pid`: pods sharing the host's process namespace.
//!
//! ## What it does
//! Reports a workload whose pod spec sets `hostPID: true` (one finding per object).
//!
//! ## Why is this bad?
//! Sharing the host's process namespace breaks the isolation between the pod and the node and
//! the other pods on it.
//!
//! ## Message
//! `object shares the host's process namespace (via hostPID=true).`, pointing at the value.

use kubeguard_engine::{CheckFn, Diagnostic, ParamSpec, Params, Template};
use kubeguard_model::{Context, Object};

/// The template.
pub struct HostNamespace;

/// Registered instance.
pub static TEMPLATE: HostNamespace = HostNamespace;

impl Template for HostNamespace {
    fn key(&self) -> &'static str {
        "host-pid"
    }
    fn name(&self) -> &'static str {
        "Host PID"
    }
    fn description(&self) -> &'static str {
        "Flag pods sharing the host's process namespace."
    }
    fn supported_kinds(&self) -> &'static [&'static str] {
        &["DeploymentLike"]
    }
    fn params(&self) -> &'static [ParamSpec] {
        &[]
    }
    fn instantiate(&self, _: &Params) -> Result<Box<dyn CheckFn>, String> {
        Ok(Box::new(HostNamespace))
    }
}

impl CheckFn for HostNamespace {
    fn check(&self, _: &Context, obj: &Object, out: &mut Vec<Diagnostic>) {
        let Some(pod) = obj.pod_spec() else { return };
        if pod.flag("hostPID") {
            out.push(Diagnostic::new("object shares the host's process namespace (via hostPID=true).", pod.locate("hostPID")));
        }
    }
}
