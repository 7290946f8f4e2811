//! Template `non-isolated-pod`: workloads selected by no NetworkPolicy.
//!
//! ## What it does
//! For a workload with a pod template, looks at the `networking.k8s.io/v1` NetworkPolicies of
//! the same namespace (as written), in load order: the first whose `spec.podSelector` is
//! invalid is reported as such; one whose selector (absent or empty: every pod) matches the
//! pod template labels isolates the pods. With no such policy the workload is reported.
//!
//! ## Why is this bad?
//! Pods no NetworkPolicy selects accept traffic from every pod of the cluster and may send
//! traffic anywhere: one compromised workload can reach them all.
//!
//! ## Messages
//! - `pods created by this object are non-isolated`, pointing at the pod template labels (or
//!   their nearest existing parent);
//! - `networkpolicy has invalid podSelector: <error>`, pointing at the same place.

use std::collections::HashMap;

use kubeguard_engine::{CheckFn, Diagnostic, ParamSpec, Params, Template};
use kubeguard_model::{Context, Object, ObjectMemo, Selector};

use crate::util::k8s_labels::LabelSelectorSpec;
use crate::util::{has_pod_template, locate_in, pod_labels_path};

/// The template.
pub struct NonIsolatedPod;

/// Registered instance.
pub static TEMPLATE: NonIsolatedPod = NonIsolatedPod;

impl Template for NonIsolatedPod {
    fn key(&self) -> &'static str {
        "non-isolated-pod"
    }
    fn name(&self) -> &'static str {
        "Non Isolated Pods"
    }
    fn description(&self) -> &'static str {
        "Flag Pod that is not selected by any networkPolicy"
    }
    fn supported_kinds(&self) -> &'static [&'static str] {
        &["DeploymentLike"]
    }
    fn params(&self) -> &'static [ParamSpec] {
        &[]
    }
    fn instantiate(&self, _params: &Params) -> Result<Box<dyn CheckFn>, String> {
        Ok(Box::new(Check::default()))
    }
}

#[derive(Default)]
struct Check {
    /// Each NetworkPolicy's parsed `podSelector`, parsed once however many workloads ask.
    selectors: ObjectMemo<Result<Selector, String>>,
}

impl CheckFn for Check {
    fn check(&self, ctx: &Context, obj: &Object, out: &mut Vec<Diagnostic>) {
        if !has_pod_template(obj) {
            return;
        }
        let field = locate_in(obj, pod_labels_path(obj));
        let by_namespace = ctx.derived("non-isolated-pod/policies", || {
            let mut map: HashMap<Option<String>, Vec<usize>> = HashMap::new();
            for np in ctx.of_kind("NetworkPolicy") {
                if np.api_version == "networking.k8s.io/v1"
                    && let Some(i) = ctx.index_of(np)
                {
                    map.entry(np.namespace.clone()).or_default().push(i);
                }
            }
            map
        });
        for &i in by_namespace
            .get(&obj.namespace)
            .map_or(&[][..], Vec::as_slice)
        {
            let np = &ctx.objects[i];
            let selector = self.selectors.get_or_compute(ctx, np, || {
                np.root
                    .path(&["spec", "podSelector"])
                    .map(LabelSelectorSpec::from_node)
                    .unwrap_or_default()
                    .to_selector()
            });
            match selector {
                Err(e) => {
                    out.push(Diagnostic::new(
                        format!("networkpolicy has invalid podSelector: {e}"),
                        field,
                    ));
                    return;
                }
                Ok(s) if s.matches(obj.pod_labels()) => return,
                Ok(_) => {}
            }
        }
        out.push(Diagnostic::new(
            "pods created by this object are non-isolated",
            field,
        ));
    }
}
