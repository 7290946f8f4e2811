//! Template `run-as-non-root`: containers that may run as root.
//!
//! ## What it does
//! For every container (init, regular, ephemeral), computes the effective `runAsUser`,
//! `runAsNonRoot` and `runAsGroup` as the kubelet does (the container's `securityContext`
//! field overrides the pod's), then reports:
//! - an effective `runAsGroup` of 0: `container "<c>" is set to runAsGroup 0`;
//! - unless the effective `runAsUser` is above 0: when `runAsNonRoot` is effectively true but
//!   `runAsUser` is 0, `container "<c>" is set to runAsNonRoot, but runAsUser set to 0`;
//!   when `runAsNonRoot` is not effectively true, `container "<c>" is not set to runAsNonRoot`.
//!
//! ## Why is this bad?
//! Root in a container is root on the node as soon as any isolation layer fails.

use kubeguard_engine::{CheckFn, Diagnostic, ParamSpec, Params, Template};
use kubeguard_model::{Context, Object};

use crate::util::go_quote;

/// The template.
pub struct RunAsNonRoot;

/// Registered instance.
pub static TEMPLATE: RunAsNonRoot = RunAsNonRoot;

impl Template for RunAsNonRoot {
    fn key(&self) -> &'static str {
        "run-as-non-root"
    }
    fn name(&self) -> &'static str {
        "Run as non-root"
    }
    fn description(&self) -> &'static str {
        "Flag containers set to run as a root user or group."
    }
    fn supported_kinds(&self) -> &'static [&'static str] {
        &["DeploymentLike"]
    }
    fn params(&self) -> &'static [ParamSpec] {
        &[]
    }
    fn instantiate(&self, _: &Params) -> Result<Box<dyn CheckFn>, String> {
        Ok(Box::new(RunAsNonRoot))
    }
}

impl CheckFn for RunAsNonRoot {
    fn check(&self, _: &Context, obj: &Object, out: &mut Vec<Diagnostic>) {
        let Some(pod) = obj.pod_spec() else { return };
        for c in pod.all_containers() {
            let name = go_quote(c.name());
            if let Some(g) = c.effective("runAsGroup")
                && g.node.as_i64() == Some(0)
            {
                out.push(Diagnostic::in_container(
                    &c,
                    format!("container {name} is set to runAsGroup 0"),
                    g.field,
                ));
            }
            let user = c.effective("runAsUser");
            if user
                .as_ref()
                .and_then(|u| u.node.as_i64())
                .is_some_and(|u| u > 0)
            {
                continue;
            }
            let non_root = c.effective("runAsNonRoot");
            if non_root.as_ref().and_then(|n| n.node.as_bool()) == Some(true) {
                if let Some(u) = user.filter(|u| u.node.as_i64() == Some(0)) {
                    out.push(Diagnostic::in_container(
                        &c,
                        format!("container {name} is set to runAsNonRoot, but runAsUser set to 0"),
                        u.field,
                    ));
                }
            } else {
                let field = match non_root {
                    Some(n) => n.field,
                    None => c.locate("securityContext.runAsNonRoot"),
                };
                out.push(Diagnostic::in_container(
                    &c,
                    format!("container {name} is not set to runAsNonRoot"),
                    field,
                ));
            }
        }
    }
}
