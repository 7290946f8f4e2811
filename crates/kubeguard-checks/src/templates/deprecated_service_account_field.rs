//! Template `deprecated-service-account-field`: pod specs using the deprecated `serviceAccount`.
//!
//! ## What it does
//! Reports a pod spec whose `serviceAccount` field is set, unless `serviceAccountName` is set to
//! the same value. `serviceAccount: default` alone is reported too.
//!
//! ## Why is this bad?
//! `serviceAccount` is an old alias of `serviceAccountName`. When both are set with different
//! values it is unclear which identity the pod runs under, and tools that only read the current
//! field audit the wrong one.
//!
//! ## Messages
//! - `serviceAccount is specified (<sa>), but this field is deprecated; use serviceAccountName instead`
//! - `serviceAccount (<sa>) and serviceAccountName (<san>) are both specified with non-matching values. serviceAccount is deprecated; unspecify serviceAccount or make values match.`
//!
//! Both point at the `serviceAccount` value.

use kubeguard_engine::{CheckFn, Diagnostic, ParamSpec, Params, Template};
use kubeguard_model::{Context, Object};

use crate::util::text;

/// The template.
pub struct DeprecatedServiceAccountField;

/// Registered instance.
pub static TEMPLATE: DeprecatedServiceAccountField = DeprecatedServiceAccountField;

impl Template for DeprecatedServiceAccountField {
    fn key(&self) -> &'static str {
        "deprecated-service-account-field"
    }
    fn name(&self) -> &'static str {
        "Deprecated Service Account Field"
    }
    fn description(&self) -> &'static str {
        "Flag uses of the deprecated serviceAccount field, which should be migrated to serviceAccountName"
    }
    fn supported_kinds(&self) -> &'static [&'static str] {
        &["DeploymentLike"]
    }
    fn params(&self) -> &'static [ParamSpec] {
        &[]
    }
    fn instantiate(&self, _: &Params) -> Result<Box<dyn CheckFn>, String> {
        Ok(Box::new(DeprecatedServiceAccountField))
    }
}

impl CheckFn for DeprecatedServiceAccountField {
    fn check(&self, _: &Context, obj: &Object, out: &mut Vec<Diagnostic>) {
        let Some(pod) = obj.pod_spec() else { return };
        let sa = text(pod.get("serviceAccount"));
        let san = text(pod.get("serviceAccountName"));
        if sa.is_empty() || sa == san {
            return;
        }
        let message = if san.is_empty() {
            format!(
                "serviceAccount is specified ({sa}), but this field is deprecated; use serviceAccountName instead"
            )
        } else {
            format!(
                "serviceAccount ({sa}) and serviceAccountName ({san}) are both specified with non-matching values. serviceAccount is deprecated; unspecify serviceAccount or make values match."
            )
        };
        out.push(Diagnostic::new(message, pod.locate("serviceAccount")));
    }
}
