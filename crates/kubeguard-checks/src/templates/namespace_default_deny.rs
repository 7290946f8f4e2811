//! Template `namespace-default-deny`: namespaces that run workloads without a default-deny
//! NetworkPolicy for a direction.
//!
//! ## What it does
//! A namespace is default-deny for a direction (`Ingress` or `Egress`) when one of its
//! `networking.k8s.io/v1` NetworkPolicies selects every pod (`podSelector: {}`), isolates that
//! direction (its `policyTypes`, or their defaults: `Ingress` always, `Egress` when the policy
//! has `egress` rules), and has no rule for the direction that allows every peer on every port
//! (a rule `{}`). Other rules of that policy are the namespace's baseline allowances (DNS, for
//! example) and do not matter. Objects without a namespace are in `default`.
//!
//! Each namespace that has workloads (DeploymentLike objects) among the linted objects and no
//! such policy is reported once: on its `Namespace` object when that is among the linted
//! objects (at `metadata.name`), otherwise on its first workload in load order (at
//! `metadata.namespace`, pointing at `metadata` when the namespace is not written).
//!
//! ## Why is this bad?
//! Without a default-deny, every pod that no policy happens to select accepts connections from
//! any pod of the cluster (ingress) or may connect anywhere, the cloud metadata service and the
//! internet included (egress). Policies then allow traffic only for the pods someone
//! remembered; new workloads start wide open.
//!
//! ## Message
//! `namespace "<ns>" has <n> workload(s) and no default-deny <direction> NetworkPolicy`.
//!
//! ## Known gaps
//! Cluster-wide AdminNetworkPolicies and BaselineAdminNetworkPolicies are not taken into
//! account: a namespace covered only by a cluster-level deny is still reported.

use std::collections::{HashMap, HashSet};

use kubeguard_engine::{CheckFn, Diagnostic, ParamKind, ParamSpec, Params, Template};
use kubeguard_model::{Context, Object};

use crate::netpol_facts::{Direction, peers, policies, rules};
use crate::util::locate_in;

/// The template.
pub struct NamespaceDefaultDeny;

/// Registered instance.
pub static TEMPLATE: NamespaceDefaultDeny = NamespaceDefaultDeny;

static PARAMS: &[ParamSpec] = &[ParamSpec::new(
    "direction",
    ParamKind::String,
    "The direction a default-deny policy must isolate: Ingress or Egress",
)
.required()];

impl Template for NamespaceDefaultDeny {
    fn key(&self) -> &'static str {
        "namespace-default-deny"
    }
    fn name(&self) -> &'static str {
        "Namespace Default Deny"
    }
    fn description(&self) -> &'static str {
        "Flag namespaces with workloads but no default-deny NetworkPolicy for a direction"
    }
    fn supported_kinds(&self) -> &'static [&'static str] {
        &["DeploymentLike", "Namespace"]
    }
    fn params(&self) -> &'static [ParamSpec] {
        PARAMS
    }
    fn instantiate(&self, params: &Params) -> Result<Box<dyn CheckFn>, String> {
        let given = params.str("direction").unwrap_or_default();
        let direction = Direction::parse(given)
            .ok_or_else(|| format!("direction must be Ingress or Egress, not {given:?}"))?;
        Ok(Box::new(Check { direction }))
    }
}

struct Check {
    direction: Direction,
}

/// Per namespace: its first workload (index in the context) and how many it has.
type Workloads = HashMap<String, (usize, usize)>;

/// The namespaces of the context's workloads, read once per context.
fn workloads_by_namespace(ctx: &Context) -> std::sync::Arc<Workloads> {
    ctx.derived("namespace-workloads", || {
        let mut map: Workloads = HashMap::new();
        for w in ctx.workloads() {
            let Some(i) = ctx.index_of(w) else { continue };
            map.entry(w.namespace_or_default().to_string())
                .or_insert((i, 0))
                .1 += 1;
        }
        map
    })
}

/// Namespaces with a `Namespace` object among the linted objects.
fn declared_namespaces(ctx: &Context) -> std::sync::Arc<HashSet<String>> {
    ctx.derived("declared-namespaces", || {
        ctx.of_kind("Namespace")
            .filter(|o| o.group().is_empty())
            .map(|o| o.name.clone())
            .collect()
    })
}

impl Check {
    /// Whether `namespace` has a default-deny policy for the direction.
    fn has_default_deny(&self, ctx: &Context, namespace: &str) -> bool {
        let dir = self.direction;
        policies(ctx).in_namespace(namespace).iter().any(|p| {
            p.selects_all()
                && p.isolates(dir)
                && !rules(p.object(ctx), dir)
                    .any(|(_, r)| peers(r, dir).is_none() && r.get("ports").is_none_or(is_empty))
        })
    }
}

fn is_empty(node: &kubeguard_source::Node) -> bool {
    node.is_null() || node.as_seq().is_some_and(<[_]>::is_empty)
}

impl CheckFn for Check {
    fn check(&self, ctx: &Context, obj: &Object, out: &mut Vec<Diagnostic>) {
        let by_ns = workloads_by_namespace(ctx);
        let (namespace, field) = if obj.kind == "Namespace" {
            if !obj.group().is_empty() {
                return;
            }
            (obj.name.as_str(), locate_in(obj, "metadata.name"))
        } else {
            let namespace = obj.namespace_or_default();
            let first = by_ns.get(namespace).map(|&(i, _)| i);
            if first != ctx.index_of(obj) || declared_namespaces(ctx).contains(namespace) {
                return;
            }
            (namespace, locate_in(obj, "metadata.namespace"))
        };
        let Some(&(_, count)) = by_ns.get(namespace) else {
            return;
        };
        if self.has_default_deny(ctx, namespace) {
            return;
        }
        out.push(Diagnostic::new(
            format!(
                "namespace {namespace:?} has {count} workload(s) and no default-deny {} NetworkPolicy",
                self.direction.policy_type()
            ),
            field,
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::run_template;
    use serde_json::json;

    const WORKLOADS: &str = "
apiVersion: apps/v1
kind: Deployment
metadata: {name: a, namespace: shop}
spec: {template: {metadata: {labels: {app: a}}}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: b, namespace: shop}
spec: {template: {metadata: {labels: {app: b}}}}
---
apiVersion: v1
kind: Pod
metadata: {name: lone}
spec: {containers: [{name: c, image: x}]}
";

    fn run(direction: &str, extra: &str) -> Vec<String> {
        run_template(
            &TEMPLATE,
            json!({"direction": direction}),
            &format!("{WORKLOADS}---\n{extra}"),
        )
    }

    #[test]
    fn reports_each_namespace_once_on_its_first_workload() {
        let got = run("Ingress", "kind: ConfigMap\nmetadata: {name: x}");
        assert_eq!(
            got,
            [
                "a: namespace \"shop\" has 2 workload(s) and no default-deny Ingress NetworkPolicy @ metadata.namespace",
                "lone: namespace \"default\" has 1 workload(s) and no default-deny Ingress NetworkPolicy @ metadata.namespace",
            ]
        );
    }

    #[test]
    fn reports_on_the_namespace_object_when_linted() {
        let got = run(
            "Egress",
            "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}",
        );
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(got[0].starts_with("lone: namespace \"default\""), "{got:?}");
        assert!(
            got[1].starts_with("shop: namespace \"shop\" has 2")
                && got[1].ends_with("@ metadata.name"),
            "{got:?}"
        );
    }

    #[test]
    fn default_deny_per_direction() {
        let deny_ingress = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: d, namespace: shop}\nspec: {podSelector: {}}";
        assert_eq!(run("Ingress", deny_ingress).len(), 1);
        // No policyTypes and no egress rules: it isolates ingress only.
        assert_eq!(run("Egress", deny_ingress).len(), 2);
        let deny_egress_with_dns = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: d, namespace: shop}\nspec:\n  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n  - ports: [{port: 53, protocol: UDP}]";
        assert_eq!(run("Egress", deny_egress_with_dns).len(), 1);
        assert_eq!(run("Ingress", deny_egress_with_dns).len(), 2);
    }

    #[test]
    fn allow_all_rules_and_partial_selectors_do_not_count() {
        let allow_all = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: d, namespace: shop}\nspec: {podSelector: {}, ingress: [{}]}";
        assert_eq!(run("Ingress", allow_all).len(), 2);
        let partial = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: d, namespace: shop}\nspec: {podSelector: {matchLabels: {app: a}}}";
        assert_eq!(run("Ingress", partial).len(), 2);
        let other_ns = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: d, namespace: web}\nspec: {podSelector: {}}";
        assert_eq!(run("Ingress", other_ns).len(), 2);
    }

    #[test]
    fn rejects_unknown_direction() {
        let p = Params::validate(PARAMS, &json!({"direction": "sideways"})).expect("params");
        assert!(TEMPLATE.instantiate(&p).is_err());
    }
}
