//! Template `service-account`: pods running under a matching service account.
//!
//! ## What it does
//! For a workload with a pod template (a typed workload without `spec.template` has an empty
//! one), unless `automountServiceAccountToken` is explicitly `false`, takes
//! `serviceAccountName` (or, when empty, the deprecated `serviceAccount`) and reports it when
//! the `serviceAccount` matcher (unanchored regex, `!` negates) matches it. An unset account
//! is the empty string.
//!
//! ## Why is this bad?
//! With the `default` service account every workload of the namespace shares one identity:
//! permissions granted for one of them leak to all, and the API token is mounted everywhere.
//!
//! ## Message
//! `found matching serviceAccount ("<name>")`, pointing at the field that set it (or the pod
//! spec).

use kubeguard_engine::{CheckFn, Diagnostic, Matcher, ParamKind, ParamSpec, Params, Template};
use kubeguard_model::{Context, Object, WorkloadKind};
use kubeguard_source::Node;

use crate::util::{go_quote, has_pod_template, locate_in, text};

/// The template.
pub struct ServiceAccount;

/// Registered instance.
pub static TEMPLATE: ServiceAccount = ServiceAccount;

static PARAMS: &[ParamSpec] = &[ParamSpec::new(
    "serviceAccount",
    ParamKind::String,
    "A regex specifying the service account to match (unanchored; a leading ! negates).",
)
.required()
.regex()];

impl Template for ServiceAccount {
    fn key(&self) -> &'static str {
        "service-account"
    }
    fn name(&self) -> &'static str {
        "Service Account"
    }
    fn description(&self) -> &'static str {
        "Flag containers which use a matching service account"
    }
    fn supported_kinds(&self) -> &'static [&'static str] {
        &["DeploymentLike"]
    }
    fn params(&self) -> &'static [ParamSpec] {
        PARAMS
    }
    fn instantiate(&self, params: &Params) -> Result<Box<dyn CheckFn>, String> {
        Ok(Box::new(Check {
            matcher: params.matcher("serviceAccount"),
        }))
    }
}

/// Where the pod spec of `obj` would be.
fn pod_spec_path(obj: &Object) -> &'static str {
    match obj.workload_kind() {
        Some(WorkloadKind::Pod) => "spec",
        Some(WorkloadKind::CronJob) => "spec.jobTemplate.spec.template.spec",
        _ => "spec.template.spec",
    }
}

struct Check {
    matcher: Matcher,
}

impl CheckFn for Check {
    fn check(&self, _ctx: &Context, obj: &Object, out: &mut Vec<Diagnostic>) {
        if !has_pod_template(obj) {
            return;
        }
        let spec = obj.pod_spec();
        let get = |k: &str| spec.as_ref().and_then(|s| s.node.get(k));
        if get("automountServiceAccountToken").and_then(Node::as_bool) == Some(false) {
            return;
        }
        let base = spec.as_ref().map_or_else(|| pod_spec_path(obj), |s| s.path);
        let (sa, field) = match text(get("serviceAccountName")) {
            s if !s.is_empty() => (s, "serviceAccountName"),
            _ => match text(get("serviceAccount")) {
                s if !s.is_empty() => (s, "serviceAccount"),
                _ => (String::new(), "serviceAccountName"),
            },
        };
        if self.matcher.matches(&sa) {
            out.push(Diagnostic::new(
                format!("found matching serviceAccount ({})", go_quote(&sa)),
                locate_in(obj, &format!("{base}.{field}")),
            ));
        }
    }
}
