//! Template `target-port`: invalid container port names and Service target ports.
//!
//! ## What it does
//! - Workloads: every named `ports` entry of every container (init, regular, ephemeral) must
//!   be a valid port name (Kubernetes' `IsValidPortName`); `containerPort` numbers are not
//!   checked.
//! - `v1` Services: every `spec.ports[*].targetPort` that is set (and not 0) must be a valid
//!   port name when it is a string (even a quoted number such as `"8080"`), or a number
//!   between 1 and 65535.
//!
//! Each violated rule gives a finding (an upper-case name breaks two rules: two findings).
//!
//! ## Why is this bad?
//! The API server rejects invalid port names, and a Service targeting a port number out of
//! range or an invalid name never gets working endpoints.
//!
//! ## Messages
//! `port name "<name>" in container "<c>" <reason>` and
//! `port targetPort "<port>" in service "<s>" <reason>`, where the reason is one of Kubernetes'
//! (`must be no more than 15 characters`, `must contain only alpha-numeric characters (a-z,
//! 0-9), and hyphens (-)`, `must contain at least one letter (a-z)`, `must not contain
//! consecutive hyphens`, `must not begin or end with a hyphen`, `must be between 1 and 65535,
//! inclusive`); pointing at the port's `name` or `targetPort`.

use kubeguard_engine::{CheckFn, Diagnostic, ParamSpec, Params, Template};
use kubeguard_model::{Context, Object, locate, parse_path};
use kubeguard_source::{Node, Value};

use crate::util::{go_quote, text};

/// The template.
pub struct TargetPort;

/// Registered instance.
pub static TEMPLATE: TargetPort = TargetPort;

impl Template for TargetPort {
    fn key(&self) -> &'static str {
        "target-port"
    }
    fn name(&self) -> &'static str {
        "Target Port"
    }
    fn description(&self) -> &'static str {
        "Flag containers and services using not allowed port names or numbers"
    }
    fn supported_kinds(&self) -> &'static [&'static str] {
        &["DeploymentLike", "Service"]
    }
    fn params(&self) -> &'static [ParamSpec] {
        &[]
    }
    fn instantiate(&self, _: &Params) -> Result<Box<dyn CheckFn>, String> {
        Ok(Box::new(TargetPort))
    }
}

/// Kubernetes' `validation.IsValidPortName`: every violated rule, in order.
pub(crate) fn port_name_violations(name: &str) -> Vec<&'static str> {
    let mut v = Vec::new();
    if name.len() > 15 {
        v.push("must be no more than 15 characters");
    }
    if name.is_empty()
        || !name
            .bytes()
            .all(|b| b == b'-' || b.is_ascii_lowercase() || b.is_ascii_digit())
    {
        v.push("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
    }
    if !name.bytes().any(|b| b.is_ascii_lowercase()) {
        v.push("must contain at least one letter (a-z)");
    }
    if name.contains("--") {
        v.push("must not contain consecutive hyphens");
    }
    if name.starts_with('-') || name.ends_with('-') {
        v.push("must not begin or end with a hyphen");
    }
    v
}

impl CheckFn for TargetPort {
    fn check(&self, _: &Context, obj: &Object, out: &mut Vec<Diagnostic>) {
        if let Some(pod) = obj.pod_spec() {
            for c in pod.all_containers() {
                for (i, port) in c.ports() {
                    let name = text(port.get("name"));
                    if name.is_empty() {
                        continue;
                    }
                    for violation in port_name_violations(&name) {
                        out.push(Diagnostic::in_container(
                            &c,
                            format!(
                                "port name {} in container {} {violation}",
                                go_quote(&name),
                                go_quote(c.name())
                            ),
                            c.locate(&format!("ports[{i}].name")),
                        ));
                    }
                }
            }
            return;
        }
        if obj.kind != "Service" || !obj.group().is_empty() || obj.version() != "v1" {
            return;
        }
        let ports = obj
            .root
            .path(&["spec", "ports"])
            .and_then(Node::as_seq)
            .unwrap_or(&[]);
        for (i, port) in ports.iter().enumerate() {
            let Some(target) = port.get("targetPort") else {
                continue;
            };
            let (target_text, violations) = match &target.value {
                Value::Null => continue,
                Value::Str(s) => (s.to_string(), port_name_violations(s)),
                _ => match target.as_i64() {
                    Some(0) | None => continue,
                    Some(n) if (1..=65535).contains(&n) => continue,
                    Some(n) => (
                        n.to_string(),
                        vec!["must be between 1 and 65535, inclusive"],
                    ),
                },
            };
            let service = text(obj.root.path(&["metadata", "name"]));
            for violation in violations {
                out.push(Diagnostic::new(
                    format!(
                        "port targetPort {} in service {} {violation}",
                        go_quote(&target_text),
                        go_quote(&service)
                    ),
                    locate(
                        &obj.root,
                        "",
                        &parse_path(&format!("spec.ports[{i}].targetPort")),
                    ),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::port_name_violations;

    #[test]
    fn port_names_like_kubernetes() {
        assert!(port_name_violations("http").is_empty());
        assert!(port_name_violations("n-3456789012345").is_empty());
        assert_eq!(
            port_name_violations("n234567890123456"),
            ["must be no more than 15 characters"]
        );
        assert_eq!(
            port_name_violations("123456"),
            ["must contain at least one letter (a-z)"]
        );
        assert_eq!(
            port_name_violations("HTTP"),
            [
                "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
                "must contain at least one letter (a-z)"
            ]
        );
        assert_eq!(
            port_name_violations("-a--b"),
            [
                "must not contain consecutive hyphens",
                "must not begin or end with a hyphen"
            ]
        );
        assert_eq!(port_name_violations("").len(), 2);
    }
}
