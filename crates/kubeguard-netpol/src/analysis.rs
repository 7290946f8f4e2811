//! Allowed connections: egress allowed by the source ∩ ingress allowed by the destination.

use crate::conns::ConnSet;
use crate::ip::{IpRange, partition};
use crate::model::{Cluster, NetworkPolicy, Peer, PortSpec, Rule, Workload};

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
            .is_some_and(|s| s.matches_labels(&w.labels))
}

fn peer_matches(cluster: &Cluster, policy: &NetworkPolicy, peer: &Peer, ep: Endpoint) -> bool {
    match (peer, ep) {
        (Peer::Pods { pods, namespaces }, Endpoint::Workload(w)) => {
            let ns_ok = match namespaces {
                None => w.namespace == policy.namespace,
                Some(sel) => sel.matches_labels(&cluster.namespace_labels(&w.namespace)),
            };
            ns_ok && pods.matches_labels(&w.labels)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::objects_from_text;

    const PODS: &str = "
apiVersion: v1
kind: Namespace
metadata: {name: a, labels: {team: red}}
---
apiVersion: v1
kind: Namespace
metadata: {name: b, labels: {team: blue}}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: a, labels: {app: web}}
spec:
  containers:
  - name: c
    ports:
    - {name: http, containerPort: 8080}
    - {name: dns, containerPort: 53, protocol: UDP}
---
apiVersion: v1
kind: Pod
metadata: {name: db, namespace: a, labels: {app: db}}
spec: {containers: [{name: c}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: client, namespace: b}
spec:
  template:
    metadata: {labels: {app: client}}
    spec: {containers: [{name: c}]}
";

    fn map(policies: &str) -> String {
        let objects = objects_from_text("t.yaml", &format!("{PODS}---\n{policies}"));
        format_txt(&connlist(&Cluster::from_objects(&objects)))
    }

    fn lines_to(txt: &str, dst: &str) -> Vec<String> {
        txt.lines()
            .filter(|l| l.contains(&format!("=> {dst} :")))
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn no_policy_allows_everything() {
        let txt = map("");
        assert!(txt.contains("b/client[Deployment] => a/web[Pod] : All Connections\n"));
        assert!(txt.contains("0.0.0.0-255.255.255.255[External] => a/db[Pod] : All Connections\n"));
        assert!(txt.contains("a/db[Pod] => 0.0.0.0-255.255.255.255[External] : All Connections\n"));
        assert!(!txt.contains("a/web[Pod] => a/web[Pod]"));
    }

    #[test]
    fn policy_types_default_to_ingress_plus_egress_when_egress_rules_exist() {
        // No policyTypes, no egress rules: ingress-only deny-all for web.
        let txt = map(
            "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: a}\nspec:\n  podSelector: {matchLabels: {app: web}}\n",
        );
        assert!(lines_to(&txt, "a/web[Pod]").is_empty());
        assert!(txt.contains("a/web[Pod] => a/db[Pod] : All Connections\n"));
        // An empty egress list adds no Egress type.
        let txt = map(
            "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: a}\nspec:\n  podSelector: {matchLabels: {app: web}}\n  egress: []\n",
        );
        assert!(txt.contains("a/web[Pod] => a/db[Pod] : All Connections\n"));
        // An egress rule makes it Egress too; its `to` is limited to db on TCP 5432.
        let txt = map(
            "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: a}\nspec:\n  podSelector: {matchLabels: {app: web}}\n  egress:\n  - to: [{podSelector: {matchLabels: {app: db}}}]\n    ports: [{port: 5432}]\n",
        );
        let from_web: Vec<&str> = txt
            .lines()
            .filter(|l| l.starts_with("a/web[Pod]"))
            .collect();
        assert_eq!(from_web, ["a/web[Pod] => a/db[Pod] : TCP 5432"]);
        // Explicit Egress-only: ingress stays open.
        let txt = map(
            "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: a}\nspec:\n  podSelector: {}\n  policyTypes: [Egress]\n",
        );
        assert!(txt.contains("b/client[Deployment] => a/web[Pod] : All Connections\n"));
        assert!(!txt.lines().any(|l| l.starts_with("a/")));
    }

    #[test]
    fn empty_selector_and_empty_rule() {
        // Empty podSelector in a peer: all pods of the policy's namespace only.
        let txt = map(
            "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: a}\nspec:\n  podSelector: {}\n  ingress:\n  - from: [{podSelector: {}}]\n",
        );
        assert_eq!(
            lines_to(&txt, "a/web[Pod]"),
            ["a/db[Pod] => a/web[Pod] : All Connections"]
        );
        // An empty rule admits everything, external ranges included.
        let txt = map(
            "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: a}\nspec:\n  podSelector: {}\n  ingress:\n  - {}\n",
        );
        assert_eq!(lines_to(&txt, "a/web[Pod]").len(), 3);
    }

    #[test]
    fn namespace_and_pod_selector_combined() {
        let txt = map(
            "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: a}\nspec:\n  podSelector: {matchLabels: {app: web}}\n  ingress:\n  - from:\n    - namespaceSelector: {matchLabels: {team: blue}}\n      podSelector: {matchExpressions: [{key: app, operator: In, values: [client]}]}\n  - from:\n    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: a}}\n      podSelector: {matchLabels: {app: nothing}}\n",
        );
        assert_eq!(
            lines_to(&txt, "a/web[Pod]"),
            ["b/client[Deployment] => a/web[Pod] : All Connections"]
        );
    }

    #[test]
    fn ip_block_with_except() {
        let txt = map(
            "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: a}\nspec:\n  podSelector: {matchLabels: {app: web}}\n  ingress:\n  - from: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}}]\n    ports: [{port: 443}]\n",
        );
        assert_eq!(
            lines_to(&txt, "a/web[Pod]"),
            [
                "10.0.0.0-10.0.255.255[External] => a/web[Pod] : TCP 443",
                "10.2.0.0-10.255.255.255[External] => a/web[Pod] : TCP 443",
            ]
        );
        assert!(txt.contains("10.1.0.0-10.1.255.255[External] => a/db[Pod] : All Connections\n"));
    }

    #[test]
    fn named_ports_and_end_port() {
        let txt = map(
            "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: a}\nspec:\n  podSelector: {}\n  ingress:\n  - from: [{namespaceSelector: {}}]\n    ports:\n    - port: http\n    - {port: dns, protocol: UDP}\n    - {port: dns}\n    - {port: 9000, endPort: 9005, protocol: SCTP}\n",
        );
        assert_eq!(
            lines_to(&txt, "a/web[Pod]"),
            [
                "a/db[Pod] => a/web[Pod] : SCTP 9000-9005,TCP 8080,UDP 53",
                "b/client[Deployment] => a/web[Pod] : SCTP 9000-9005,TCP 8080,UDP 53",
            ]
        );
        // db defines no named port: only the numeric range applies.
        assert_eq!(
            lines_to(&txt, "a/db[Pod]"),
            [
                "a/web[Pod] => a/db[Pod] : SCTP 9000-9005",
                "b/client[Deployment] => a/db[Pod] : SCTP 9000-9005",
            ]
        );
    }
}
