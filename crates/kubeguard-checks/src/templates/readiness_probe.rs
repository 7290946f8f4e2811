//! Template `readiness-probe`: containers without a readiness probe.
//!
//! ## What it does
//! Reports every regular container (init and ephemeral containers are not considered) that
//! has no `readinessProbe` (absent or null).
//!
//! ## Why is this bad?
//! Without a readiness probe a Service sends traffic to a pod as soon as it starts, before it
//! can answer, and keeps sending it while the pod is overloaded.
//!
//! ## Message
//! `container "<name>" does not specify a readiness probe`, pointing at the container.

use kubeguard_engine::{CheckFn, Diagnostic, ParamSpec, Params, Template};
use kubeguard_model::{Context, Object};

use crate::util::go_quote;

/// The template.
pub struct ReadinessProbe;

/// Registered instance.
pub static TEMPLATE: ReadinessProbe = ReadinessProbe;

impl Template for ReadinessProbe {
    fn key(&self) -> &'static str {
        "readiness-probe"
    }
    fn name(&self) -> &'static str {
        "Readiness Probe Not Specified"
    }
    fn description(&self) -> &'static str {
        "Flag containers that don't specify a readiness probe"
    }
    fn supported_kinds(&self) -> &'static [&'static str] {
        &["DeploymentLike"]
    }
    fn params(&self) -> &'static [ParamSpec] {
        &[]
    }
    fn instantiate(&self, _: &Params) -> Result<Box<dyn CheckFn>, String> {
        Ok(Box::new(ReadinessProbe))
    }
}

impl CheckFn for ReadinessProbe {
    fn check(&self, _: &Context, obj: &Object, out: &mut Vec<Diagnostic>) {
        let Some(pod) = obj.pod_spec() else { return };
        for c in pod.containers() {
            if c.get("readinessProbe").is_none_or(|p| p.is_null()) {
                out.push(Diagnostic::in_container(
                    &c,
                    format!(
                        "container {} does not specify a readiness probe",
                        go_quote(c.name())
                    ),
                    c.anchor(),
                ));
            }
        }
    }
}
