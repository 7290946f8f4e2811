//! Template `automount-service-account-token`: pods that get their service account's API
//! token mounted.
//!
//! ## What it does
//! For a workload with a pod template, reads `automountServiceAccountToken` of the pod spec:
//! `false` passes, `true` is reported. When it is unset, the pod's service account
//! (`serviceAccountName`, else the deprecated `serviceAccount`, else `default`) is looked up
//! among the linted ServiceAccounts of the pod's namespace (absent means `default` on both
//! sides); the workload passes when one of them sets `automountServiceAccountToken: false`,
//! and is reported otherwise.
//!
//! The look-up goes through the context's kind-and-name index, so the check costs the same
//! per workload however many objects are linted (a CEL rule over `objects` would scan them all
//! for each workload).
//!
//! ## Why is this bad?
//! Kubernetes mounts the token into every container unless told not to. Most applications
//! never call the API server, but anything running in the container can read the token: one
//! remote code execution is enough to authenticate to the cluster as the account.
//!
//! ## Messages
//! - `the pod spec sets automountServiceAccountToken to true, mounting the API token of
//!   service account "<sa>"`, at the field;
//! - `the API token of service account "<sa>" is mounted: neither the pod spec nor the
//!   ServiceAccount sets automountServiceAccountToken to false`, at the service account field
//!   (or the pod spec when none is set).

use kubeguard_engine::{CheckFn, Diagnostic, ParamSpec, Params, Template};
use kubeguard_model::{Context, Object};
use kubeguard_source::Node;

use crate::util::{has_pod_template, locate_in, text};

/// The template.
pub struct AutomountServiceAccountToken;

/// Registered instance.
pub static TEMPLATE: AutomountServiceAccountToken = AutomountServiceAccountToken;

impl Template for AutomountServiceAccountToken {
    fn key(&self) -> &'static str {
        "automount-service-account-token"
    }
    fn name(&self) -> &'static str {
        "Automounted Service Account Token"
    }
    fn description(&self) -> &'static str {
        "Flag workloads whose pods get their service account's API token mounted"
    }
    fn supported_kinds(&self) -> &'static [&'static str] {
        &["DeploymentLike"]
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
        if !has_pod_template(obj) {
            return;
        }
        let Some(spec) = obj.pod_spec() else {
            return;
        };
        let field = |name: &str| locate_in(obj, &format!("{}.{name}", spec.path));
        let (sa, sa_field) = match text(spec.node.get("serviceAccountName")) {
            s if !s.is_empty() => (s, field("serviceAccountName")),
            _ => match text(spec.node.get("serviceAccount")) {
                s if !s.is_empty() => (s, field("serviceAccount")),
                _ => ("default".to_string(), locate_in(obj, spec.path)),
            },
        };
        let quoted = crate::util::go_quote(&sa);
        match spec
            .node
            .get("automountServiceAccountToken")
            .and_then(Node::as_bool)
        {
            Some(false) => {}
            Some(true) => out.push(Diagnostic::new(
                format!(
                    "the pod spec sets automountServiceAccountToken to true, mounting the API token of service account {quoted}"
                ),
                field("automountServiceAccountToken"),
            )),
            None => {
                let namespace = obj.namespace_or_default();
                let disabled = ctx.named("ServiceAccount", &sa).any(|a| {
                    a.api_version == "v1"
                        && a.namespace_or_default() == namespace
                        && a.root.get("automountServiceAccountToken").and_then(Node::as_bool)
                            == Some(false)
                });
                if !disabled {
                    out.push(Diagnostic::new(
                        format!(
                            "the API token of service account {quoted} is mounted: neither the pod spec nor the ServiceAccount sets automountServiceAccountToken to false"
                        ),
                        sa_field,
                    ));
                }
            }
        }
    }
}
