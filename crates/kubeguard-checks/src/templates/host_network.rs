//! Template `host-network`: pods sharing the host's network namespace.
//!
//! ## What it does
//! Reports a workload whose pod spec sets `hostNetwork: true` (one finding per object).
//!
//! ## Why is this bad?
//! Sharing the host's network namespace breaks the isolation between the pod and the node and
//! the other pods on it.
//!
//! ## Message
//! `resource shares host's network namespace (via hostNetwork=true).`, pointing at the value.

use crate::host_namespace::HostNamespace;

/// Registered instance.
pub static TEMPLATE: HostNamespace = HostNamespace {
    key: "host-network",
    name: "Host Network",
    description: "Flag pods sharing the host's network namespace.",
    field: "hostNetwork",
    message: "resource shares host's network namespace (via hostNetwork=true).",
};
