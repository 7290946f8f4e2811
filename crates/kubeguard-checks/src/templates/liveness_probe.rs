//! Template `liveness-probe`: containers without a liveness probe.
//!
//! ## What it does
//! Reports every regular container (init and ephemeral containers are not considered) that
//! has no `livenessProbe` (absent or null).
//!
//! ## Why is this bad?
//! Without a liveness probe the kubelet cannot tell that a process is hung and never restarts
//! it.
//!
//! ## Message
//! `container "<name>" does not specify a liveness probe`, pointing at the container.

use kubeguard_engine::{CheckFn, Diagnostic, ParamSpec, Params, Template};
use kubeguard_model::{Context, Object};

use crate::util::go_quote;

/// The template.
pub struct LivenessProbe;

/// Registered instance.
pub static TEMPLATE: LivenessProbe = LivenessProbe;

impl Template for LivenessProbe {
    fn key(&self) -> &'static str {
        "liveness-probe"
    }
    fn name(&self) -> &'static str {
        "Liveness Probe Not Specified"
    }
    fn description(&self) -> &'static str {
        "Flag containers that don't specify a liveness probe"
    }
    fn supported_kinds(&self) -> &'static [&'static str] {
        &["DeploymentLike"]
    }
    fn params(&self) -> &'static [ParamSpec] {
        &[]
    }
    fn instantiate(&self, _: &Params) -> Result<Box<dyn CheckFn>, String> {
        Ok(Box::new(LivenessProbe))
    }
}

impl CheckFn for LivenessProbe {
    fn check(&self, _: &Context, obj: &Object, out: &mut Vec<Diagnostic>) {
        let Some(pod) = obj.pod_spec() else { return };
        for c in pod.containers() {
            if c.get("livenessProbe").is_none_or(|p| p.is_null()) {
                out.push(Diagnostic::in_container(
                    &c,
                    format!(
                        "container {} does not specify a liveness probe",
                        go_quote(c.name())
                    ),
                    c.anchor(),
                ));
            }
        }
    }
}
