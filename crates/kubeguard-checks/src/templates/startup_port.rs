//! Template `startup-port`: startup probes aimed at a port the container does not expose.
//!
//! ## What it does
//! For every regular container (not init, not ephemeral) with a `startupProbe`, collects the
//! container's TCP ports (protocol omitted or `TCP`), each by number and by name, then reports
//! the first of `httpGet.port`, `tcpSocket.port` and `grpc.port` that is not among them (one
//! finding per container at most). Numbers and names are distinct: a quoted `"8080"` is a port
//! *name* and does not match `containerPort: 8080`. Exec probes are never reported.
//!
//! ## Why is this bad?
//! A startup probe on a port the container does not serve fails until its threshold is
//! exhausted: the kubelet restarts the container and it never finishes starting.
//!
//! ## Messages
//! `container "<name>" does not expose port <port> for the HTTPGet`, `... for the TCPSocket`,
//! `container "<name>" does not expose port <n> for the GRPC check`, pointing at the probe's
//! `port`.

use kubeguard_engine::{CheckFn, ParamSpec, Params, Template};

use super::liveness_port::ProbePort;

/// The template.
pub struct StartupPort;

/// Registered instance.
pub static TEMPLATE: StartupPort = StartupPort;

impl Template for StartupPort {
    fn key(&self) -> &'static str {
        "startup-port"
    }
    fn name(&self) -> &'static str {
        "Startup Port Exposed"
    }
    fn description(&self) -> &'static str {
        "Flag containers with an Startup probe to not exposed port."
    }
    fn supported_kinds(&self) -> &'static [&'static str] {
        &["DeploymentLike"]
    }
    fn params(&self) -> &'static [ParamSpec] {
        &[]
    }
    fn instantiate(&self, _: &Params) -> Result<Box<dyn CheckFn>, String> {
        Ok(Box::new(ProbePort("startupProbe")))
    }
}
