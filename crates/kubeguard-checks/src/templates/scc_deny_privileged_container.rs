//! Template `scc-deny-privileged-container`: OpenShift SecurityContextConstraints allowing
//! privileged containers.
//!
//! ## What it does
//! Reports a `security.openshift.io/v1` SecurityContextConstraints whose
//! `allowPrivilegedContainer` (false when absent) equals the `allowPrivilegedContainer`
//! parameter (false when not given, so a check without the parameter reports every SCC that
//! denies privileged containers, as KubeLinter does).
//!
//! ## Why is this bad?
//! An SCC that allows privileged containers lets every pod admitted under it run with all
//! capabilities and full access to the node's devices: a container escape is one step away.
//!
//! ## Message
//! `SCC has allowPrivilegedContainer set to <true|false>`, pointing at the field (or the
//! object's `kind`).

use kubeguard_engine::{CheckFn, Diagnostic, ParamKind, ParamSpec, Params, Template};
use kubeguard_model::{Context, Object};
use kubeguard_source::Node;

use crate::util::locate_in;

/// The template.
pub struct SccDenyPrivilegedContainer;

/// Registered instance.
pub static TEMPLATE: SccDenyPrivilegedContainer = SccDenyPrivilegedContainer;

static PARAMS: &[ParamSpec] = &[ParamSpec::new(
    "allowPrivilegedContainer",
    ParamKind::Boolean,
    "The allowPrivilegedContainer value to flag (true flags SCCs that allow privileged containers).",
)];

impl Template for SccDenyPrivilegedContainer {
    fn key(&self) -> &'static str {
        "scc-deny-privileged-container"
    }
    fn name(&self) -> &'static str {
        "SecurityContextConstraints allowPrivilegedContainer"
    }
    fn description(&self) -> &'static str {
        "Flag SCC with allowPrivilegedContainer set to true"
    }
    fn supported_kinds(&self) -> &'static [&'static str] {
        &["SecurityContextConstraints"]
    }
    fn params(&self) -> &'static [ParamSpec] {
        PARAMS
    }
    fn instantiate(&self, params: &Params) -> Result<Box<dyn CheckFn>, String> {
        Ok(Box::new(Check {
            flagged: params.bool("allowPrivilegedContainer").unwrap_or(false),
        }))
    }
}

struct Check {
    flagged: bool,
}

impl CheckFn for Check {
    fn check(&self, _ctx: &Context, obj: &Object, out: &mut Vec<Diagnostic>) {
        if obj.api_version != "security.openshift.io/v1" || obj.kind != "SecurityContextConstraints"
        {
            return;
        }
        let node = obj.root.get("allowPrivilegedContainer");
        let state = node.and_then(Node::as_bool).unwrap_or(false);
        if state != self.flagged {
            return;
        }
        let field = if node.is_some() {
            locate_in(obj, "allowPrivilegedContainer")
        } else {
            Diagnostic::on_object(obj, "").field
        };
        out.push(Diagnostic::new(
            format!("SCC has allowPrivilegedContainer set to {state}"),
            field,
        ));
    }
}
