//! Multiple networks (OVN-Kubernetes and Multus): primary UserDefinedNetworks (one
//! namespace) and ClusterUserDefinedNetworks (several namespaces) isolate their workloads
//! from the pod network; secondary networks (NetworkAttachmentDefinitions a pod or
//! KubeVirt VirtualMachine attaches to) carry their own traffic, restricted by the
//! MultiNetworkPolicies written for them.

use std::collections::{BTreeMap, BTreeSet};

use kubeguard_model::{Object, Selector};
use kubeguard_source::{Limits, Node};

use crate::ip::IpRange;
use crate::model::{Labels, NetworkPolicy, Workload, policy_from_spec};

/// Label a namespace needs to get a primary user-defined network.
pub const PRIMARY_UDN_LABEL: &str = "k8s.ovn.org/primary-user-defined-network";
/// Annotation listing a pod's secondary networks.
pub const NETWORKS_ANNOTATION: &str = "k8s.v1.cni.cncf.io/networks";
/// Annotation naming the networks a MultiNetworkPolicy is for.
pub const POLICY_FOR_ANNOTATION: &str = "k8s.v1.cni.cncf.io/policy-for";

/// The primary network of a workload.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PrimaryNetwork {
    /// The cluster's default pod network.
    Pod,
    /// A primary UserDefinedNetwork, named after its namespace.
    Udn(String),
    /// A primary ClusterUserDefinedNetwork.
    Cudn(String),
}

impl PrimaryNetwork {
    /// `pod-network`, `name[UDN]`, `name[CUDN]` (the workload-to-networks mapping).
    pub fn display(&self) -> String {
        match self {
            PrimaryNetwork::Pod => "pod-network".to_string(),
            PrimaryNetwork::Udn(n) => format!("{n}[UDN]"),
            PrimaryNetwork::Cudn(n) => format!("{n}[CUDN]"),
        }
    }
}

/// The networks of a cluster.
#[derive(Debug, Clone, Default)]
pub struct Networks {
    /// Whether the input uses multiple networks (UDN, CUDN, NAD, MultiNetworkPolicy or
    /// VirtualMachine objects): the report then adds the workload-to-networks mapping.
    pub enabled: bool,
    /// Primary network of each workload (same order as the workloads).
    pub primary: Vec<PrimaryNetwork>,
    /// Secondary networks (NAD names) of each workload, sorted.
    pub secondary: Vec<Vec<String>>,
    /// MultiNetworkPolicies with the NAD names they are for.
    pub multi_policies: Vec<(Vec<String>, NetworkPolicy)>,
}

impl Networks {
    /// Whether any workload leaves the plain pod network.
    pub fn is_multi(&self) -> bool {
        self.primary.iter().any(|p| *p != PrimaryNetwork::Pod)
            || self.secondary.iter().any(|s| !s.is_empty())
    }

    /// Names of the secondary networks in use, sorted.
    pub fn secondary_names(&self) -> BTreeSet<String> {
        self.secondary.iter().flatten().cloned().collect()
    }
}

/// `[ns/]name[@iface]` references or a JSON list of `{name, namespace}` objects.
pub fn network_refs(value: &str, default_ns: &str) -> Vec<(String, String)> {
    let v = value.trim();
    if v.is_empty() {
        return Vec::new();
    }
    if v.starts_with('[') {
        let Some(Ok(doc)) = kubeguard_source::parse_documents(v, &Limits::default())
            .into_iter()
            .next()
        else {
            return Vec::new();
        };
        return doc
            .root
            .as_seq()
            .unwrap_or(&[])
            .iter()
            .filter_map(|e| {
                let name = e.get("name").and_then(Node::as_str)?;
                let ns = e
                    .get("namespace")
                    .and_then(Node::as_str)
                    .unwrap_or(default_ns);
                Some((ns.to_string(), name.to_string()))
            })
            .collect();
    }
    v.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            let s = s.split('@').next().unwrap_or(s);
            match s.split_once('/') {
                Some((ns, name)) => (ns.to_string(), name.to_string()),
                None => (default_ns.to_string(), s.to_string()),
            }
        })
        .collect()
}

/// The host address of `a.b.c.d` or `a.b.c.d/len` (as a one-address range).
fn address(s: &str) -> Option<IpRange> {
    let host = s.trim().split('/').next().unwrap_or("");
    IpRange::parse_cidr(&format!("{host}/32"))
}

/// Addresses a workload has on its secondary networks: (NAD name, address); an empty name
/// stands for every secondary network of the workload. Pods give them in the `ips` of the
/// JSON form of the networks annotation, VirtualMachines in the `addresses` of their
/// cloud-init `networkData`.
pub fn secondary_ips(obj: &Object) -> Vec<(String, IpRange)> {
    let mut out = Vec::new();
    if obj.kind == "VirtualMachine" {
        let volumes = obj
            .root
            .path(&["spec", "template", "spec", "volumes"])
            .and_then(Node::as_seq)
            .unwrap_or(&[]);
        for v in volumes {
            let Some(data) = v
                .get("cloudInitNoCloud")
                .and_then(|c| c.get("networkData"))
                .and_then(Node::as_str)
            else {
                continue;
            };
            let Some(Ok(doc)) = kubeguard_source::parse_documents(data, &Limits::default())
                .into_iter()
                .next()
            else {
                continue;
            };
            let Some(eths) = doc.root.get("ethernets").and_then(Node::as_map) else {
                continue;
            };
            for (_, eth) in eths.iter() {
                for a in eth.get("addresses").and_then(Node::as_seq).unwrap_or(&[]) {
                    if let Some(r) = a.as_str().and_then(address) {
                        out.push((String::new(), r));
                    }
                }
            }
        }
        return out;
    }
    let value = obj
        .pod_template_metadata()
        .and_then(|m| m.get("annotations"))
        .and_then(|a| a.get(NETWORKS_ANNOTATION))
        .and_then(Node::as_str)
        .map(str::trim)
        .unwrap_or("");
    if !value.starts_with('[') {
        return out;
    }
    let Some(Ok(doc)) = kubeguard_source::parse_documents(value, &Limits::default())
        .into_iter()
        .next()
    else {
        return out;
    };
    for e in doc.root.as_seq().unwrap_or(&[]) {
        let Some(name) = e.get("name").and_then(Node::as_str) else {
            continue;
        };
        for ip in e.get("ips").and_then(Node::as_seq).unwrap_or(&[]) {
            if let Some(r) = ip.as_str().and_then(address) {
                out.push((name.to_string(), r));
            }
        }
    }
    out
}

/// The secondary networks an object's pods ask for: the pod (template) annotation, or a
/// VirtualMachine's `multus` networks.
pub fn secondary_refs(obj: &Object, namespace: &str) -> Vec<(String, String)> {
    if obj.kind == "VirtualMachine" {
        return obj
            .root
            .path(&["spec", "template", "spec", "networks"])
            .and_then(Node::as_seq)
            .unwrap_or(&[])
            .iter()
            .filter_map(|n| n.get("multus")?.get("networkName")?.as_str())
            .flat_map(|n| network_refs(n, namespace))
            .collect();
    }
    let annotations = obj
        .pod_template_metadata()
        .and_then(|m| m.get("annotations"));
    annotations
        .and_then(|a| a.get(NETWORKS_ANNOTATION))
        .and_then(Node::as_str)
        .map(|v| network_refs(v, namespace))
        .unwrap_or_default()
}

fn primary_role(layer: Option<&Node>) -> bool {
    layer
        .and_then(|l| l.get("role"))
        .and_then(Node::as_str)
        .is_some_and(|r| r == "Primary")
}

/// Whether a (C)UDN network spec is valid and primary.
fn is_valid_primary(net: Option<&Node>) -> bool {
    let Some(net) = net else { return false };
    let topology = net.get("topology").and_then(Node::as_str).unwrap_or("");
    let (l2, l3) = (net.get("layer2"), net.get("layer3"));
    let valid = match topology {
        "Layer2" => l3.is_none(),
        "Layer3" => l2.is_none(),
        _ => false,
    };
    valid && (primary_role(l2) || primary_role(l3))
}

fn may_have_udn(ns: &str) -> bool {
    ns != "default" && !ns.starts_with("openshift-")
}

/// Reads the networks of `objects` for `workloads` (whose secondary references were read by
/// [`secondary_refs`]). `namespaces` are the labels of the Namespace objects.
pub fn networks_of(
    objects: &[Object],
    workloads: &[Workload],
    namespaces: &BTreeMap<String, Labels>,
    explicit_namespaces: &BTreeSet<String>,
) -> Networks {
    let mut primary_by_ns: BTreeMap<String, PrimaryNetwork> = BTreeMap::new();
    let mut nads: BTreeSet<(String, String)> = BTreeSet::new();
    let mut out = Networks::default();
    let ns_ok = |ns: &str| {
        explicit_namespaces.contains(ns)
            && namespaces
                .get(ns)
                .is_some_and(|l| l.contains_key(PRIMARY_UDN_LABEL))
            && may_have_udn(ns)
    };
    for obj in objects {
        match obj.kind.as_str() {
            "UserDefinedNetwork" => {
                out.enabled = true;
                let ns = obj.namespace_or_default();
                if obj.name != "default"
                    && is_valid_primary(obj.spec())
                    && ns_ok(ns)
                    && !primary_by_ns.contains_key(ns)
                {
                    primary_by_ns.insert(ns.to_string(), PrimaryNetwork::Udn(ns.to_string()));
                }
            }
            "ClusterUserDefinedNetwork" => {
                out.enabled = true;
                let spec = obj.spec();
                if !is_valid_primary(spec.and_then(|s| s.get("network"))) {
                    continue;
                }
                let sel = match spec.and_then(|s| s.get("namespaceSelector")) {
                    Some(n) if !n.is_null() => Selector::from_label_selector(n),
                    _ => Some(Selector::default()),
                };
                let Some(sel) = sel else { continue };
                for ns in explicit_namespaces {
                    let labels = namespaces.get(ns).cloned().unwrap_or_default();
                    if sel.matches_labels(&labels) && ns_ok(ns) && !primary_by_ns.contains_key(ns) {
                        primary_by_ns.insert(ns.clone(), PrimaryNetwork::Cudn(obj.name.clone()));
                    }
                }
            }
            "NetworkAttachmentDefinition" => {
                out.enabled = true;
                nads.insert((obj.namespace_or_default().to_string(), obj.name.clone()));
            }
            "MultiNetworkPolicy" => {
                out.enabled = true;
                let nets: Vec<String> = obj
                    .annotation(POLICY_FOR_ANNOTATION)
                    .map(|v| {
                        v.split(',')
                            .map(str::trim)
                            .filter(|s| !s.is_empty())
                            .map(|s| s.rsplit('/').next().unwrap_or(s).to_string())
                            .collect()
                    })
                    .unwrap_or_default();
                out.multi_policies.push((nets, policy_from_spec(obj)));
            }
            "VirtualMachine" => out.enabled = true,
            _ => {}
        }
    }
    out.primary = workloads
        .iter()
        .map(|w| {
            primary_by_ns
                .get(&w.namespace)
                .cloned()
                .unwrap_or(PrimaryNetwork::Pod)
        })
        .collect();
    out.secondary = workloads
        .iter()
        .map(|w| {
            let mut names: Vec<String> = w
                .secondary_refs
                .iter()
                .filter(|r| nads.contains(*r))
                .map(|(_, name)| name.clone())
                .collect();
            names.sort();
            names.dedup();
            names
        })
        .collect();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn network_references() {
        assert_eq!(
            network_refs("a, ns2/b@eth1", "ns"),
            [
                ("ns".to_string(), "a".to_string()),
                ("ns2".to_string(), "b".to_string())
            ]
        );
        assert_eq!(
            network_refs(
                r#"[{"name": "m", "namespace": "default", "ips": ["1.2.3.4/24"]}, {"name": "n"}]"#,
                "ns"
            ),
            [
                ("default".to_string(), "m".to_string()),
                ("ns".to_string(), "n".to_string())
            ]
        );
        assert!(network_refs("", "ns").is_empty());
    }
}
