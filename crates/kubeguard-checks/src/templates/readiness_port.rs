//! Template `readiness-port`: readiness probes aimed at a port the container does not expose.
//!
//! ## What it does
//! For every regular container (not init, not ephemeral) with a `readinessProbe`, collects the
//! container's TCP ports (protocol omitted or `TCP`), each by number and by name, then reports
//! the first of `httpGet.port`, `tcpSocket.port` and `grpc.port` that is not among them (one
//! finding per container at most). Numbers and names are distinct: a quoted `"8080"` is a port
//! *name* and does not match `containerPort: 8080`. Exec probes are never reported.
//!
//! ## Why is this bad?
//! A readiness probe on a port the container does not serve never succeeds: the pod never
//! receives traffic and rollouts stall.
//!
//! ## Messages
//! `container "<name>" does not expose port <port> for the HTTPGet`, `... for the TCPSocket`,
//! `container "<name>" does not expose port <n> for the GRPC check`, pointing at the probe's
//! `port`.

use kubeguard_engine::{CheckFn, ParamSpec, Params, Template};

use super::liveness_port::ProbePort;

/// The template.
pub struct ReadinessPort;

/// Registered instance.
pub static TEMPLATE: ReadinessPort = ReadinessPort;

impl Template for ReadinessPort {
    fn key(&self) -> &'static str {
        "readiness-port"
    }
    fn name(&self) -> &'static str {
        "Readiness Port Not Exposed"
    }
    fn description(&self) -> &'static str {
        "Flag containers with an Readiness probe to not exposed port."
    }
    fn supported_kinds(&self) -> &'static [&'static str] {
        &["DeploymentLike"]
    }
    fn params(&self) -> &'static [ParamSpec] {
        &[]
    }
    fn instantiate(&self, _: &Params) -> Result<Box<dyn CheckFn>, String> {
        Ok(Box::new(ProbePort("readinessProbe")))
    }
}
