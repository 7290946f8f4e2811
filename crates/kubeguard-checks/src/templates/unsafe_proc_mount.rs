//! Template `unsafe-proc-mount`: containers with an unmasked `/proc`.
//!
//! ## What it does
//! Reports every container (init, regular, ephemeral) whose own `securityContext.procMount`
//! is `Unmasked` (compared case-insensitively).
//!
//! ## Why is this bad?
//! The runtime normally masks and makes read-only the sensitive parts of `/proc` (kernel
//! keys, sysrq, timers...). An unmasked `/proc` exposes them to the container and weakens its
//! isolation from the node.
//!
//! ## Message
//! `container "<name>" exposes /proc unsafely (via procMount=Unmasked).`, pointing at the
//! `procMount` value.

use kubeguard_engine::{CheckFn, Diagnostic, ParamSpec, Params, Template};
use kubeguard_model::{Context, Object};

use crate::util::{go_quote, text};

/// The template.
pub struct UnsafeProcMount;

/// Registered instance.
pub static TEMPLATE: UnsafeProcMount = UnsafeProcMount;

impl Template for UnsafeProcMount {
    fn key(&self) -> &'static str {
        "unsafe-proc-mount"
    }
    fn name(&self) -> &'static str {
        "Unsafe Proc Mount"
    }
    fn description(&self) -> &'static str {
        "Flag containers of unsafe proc mount"
    }
    fn supported_kinds(&self) -> &'static [&'static str] {
        &["DeploymentLike"]
    }
    fn params(&self) -> &'static [ParamSpec] {
        &[]
    }
    fn instantiate(&self, _: &Params) -> Result<Box<dyn CheckFn>, String> {
        Ok(Box::new(UnsafeProcMount))
    }
}

impl CheckFn for UnsafeProcMount {
    fn check(&self, _: &Context, obj: &Object, out: &mut Vec<Diagnostic>) {
        let Some(pod) = obj.pod_spec() else { return };
        for c in pod.all_containers() {
            if text(c.sc("procMount")).eq_ignore_ascii_case("Unmasked") {
                out.push(Diagnostic::in_container(
                    &c,
                    format!(
                        "container {} exposes /proc unsafely (via procMount=Unmasked).",
                        go_quote(c.name())
                    ),
                    c.locate("securityContext.procMount"),
                ));
            }
        }
    }
}
