//! Template `ports`: containers declaring a given port and protocol.
//!
//! ## What it does
//! Reports every `ports` entry of every container (init, regular, ephemeral) whose
//! `containerPort` equals `port` and whose protocol (`TCP` when omitted) matches `protocol`
//! (an unanchored regular expression, `!` negates, empty matches any). `hostPort` is ignored.
//!
//! ## Why is this bad?
//! Some ports betray a risky service inside the container: port 22 usually means an SSH daemon,
//! a remote login path that bypasses the audited `kubectl exec`.
//!
//! ## Message
//! `port <port> and protocol <protocol> in container "<name>" found`, pointing at the
//! `containerPort`.

use kubeguard_engine::{CheckFn, Diagnostic, Matcher, ParamKind, ParamSpec, Params, Template};
use kubeguard_model::{Context, Object};
use kubeguard_source::Node;

use crate::util::go_quote;

/// The template.
pub struct Ports;

/// Registered instance.
pub static TEMPLATE: Ports = Ports;

static PARAMS: &[ParamSpec] = &[
    ParamSpec::new("port", ParamKind::Integer, "The containerPort to flag."),
    ParamSpec::new(
        "protocol",
        ParamKind::String,
        "The protocols to flag (TCP when omitted in the container).",
    )
    .regex(),
];

impl Template for Ports {
    fn key(&self) -> &'static str {
        "ports"
    }
    fn name(&self) -> &'static str {
        "Ports"
    }
    fn description(&self) -> &'static str {
        "Flag containers exposing ports under protocols that match the supplied parameters"
    }
    fn supported_kinds(&self) -> &'static [&'static str] {
        &["DeploymentLike"]
    }
    fn params(&self) -> &'static [ParamSpec] {
        PARAMS
    }
    fn instantiate(&self, params: &Params) -> Result<Box<dyn CheckFn>, String> {
        let protocol = Matcher::new(params.str("protocol").unwrap_or_default())
            .map_err(|e| format!("invalid protocol: {e}"))?;
        Ok(Box::new(PortsCheck {
            port: params.int("port").unwrap_or(0),
            protocol,
        }))
    }
}

struct PortsCheck {
    port: i64,
    protocol: Matcher,
}

impl CheckFn for PortsCheck {
    fn check(&self, _: &Context, obj: &Object, out: &mut Vec<Diagnostic>) {
        let Some(pod) = obj.pod_spec() else { return };
        for c in pod.all_containers() {
            for (i, port) in c.ports() {
                let number = port
                    .get("containerPort")
                    .and_then(Node::as_i64)
                    .unwrap_or(0);
                // The k8s protocol defaults to TCP even if not set in the YAML.
                let protocol = port
                    .get("protocol")
                    .and_then(Node::scalar_text)
                    .filter(|p| !p.is_empty())
                    .unwrap_or_else(|| "TCP".into());
                if number == self.port && self.protocol.matches(&protocol) {
                    out.push(Diagnostic::in_container(
                        &c,
                        format!(
                            "port {number} and protocol {protocol} in container {} found",
                            go_quote(c.name())
                        ),
                        c.locate(&format!("ports[{i}].containerPort")),
                    ));
                }
            }
        }
    }
}
