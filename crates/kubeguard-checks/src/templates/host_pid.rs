//! Template `host-pid`: pods sharing the host's process namespace.
//!
//! ## What it does
//! Reports a workload whose pod spec sets `hostPID: true` (one finding per object).
//!
//! ## Why is this bad?
//! Sharing the host's process namespace breaks the isolation between the pod and the node and
//! the other pods on it.
//!
//! ## Message
//! `object shares the host's process namespace (via hostPID=true).`, pointing at the value.

use crate::host_namespace::HostNamespace;

/// Registered instance.
pub static TEMPLATE: HostNamespace = HostNamespace {
    key: "host-pid",
    name: "Host PID",
    description: "Flag pods sharing the host's process namespace.",
    field: "hostPID",
    message: "object shares the host's process namespace (via hostPID=true).",
};
