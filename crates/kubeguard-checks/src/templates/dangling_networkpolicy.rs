//! Template `dangling-networkpolicy`: NetworkPolicies whose pod selector selects no pods.
//!
//! ## What it does
//! For a `networking.k8s.io/v1` NetworkPolicy, builds the selector of `spec.podSelector`
//! (absent or empty: every pod) and looks for a linted object with a pod template in the same
//! namespace (as written) whose pod template labels it matches. Reports the policy when there
//! is none, or when the selector is invalid.
//!
//! ## Why is this bad?
//! A policy that selects no pods isolates nothing: the traffic rules the authors believe are in
//! force do not apply to the workload they wrote them for.
//!
//! ## Messages
//! - `networkpolicy has invalid podSelector: <error>`
//! - `no pods found matching networkpolicy's podSelector labels (<selector>) ` (the selector
//!   printed as Go prints a `LabelSelector` value, `{map[k:v] []}`; the trailing space is
//!   KubeLinter's)
//!
//! Both point at `spec.podSelector` (or its nearest existing parent).

use kubeguard_engine::{CheckFn, Diagnostic, ParamSpec, Params, Template};
use kubeguard_model::{Context, Object};

use crate::util::k8s_labels::LabelSelectorSpec;
use crate::util::{go_label_selector_value, locate_in, selects_some_pod};

/// The template.
pub struct DanglingNetworkPolicy;

/// Registered instance.
pub static TEMPLATE: DanglingNetworkPolicy = DanglingNetworkPolicy;

impl Template for DanglingNetworkPolicy {
    fn key(&self) -> &'static str {
        "dangling-networkpolicy"
    }
    fn name(&self) -> &'static str {
        "Dangling NetworkPolicies"
    }
    fn description(&self) -> &'static str {
        "Flag NetworkPolicies which do not match any application"
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
        let field = locate_in(obj, "spec.podSelector");
        let spec = obj
            .root
            .path(&["spec", "podSelector"])
            .map(LabelSelectorSpec::from_node)
            .unwrap_or_default();
        let selector = match spec.to_selector() {
            Ok(s) => s,
            Err(e) => {
                out.push(Diagnostic::new(
                    format!("networkpolicy has invalid podSelector: {e}"),
                    field,
                ));
                return;
            }
        };
        if !selects_some_pod(ctx, obj.namespace.as_deref(), &selector) {
            out.push(Diagnostic::new(
                format!(
                    "no pods found matching networkpolicy's podSelector labels ({}) ",
                    go_label_selector_value(&spec)
                ),
                field,
            ));
        }
    }
}
