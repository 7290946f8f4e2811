//! Template `privileged`: containers running in privileged mode.
//!
//! ## What it does
//! Reports every container (init, regular and ephemeral) whose own `securityContext.privileged`
//! is `true`. The pod-level security context has no such field.
//!
//! ## Why is this bad?
//! A privileged container has all capabilities and access to every host device: it is root on
//! the node.
//!
//! ## Message
//! `container "<name>" is privileged`, pointing at the `privileged: true` value.

use kubeguard_engine::{CheckFn, Diagnostic, ParamSpec, Params, Template};
use kubeguard_model::{Context, Object};
use kubeguard_source::Node;

use crate::util::go_quote;

/// The template.
pub struct Privileged;

/// Registered instance.
pub static TEMPLATE: Privileged = Privileged;

impl Template for Privileged {
    fn key(&self) -> &'static str {
        "privileged"
    }
    fn name(&self) -> &'static str {
        "Privileged Containers"
    }
    fn description(&self) -> &'static str {
        "Flag privileged containers."
    }
    fn supported_kinds(&self) -> &'static [&'static str] {
        &["DeploymentLike"]
    }
    fn params(&self) -> &'static [ParamSpec] {
        &[]
    }
    fn instantiate(&self, _: &Params) -> Result<Box<dyn CheckFn>, String> {
        Ok(Box::new(Privileged))
    }
}

impl CheckFn for Privileged {
    fn check(&self, _: &Context, obj: &Object, out: &mut Vec<Diagnostic>) {
        let Some(pod) = obj.pod_spec() else { return };
        for c in pod.all_containers() {
            if c.sc("privileged").and_then(Node::as_bool) == Some(true) {
                out.push(Diagnostic::in_container(
                    &c,
                    format!("container {} is privileged", go_quote(c.name())),
                    c.locate("securityContext.privileged"),
                ));
            }
        }
    }
}
