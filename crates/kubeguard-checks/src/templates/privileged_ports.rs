//! Template `privileged-ports`: containers declaring a port below 1024.
//!
//! ## What it does
//! Reports every `ports` entry of every container (init, regular, ephemeral) whose
//! `containerPort` is between 1 and 1023, one finding per entry.
//!
//! ## Why is this bad?
//! Binding a port below 1024 needs root or `CAP_NET_BIND_SERVICE` inside the container; an
//! unprivileged port works just as well behind a Service.
//!
//! ## Message
//! `port <n> is mapped in container "<name>".`, pointing at the `containerPort` value.

use kubeguard_engine::{CheckFn, Diagnostic, ParamSpec, Params, Template};
use kubeguard_model::{Context, Object};
use kubeguard_source::Node;

use crate::util::go_quote;

/// The template.
pub struct PrivilegedPorts;

/// Registered instance.
pub static TEMPLATE: PrivilegedPorts = PrivilegedPorts;

impl Template for PrivilegedPorts {
    fn key(&self) -> &'static str {
        "privileged-ports"
    }
    fn name(&self) -> &'static str {
        "Privileged Ports"
    }
    fn description(&self) -> &'static str {
        "Flag privileged ports"
    }
    fn supported_kinds(&self) -> &'static [&'static str] {
        &["DeploymentLike"]
    }
    fn params(&self) -> &'static [ParamSpec] {
        &[]
    }
    fn instantiate(&self, _: &Params) -> Result<Box<dyn CheckFn>, String> {
        Ok(Box::new(PrivilegedPorts))
    }
}

impl CheckFn for PrivilegedPorts {
    fn check(&self, _: &Context, obj: &Object, out: &mut Vec<Diagnostic>) {
        let Some(pod) = obj.pod_spec() else { return };
        for c in pod.all_containers() {
            for (j, port) in c.ports() {
                let Some(n) = port.get("containerPort").and_then(Node::as_i64) else {
                    continue;
                };
                if n > 0 && n < 1024 {
                    out.push(Diagnostic::in_container(
                        &c,
                        format!("port {n} is mapped in container {}.", go_quote(c.name())),
                        c.locate(&format!("ports[{j}].containerPort")),
                    ));
                }
            }
        }
    }
}
