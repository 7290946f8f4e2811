//! Template `dangling-networkpolicypeer-podselector`: NetworkPolicy peers whose pod selector
//! selects no pods.
//!
//! ## What it does
//! For a `networking.k8s.io/v1` NetworkPolicy, examines every peer of `spec.ingress[].from`
//! then of `spec.egress[].to` that has a `podSelector` and no `namespaceSelector` (peers with
//! a namespace selector may select pods elsewhere and are assumed fine). The peer selector
//! (an empty one selects every pod) must match the pod template labels of a linted object
//! with a pod template in the policy's namespace (as written). Each peer that matches nothing,
//! or whose selector is invalid, is reported.
//!
//! ## Why is this bad?
//! A rule allowing traffic from or to pods that do not exist allows nothing: the workloads that
//! were meant to talk are blocked, or the rule is dead text hiding a typo.
//!
//! ## Messages
//! - `networkpolicy ingress rule has invalid podSelector: <error>` (also for egress rules, as
//!   in KubeLinter)
//! - `no pods found matching networkpolicy rule's podSelector labels (<selector>)`
//!
//! Both point at the peer's `podSelector`.

use kubeguard_engine::{CheckFn, Diagnostic, ParamSpec, Params, Template};
use kubeguard_model::{Context, Object};
use kubeguard_source::Node;

use crate::util::k8s_labels::{LabelSelectorSpec, selector_string};
use crate::util::{locate_in, selects_some_pod};

/// The template.
pub struct DanglingNetworkPolicyPeer;

/// Registered instance.
pub static TEMPLATE: DanglingNetworkPolicyPeer = DanglingNetworkPolicyPeer;

impl Template for DanglingNetworkPolicyPeer {
    fn key(&self) -> &'static str {
        "dangling-networkpolicypeer-podselector"
    }
    fn name(&self) -> &'static str {
        "Dangling NetworkPolicyPeer PodSelector"
    }
    fn description(&self) -> &'static str {
        "Flag NetworkPolicyPeer in Ingress/Egress rules which their podselector do not match any application. Applied to peers consisting with podSelectors only."
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

impl CheckFn for Check {
    fn check(&self, ctx: &Context, obj: &Object, out: &mut Vec<Diagnostic>) {
        if obj.api_version != "networking.k8s.io/v1" || obj.kind != "NetworkPolicy" {
            return;
        }
        let spec = obj.spec();
        for (section, peers_key) in [("ingress", "from"), ("egress", "to")] {
            let rules = spec
                .and_then(|s| s.get(section))
                .and_then(Node::as_seq)
                .unwrap_or(&[]);
            for (i, rule) in rules.iter().enumerate() {
                let peers = rule.get(peers_key).and_then(Node::as_seq).unwrap_or(&[]);
                for (j, peer) in peers.iter().enumerate() {
                    let Some(pod_selector) = peer.get("podSelector").filter(|n| !n.is_null())
                    else {
                        continue;
                    };
                    if peer.get("namespaceSelector").is_some_and(|n| !n.is_null()) {
                        continue;
                    }
                    let field = locate_in(
                        obj,
                        &format!("spec.{section}[{i}].{peers_key}[{j}].podSelector"),
                    );
                    let selector = match LabelSelectorSpec::from_node(pod_selector).to_selector() {
                        Ok(s) => s,
                        Err(e) => {
                            out.push(Diagnostic::new(
                                format!("networkpolicy ingress rule has invalid podSelector: {e}"),
                                field,
                            ));
                            continue;
                        }
                    };
                    if !selects_some_pod(ctx, obj.namespace.as_deref(), &selector) {
                        out.push(Diagnostic::new(
                            format!(
                                "no pods found matching networkpolicy rule's podSelector labels ({})",
                                selector_string(Some(&selector))
                            ),
                            field,
                        ));
                    }
                }
            }
        }
    }
}
