//! What an ingress controller may reach: Kubernetes Ingress and OpenShift Route objects
//! route to Services, whose selectors pick workloads, on the service's target ports.

use std::collections::BTreeMap;

use kubeguard_model::{Object, Selector};
use kubeguard_source::Node;

use crate::conns::ConnSet;
use crate::model::Workload;

/// Name of the ingress controller in the output.
pub const INGRESS_CONTROLLER: &str = "{ingress-controller}";
/// Name of the pod the ingress controller is modelled as.
pub const INGRESS_CONTROLLER_POD: &str = "ingress-controller";
/// Namespace of the ingress controller pod.
pub const INGRESS_CONTROLLER_NAMESPACE: &str = "ingress-controller-ns";

/// A workload an ingress controller may reach, and on which ports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IngressTarget {
    /// Index of the workload in [`crate::Cluster::workloads`].
    pub workload: usize,
    /// TCP ports the Ingress / Route objects expose (before policies apply).
    pub conns: ConnSet,
    /// `Route ns/name` / `Ingress ns/name` objects leading to it.
    pub objects: Vec<String>,
}

/// A port given as a number or a name.
#[derive(Debug, Clone, PartialEq, Eq)]
enum IntOrStr {
    Int(i64),
    Str(String),
}

fn int_or_str(node: Option<&Node>) -> Option<IntOrStr> {
    let n = node?;
    if let Some(i) = n.as_i64() {
        return Some(IntOrStr::Int(i));
    }
    n.as_str()
        .filter(|s| !s.is_empty())
        .map(|s| IntOrStr::Str(s.to_string()))
}

struct ServicePort {
    name: String,
    port: i64,
    target: Option<IntOrStr>,
}

struct Service {
    selected: Vec<usize>,
    ports: Vec<ServicePort>,
}

/// The pod ports a service port reached with `required` leads to: the target port of the
/// first service port matching it by name, port or target port, or of every service port
/// when `required` is absent.
fn access_ports(ports: &[ServicePort], required: Option<&IntOrStr>) -> Vec<IntOrStr> {
    let mut out = Vec::new();
    for p in ports {
        let access = p.target.clone().unwrap_or(IntOrStr::Int(p.port));
        match required {
            None => out.push(access),
            Some(r) => {
                let by_name = matches!(r, IntOrStr::Str(s) if !p.name.is_empty() && *s == p.name);
                let by_port = matches!(r, IntOrStr::Int(i) if *i == p.port);
                if by_name || by_port || p.target.as_ref() == Some(r) {
                    out.push(access);
                    return out;
                }
            }
        }
    }
    out
}

fn conns_to(w: &Workload, svc: &Service, required: Option<&IntOrStr>) -> ConnSet {
    let mut out = ConnSet::none();
    for p in access_ports(&svc.ports, required) {
        let port = match p {
            IntOrStr::Int(i) => u16::try_from(i).ok(),
            IntOrStr::Str(name) => w
                .ports
                .iter()
                .find(|np| np.name == name)
                .filter(|np| np.protocol == crate::conns::Protocol::Tcp)
                .map(|np| np.port),
        };
        if let Some(port) = port.filter(|p| w.container_ports.contains(p)) {
            out.add_range(crate::conns::Protocol::Tcp, port, port);
        }
    }
    out
}

/// (service name, required port) backends of a Route or an Ingress.
/// Services (name, required port) an object routes to.
type Backends = Vec<(String, Option<IntOrStr>)>;

fn backends(obj: &Object) -> Option<(&'static str, Backends)> {
    let spec = obj.spec()?;
    match (obj.group(), obj.kind.as_str()) {
        ("route.openshift.io", "Route") => {
            let port = int_or_str(spec.get("port").and_then(|p| p.get("targetPort")));
            let mut out = Vec::new();
            let targets = spec.get("to").into_iter().chain(
                spec.get("alternateBackends")
                    .and_then(Node::as_seq)
                    .unwrap_or(&[]),
            );
            for t in targets {
                let kind = t.get("kind").and_then(Node::as_str).unwrap_or("");
                if !kind.is_empty() && kind != "Service" {
                    continue;
                }
                let name = t.get("name").and_then(Node::as_str).unwrap_or_default();
                out.push((name.to_string(), port.clone()));
            }
            Some(("Route", out))
        }
        ("networking.k8s.io" | "extensions", "Ingress") => {
            let mut out = Vec::new();
            let mut add = |backend: Option<&Node>| {
                let Some(svc) = backend.and_then(|b| b.get("service")) else {
                    return;
                };
                let name = svc.get("name").and_then(Node::as_str).unwrap_or_default();
                let port = svc.get("port").and_then(|p| {
                    p.get("name")
                        .and_then(Node::as_str)
                        .filter(|s| !s.is_empty())
                        .map(|s| IntOrStr::Str(s.to_string()))
                        .or_else(|| p.get("number").and_then(Node::as_i64).map(IntOrStr::Int))
                });
                out.push((name.to_string(), port));
            };
            add(spec.get("defaultBackend"));
            for rule in spec.get("rules").and_then(Node::as_seq).unwrap_or(&[]) {
                let paths = rule
                    .get("http")
                    .and_then(|h| h.get("paths"))
                    .and_then(Node::as_seq)
                    .unwrap_or(&[]);
                for p in paths {
                    add(p.get("backend"));
                }
            }
            Some(("Ingress", out))
        }
        _ => None,
    }
}

/// The workloads reachable from an ingress controller, with the exposed TCP ports, in
/// workload order. Empty when there is no Service with a selector that selects a workload,
/// or no Route / Ingress.
pub fn ingress_targets(objects: &[Object], workloads: &[Workload]) -> Vec<IngressTarget> {
    let mut services: BTreeMap<(String, String), Service> = BTreeMap::new();
    for obj in objects {
        if obj.api_version != "v1" || obj.kind != "Service" {
            continue;
        }
        let Some(spec) = obj.spec() else { continue };
        let Some(sel) = spec.get("selector").and_then(Node::as_map) else {
            continue;
        };
        let sel = Selector::from_map(sel);
        let ns = obj.namespace_or_default();
        let selected: Vec<usize> = workloads
            .iter()
            .enumerate()
            .filter(|(_, w)| w.namespace == ns && sel.matches_labels(&w.labels))
            .map(|(i, _)| i)
            .collect();
        if selected.is_empty() {
            continue;
        }
        let ports = spec
            .get("ports")
            .and_then(Node::as_seq)
            .unwrap_or(&[])
            .iter()
            .map(|p| ServicePort {
                name: p
                    .get("name")
                    .and_then(Node::as_str)
                    .unwrap_or("")
                    .to_string(),
                port: p.get("port").and_then(Node::as_i64).unwrap_or(0),
                target: int_or_str(p.get("targetPort")).filter(|t| *t != IntOrStr::Int(0)),
            })
            .collect();
        services.insert(
            (ns.to_string(), obj.name.clone()),
            Service { selected, ports },
        );
    }
    let mut targets: BTreeMap<usize, IngressTarget> = BTreeMap::new();
    for obj in objects {
        let Some((kind, backends)) = backends(obj) else {
            continue;
        };
        let ns = obj.namespace_or_default();
        let label = format!("{kind} {ns}/{}", obj.name);
        for (svc_name, port) in backends {
            let Some(svc) = services.get(&(ns.to_string(), svc_name)) else {
                continue;
            };
            for &i in &svc.selected {
                let conns = conns_to(&workloads[i], svc, port.as_ref());
                let t = targets.entry(i).or_insert_with(|| IngressTarget {
                    workload: i,
                    conns: ConnSet::none(),
                    objects: Vec::new(),
                });
                t.conns.union_with(&conns);
                if !t.objects.contains(&label) {
                    t.objects.push(label.clone());
                }
            }
        }
    }
    targets.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::objects_from_text;
    use crate::model::workload_of;

    #[test]
    fn routes_and_ingresses_reach_target_ports() {
        let objs = objects_from_text(
            "i.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: ns1}\nspec:\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: c, ports: [{name: http, containerPort: 8080}, {containerPort: 9090}]}]}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: ns1}\nspec:\n  selector: {app: web}\n  ports: [{name: h, port: 80, targetPort: http}, {port: 90, targetPort: 9090}, {port: 91}]\n---\napiVersion: route.openshift.io/v1\nkind: Route\nmetadata: {name: r, namespace: ns1}\nspec: {to: {kind: Service, name: s}, port: {targetPort: 9090}}\n---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: i, namespace: ns1}\nspec: {defaultBackend: {service: {name: s, port: {name: h}}}}\n---\napiVersion: route.openshift.io/v1\nkind: Route\nmetadata: {name: other, namespace: m}\nspec: {to: {kind: Service, name: s}}\n",
        );
        let workloads: Vec<Workload> = objs.iter().filter_map(workload_of).collect();
        let t = ingress_targets(&objs, &workloads);
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].workload, 0);
        // The Route reaches 9090 (target port), the Ingress 8080 (named target port); port
        // 91 (no target port: 91) is no container port.
        assert_eq!(t[0].conns.to_string(), "TCP 8080,9090");
        assert_eq!(t[0].objects, ["Route ns1/r", "Ingress ns1/i"]);
    }
}
