//! Ingress, OpenShift Route and Gateway API HTTPRoute/GRPCRoute backends: Services the
//! ingress controller (or gateway) sends traffic to, on which port.

use kubeguard_model::{FieldRef, Object, Seg, locate};
use kubeguard_source::Node;

use super::services::{Service, ServicePort, TargetPort};

/// How a backend names the Service port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BackendPort {
    /// Every port of the Service (no port given).
    All,
    /// A Service port by number (`port.number`, Gateway API `port`).
    Number(u16),
    /// A Service port by name (`port.name`).
    Name(String),
    /// OpenShift `spec.port.targetPort`: a Service port's name or its target port number.
    Target(String),
}

/// One backend reference.
#[derive(Debug, Clone)]
pub struct Backend {
    /// Namespace of the Service.
    pub namespace: String,
    /// Service name.
    pub service: String,
    /// Port.
    pub port: BackendPort,
    /// Where the reference is.
    pub field: FieldRef,
}

fn field(obj: &Object, segs: &[Seg]) -> FieldRef {
    locate(&obj.root, "", segs)
}

fn str_at<'n>(n: &'n Node, key: &str) -> Option<&'n str> {
    n.get(key).and_then(Node::as_str).filter(|s| !s.is_empty())
}

fn int_port(n: Option<&Node>) -> Option<u16> {
    n.and_then(Node::as_i64)
        .and_then(|v| u16::try_from(v).ok())
        .filter(|p| *p > 0)
}

/// `networking.k8s.io/v1` backend `{service: {name, port: {number|name}}}`, or the v1beta1
/// form `{serviceName, servicePort}`.
fn ingress_backend(obj: &Object, b: &Node, segs: Vec<Seg>) -> Option<Backend> {
    let (name, port, segs) = if let Some(s) = b.get("service") {
        let name = str_at(s, "name")?;
        let p = s.get("port");
        let port = match (
            int_port(p.and_then(|p| p.get("number"))),
            p.and_then(|p| str_at(p, "name")),
        ) {
            (Some(n), _) => BackendPort::Number(n),
            (None, Some(n)) => BackendPort::Name(n.to_string()),
            _ => BackendPort::All,
        };
        let mut segs = segs;
        segs.extend([Seg::Key("service"), Seg::Key("name")]);
        (name, port, segs)
    } else {
        let name = str_at(b, "serviceName")?;
        let p = b.get("servicePort");
        let port = match (int_port(p), p.and_then(Node::as_str)) {
            (Some(n), _) => BackendPort::Number(n),
            (None, Some(s)) => match s.parse::<u16>() {
                Ok(n) if n > 0 => BackendPort::Number(n),
                _ => BackendPort::Name(s.to_string()),
            },
            _ => BackendPort::All,
        };
        let mut segs = segs;
        segs.push(Seg::Key("serviceName"));
        (name, port, segs)
    };
    let f = field(obj, &segs);
    Some(Backend {
        namespace: obj.namespace_or_default().to_string(),
        service: name.to_string(),
        port,
        field: f,
    })
}

/// The Service backends of an Ingress, Route, HTTPRoute or GRPCRoute.
pub fn backends_of(obj: &Object) -> Vec<Backend> {
    let mut out = Vec::new();
    let Some(spec) = obj.spec() else {
        return out;
    };
    let group = obj.group();
    match (group, obj.kind.as_str()) {
        ("networking.k8s.io" | "extensions", "Ingress") => {
            for key in ["defaultBackend", "backend"] {
                if let Some(b) = spec.get(key)
                    && let Some(x) = ingress_backend(obj, b, vec![Seg::Key("spec"), Seg::Key(key)])
                {
                    out.push(x);
                }
            }
            for (ri, rule) in seq(spec.get("rules")).iter().enumerate() {
                let paths = rule.get("http").and_then(|h| h.get("paths"));
                for (pi, path) in seq(paths).iter().enumerate() {
                    let Some(b) = path.get("backend") else {
                        continue;
                    };
                    let segs = vec![
                        Seg::Key("spec"),
                        Seg::Key("rules"),
                        Seg::Index(ri),
                        Seg::Key("http"),
                        Seg::Key("paths"),
                        Seg::Index(pi),
                        Seg::Key("backend"),
                    ];
                    out.extend(ingress_backend(obj, b, segs));
                }
            }
        }
        ("route.openshift.io", "Route") => {
            let port = spec
                .get("port")
                .and_then(|p| p.get("targetPort"))
                .and_then(Node::scalar_text)
                .filter(|s| !s.is_empty())
                .map_or(BackendPort::All, BackendPort::Target);
            let mut push = |b: &Node, segs: &[Seg]| {
                let kind = b.get("kind").and_then(Node::as_str).unwrap_or("Service");
                if kind != "Service" {
                    return;
                }
                if let Some(name) = str_at(b, "name") {
                    out.push(Backend {
                        namespace: obj.namespace_or_default().to_string(),
                        service: name.to_string(),
                        port: port.clone(),
                        field: field(obj, segs),
                    });
                }
            };
            if let Some(to) = spec.get("to") {
                push(to, &[Seg::Key("spec"), Seg::Key("to"), Seg::Key("name")]);
            }
            for (i, b) in seq(spec.get("alternateBackends")).iter().enumerate() {
                push(
                    b,
                    &[
                        Seg::Key("spec"),
                        Seg::Key("alternateBackends"),
                        Seg::Index(i),
                        Seg::Key("name"),
                    ],
                );
            }
        }
        ("gateway.networking.k8s.io", "HTTPRoute" | "GRPCRoute") => {
            for (ri, rule) in seq(spec.get("rules")).iter().enumerate() {
                for (bi, b) in seq(rule.get("backendRefs")).iter().enumerate() {
                    let group = b.get("group").and_then(Node::as_str).unwrap_or("");
                    let kind = b.get("kind").and_then(Node::as_str).unwrap_or("Service");
                    if !group.is_empty() || kind != "Service" {
                        continue;
                    }
                    let Some(name) = str_at(b, "name") else {
                        continue;
                    };
                    let namespace = str_at(b, "namespace")
                        .unwrap_or(obj.namespace_or_default())
                        .to_string();
                    let port =
                        int_port(b.get("port")).map_or(BackendPort::All, BackendPort::Number);
                    out.push(Backend {
                        namespace,
                        service: name.to_string(),
                        port,
                        field: field(
                            obj,
                            &[
                                Seg::Key("spec"),
                                Seg::Key("rules"),
                                Seg::Index(ri),
                                Seg::Key("backendRefs"),
                                Seg::Index(bi),
                                Seg::Key("name"),
                            ],
                        ),
                    });
                }
            }
        }
        _ => {}
    }
    out
}

/// The Service ports a backend leads to. A port number or name is looked up among the
/// Service ports first, then among their target ports (as the analysis and several ingress
/// controllers do); OpenShift's `targetPort` is a Service port name or a target port.
pub fn service_ports(svc: &Service, port: &BackendPort) -> Vec<ServicePort> {
    let pick = |f: &dyn Fn(&ServicePort) -> bool| -> Vec<ServicePort> {
        svc.ports.iter().filter(|p| f(p)).cloned().collect()
    };
    let target_is = |p: &ServicePort, t: &str| match &p.target {
        TargetPort::Number(n) => t.parse() == Ok(*n),
        TargetPort::Name(n) => n == t,
    };
    match port {
        BackendPort::All => svc.ports.clone(),
        BackendPort::Number(n) => {
            let by_port = pick(&|p| p.port == *n);
            if by_port.is_empty() {
                pick(&|p| p.target == TargetPort::Number(*n))
            } else {
                by_port
            }
        }
        BackendPort::Name(n) => {
            let by_name = pick(&|p| p.name.as_deref() == Some(n.as_str()));
            if by_name.is_empty() {
                pick(&|p| target_is(p, n))
            } else {
                by_name
            }
        }
        BackendPort::Target(t) => {
            pick(&|p| p.name.as_deref() == Some(t.as_str()) || target_is(p, t))
        }
    }
}

fn seq(n: Option<&Node>) -> &[Node] {
    n.and_then(Node::as_seq).unwrap_or(&[])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::objects_from_text;

    fn backends(text: &str) -> Vec<(String, String, BackendPort, String)> {
        let objs = objects_from_text("r.yaml", text);
        objs.iter()
            .flat_map(backends_of)
            .map(|b| (b.namespace, b.service, b.port, b.field.path))
            .collect()
    }

    #[test]
    fn ingress_backends() {
        let got = backends(
            "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: i, namespace: web}\nspec:\n  defaultBackend: {service: {name: fallback, port: {name: http}}}\n  rules:\n  - host: a.example\n    http:\n      paths:\n      - path: /\n        backend: {service: {name: front, port: {number: 80}}}\n      - path: /r\n        backend: {resource: {kind: Bucket, name: b}}\n---\napiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: old}\nspec:\n  backend: {serviceName: legacy, servicePort: 8080}\n",
        );
        assert_eq!(
            got,
            [
                (
                    "web".into(),
                    "fallback".into(),
                    BackendPort::Name("http".into()),
                    "spec.defaultBackend.service.name".into()
                ),
                (
                    "web".into(),
                    "front".into(),
                    BackendPort::Number(80),
                    "spec.rules[0].http.paths[0].backend.service.name".into()
                ),
                (
                    "default".into(),
                    "legacy".into(),
                    BackendPort::Number(8080),
                    "spec.backend.serviceName".into()
                ),
            ]
        );
    }

    #[test]
    fn route_backends() {
        let got = backends(
            "apiVersion: route.openshift.io/v1\nkind: Route\nmetadata: {name: r, namespace: web}\nspec:\n  to: {kind: Service, name: front, weight: 90}\n  alternateBackends: [{kind: Service, name: canary}]\n  port: {targetPort: http}\n---\napiVersion: route.openshift.io/v1\nkind: Route\nmetadata: {name: r2, namespace: web}\nspec:\n  to: {kind: Service, name: all}\n",
        );
        let ports: Vec<(&str, &BackendPort)> = got.iter().map(|g| (g.1.as_str(), &g.2)).collect();
        assert_eq!(
            ports,
            [
                ("front", &BackendPort::Target("http".into())),
                ("canary", &BackendPort::Target("http".into())),
                ("all", &BackendPort::All),
            ]
        );
        assert_eq!(got[1].3, "spec.alternateBackends[0].name");
    }

    #[test]
    fn backend_ports() {
        let objs = objects_from_text(
            "s.yaml",
            "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  selector: {a: b}\n  ports:\n  - {name: http, port: 80, targetPort: 8080}\n  - {name: admin, port: 9000, targetPort: admin-port}\n",
        );
        let svc = crate::generate::services::service_of(&objs[0]).expect("service");
        let ports = |p: BackendPort| -> Vec<u16> {
            service_ports(&svc, &p).iter().map(|p| p.port).collect()
        };
        assert_eq!(ports(BackendPort::All), [80, 9000]);
        assert_eq!(ports(BackendPort::Number(80)), [80]);
        // Not a Service port: its target port.
        assert_eq!(ports(BackendPort::Number(8080)), [80]);
        assert_eq!(ports(BackendPort::Number(1)), [] as [u16; 0]);
        assert_eq!(ports(BackendPort::Name("admin".into())), [9000]);
        assert_eq!(ports(BackendPort::Name("admin-port".into())), [9000]);
        assert_eq!(ports(BackendPort::Target("http".into())), [80]);
        assert_eq!(ports(BackendPort::Target("8080".into())), [80]);
        assert_eq!(ports(BackendPort::Target("admin-port".into())), [9000]);
        assert_eq!(ports(BackendPort::Target("x".into())), [] as [u16; 0]);
    }

    #[test]
    fn gateway_route_backends() {
        let got = backends(
            "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: h, namespace: gw}\nspec:\n  rules:\n  - backendRefs:\n    - {name: front, port: 8080}\n    - {name: api, namespace: backend, port: 9090}\n    - {group: example.com, kind: Bucket, name: b}\n---\napiVersion: gateway.networking.k8s.io/v1\nkind: GRPCRoute\nmetadata: {name: g, namespace: gw}\nspec:\n  rules: [{backendRefs: [{name: grpc}]}]\n",
        );
        let short: Vec<(&str, &str, &BackendPort)> = got
            .iter()
            .map(|g| (g.0.as_str(), g.1.as_str(), &g.2))
            .collect();
        assert_eq!(
            short,
            [
                ("gw", "front", &BackendPort::Number(8080)),
                ("backend", "api", &BackendPort::Number(9090)),
                ("gw", "grpc", &BackendPort::All),
            ]
        );
    }
}
