//! Template `priority-class-name`: pods with a priority class outside an accepted list.
//!
//! ## What it does
//! Reports a workload whose pod spec sets a non-blank `priorityClassName` that is not exactly
//! one of `acceptedPriorityClassNames`. An absent or blank name is not reported.
//!
//! ## Why is this bad?
//! Priority classes decide which pods the scheduler evicts first under pressure; an unexpected
//! class can starve critical workloads or make a minor one unevictable.
//!
//! ## Message
//! `object has a priority class name defined with '<name>' but the only accepted priority
//! class names are '[<a> <b>]'`, pointing at `priorityClassName`.

use kubeguard_engine::{CheckFn, Diagnostic, ParamKind, ParamSpec, Params, Template};
use kubeguard_model::{Context, Object};

use crate::util::text;

/// The template.
pub struct PriorityClassName;

/// Registered instance.
pub static TEMPLATE: PriorityClassName = PriorityClassName;

static PARAMS: &[ParamSpec] = &[ParamSpec::new(
    "acceptedPriorityClassNames",
    ParamKind::StringList,
    "Priority class names that may be used (exact names).",
)];

impl Template for PriorityClassName {
    fn key(&self) -> &'static str {
        "priority-class-name"
    }
    fn name(&self) -> &'static str {
        "Priority class name"
    }
    fn description(&self) -> &'static str {
        "Flag applications running with invalid priority class name."
    }
    fn supported_kinds(&self) -> &'static [&'static str] {
        &["DeploymentLike"]
    }
    fn params(&self) -> &'static [ParamSpec] {
        PARAMS
    }
    fn instantiate(&self, params: &Params) -> Result<Box<dyn CheckFn>, String> {
        Ok(Box::new(PriorityClassNameCheck {
            accepted: params.strings("acceptedPriorityClassNames"),
        }))
    }
}

struct PriorityClassNameCheck {
    accepted: Vec<String>,
}

impl CheckFn for PriorityClassNameCheck {
    fn check(&self, _: &Context, obj: &Object, out: &mut Vec<Diagnostic>) {
        let Some(pod) = obj.pod_spec() else { return };
        let name = text(pod.get("priorityClassName"));
        if name.trim().is_empty() || self.accepted.contains(&name) {
            return;
        }
        out.push(Diagnostic::new(
            format!(
                "object has a priority class name defined with '{name}' but the only accepted priority class names are '[{}]'",
                self.accepted.join(" ")
            ),
            pod.locate("priorityClassName"),
        ));
    }
}
