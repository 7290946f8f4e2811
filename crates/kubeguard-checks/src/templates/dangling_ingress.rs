//! Template `dangling-ingress`: Ingress backends naming no Service port.
//!
//! ## What it does
//! For a `networking.k8s.io/v1` Ingress, collects the distinct Service backends (name and
//! port: the port name when set, else the port number, 0 when neither) of
//! `spec.defaultBackend` and of every `spec.rules[].http.paths[].backend`. Each `v1` Service
//! of the same namespace (as written) resolves the backends with its name and one of its
//! ports (by number, or by name when the port is named). Unresolved backends are reported,
//! in the order they first appear. Resource backends are ignored.
//!
//! ## Why is this bad?
//! Traffic routed to a Service or port that does not exist gets 503s from the ingress
//! controller: the route looks configured but serves nothing.
//!
//! ## Message
//! `no service found matching ingress label (<service>), port <port>`, pointing at the first
//! backend's `service` entry.

use kubeguard_engine::{CheckFn, Diagnostic, ParamSpec, Params, Template};
use kubeguard_model::{Context, Object};
use kubeguard_source::Node;

use crate::util::{locate_in, text};

/// The template.
pub struct DanglingIngress;

/// Registered instance.
pub static TEMPLATE: DanglingIngress = DanglingIngress;

impl Template for DanglingIngress {
    fn key(&self) -> &'static str {
        "dangling-ingress"
    }
    fn name(&self) -> &'static str {
        "Dangling Ingress"
    }
    fn description(&self) -> &'static str {
        "Flag ingress which do not match any service and port"
    }
    fn supported_kinds(&self) -> &'static [&'static str] {
        &["Ingress"]
    }
    fn params(&self) -> &'static [ParamSpec] {
        &[]
    }
    fn instantiate(&self, _params: &Params) -> Result<Box<dyn CheckFn>, String> {
        Ok(Box::new(Check))
    }
}

struct Check;

/// A backend Service reference: name, port (name or number as text), path of `service`.
struct Backend {
    name: String,
    port: String,
    path: String,
}

fn backend(node: Option<&Node>, path: String) -> Option<Backend> {
    let service = node?.get("service").filter(|s| !s.is_null())?;
    let port = service.get("port");
    let port_name = text(port.and_then(|p| p.get("name")));
    let port = if port_name.is_empty() {
        port.and_then(|p| p.get("number"))
            .and_then(Node::as_i64)
            .unwrap_or(0)
            .to_string()
    } else {
        port_name
    };
    Some(Backend {
        name: text(service.get("name")),
        port,
        path: format!("{path}.service"),
    })
}

impl CheckFn for Check {
    fn check(&self, ctx: &Context, obj: &Object, out: &mut Vec<Diagnostic>) {
        if obj.api_version != "networking.k8s.io/v1" || obj.kind != "Ingress" {
            return;
        }
        let spec = obj.spec();
        let mut wanted: Vec<Backend> = Vec::new();
        let mut add = |b: Option<Backend>| {
            if let Some(b) = b
                && !wanted.iter().any(|w| w.name == b.name && w.port == b.port)
            {
                wanted.push(b);
            }
        };
        add(backend(
            spec.and_then(|s| s.get("defaultBackend")),
            "spec.defaultBackend".into(),
        ));
        let rules = spec
            .and_then(|s| s.get("rules"))
            .and_then(Node::as_seq)
            .unwrap_or(&[]);
        for (i, rule) in rules.iter().enumerate() {
            let paths = rule
                .path(&["http", "paths"])
                .and_then(Node::as_seq)
                .unwrap_or(&[]);
            for (j, p) in paths.iter().enumerate() {
                add(backend(
                    p.get("backend"),
                    format!("spec.rules[{i}].http.paths[{j}].backend"),
                ));
            }
        }
        if wanted.is_empty() {
            return;
        }
        // The Services named by some backend, through the name index (in load order).
        let mut names: Vec<&str> = wanted.iter().map(|w| w.name.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        let mut services: Vec<(usize, &Object)> = names
            .iter()
            .flat_map(|n| ctx.named("Service", n))
            .filter_map(|svc| Some((ctx.index_of(svc)?, svc)))
            .collect();
        services.sort_unstable_by_key(|(i, _)| *i);
        let names: Vec<String> = names.into_iter().map(str::to_string).collect();
        for (_, svc) in services {
            if svc.api_version != "v1"
                || svc.namespace != obj.namespace
                || !names.contains(&svc.name)
            {
                continue;
            }
            let ports = svc
                .root
                .path(&["spec", "ports"])
                .and_then(Node::as_seq)
                .unwrap_or(&[]);
            for port in ports {
                let number = port
                    .get("port")
                    .and_then(Node::as_i64)
                    .unwrap_or(0)
                    .to_string();
                let name = text(port.get("name"));
                wanted.retain(|w| {
                    w.name != svc.name || (w.port != number && (name.is_empty() || w.port != name))
                });
            }
        }
        for w in wanted {
            out.push(Diagnostic::new(
                format!(
                    "no service found matching ingress label ({}), port {}",
                    w.name, w.port
                ),
                locate_in(obj, &w.path),
            ));
        }
    }
}
