//! NetworkPolicy analysis with the Kubernetes API's exact semantics: which workloads (pod
//! owners) and external IP ranges may connect to which, on which protocols and ports.
//!
//! Pure: objects in, connections out. The txt output matches netpol-analyzer's connlist
//! (`src => dst : conns`).

mod analysis;
mod anp;
mod conns;
mod diff;
pub mod generate;
mod ingress;
mod ip;
mod load;
mod model;
mod networks;
mod render;

pub use analysis::{
    Analyzer, Connection, ConnlistOptions, Direction, Endpoint, Layer, NetworkKind, NetworkSection,
    PairExplanation, Reason, Verdict, connlist, connlist_report_txt, connlist_sections,
    connlist_with, egress_allowed, explain, format_explain_txt, format_txt, format_txt_focus_conn,
    ingress_allowed,
};
pub use anp::{
    Action, AdminPeer, AdminPolicy, AdminPort, AdminRule, AdminSelector, admin_policy_of,
};
pub use conns::{ConnSet, MAX_PORT, MIN_PORT, Protocol};
pub use diff::{ConnDiff, DiffEntry, DiffKind, diff};
pub use ingress::{IngressTarget, ingress_targets};
pub use ip::{IpRange, partition};
pub use load::objects_from_text;
pub use model::{
    Cluster, Labels, NAMESPACE_NAME_LABEL, NamedPort, NetworkPolicy, Peer, PortSpec, Rule,
    Workload, network_policy_of, workload_of,
};
pub use networks::{Networks, PrimaryNetwork};
pub use render::{
    ConnTable, DiffFormat, Graph, INGRESS_CONTROLLER, PeerName, format_csv, format_diff,
    format_dot, format_json, format_md, peer_name,
};

/// Computes the connlist of a set of objects in netpol-analyzer's txt format.
pub fn connlist_txt(objects: &[kubeguard_model::Object]) -> String {
    format_txt(&connlist(&Cluster::from_objects(objects)))
}
