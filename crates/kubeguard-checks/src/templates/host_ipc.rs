//! Template `host-ipc`: pods sharing the host's IPC namespace.
//!
//! ## What it does
//! Reports a workload whose pod spec sets `hostIPC: true` (one finding per object).
//!
//! ## Why is this bad?
//! Sharing the host's IPC namespace breaks the isolation between the pod and the node and
//! the other pods on it.
//!
//! ## Message
//! `resource shares host's IPC namespace (via hostIPC=true).`, pointing at the value.

use crate::host_namespace::HostNamespace;

/// Registered instance.
pub static TEMPLATE: HostNamespace = HostNamespace {
    key: "host-ipc",
    name: "Host IPC",
    description: "Flag pods sharing the host's IPC namespace.",
    field: "hostIPC",
    message: "resource shares host's IPC namespace (via hostIPC=true).",
};
