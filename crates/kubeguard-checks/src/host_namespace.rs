//! The logic shared by the `host-network`, `host-pid` and `host-ipc` templates: a pod spec
//! flag that shares one of the host's namespaces.

use kubeguard_engine::{CheckFn, Diagnostic, ParamSpec, Params, Template};
use kubeguard_model::{Context, Object};

/// A template flagging workloads whose pod spec sets a boolean field to `true` (one finding per
/// object, pointing at the value).
#[derive(Debug, Clone, Copy)]
pub struct HostNamespace {
    /// Template key.
    pub key: &'static str,
    /// Human-readable name.
    pub name: &'static str,
    /// What it detects.
    pub description: &'static str,
    /// The pod spec field (`hostNetwork`).
    pub field: &'static str,
    /// The message of a finding.
    pub message: &'static str,
}

impl Template for HostNamespace {
    fn key(&self) -> &'static str {
        self.key
    }
    fn name(&self) -> &'static str {
        self.name
    }
    fn description(&self) -> &'static str {
        self.description
    }
    fn supported_kinds(&self) -> &'static [&'static str] {
        &["DeploymentLike"]
    }
    fn params(&self) -> &'static [ParamSpec] {
        &[]
    }
    fn instantiate(&self, _: &Params) -> Result<Box<dyn CheckFn>, String> {
        Ok(Box::new(*self))
    }
}

impl CheckFn for HostNamespace {
    fn check(&self, _: &Context, obj: &Object, out: &mut Vec<Diagnostic>) {
        let Some(pod) = obj.pod_spec() else { return };
        if pod.flag(self.field) {
            out.push(Diagnostic::new(self.message, pod.locate(self.field)));
        }
    }
}
