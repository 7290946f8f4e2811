//! Template `dangling-service`: Services that select no pods.
//!
//! ## What it does
//! For each `v1` Service that is not of type `ExternalName`:
//! - a missing or empty `spec.selector` is reported;
//! - otherwise, after removing the label keys listed in `ignoredLabels`, the selector must match
//!   the pod template labels of at least one workload (Pod, Deployment, StatefulSet, DaemonSet,
//!   ReplicaSet, ReplicationController, Job, CronJob, DeploymentConfig, Argo Rollout) among the
//!   linted objects of the same namespace (compared as written: no namespace only equals no
//!   namespace).
//!
//! ## Why is this bad?
//! A Service that selects no pods has no endpoints: clients get connection refused while the
//! manifests look correct. It usually comes from a typo or a label renamed on one side only.
//!
//! ## Messages
//! - `service has no selector specified`
//! - `service has invalid label selector: <error>`
//! - `no pods found matching service labels (map[<k>:<v> ...])`
//!
//! All point at `spec.selector` (or its nearest existing parent).

use kubeguard_engine::{CheckFn, Diagnostic, ParamKind, ParamSpec, Params, Template};
use kubeguard_model::{Context, Object, locate, parse_path, string_map};
use kubeguard_source::Node;

use crate::util::k8s_labels::LabelSelectorSpec;
use crate::util::{go_map, selects_some_pod};

/// The template.
pub struct DanglingService;

/// Registered instance.
pub static TEMPLATE: DanglingService = DanglingService;

static PARAMS: &[ParamSpec] = &[ParamSpec::new(
    "ignoredLabels",
    ParamKind::StringList,
    "A list of labels that will be ignored when checking for dangling services (the keys are removed from the service selector).",
)];

impl Template for DanglingService {
    fn key(&self) -> &'static str {
        "dangling-service"
    }
    fn name(&self) -> &'static str {
        "Dangling Services"
    }
    fn description(&self) -> &'static str {
        "Flag services which do not match any application"
    }
    fn supported_kinds(&self) -> &'static [&'static str] {
        &["Service"]
    }
    fn params(&self) -> &'static [ParamSpec] {
        PARAMS
    }
    fn instantiate(&self, params: &Params) -> Result<Box<dyn CheckFn>, String> {
        Ok(Box::new(DanglingCheck {
            ignored: params.strings("ignoredLabels"),
        }))
    }
}

struct DanglingCheck {
    ignored: Vec<String>,
}

/// Whether KubeLinter finds a pod template in `obj` (a DeploymentConfig's template is a
/// pointer: missing or null means none).
impl CheckFn for DanglingCheck {
    fn check(&self, ctx: &Context, obj: &Object, out: &mut Vec<Diagnostic>) {
        if obj.api_version != "v1" || obj.kind != "Service" {
            return;
        }
        let spec = obj.spec();
        if spec.and_then(|s| s.get("type")).and_then(Node::as_str) == Some("ExternalName") {
            return;
        }
        let field = locate(&obj.root, "", &parse_path("spec.selector"));
        let mut selector = string_map(spec.and_then(|s| s.get("selector")).and_then(Node::as_map));
        if selector.is_empty() {
            out.push(Diagnostic::new("service has no selector specified", field));
            return;
        }
        selector.retain(|(k, _)| !self.ignored.contains(k));
        let matcher = match LabelSelectorSpec::from_map(&selector).to_selector() {
            Ok(s) => s,
            Err(e) => {
                out.push(Diagnostic::new(
                    format!("service has invalid label selector: {e}"),
                    field,
                ));
                return;
            }
        };
        if !selects_some_pod(ctx, obj.namespace.as_deref(), &matcher) {
            out.push(Diagnostic::new(
                format!(
                    "no pods found matching service labels ({})",
                    go_map(&selector)
                ),
                field,
            ));
        }
    }
}
