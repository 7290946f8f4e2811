//! Template `ingress-from-anywhere`: NetworkPolicy ingress rules that admit every source.
//!
//! ## What it does
//! For each `spec.ingress` rule of a `networking.k8s.io/v1` NetworkPolicy that isolates ingress,
//! reports:
//! - a rule whose `from` is absent or empty: it admits every source, inside the cluster and
//!   outside it (at the rule, or at its `ports` when the rule only narrows the ports);
//! - each `from` peer whose `ipBlock.cidr` has prefix length 0 (`0.0.0.0/0`, `::/0`): every
//!   address of that family, but for its `except` ranges (at the `cidr`).
//!
//! A policy whose `policyTypes` leave out `Ingress` ignores its ingress rules, so they are not
//! reported.
//!
//! ## Why is this bad?
//! The point of an ingress policy is to say who may connect. A rule open to every source
//! exposes the selected pods to every pod of every namespace and, through any LoadBalancer,
//! NodePort or ingress path, to the internet: network mapping and exploitation of exposed
//! interfaces need nothing more.
//!
//! ## Messages
//! - `ingress rule <i> allows traffic from any source[ on the listed ports]`;
//! - `ingress rule <i> allows traffic from every address (<cidr>[ but <n> excepted range(s)])`.

use kubeguard_engine::{CheckFn, Diagnostic, ParamSpec, Params, Template};
use kubeguard_model::{Context, Object};
use kubeguard_source::Node;

use crate::netpol_facts::{Direction, isolated_directions, peers, rules};
use crate::util::locate_in;

/// The template.
pub struct IngressFromAnywhere;

/// Registered instance.
pub static TEMPLATE: IngressFromAnywhere = IngressFromAnywhere;

impl Template for IngressFromAnywhere {
    fn key(&self) -> &'static str {
        "ingress-from-anywhere"
    }
    fn name(&self) -> &'static str {
        "Ingress From Anywhere"
    }
    fn description(&self) -> &'static str {
        "Flag NetworkPolicy ingress rules that allow traffic from every source"
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

/// Whether `cidr` is written with prefix length 0.
fn is_any(cidr: &str) -> bool {
    cidr.trim()
        .parse::<ipnet::IpNet>()
        .is_ok_and(|n| n.prefix_len() == 0)
}

impl CheckFn for Check {
    fn check(&self, _ctx: &Context, obj: &Object, out: &mut Vec<Diagnostic>) {
        if obj.api_version != "networking.k8s.io/v1" || !isolated_directions(obj).0 {
            return;
        }
        let dir = Direction::Ingress;
        for (i, rule) in rules(obj, dir) {
            let Some(peers) = peers(rule, dir) else {
                let narrowed = rule
                    .get("ports")
                    .and_then(Node::as_seq)
                    .is_some_and(|p| !p.is_empty());
                let (suffix, path) = if narrowed {
                    (" on the listed ports", format!("spec.ingress[{i}].ports"))
                } else {
                    ("", format!("spec.ingress[{i}]"))
                };
                out.push(Diagnostic::new(
                    format!("ingress rule {i} allows traffic from any source{suffix}"),
                    locate_in(obj, &path),
                ));
                continue;
            };
            for (j, peer) in peers.iter().enumerate() {
                let Some(block) = peer.get("ipBlock") else {
                    continue;
                };
                let cidr = block
                    .get("cidr")
                    .and_then(Node::scalar_text)
                    .unwrap_or_default();
                let excepts = block
                    .get("except")
                    .and_then(Node::as_seq)
                    .map_or(0, <[_]>::len);
                if is_any(&cidr) {
                    let but = match excepts {
                        0 => String::new(),
                        n => format!(" but {n} excepted range(s)"),
                    };
                    out.push(Diagnostic::new(
                        format!("ingress rule {i} allows traffic from every address ({cidr}{but})"),
                        locate_in(obj, &format!("spec.ingress[{i}].from[{j}].ipBlock.cidr")),
                    ));
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

    fn run(spec: &str) -> Vec<String> {
        run_template(
            &TEMPLATE,
            json!({}),
            &format!(
                "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: p}}\nspec:\n{spec}"
            ),
        )
    }

    #[test]
    fn open_rules() {
        assert_eq!(
            run("  podSelector: {}\n  ingress:\n  - {}\n  - ports: [{port: 80}]\n  - from: []"),
            [
                "p: ingress rule 0 allows traffic from any source @ spec.ingress[0]",
                "p: ingress rule 1 allows traffic from any source on the listed ports @ spec.ingress[1].ports",
                "p: ingress rule 2 allows traffic from any source @ spec.ingress[2]",
            ]
        );
    }

    #[test]
    fn zero_prefix_ip_blocks() {
        assert_eq!(
            run(
                "  podSelector: {}\n  ingress:\n  - from:\n    - ipBlock: {cidr: 10.0.0.0/8}\n    - ipBlock: {cidr: '::/0'}\n    - ipBlock: {cidr: 0.0.0.0/0, except: [169.254.0.0/16]}\n    - ipBlock: {cidr: 0.0.0.0/0}"
            ),
            [
                "p: ingress rule 0 allows traffic from every address (::/0) @ spec.ingress[0].from[1].ipBlock.cidr",
                "p: ingress rule 0 allows traffic from every address (0.0.0.0/0 but 1 excepted range(s)) @ spec.ingress[0].from[2].ipBlock.cidr",
                "p: ingress rule 0 allows traffic from every address (0.0.0.0/0) @ spec.ingress[0].from[3].ipBlock.cidr",
            ]
        );
    }

    #[test]
    fn narrowed_sources_and_egress_only_policies_pass() {
        assert!(run("  podSelector: {}\n  ingress:\n  - from: [{podSelector: {}}]").is_empty());
        assert!(
            run("  podSelector: {}\n  policyTypes: [Egress]\n  ingress:\n  - {}\n  egress: []")
                .is_empty()
        );
        assert!(run("  podSelector: {}").is_empty());
    }
}
