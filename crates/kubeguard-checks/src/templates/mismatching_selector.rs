//! Template `mismatching-selector`: workloads whose selector does not match their own pods.
//!
//! ## What it does
//! For Deployments, StatefulSets, DaemonSets, ReplicaSets, DeploymentConfigs, Argo Rollouts,
//! Jobs and CronJobs (Pods and ReplicationControllers are skipped, as in KubeLinter):
//! - a missing or empty selector (`spec.selector`; `spec.jobTemplate.spec.selector` for a
//!   CronJob) is reported, except on Jobs and CronJobs, where it is optional;
//! - an invalid selector is reported with the validation error;
//! - a selector that does not match the pod template's labels is reported (extra template
//!   labels are fine).
//!
//! ## Why is this bad?
//! A controller only manages the pods its selector matches: a mismatch makes the API server
//! reject the object, or makes older controllers create pods they never count.
//!
//! ## Messages
//! - `object has no selector specified`
//! - `object has invalid label selector: <error>`
//! - `labels in pod spec (map[<k>:<v> ...]) do not match labels in selector (&LabelSelector{...})`
//!
//! All point at the selector (or its nearest existing parent).

use kubeguard_engine::{CheckFn, Diagnostic, ParamSpec, Params, Template};
use kubeguard_model::{Context, Object, WorkloadKind, locate, parse_path, string_map};
use kubeguard_source::Node;

use crate::util::go_map;
use crate::util::k8s_labels;

/// The template.
pub struct MismatchingSelector;

/// Registered instance.
pub static TEMPLATE: MismatchingSelector = MismatchingSelector;

impl Template for MismatchingSelector {
    fn key(&self) -> &'static str {
        "mismatching-selector"
    }
    fn name(&self) -> &'static str {
        "Mismatching Selector"
    }
    fn description(&self) -> &'static str {
        "Flag deployments where the selector doesn't match the labels in the pod template spec"
    }
    fn supported_kinds(&self) -> &'static [&'static str] {
        &["DeploymentLike"]
    }
    fn params(&self) -> &'static [ParamSpec] {
        &[]
    }
    fn instantiate(&self, _: &Params) -> Result<Box<dyn CheckFn>, String> {
        Ok(Box::new(MismatchingSelector))
    }
}

impl CheckFn for MismatchingSelector {
    fn check(&self, _: &Context, obj: &Object, out: &mut Vec<Diagnostic>) {
        let Some(kind) = obj.workload_kind() else {
            return;
        };
        let Some((path, spec)) = k8s_labels::workload_selector(obj) else {
            return;
        };
        let field = locate(&obj.root, "", &parse_path(path));
        let Some(spec) = spec.filter(|s| !s.is_empty()) else {
            if !matches!(kind, WorkloadKind::Job | WorkloadKind::CronJob) {
                out.push(Diagnostic::new("object has no selector specified", field));
            }
            return;
        };
        // A DeploymentConfig's template is a pointer: missing or null means no pods.
        if kind == WorkloadKind::DeploymentConfig
            && obj
                .root
                .path(&["spec", "template"])
                .is_none_or(Node::is_null)
        {
            return;
        }
        let selector = match spec.to_selector() {
            Ok(s) => s,
            Err(e) => {
                out.push(Diagnostic::new(
                    format!("object has invalid label selector: {e}"),
                    field,
                ));
                return;
            }
        };
        let labels = obj.pod_labels();
        if !selector.matches(labels) {
            out.push(Diagnostic::new(
                format!(
                    "labels in pod spec ({}) do not match labels in selector ({})",
                    go_map(&string_map(labels)),
                    spec.go_struct_string()
                ),
                field,
            ));
        }
    }
}
