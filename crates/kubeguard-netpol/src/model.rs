//! The analysis model read from Kubernetes objects: workloads (pod owners), namespaces and
//! `networking.k8s.io/v1` NetworkPolicies with the API's defaulting rules.

use std::collections::BTreeMap;

use kubeguard_model::{Object, Selector, WorkloadKind};
use kubeguard_source::Node;

use crate::anp::{AdminPolicy, admin_policy_of};
use crate::conns::Protocol;
use crate::ingress::{IngressTarget, ingress_targets};
use crate::ip::IpRange;
use crate::networks::{Networks, networks_of};

/// Label set.
pub type Labels = BTreeMap<String, String>;

/// Label that Kubernetes sets on every namespace to its name.
pub const NAMESPACE_NAME_LABEL: &str = "kubernetes.io/metadata.name";

/// A named container port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedPort {
    /// `name`.
    pub name: String,
    /// `containerPort`.
    pub port: u16,
    /// `protocol` (TCP by default).
    pub protocol: Protocol,
}

/// A pod owner: the unit connections are reported for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workload {
    /// Namespace (`default` when absent).
    pub namespace: String,
    /// Name of the owner (the workload object, or the pod's first owner reference).
    pub name: String,
    /// Kind of the owner.
    pub kind: String,
    /// Labels of its pods.
    pub labels: Labels,
    /// Named container ports of its pods.
    pub ports: Vec<NamedPort>,
    /// Every `containerPort` number of its pods (what an ingress controller may reach).
    pub container_ports: Vec<u16>,
    /// Secondary networks its pods ask for: (namespace, NetworkAttachmentDefinition name).
    pub secondary_refs: Vec<(String, String)>,
    /// Addresses on secondary networks: (NAD name, empty for all; address).
    pub secondary_ips: Vec<(String, IpRange)>,
    /// Addresses `ipBlock` peers match this workload by (set for the analysis of a
    /// secondary network; pod-network addresses are not modelled).
    pub ips: Vec<IpRange>,
}

impl Workload {
    /// `ns/name[Kind]`.
    pub fn display(&self) -> String {
        format!("{}/{}[{}]", self.namespace, self.name, self.kind)
    }
}

/// One port entry of a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PortSpec {
    /// Numeric port range (a single port has `lo == hi`); no `port` means every port.
    Range(Protocol, u16, u16),
    /// A named port, resolved against the destination pod's container ports.
    Named(Protocol, String),
}

/// A peer of a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Peer {
    /// Pods matching `pods` in namespaces matching `namespaces`; `namespaces: None` means the
    /// policy's own namespace.
    Pods {
        /// Pod selector (empty = all pods).
        pods: Selector,
        /// Namespace selector, `None` for the policy's namespace.
        namespaces: Option<Selector>,
    },
    /// `ipBlock`: the CIDR minus the exceptions.
    IpBlock {
        /// `cidr`.
        cidr: IpRange,
        /// `except`.
        except: Vec<IpRange>,
    },
    /// A peer that matches nothing (an invalid selector or CIDR).
    Nothing,
}

/// An ingress or egress rule. `peers: None` means every peer; `ports: None` every port.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Rule {
    /// `from` / `to`, `None` when absent or empty.
    pub peers: Option<Vec<Peer>>,
    /// `ports`, `None` when absent or empty.
    pub ports: Option<Vec<PortSpec>>,
    /// 1-based line of the rule in its file.
    pub line: Option<u32>,
}

/// A NetworkPolicy with its policy types defaulted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkPolicy {
    /// Namespace (`default` when absent).
    pub namespace: String,
    /// Name.
    pub name: String,
    /// `podSelector` (`None` when invalid: selects nothing).
    pub pod_selector: Option<Selector>,
    /// Whether it isolates selected pods for ingress.
    pub ingress_type: bool,
    /// Whether it isolates selected pods for egress.
    pub egress_type: bool,
    /// Ingress rules.
    pub ingress: Vec<Rule>,
    /// Egress rules.
    pub egress: Vec<Rule>,
    /// Path of the file the policy comes from.
    pub path: String,
    /// 1-based line of the policy in its file.
    pub line: Option<u32>,
}

/// Everything the analysis needs.
#[derive(Debug, Clone, Default)]
pub struct Cluster {
    /// Workloads, in input order, one per owner.
    pub workloads: Vec<Workload>,
    /// Namespace labels by name (objects' labels plus the implicit name label).
    pub namespaces: BTreeMap<String, Labels>,
    /// NetworkPolicies.
    pub policies: Vec<NetworkPolicy>,
    /// AdminNetworkPolicies, by ascending priority (lower values take precedence).
    pub admin_policies: Vec<AdminPolicy>,
    /// The BaselineAdminNetworkPolicy (the first one when several are given).
    pub baseline: Option<AdminPolicy>,
    /// Workloads an ingress controller may reach through Ingress / Route objects.
    pub ingress_targets: Vec<IngressTarget>,
    /// Primary and secondary networks of the workloads.
    pub networks: Networks,
}

fn labels_of(map: Option<&kubeguard_source::Map>) -> Labels {
    map.map(|m| {
        m.iter()
            .map(|(k, v)| (k.to_string(), v.scalar_text().unwrap_or_default()))
            .collect()
    })
    .unwrap_or_default()
}

fn protocol_of(node: Option<&Node>) -> Option<Protocol> {
    match node.and_then(Node::as_str) {
        None => Some(Protocol::Tcp),
        Some(s) => Protocol::parse(s),
    }
}

fn port_number(v: i64) -> Option<u16> {
    u16::try_from(v).ok().filter(|p| *p >= 1)
}

fn named_ports(obj: &Object) -> Vec<NamedPort> {
    let mut out = Vec::new();
    let Some(spec) = obj.pod_spec() else {
        return out;
    };
    for c in spec.containers() {
        for p in c.node.get("ports").and_then(Node::as_seq).unwrap_or(&[]) {
            let (Some(name), Some(port), Some(protocol)) = (
                p.get("name").and_then(Node::as_str),
                p.get("containerPort")
                    .and_then(Node::as_i64)
                    .and_then(port_number),
                protocol_of(p.get("protocol")),
            ) else {
                continue;
            };
            out.push(NamedPort {
                name: name.to_string(),
                port,
                protocol,
            });
        }
    }
    out
}

fn container_ports(obj: &Object) -> Vec<u16> {
    let Some(spec) = obj.pod_spec() else {
        return Vec::new();
    };
    spec.containers()
        .flat_map(|c| {
            c.node
                .get("ports")
                .and_then(Node::as_seq)
                .unwrap_or(&[])
                .iter()
                .filter_map(|p| p.get("containerPort").and_then(Node::as_i64))
                .filter_map(port_number)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The workload an object contributes, if it runs pods. Pods with owner references are
/// reported under their first owner.
pub fn workload_of(obj: &Object) -> Option<Workload> {
    if obj.kind == "VirtualMachine" && obj.group() == "kubevirt.io" {
        let namespace = obj.namespace_or_default().to_string();
        return Some(Workload {
            secondary_refs: crate::networks::secondary_refs(obj, &namespace),
            namespace,
            name: obj.name.clone(),
            kind: obj.kind.clone(),
            labels: labels_of(
                obj.root
                    .path(&["spec", "template", "metadata", "labels"])
                    .and_then(Node::as_map),
            ),
            ports: Vec::new(),
            container_ports: Vec::new(),
            secondary_ips: crate::networks::secondary_ips(obj),
            ips: Vec::new(),
        });
    }
    let kind = obj.workload_kind()?;
    if kind == WorkloadKind::PodTemplate {
        return None;
    }
    let (name, kind_name) = if kind == WorkloadKind::Pod {
        let owner = obj
            .metadata()
            .and_then(|m| m.get("ownerReferences"))
            .and_then(Node::as_seq)
            .and_then(|s| s.first());
        match owner {
            Some(o) => (
                o.get("name").and_then(Node::as_str).unwrap_or_default(),
                // A virt-launcher pod belongs to a VirtualMachineInstance, which KubeVirt
                // names after (and owns by) its VirtualMachine.
                match o.get("kind").and_then(Node::as_str) {
                    Some("VirtualMachineInstance") => "VirtualMachine",
                    Some(k) if !k.is_empty() => k,
                    _ => "Pod",
                },
            ),
            None => (obj.name.as_str(), obj.kind.as_str()),
        }
    } else {
        (obj.name.as_str(), obj.kind.as_str())
    };
    Some(Workload {
        namespace: obj.namespace_or_default().to_string(),
        name: name.to_string(),
        kind: kind_name.to_string(),
        labels: labels_of(obj.pod_labels()),
        ports: named_ports(obj),
        container_ports: container_ports(obj),
        secondary_refs: crate::networks::secondary_refs(obj, obj.namespace_or_default()),
        secondary_ips: crate::networks::secondary_ips(obj),
        ips: Vec::new(),
    })
}

fn parse_ports(node: Option<&Node>) -> Option<Vec<PortSpec>> {
    let seq = node.and_then(Node::as_seq).filter(|s| !s.is_empty())?;
    let mut out = Vec::new();
    for p in seq {
        let Some(proto) = protocol_of(p.get("protocol")) else {
            continue;
        };
        match p.get("port") {
            None => out.push(PortSpec::Range(proto, 1, u16::MAX)),
            Some(n) if n.is_null() => out.push(PortSpec::Range(proto, 1, u16::MAX)),
            Some(n) => {
                if let Some(v) = n.as_i64() {
                    let Some(lo) = port_number(v) else { continue };
                    let hi = p
                        .get("endPort")
                        .and_then(Node::as_i64)
                        .and_then(port_number)
                        .unwrap_or(lo);
                    out.push(PortSpec::Range(proto, lo, hi));
                } else if let Some(s) = n.as_str() {
                    match s.parse::<i64>().ok().and_then(port_number) {
                        Some(lo) => out.push(PortSpec::Range(proto, lo, lo)),
                        None => out.push(PortSpec::Named(proto, s.to_string())),
                    }
                }
            }
        }
    }
    Some(out)
}

fn parse_peer(p: &Node) -> Peer {
    if let Some(b) = p.get("ipBlock") {
        let Some(cidr) = b
            .get("cidr")
            .and_then(Node::as_str)
            .and_then(IpRange::parse_cidr)
        else {
            return Peer::Nothing;
        };
        let except = b
            .get("except")
            .and_then(Node::as_seq)
            .unwrap_or(&[])
            .iter()
            .filter_map(|e| e.as_str().and_then(IpRange::parse_cidr))
            .collect();
        return Peer::IpBlock { cidr, except };
    }
    let pods = match p.get("podSelector") {
        Some(n) => match Selector::from_label_selector(n) {
            Some(s) => s,
            None => return Peer::Nothing,
        },
        None => Selector::default(),
    };
    let namespaces = match p.get("namespaceSelector") {
        Some(n) => match Selector::from_label_selector(n) {
            Some(s) => Some(s),
            None => return Peer::Nothing,
        },
        None => None,
    };
    if p.get("podSelector").is_none() && namespaces.is_none() {
        return Peer::Nothing;
    }
    Peer::Pods { pods, namespaces }
}

fn parse_rules(obj: &Object, node: Option<&Node>, peers_key: &str) -> Vec<Rule> {
    node.and_then(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .map(|r| Rule {
            line: Some(obj.source.line_col(r.span.start).line),
            peers: r
                .get(peers_key)
                .and_then(Node::as_seq)
                .filter(|s| !s.is_empty())
                .map(|s| s.iter().map(parse_peer).collect()),
            ports: parse_ports(r.get("ports")),
        })
        .collect()
}

/// Reads a `networking.k8s.io/v1` NetworkPolicy. Without `policyTypes`, a policy is of type
/// Ingress, plus Egress when it has at least one egress rule.
pub fn network_policy_of(obj: &Object) -> Option<NetworkPolicy> {
    if obj.group() != "networking.k8s.io" || obj.kind != "NetworkPolicy" {
        return None;
    }
    Some(policy_from_spec(obj))
}

/// Reads the spec of a NetworkPolicy (or of a MultiNetworkPolicy, which has the same shape).
pub(crate) fn policy_from_spec(obj: &Object) -> NetworkPolicy {
    let spec = obj.spec();
    let get = |k: &str| spec.and_then(|s| s.get(k));
    let ingress = parse_rules(obj, get("ingress"), "from");
    let egress = parse_rules(obj, get("egress"), "to");
    let types: Option<Vec<&str>> = get("policyTypes")
        .and_then(Node::as_seq)
        .filter(|s| !s.is_empty())
        .map(|s| s.iter().filter_map(Node::as_str).collect());
    let (ingress_type, egress_type) = match &types {
        Some(t) => (t.contains(&"Ingress"), t.contains(&"Egress")),
        None => (true, !egress.is_empty()),
    };
    let pod_selector = match get("podSelector") {
        Some(n) if !n.is_null() => Selector::from_label_selector(n),
        _ => Some(Selector::default()),
    };
    NetworkPolicy {
        namespace: obj.namespace_or_default().to_string(),
        name: obj.name.clone(),
        pod_selector,
        ingress_type,
        egress_type,
        ingress,
        egress,
        path: obj.path.to_string(),
        line: Some(obj.source.line_col(obj.root.span.start).line),
    }
}

impl Cluster {
    /// Builds the model from objects: workloads (one per owner, first wins), Namespace labels
    /// and NetworkPolicies. Namespaces that only appear in workloads get the implicit name
    /// label.
    pub fn from_objects(objects: &[Object]) -> Cluster {
        let mut c = Cluster::default();
        let mut explicit_namespaces = std::collections::BTreeSet::new();
        for obj in objects {
            if obj.api_version == "v1" && obj.kind == "Namespace" {
                explicit_namespaces.insert(obj.name.clone());
                let mut labels = labels_of(obj.labels());
                labels.insert(NAMESPACE_NAME_LABEL.to_string(), obj.name.clone());
                c.namespaces.insert(obj.name.clone(), labels);
            } else if let Some(w) = workload_of(obj) {
                if !c
                    .workloads
                    .iter()
                    .any(|x| x.namespace == w.namespace && x.name == w.name && x.kind == w.kind)
                {
                    c.workloads.push(w);
                }
            } else if let Some(p) = network_policy_of(obj) {
                c.policies.push(p);
            } else if let Some(p) = admin_policy_of(obj) {
                if !p.baseline {
                    c.admin_policies.push(p);
                } else if c.baseline.is_none() {
                    c.baseline = Some(p);
                }
            }
        }
        // Stable: policies of equal priority (which Kubernetes leaves undefined) keep their
        // input order.
        c.admin_policies.sort_by_key(|p| p.priority);
        c.ingress_targets = ingress_targets(objects, &c.workloads);
        c.networks = networks_of(objects, &c.workloads, &c.namespaces, &explicit_namespaces);
        for w in &c.workloads {
            c.namespaces.entry(w.namespace.clone()).or_insert_with(|| {
                Labels::from([(NAMESPACE_NAME_LABEL.into(), w.namespace.clone())])
            });
        }
        c
    }

    /// Labels of namespace `ns` (just the implicit name label when unknown).
    pub fn namespace_labels(&self, ns: &str) -> Labels {
        self.namespaces
            .get(ns)
            .cloned()
            .unwrap_or_else(|| Labels::from([(NAMESPACE_NAME_LABEL.into(), ns.to_string())]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::objects_from_text;

    fn policy(spec: &str) -> NetworkPolicy {
        let text = format!(
            "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: p}}\nspec:\n{spec}"
        );
        let objs = objects_from_text("p.yaml", &text);
        objs.first()
            .and_then(network_policy_of)
            .expect("a NetworkPolicy")
    }

    #[test]
    fn policy_types_defaulting() {
        let p = policy("  podSelector: {}\n");
        assert_eq!((p.ingress_type, p.egress_type), (true, false));
        assert_eq!(p.namespace, "default");
        let p = policy("  podSelector: {}\n  egress: [{}]\n");
        assert_eq!((p.ingress_type, p.egress_type), (true, true));
        let p = policy("  podSelector: {}\n  egress: []\n");
        assert_eq!((p.ingress_type, p.egress_type), (true, false));
        let p = policy("  podSelector: {}\n  policyTypes: [Egress]\n  ingress: [{}]\n");
        assert_eq!((p.ingress_type, p.egress_type), (false, true));
    }

    #[test]
    fn rules_ports_and_peers() {
        let p = policy(
            "  podSelector: {}\n  ingress:\n  - from: []\n    ports:\n    - {port: 80}\n    - {port: '8080'}\n    - {port: web, protocol: UDP}\n    - {protocol: SCTP}\n    - {port: 1000, endPort: 2000}\n    - {port: 70000}\n    - {port: 1, protocol: ICMP}\n  - from: [{}, {ipBlock: {cidr: 'fd00::/8'}}, {podSelector: {matchExpressions: [{key: a, operator: Bogus}]}}]\n",
        );
        assert_eq!(p.ingress.len(), 2);
        assert_eq!(p.ingress[0].peers, None);
        assert_eq!(
            p.ingress[0].ports,
            Some(vec![
                PortSpec::Range(Protocol::Tcp, 80, 80),
                PortSpec::Range(Protocol::Tcp, 8080, 8080),
                PortSpec::Named(Protocol::Udp, "web".into()),
                PortSpec::Range(Protocol::Sctp, 1, 65535),
                PortSpec::Range(Protocol::Tcp, 1000, 2000),
            ])
        );
        // An empty peer, an IPv6 block and an invalid selector match nothing.
        assert_eq!(
            p.ingress[1].peers,
            Some(vec![Peer::Nothing, Peer::Nothing, Peer::Nothing])
        );
    }

    #[test]
    fn workloads_and_namespaces() {
        let objs = objects_from_text(
            "w.yaml",
            "apiVersion: v1\nkind: Namespace\nmetadata: {name: a, labels: {x: z}}\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p-1\n  namespace: a\n  labels: {app: p}\n  ownerReferences: [{kind: ReplicaSet, name: rs}]\nspec: {containers: [{name: c, ports: [{name: h, containerPort: 80}]}]}\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p-2\n  namespace: a\n  ownerReferences: [{kind: ReplicaSet, name: rs}]\nspec: {containers: [{name: c}]}\n---\napiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\nspec: {template: {spec: {containers: [{name: c}]}}}\n",
        );
        let c = Cluster::from_objects(&objs);
        let names: Vec<String> = c.workloads.iter().map(Workload::display).collect();
        assert_eq!(names, ["a/rs[ReplicaSet]", "default/j[Job]"]);
        assert_eq!(
            c.workloads[0].ports,
            [NamedPort {
                name: "h".into(),
                port: 80,
                protocol: Protocol::Tcp
            }]
        );
        assert_eq!(
            c.namespace_labels("a").get("x").map(String::as_str),
            Some("z")
        );
        assert_eq!(
            c.namespace_labels("default")
                .get(NAMESPACE_NAME_LABEL)
                .map(String::as_str),
            Some("default")
        );
    }
}
