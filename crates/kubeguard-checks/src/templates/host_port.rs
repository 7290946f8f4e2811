//! Template `host-port`: containers that bind a port of the node.
//!
//! ## What it does
//! For every container of a workload (init, regular and ephemeral), reports each `ports`
//! entry whose `hostPort` is set to a non-zero number, at that `hostPort`.
//!
//! ## Why is this bad?
//! A host port publishes the container on every address of the node, around Services and
//! NetworkPolicies, ties the pod to nodes where the port is free, and lets a compromised
//! container take a port the node's own services expect.
//!
//! ## Message
//! `container "<name>" binds host port <port>`.

use kubeguard_engine::{CheckFn, Diagnostic, ParamSpec, Params, Template};
use kubeguard_model::{Context, Object};
use kubeguard_source::Node;

use crate::util::go_quote;

/// The template.
pub struct HostPort;

/// Registered instance.
pub static TEMPLATE: HostPort = HostPort;

impl Template for HostPort {
    fn key(&self) -> &'static str {
        "host-port"
    }
    fn name(&self) -> &'static str {
        "Host Port"
    }
    fn description(&self) -> &'static str {
        "Flag containers that bind a port of the node (hostPort)"
    }
    fn supported_kinds(&self) -> &'static [&'static str] {
        &["DeploymentLike"]
    }
    fn params(&self) -> &'static [ParamSpec] {
        &[]
    }
    fn instantiate(&self, _params: &Params) -> Result<Box<dyn CheckFn>, String> {
        Ok(Box::new(Check))
    }
}

struct Check;

impl CheckFn for Check {
    fn check(&self, _ctx: &Context, obj: &Object, out: &mut Vec<Diagnostic>) {
        let Some(spec) = obj.pod_spec() else {
            return;
        };
        for c in spec.all_containers() {
            for (i, port) in c.ports() {
                let Some(host) = port.get("hostPort").and_then(Node::as_i64) else {
                    continue;
                };
                if host != 0 {
                    out.push(Diagnostic::in_container(
                        &c,
                        format!("container {} binds host port {host}", go_quote(c.name())),
                        c.locate(&format!("ports[{i}].hostPort")),
                    ));
                }
            }
        }
    }
}
