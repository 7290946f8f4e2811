//! Allowed connections: egress allowed by the source ∩ ingress allowed by the destination.

use crate::conns::ConnSet;
use crate::ip::{IpRange, partition};
use crate::model::{Cluster, NetworkPolicy, Peer, PortSpec, Rule, Workload, selector_matches};

/// One end of a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint<'a> {
    /// A workload of the cluster.
    Workload(&'a Workload),
    /// An address range outside the cluster.
    External(IpRange),
}

impl Endpoint<'_> {
    /// netpol-analyzer's name: `ns/name[Kind]` or `a.b.c.d-e.f.g.h[External]`.
    pub fn display(&self) -> String {
        match self {
            Endpoint::Workload(w) => w.display(),
            Endpoint::External(r) => format!("{r}[External]"),
        }
    }
}

/// An allowed connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connection {
    /// Source name.
    pub src: String,
    /// Destination name.
    pub dst: String,
    /// Allowed connections (never empty).
    pub conns: ConnSet,
}

fn selects(policy: &NetworkPolicy, w: &Workload) -> bool {
    policy.namespace == w.namespace
        && policy
            .pod_selector
            .as_ref()
            .is_some_and(|s| selector_matches(s, &w.labels))
}

fn peer_matches(cluster: &Cluster, policy: &NetworkPolicy, peer: &Peer, ep: Endpoint) -> bool {
    match (peer, ep) {
        (Peer::Pods { pods, namespaces }, Endpoint::Workload(w)) => {
            let ns_ok = match namespaces {
                None => w.namespace == policy.namespace,
                Some(sel) => selector_matches(sel, &cluster.namespace_labels(&w.namespace)),
            };
            ns_ok && selector_matches(pods, &w.labels)
        }
        (Peer::IpBlock { cidr, except }, Endpoint::External(r)) => {
            cidr.contains(&r) && !except.iter().any(|e| e.overlaps(&r))
        }
        _ => false,
    }
}

/// The ports a rule allows towards `dst`; named ports resolve against `dst`'s container
/// ports (with the same protocol) and match nothing for external destinations.
fn rule_conns(rule: &Rule, dst: Endpoint) -> ConnSet {
    let Some(ports) = &rule.ports else {
        return ConnSet::all();
    };
    let mut out = ConnSet::none();
    for p in ports {
        match p {
            PortSpec::Range(proto, lo, hi) => out.add_range(*proto, *lo, *hi),
            PortSpec::Named(proto, name) => {
                if let Endpoint::Workload(w) = dst {
                    for cp in &w.ports {
                        if cp.name == *name && cp.protocol == *proto {
                            out.add_range(*proto, cp.port, cp.port);
                        }
                    }
                }
            }
        }
    }
    out
}

fn allowed(
    cluster: &Cluster,
    subject: &Workload,
    other: Endpoint,
    dst: Endpoint,
    ingress: bool,
) -> ConnSet {
    let mut isolated = false;
    let mut out = ConnSet::none();
    for policy in &cluster.policies {
        let typed = if ingress {
            policy.ingress_type
        } else {
            policy.egress_type
        };
        if !typed || !selects(policy, subject) {
            continue;
        }
        isolated = true;
        let rules = if ingress {
            &policy.ingress
        } else {
            &policy.egress
        };
        for rule in rules {
            let peer_ok = match &rule.peers {
                None => true,
                Some(peers) => peers
                    .iter()
                    .any(|p| peer_matches(cluster, policy, p, other)),
            };
            if peer_ok {
                out.union_with(&rule_conns(rule, dst));
            }
        }
    }
    if isolated { out } else { ConnSet::all() }
}

/// Connections `dst` admits from `src` (all when no ingress policy selects `dst`).
pub fn ingress_allowed(cluster: &Cluster, src: Endpoint, dst: &Workload) -> ConnSet {
    allowed(cluster, dst, src, Endpoint::Workload(dst), true)
}

/// Connections `src` may open to `dst` (all when no egress policy selects `src`).
pub fn egress_allowed(cluster: &Cluster, src: &Workload, dst: Endpoint) -> ConnSet {
    allowed(cluster, src, dst, dst, false)
}

fn ip_ranges(cluster: &Cluster, ingress: bool) -> Vec<IpRange> {
    let mut ranges = Vec::new();
    for policy in &cluster.policies {
        let rules = if ingress {
            &policy.ingress
        } else {
            &policy.egress
        };
        for peer in rules.iter().filter_map(|r| r.peers.as_ref()).flatten() {
            if let Peer::IpBlock { cidr, except } = peer {
                ranges.push(*cidr);
                ranges.extend(except.iter().copied());
            }
        }
    }
    partition(&ranges)
}

/// Every allowed connection between distinct workloads, from external ranges to workloads
/// and from workloads to external ranges, sorted by source, destination. External ranges
/// are the pieces of 0.0.0.0/0 cut by the ipBlocks of the rules of that direction.
pub fn connlist(cluster: &Cluster) -> Vec<Connection> {
    let mut out = Vec::new();
    let mut push = |src: Endpoint, dst: Endpoint, conns: ConnSet| {
        if !conns.is_empty() {
            out.push(Connection {
                src: src.display(),
                dst: dst.display(),
                conns,
            });
        }
    };
    for (i, src) in cluster.workloads.iter().enumerate() {
        for (j, dst) in cluster.workloads.iter().enumerate() {
            if i == j {
                continue;
            }
            let (s, d) = (Endpoint::Workload(src), Endpoint::Workload(dst));
            let conns =
                egress_allowed(cluster, src, d).intersect(&ingress_allowed(cluster, s, dst));
            push(s, d, conns);
        }
    }
    for r in ip_ranges(cluster, true) {
        for dst in &cluster.workloads {
            let e = Endpoint::External(r);
            push(e, Endpoint::Workload(dst), ingress_allowed(cluster, e, dst));
        }
    }
    for r in ip_ranges(cluster, false) {
        for src in &cluster.workloads {
            let e = Endpoint::External(r);
            push(Endpoint::Workload(src), e, egress_allowed(cluster, src, e));
        }
    }
    out.sort_by(|a, b| (&a.src, &a.dst).cmp(&(&b.src, &b.dst)));
    out
}

/// netpol-analyzer's txt format: one `src => dst : conns` line per connection.
pub fn format_txt(conns: &[Connection]) -> String {
    let mut s = String::new();
    for c in conns {
        s.push_str(&format!("{} => {} : {}\n", c.src, c.dst, c.conns));
    }
    s
}
