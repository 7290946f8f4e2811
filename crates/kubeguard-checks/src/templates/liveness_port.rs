//! Template `liveness-port`: liveness probes aimed at a port the container does not expose.
//!
//! ## What it does
//! For every regular container (not init, not ephemeral) with a `livenessProbe`, collects the
//! container's TCP ports (protocol omitted or `TCP`), each by number and by name, then reports
//! the first of `httpGet.port`, `tcpSocket.port` and `grpc.port` that is not among them (one
//! finding per container at most). Numbers and names are distinct: a quoted `"8080"` is a port
//! *name* and does not match `containerPort: 8080`. Exec probes are never reported.
//!
//! ## Why is this bad?
//! A liveness probe on a port the container does not serve fails every time: the kubelet keeps
//! restarting a healthy container.
//!
//! ## Messages
//! `container "<name>" does not expose port <port> for the HTTPGet`, `... for the TCPSocket`,
//! `container "<name>" does not expose port <n> for the GRPC check`, pointing at the probe's
//! `port`.

use kubeguard_engine::{CheckFn, Diagnostic, ParamSpec, Params, Template};
use kubeguard_model::{ContainerView, Context, Object};
use kubeguard_source::{Node, Value};

use crate::util::{go_quote, text};

/// The template.
pub struct LivenessPort;

/// Registered instance.
pub static TEMPLATE: LivenessPort = LivenessPort;

impl Template for LivenessPort {
    fn key(&self) -> &'static str {
        "liveness-port"
    }
    fn name(&self) -> &'static str {
        "Liveness Port Exposed"
    }
    fn description(&self) -> &'static str {
        "Flag containers with an liveness probe to not exposed port."
    }
    fn supported_kinds(&self) -> &'static [&'static str] {
        &["DeploymentLike"]
    }
    fn params(&self) -> &'static [ParamSpec] {
        &[]
    }
    fn instantiate(&self, _: &Params) -> Result<Box<dyn CheckFn>, String> {
        Ok(Box::new(ProbePort("livenessProbe")))
    }
}

/// The probe-port check (KubeLinter's `CheckProbePort`) for the probe under the given key of
/// every regular container.
pub(crate) struct ProbePort(pub(crate) &'static str);

impl CheckFn for ProbePort {
    fn check(&self, _: &Context, obj: &Object, out: &mut Vec<Diagnostic>) {
        let Some(pod) = obj.pod_spec() else { return };
        for c in pod.containers() {
            check_probe_port(&c, self.0, out);
        }
    }
}

/// An `IntOrString` port: numbers and names never equal each other.
#[derive(Debug, PartialEq, Eq)]
enum PortKey {
    Int(i64),
    Str(String),
}

impl PortKey {
    /// Decodes an IntOrString; `None` for a value Go would fail to decode. Missing is `Int(0)`.
    fn of(node: Option<&Node>) -> Option<PortKey> {
        let Some(node) = node else {
            return Some(PortKey::Int(0));
        };
        match &node.value {
            Value::Null => Some(PortKey::Int(0)),
            Value::Str(s) => Some(PortKey::Str(s.to_string())),
            _ => node.as_i64().map(PortKey::Int),
        }
    }

    /// `IntOrString.String()`.
    fn text(&self) -> String {
        match self {
            PortKey::Int(i) => i.to_string(),
            PortKey::Str(s) => s.clone(),
        }
    }
}

/// KubeLinter's `CheckProbePort` for `c.<probe_key>`.
pub(crate) fn check_probe_port(c: &ContainerView<'_>, probe_key: &str, out: &mut Vec<Diagnostic>) {
    let Some(probe) = c.get(probe_key).filter(|p| !p.is_null()) else {
        return;
    };
    let mut exposed = Vec::new();
    for (_, port) in c.ports() {
        let protocol = text(port.get("protocol"));
        if !protocol.is_empty() && protocol != "TCP" {
            continue;
        }
        exposed.push(PortKey::Int(
            port.get("containerPort")
                .and_then(Node::as_i64)
                .unwrap_or(0),
        ));
        exposed.push(PortKey::Str(text(port.get("name"))));
    }
    let name = go_quote(c.name());
    for (handler, what) in [
        ("httpGet", "HTTPGet"),
        ("tcpSocket", "TCPSocket"),
        ("grpc", "GRPC check"),
    ] {
        let Some(h) = probe.get(handler).filter(|h| !h.is_null()) else {
            continue;
        };
        let port_node = h.get("port");
        let key = if handler == "grpc" {
            // An int32 field: a string would not decode.
            match port_node.filter(|n| !n.is_null()) {
                None => Some(PortKey::Int(0)),
                Some(n) => n.as_i64().map(PortKey::Int),
            }
        } else {
            PortKey::of(port_node)
        };
        let Some(key) = key else { continue };
        if !exposed.contains(&key) {
            out.push(Diagnostic::in_container(
                c,
                format!(
                    "container {name} does not expose port {} for the {what}",
                    key.text()
                ),
                c.locate(&format!("{probe_key}.{handler}.port")),
            ));
            return;
        }
    }
}
