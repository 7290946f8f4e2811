//! Template `non-existent-service-account`: pods referencing a service account that is not
//! among the linted objects.
//!
//! ## What it does
//! Takes the pod spec's `serviceAccountName` (or, when empty, the deprecated `serviceAccount`);
//! unless it is empty or `default`, reports it when no `v1` ServiceAccount of that name exists
//! among the linted objects in the same namespace (compared as written: no namespace only
//! equals no namespace).
//!
//! ## Why is this bad?
//! Pods referencing a missing service account are rejected at creation, so the workload never
//! starts; it often also means the RBAC intended for it was never created.
//!
//! ## Message
//! `serviceAccount "<name>" not found`, pointing at the field naming it.

use kubeguard_engine::{CheckFn, Diagnostic, ParamSpec, Params, Template};
use kubeguard_model::{Context, Object};

use crate::util::{go_quote, text};

/// The template.
pub struct NonExistentServiceAccount;

/// Registered instance.
pub static TEMPLATE: NonExistentServiceAccount = NonExistentServiceAccount;

impl Template for NonExistentServiceAccount {
    fn key(&self) -> &'static str {
        "non-existent-service-account"
    }
    fn name(&self) -> &'static str {
        "Non-Existent Service Account"
    }
    fn description(&self) -> &'static str {
        "Flag cases where a pod references a non-existent service account"
    }
    fn supported_kinds(&self) -> &'static [&'static str] {
        &["DeploymentLike"]
    }
    fn params(&self) -> &'static [ParamSpec] {
        &[]
    }
    fn instantiate(&self, _: &Params) -> Result<Box<dyn CheckFn>, String> {
        Ok(Box::new(NonExistentServiceAccount))
    }
}

impl CheckFn for NonExistentServiceAccount {
    fn check(&self, ctx: &Context, obj: &Object, out: &mut Vec<Diagnostic>) {
        let Some(pod) = obj.pod_spec() else { return };
        let mut field = "serviceAccountName";
        let mut sa = text(pod.get(field));
        if sa.is_empty() {
            field = "serviceAccount";
            sa = text(pod.get(field));
        }
        if sa.is_empty() || sa == "default" {
            return;
        }
        if !ctx.has_service_account(obj.namespace.as_deref(), &sa) {
            out.push(Diagnostic::new(
                format!("serviceAccount {} not found", go_quote(&sa)),
                pod.locate(field),
            ));
        }
    }
}
