//! Template `network-policy-named-port`: NetworkPolicy ports named after a container port that
//! no pod the rule applies to defines.
//!
//! ## What it does
//! A named `port` in a NetworkPolicy rule is resolved on the destination pod: for an ingress
//! rule, the pods the policy selects; for an egress rule, the pods its `to` peers select
//! (`podSelector` in the policy's namespace; with a `namespaceSelector`, the pods of the linted
//! `Namespace` objects it matches, their `kubernetes.io/metadata.name` label included; no `to`
//! at all: every linted workload). The name matches a container port (`ports[].name` of the
//! pod's containers) with the same protocol (TCP when absent on either side).
//!
//! Each named port that no container of those pods defines is reported at the `port`. Rules
//! whose destinations are not among the linted objects (a policy selecting no linted pods, a
//! namespace selector with no linted Namespace object, only `ipBlock` peers) are not reported:
//! the check cannot know, and `dangling-networkpolicy` covers policies that select nothing.
//!
//! ## Why is this bad?
//! A named port that no destination container defines matches nothing: the rule silently
//! allows no traffic (often after a container port was renamed), and the outage it causes is
//! then "fixed" by loosening the policy.
//!
//! ## Message
//! `<ingress|egress> rule <i> names port "<name>"/<protocol>, which no container of the <n>
//! destination workload(s) defines`.

use std::collections::BTreeMap;

use kubeguard_engine::{CheckFn, Diagnostic, ParamSpec, Params, Template};
use kubeguard_model::{Context, Object, Selector};
use kubeguard_source::Node;

use crate::netpol_facts::{Direction, isolated_directions, peers, rules};
use crate::util::locate_in;

/// The template.
pub struct NetworkPolicyNamedPort;

/// Registered instance.
pub static TEMPLATE: NetworkPolicyNamedPort = NetworkPolicyNamedPort;

impl Template for NetworkPolicyNamedPort {
    fn key(&self) -> &'static str {
        "network-policy-named-port"
    }
    fn name(&self) -> &'static str {
        "NetworkPolicy Named Port"
    }
    fn description(&self) -> &'static str {
        "Flag NetworkPolicy named ports that no destination container defines"
    }
    fn supported_kinds(&self) -> &'static [&'static str] {
        &["NetworkPolicy"]
    }
    fn params(&self) -> &'static [ParamSpec] {
        &[]
    }
    fn instantiate(&self, _params: &Params) -> Result<Box<dyn CheckFn>, String> {
        Ok(Box::new(Check))
    }
}

struct Check;

/// The labels of a linted Namespace, with the label the API server adds.
fn namespace_labels(ns: &Object) -> BTreeMap<String, String> {
    let mut labels: BTreeMap<String, String> = ns
        .labels()
        .into_iter()
        .flat_map(|m| m.iter())
        .filter_map(|(k, v)| Some((k.to_string(), v.scalar_text()?)))
        .collect();
    labels.insert("kubernetes.io/metadata.name".into(), ns.name.clone());
    labels
}

/// The workloads a rule's named ports resolve on; `None` when they are not among the linted
/// objects.
fn destinations<'c>(
    ctx: &'c Context,
    policy: &Object,
    rule: &Node,
    dir: Direction,
) -> Option<Vec<&'c Object>> {
    let own_ns = policy.namespace_or_default();
    let found: Vec<&Object> = match dir {
        Direction::Ingress => {
            let sel = match policy.root.path(&["spec", "podSelector"]) {
                Some(n) if !n.is_null() => Selector::from_label_selector(n)?,
                _ => Selector::default(),
            };
            ctx.workloads()
                .filter(|w| w.namespace_or_default() == own_ns && sel.matches(w.pod_labels()))
                .collect()
        }
        Direction::Egress => {
            let Some(peers) = peers(rule, dir) else {
                return Some(ctx.workloads().collect());
            };
            let mut found = Vec::new();
            for peer in peers {
                if peer.get("ipBlock").is_some() {
                    continue;
                }
                let pods = match peer.get("podSelector").filter(|n| !n.is_null()) {
                    Some(n) => Selector::from_label_selector(n)?,
                    None => Selector::default(),
                };
                let namespaces: Vec<String> =
                    match peer.get("namespaceSelector").filter(|n| !n.is_null()) {
                        None => vec![own_ns.to_string()],
                        Some(n) => {
                            let sel = Selector::from_label_selector(n)?;
                            ctx.of_kind("Namespace")
                                .filter(|ns| ns.group().is_empty())
                                .filter(|ns| sel.matches_labels(&namespace_labels(ns)))
                                .map(|ns| ns.name.clone())
                                .collect()
                        }
                    };
                found.extend(ctx.workloads().filter(|w| {
                    namespaces.iter().any(|n| n == w.namespace_or_default())
                        && pods.matches(w.pod_labels())
                }));
            }
            found
        }
    };
    (!found.is_empty()).then_some(found)
}

/// Whether a container of `workload` defines the port `name` on `protocol`.
fn defines(workload: &Object, name: &str, protocol: &str) -> bool {
    workload.pod_spec().is_some_and(|spec| {
        spec.containers().any(|c| {
            c.ports().any(|(_, p)| {
                p.get("name").and_then(Node::as_str) == Some(name)
                    && p.get("protocol").and_then(Node::as_str).unwrap_or("TCP") == protocol
            })
        })
    })
}

impl CheckFn for Check {
    fn check(&self, ctx: &Context, obj: &Object, out: &mut Vec<Diagnostic>) {
        if obj.api_version != "networking.k8s.io/v1" {
            return;
        }
        let (ingress, egress) = isolated_directions(obj);
        for (dir, isolated) in [(Direction::Ingress, ingress), (Direction::Egress, egress)] {
            if !isolated {
                continue;
            }
            for (i, rule) in rules(obj, dir) {
                let named: Vec<(usize, &str, &str)> = rule
                    .get("ports")
                    .and_then(Node::as_seq)
                    .unwrap_or(&[])
                    .iter()
                    .enumerate()
                    .filter_map(|(j, p)| {
                        let name = p.get("port").and_then(Node::as_str)?;
                        let protocol = p.get("protocol").and_then(Node::as_str).unwrap_or("TCP");
                        Some((j, name, protocol))
                    })
                    .collect();
                if named.is_empty() {
                    continue;
                }
                let Some(dests) = destinations(ctx, obj, rule, dir) else {
                    continue;
                };
                for (j, name, protocol) in named {
                    if !dests.iter().any(|w| defines(w, name, protocol)) {
                        out.push(Diagnostic::new(
                            format!(
                                "{} rule {i} names port {name:?}/{protocol}, which no container of the {} destination workload(s) defines",
                                dir.key(),
                                dests.len()
                            ),
                            locate_in(obj, &format!("spec.{}[{i}].ports[{j}].port", dir.key())),
                        ));
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::run_template;
    use serde_json::json;

    const PODS: &str = "
apiVersion: v1
kind: Namespace
metadata: {name: db, labels: {team: data}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        ports: [{name: http, containerPort: 8080}, {name: dns, containerPort: 53, protocol: UDP}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: pg, namespace: db}
spec:
  template:
    metadata: {labels: {app: pg}}
    spec:
      containers:
      - name: pg
        ports: [{name: postgres, containerPort: 5432}]
";

    fn run(spec: &str) -> Vec<String> {
        run_template(
            &TEMPLATE,
            json!({}),
            &format!(
                "{PODS}---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: np, namespace: shop}}\nspec:\n{spec}"
            ),
        )
    }

    #[test]
    fn ingress_named_ports_resolve_on_selected_pods() {
        assert!(run("  podSelector: {matchLabels: {app: web}}\n  ingress:\n  - ports: [{port: http}, {port: dns, protocol: UDP}, {port: 9090}]").is_empty());
        assert_eq!(
            run(
                "  podSelector: {matchLabels: {app: web}}\n  ingress:\n  - ports: [{port: https}, {port: dns}]"
            ),
            [
                "np: ingress rule 0 names port \"https\"/TCP, which no container of the 1 destination workload(s) defines @ spec.ingress[0].ports[0].port",
                "np: ingress rule 0 names port \"dns\"/TCP, which no container of the 1 destination workload(s) defines @ spec.ingress[0].ports[1].port",
            ]
        );
    }

    #[test]
    fn egress_named_ports_resolve_on_peers() {
        assert!(run("  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n  - to: [{namespaceSelector: {matchLabels: {team: data}}}]\n    ports: [{port: postgres}]").is_empty());
        assert_eq!(
            run(
                "  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n  - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: db}}}]\n    ports: [{port: http}]"
            ),
            [
                "np: egress rule 0 names port \"http\"/TCP, which no container of the 1 destination workload(s) defines @ spec.egress[0].ports[0].port"
            ]
        );
        // No `to`: every linted workload is a destination.
        assert!(run("  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n  - ports: [{port: postgres}]").is_empty());
    }

    #[test]
    fn unknown_destinations_are_not_reported() {
        // Selects no linted pod.
        assert!(
            run(
                "  podSelector: {matchLabels: {app: gone}}\n  ingress:\n  - ports: [{port: https}]"
            )
            .is_empty()
        );
        // A namespace that is not linted.
        assert!(run("  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n  - to: [{namespaceSelector: {matchLabels: {team: other}}}]\n    ports: [{port: https}]").is_empty());
        // Ingress rules of an egress-only policy are ignored by the API.
        assert!(
            run(
                "  podSelector: {}\n  policyTypes: [Egress]\n  ingress:\n  - ports: [{port: https}]"
            )
            .is_empty()
        );
    }
}
