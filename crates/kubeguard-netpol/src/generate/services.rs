//! Services: which workloads they select, their ports, and the addresses clients use for them.

use std::collections::{BTreeMap, HashMap};

use kubeguard_model::{Object, Seg, locate};
use kubeguard_source::Node;

use super::references::{Address, PortRef};
use crate::conns::Protocol;
use crate::model::{Labels, Workload};

/// The cluster's DNS domain in service addresses.
pub const CLUSTER_DOMAIN: &str = "cluster.local";

/// A Service's `targetPort`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetPort {
    /// A container port number.
    Number(u16),
    /// A container port name, resolved per workload.
    Name(String),
}

/// One entry of `spec.ports`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServicePort {
    /// Position in `spec.ports`.
    pub index: usize,
    /// `name`.
    pub name: Option<String>,
    /// `port`.
    pub port: u16,
    /// `targetPort` (defaults to `port`).
    pub target: TargetPort,
    /// `protocol` (TCP by default).
    pub protocol: Protocol,
}

/// A Service of the inputs.
#[derive(Debug, Clone)]
pub struct Service<'a> {
    /// The object.
    pub obj: &'a Object,
    /// Namespace (`default` when absent).
    pub namespace: String,
    /// Name.
    pub name: String,
    /// `spec.selector`; empty when absent (such a Service selects no pod).
    pub selector: Labels,
    /// Ports with a valid number and protocol.
    pub ports: Vec<ServicePort>,
}

fn port_number(n: &Node) -> Option<u16> {
    n.as_i64()
        .or_else(|| n.as_str().and_then(|s| s.parse().ok()))
        .and_then(|v| u16::try_from(v).ok())
        .filter(|p| *p > 0)
}

/// Reads a core/v1 Service.
pub fn service_of(obj: &Object) -> Option<Service<'_>> {
    if obj.api_version != "v1" || obj.kind != "Service" {
        return None;
    }
    let spec = obj.spec();
    let selector = spec
        .and_then(|s| s.get("selector"))
        .and_then(Node::as_map)
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.to_string(), v.scalar_text().unwrap_or_default()))
                .collect()
        })
        .unwrap_or_default();
    let mut ports = Vec::new();
    for (index, p) in spec
        .and_then(|s| s.get("ports"))
        .and_then(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .enumerate()
    {
        let Some(port) = p.get("port").and_then(port_number) else {
            continue;
        };
        let protocol = match p.get("protocol").and_then(Node::as_str) {
            None => Protocol::Tcp,
            Some(s) => match Protocol::parse(s) {
                Some(p) => p,
                None => continue,
            },
        };
        let target = match p.get("targetPort") {
            None => TargetPort::Number(port),
            Some(t) if t.is_null() => TargetPort::Number(port),
            Some(t) => match (port_number(t), t.as_str()) {
                (Some(n), _) => TargetPort::Number(n),
                (None, Some(s)) if !s.is_empty() => TargetPort::Name(s.to_string()),
                _ => continue,
            },
        };
        ports.push(ServicePort {
            index,
            name: p.get("name").and_then(Node::scalar_text),
            port,
            target,
            protocol,
        });
    }
    Some(Service {
        obj,
        namespace: obj.namespace_or_default().to_string(),
        name: obj.name.clone(),
        selector,
        ports,
    })
}

impl Service<'_> {
    /// Whether the Service routes to `w`: same namespace, and a non-empty selector whose every
    /// label is on `w`'s pods.
    pub fn selects(&self, w: &Workload) -> bool {
        w.namespace == self.namespace
            && !self.selector.is_empty()
            && self
                .selector
                .iter()
                .all(|(k, v)| w.labels.get(k) == Some(v))
    }

    /// The container port `p` reaches on `w`: `targetPort` as a number, or its name resolved
    /// against `w`'s named container ports of the same protocol.
    pub fn target_on(p: &ServicePort, w: &Workload) -> Option<u16> {
        match &p.target {
            TargetPort::Number(n) => Some(*n),
            TargetPort::Name(name) => w
                .ports
                .iter()
                .find(|c| c.name == *name && c.protocol == p.protocol)
                .map(|c| c.port),
        }
    }

    /// The ports a reference selects: the one it names (by number or name), else the scheme's
    /// default port when the Service has it, else every port. `Err` when the reference names a
    /// port the Service does not have.
    pub fn ports_for(&self, addr: &Address) -> Result<Vec<&ServicePort>, String> {
        match &addr.port {
            Some(want) => {
                let found: Vec<&ServicePort> = self
                    .ports
                    .iter()
                    .filter(|p| match want {
                        PortRef::Number(n) => p.port == *n,
                        PortRef::Name(n) => p.name.as_deref() == Some(n.as_str()),
                    })
                    .collect();
                if found.is_empty() {
                    let shown = match want {
                        PortRef::Number(n) => n.to_string(),
                        PortRef::Name(n) => n.clone(),
                    };
                    Err(format!(
                        "port {shown} is not a port of Service {}/{}",
                        self.namespace, self.name
                    ))
                } else {
                    Ok(found)
                }
            }
            None => {
                let by_scheme: Vec<&ServicePort> = addr
                    .scheme_port()
                    .map(|d| self.ports.iter().filter(|p| p.port == d).collect())
                    .unwrap_or_default();
                Ok(if by_scheme.is_empty() {
                    self.ports.iter().collect()
                } else {
                    by_scheme
                })
            }
        }
    }

    /// The location of `spec.selector` (or of the object).
    pub fn selector_field(&self) -> (String, kubeguard_source::Span) {
        let f = locate(
            &self.obj.root,
            "",
            &[Seg::Key("spec"), Seg::Key("selector")],
        );
        (f.path, f.span)
    }
}

/// Finds Services by the host names clients use: `svc` (same namespace only), `svc.ns`,
/// `svc.ns.svc`, `svc.ns.svc.cluster.local`, and a headless Service's pod names
/// `pod.svc.ns.svc[.cluster.local]`.
#[derive(Debug, Default)]
pub struct AddressIndex {
    /// Qualified names → Service indices.
    qualified: HashMap<String, Vec<usize>>,
    /// (namespace, bare name) → Service indices.
    bare: BTreeMap<(String, String), Vec<usize>>,
}

impl AddressIndex {
    /// Indexes `services`.
    pub fn new(services: &[Service]) -> AddressIndex {
        let mut idx = AddressIndex::default();
        for (i, s) in services.iter().enumerate() {
            let base = format!("{}.{}", s.name, s.namespace);
            for name in [
                base.clone(),
                format!("{base}.svc"),
                format!("{base}.svc.{CLUSTER_DOMAIN}"),
            ] {
                idx.qualified.entry(name).or_default().push(i);
            }
            idx.bare
                .entry((s.namespace.clone(), s.name.clone()))
                .or_default()
                .push(i);
        }
        idx
    }

    /// The Services `host` names for a client in namespace `client_ns`.
    pub fn lookup(&self, host: &str, client_ns: &str) -> &[usize] {
        if !host.contains('.') {
            return self
                .bare
                .get(&(client_ns.to_string(), host.to_string()))
                .map_or(&[], Vec::as_slice);
        }
        if let Some(v) = self.qualified.get(host) {
            return v;
        }
        // A pod of a headless Service: one more label in front of the `.svc` forms.
        if let Some((_, rest)) = host.split_once('.')
            && (rest.ends_with(".svc") || rest.ends_with(&format!(".svc.{CLUSTER_DOMAIN}")))
            && let Some(v) = self.qualified.get(rest)
        {
            return v;
        }
        &[]
    }
}

#[cfg(test)]
mod tests {
    use super::super::references::parse;
    use super::*;
    use crate::load::objects_from_text;
    use crate::model::workload_of;

    const SVC: &str = "apiVersion: v1\nkind: Service\nmetadata: {name: cart, namespace: shop}\nspec:\n  selector: {app: cart}\n  ports:\n  - {name: grpc, port: 7070, targetPort: grpc}\n  - {name: http, port: 80, targetPort: 8080}\n  - {name: dns, port: 53, protocol: UDP}\n  - {port: 99999}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: cart, namespace: shop}\nspec:\n  template:\n    metadata: {labels: {app: cart, tier: be}}\n    spec:\n      containers:\n      - name: c\n        ports: [{name: grpc, containerPort: 7000}]\n---\napiVersion: v1\nkind: Service\nmetadata: {name: none, namespace: shop}\nspec: {ports: [{port: 1}]}\n";

    #[test]
    fn selection_and_ports() {
        let objs = objects_from_text("s.yaml", SVC);
        let svc = service_of(&objs[0]).expect("service");
        let w = workload_of(&objs[1]).expect("workload");
        assert!(svc.selects(&w));
        assert_eq!(svc.ports.len(), 3);
        assert_eq!(svc.ports[0].target, TargetPort::Name("grpc".into()));
        assert_eq!(Service::target_on(&svc.ports[0], &w), Some(7000));
        assert_eq!(Service::target_on(&svc.ports[1], &w), Some(8080));
        assert_eq!(Service::target_on(&svc.ports[2], &w), Some(53));
        assert_eq!(svc.ports[2].protocol, Protocol::Udp);
        // No selector: selects nothing.
        let none = service_of(&objs[2]).expect("service");
        assert!(!none.selects(&w));
        let (path, _) = svc.selector_field();
        assert_eq!(path, "spec.selector");
    }

    #[test]
    fn ports_of_a_reference() {
        let objs = objects_from_text("s.yaml", SVC);
        let svc = service_of(&objs[0]).expect("service");
        let ports = |a: &str| {
            svc.ports_for(&parse(a).expect("address"))
                .map(|v| v.iter().map(|p| p.port).collect::<Vec<_>>())
        };
        assert_eq!(ports("cart:7070"), Ok(vec![7070]));
        assert_eq!(ports("cart:grpc"), Ok(vec![7070]));
        assert_eq!(ports("http://cart/x"), Ok(vec![80]));
        assert_eq!(ports("https://cart"), Ok(vec![7070, 80, 53]));
        assert_eq!(ports("cart"), Ok(vec![7070, 80, 53]));
        assert!(ports("cart:9").is_err());
    }

    #[test]
    fn address_forms() {
        let objs = objects_from_text("s.yaml", SVC);
        let svcs: Vec<Service> = objs.iter().filter_map(service_of).collect();
        let idx = AddressIndex::new(&svcs);
        assert_eq!(idx.lookup("cart", "shop"), [0]);
        assert_eq!(idx.lookup("cart", "other"), [] as [usize; 0]);
        for h in [
            "cart.shop",
            "cart.shop.svc",
            "cart.shop.svc.cluster.local",
            "cart-0.cart.shop.svc.cluster.local",
            "cart-0.cart.shop.svc",
        ] {
            assert_eq!(idx.lookup(h, "other"), [0], "{h}");
        }
        for h in ["cart.shop.com", "x.cart.shop", "cart.other"] {
            assert_eq!(idx.lookup(h, "shop"), [] as [usize; 0], "{h}");
        }
    }
}
