//! What the NetworkPolicy checks need to know about the `networking.k8s.io/v1` NetworkPolicies
//! of a lint context, read once per context ([`policies`]): namespace (absent means `default`,
//! as the API server defaults it), pod selector, the directions the policy isolates, and its
//! rules.
//!
//! The direction rules are the API's: `policyTypes` when written; otherwise `Ingress`, plus
//! `Egress` when the policy has an `egress` section. A policy whose pod selector is invalid
//! selects nothing.

use std::collections::HashMap;
use std::sync::Arc;

use kubeguard_model::{Context, Object, Selector};
use kubeguard_source::Node;

/// A traffic direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Traffic to the selected pods.
    Ingress,
    /// Traffic from the selected pods.
    Egress,
}

impl Direction {
    /// `Ingress` / `Egress`, as in `policyTypes`.
    pub fn policy_type(self) -> &'static str {
        match self {
            Direction::Ingress => "Ingress",
            Direction::Egress => "Egress",
        }
    }

    /// The rules' key in the spec: `ingress` / `egress`.
    pub fn key(self) -> &'static str {
        match self {
            Direction::Ingress => "ingress",
            Direction::Egress => "egress",
        }
    }

    /// The peers' key in a rule: `from` / `to`.
    pub fn peers_key(self) -> &'static str {
        match self {
            Direction::Ingress => "from",
            Direction::Egress => "to",
        }
    }

    /// Parses `ingress`/`egress` in any case.
    pub fn parse(s: &str) -> Option<Direction> {
        match s.to_ascii_lowercase().as_str() {
            "ingress" => Some(Direction::Ingress),
            "egress" => Some(Direction::Egress),
            _ => None,
        }
    }
}

/// One NetworkPolicy of the context.
#[derive(Debug)]
pub struct Policy {
    /// Its index in [`Context::objects`].
    pub index: usize,
    /// Its namespace (`default` when absent).
    pub namespace: String,
    /// Its pod selector; `None` when invalid (selects nothing).
    pub pod_selector: Option<Selector>,
    /// Whether it isolates ingress.
    pub ingress: bool,
    /// Whether it isolates egress.
    pub egress: bool,
}

impl Policy {
    /// Whether it isolates `dir`.
    pub fn isolates(&self, dir: Direction) -> bool {
        match dir {
            Direction::Ingress => self.ingress,
            Direction::Egress => self.egress,
        }
    }

    /// The policy object.
    pub fn object<'c>(&self, ctx: &'c Context) -> &'c Object {
        &ctx.objects[self.index]
    }

    /// Whether it selects every pod of its namespace (an empty pod selector).
    pub fn selects_all(&self) -> bool {
        self.pod_selector.as_ref().is_some_and(Selector::is_empty)
    }

    /// Whether it selects the pods of `workload` (same namespace, matching labels).
    pub fn selects(&self, workload: &Object) -> bool {
        workload.namespace_or_default() == self.namespace
            && self
                .pod_selector
                .as_ref()
                .is_some_and(|s| s.matches(workload.pod_labels()))
    }
}

/// The NetworkPolicies of a context, by namespace.
#[derive(Debug, Default)]
pub struct Policies {
    by_namespace: HashMap<String, Vec<Policy>>,
}

impl Policies {
    /// The policies of `namespace`, in load order.
    pub fn in_namespace(&self, namespace: &str) -> &[Policy] {
        self.by_namespace.get(namespace).map_or(&[], Vec::as_slice)
    }
}

/// The `networking.k8s.io/v1` NetworkPolicies of `ctx`, read once per context.
pub fn policies(ctx: &Context) -> Arc<Policies> {
    ctx.derived("netpol-facts", || {
        let mut by_namespace: HashMap<String, Vec<Policy>> = HashMap::new();
        let all = ctx
            .of_kind("NetworkPolicy")
            .filter(|o| o.api_version == "networking.k8s.io/v1")
            .filter_map(|o| {
                let index = ctx.index_of(o)?;
                let spec = o.spec();
                let pod_selector = match spec.and_then(|s| s.get("podSelector")) {
                    Some(n) if !n.is_null() => Selector::from_label_selector(n),
                    _ => Some(Selector::default()),
                };
                let (ingress, egress) = isolated_directions(o);
                Some(Policy {
                    index,
                    namespace: o.namespace_or_default().to_string(),
                    pod_selector,
                    ingress,
                    egress,
                })
            });
        for p in all {
            by_namespace.entry(p.namespace.clone()).or_default().push(p);
        }
        Policies { by_namespace }
    })
}

/// Which directions the policy `obj` isolates: (ingress, egress).
pub fn isolated_directions(obj: &Object) -> (bool, bool) {
    let spec = obj.spec();
    let types: Option<Vec<String>> = spec
        .and_then(|s| s.get("policyTypes"))
        .and_then(Node::as_seq)
        .map(|seq| seq.iter().filter_map(Node::scalar_text).collect());
    match types {
        Some(t) => (
            t.iter().any(|t| t == "Ingress"),
            t.iter().any(|t| t == "Egress"),
        ),
        None => (
            true,
            spec.and_then(|s| s.get("egress"))
                .is_some_and(|e| !e.is_null()),
        ),
    }
}

/// The rules of `policy` for `dir`, with their index (`spec.<dir>[i]`).
pub fn rules(policy: &Object, dir: Direction) -> impl Iterator<Item = (usize, &Node)> {
    policy
        .root
        .path(&["spec", dir.key()])
        .and_then(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .enumerate()
}

/// The peers of a rule (`from` / `to`); `None` when absent or empty, which means every peer.
pub fn peers(rule: &Node, dir: Direction) -> Option<&[Node]> {
    rule.get(dir.peers_key())
        .and_then(Node::as_seq)
        .filter(|s| !s.is_empty())
}
