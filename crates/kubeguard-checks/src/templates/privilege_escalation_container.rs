//! Template `privilege-escalation-container`: containers that allow privilege escalation.
//!
//! ## What it does
//! For every container (init, regular, ephemeral), reads its own `securityContext` (the pod's
//! is ignored) and reports the first that applies, at most one finding per container:
//! `allowPrivilegeEscalation: true`; else `privileged: true`; else a `capabilities.add` entry
//! that is exactly `SYS_ADMIN` (case-sensitive, `CAP_SYS_ADMIN` and `ALL` are not). An unset
//! `allowPrivilegeEscalation` is not reported, although the runtime default allows escalation.
//!
//! ## Why is this bad?
//! A process that can gain more privileges than its parent (setuid binaries, file
//! capabilities) lets an attacker who lands as an unprivileged user become root in the
//! container; privileged mode and SYS_ADMIN already grant near-root power over the kernel.
//!
//! ## Messages
//! `container "<name>" has AllowPrivilegeEscalation set to true.`,
//! `container "<name>" is Privileged hence allows privilege escalation.`,
//! `container "<name>" has SYS_ADMIN capability hence allows privilege escalation.`, pointing
//! at the offending value.

use kubeguard_engine::{CheckFn, Diagnostic, ParamSpec, Params, Template};
use kubeguard_model::{Context, Object};
use kubeguard_source::Node;

use crate::util::go_quote;

/// The template.
pub struct PrivilegeEscalationContainer;

/// Registered instance.
pub static TEMPLATE: PrivilegeEscalationContainer = PrivilegeEscalationContainer;

impl Template for PrivilegeEscalationContainer {
    fn key(&self) -> &'static str {
        "privilege-escalation-container"
    }
    fn name(&self) -> &'static str {
        "Privilege Escalation on Containers"
    }
    fn description(&self) -> &'static str {
        "Flag containers of allowing privilege escalation"
    }
    fn supported_kinds(&self) -> &'static [&'static str] {
        &["DeploymentLike"]
    }
    fn params(&self) -> &'static [ParamSpec] {
        &[]
    }
    fn instantiate(&self, _: &Params) -> Result<Box<dyn CheckFn>, String> {
        Ok(Box::new(PrivilegeEscalationContainer))
    }
}

impl CheckFn for PrivilegeEscalationContainer {
    fn check(&self, _: &Context, obj: &Object, out: &mut Vec<Diagnostic>) {
        let Some(pod) = obj.pod_spec() else { return };
        for c in pod.all_containers() {
            let name = go_quote(c.name());
            if c.sc("allowPrivilegeEscalation").and_then(Node::as_bool) == Some(true) {
                out.push(Diagnostic::in_container(
                    &c,
                    format!("container {name} has AllowPrivilegeEscalation set to true."),
                    c.locate("securityContext.allowPrivilegeEscalation"),
                ));
            } else if c.sc("privileged").and_then(Node::as_bool) == Some(true) {
                out.push(Diagnostic::in_container(
                    &c,
                    format!("container {name} is Privileged hence allows privilege escalation."),
                    c.locate("securityContext.privileged"),
                ));
            } else {
                let add = c
                    .sc("capabilities")
                    .and_then(|caps| caps.get("add"))
                    .and_then(Node::as_seq)
                    .unwrap_or(&[]);
                if let Some(k) = add.iter().position(|cap| cap.as_str() == Some("SYS_ADMIN")) {
                    out.push(Diagnostic::in_container(
                        &c,
                        format!("container {name} has SYS_ADMIN capability hence allows privilege escalation."),
                        c.locate(&format!("securityContext.capabilities.add[{k}]")),
                    ));
                }
            }
        }
    }
}
