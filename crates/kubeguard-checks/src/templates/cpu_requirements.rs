//! Template `cpu-requirements`: containers whose CPU request or limit lies in a range.
//!
//! ## What it does
//! For every container (init, regular, ephemeral), reads `resources.requests.cpu` (when
//! `requirementsType` is `request` or `any`) and `resources.limits.cpu` (`limit` or `any`); a
//! missing value counts as zero. Reports each one whose value in millicores (rounded up) lies
//! in `[lowerBoundMillis, upperBoundMillis]` (no upper bound when unset). With both bounds at 0,
//! this flags containers with no (or a zero) CPU request.
//!
//! The manifest is read as written: a CPU limit does not stand in for a missing request (the
//! API server would default one), and `requests` written outside `resources` is ignored.
//!
//! ## Why is this bad?
//! Without a CPU request the scheduler assumes the container needs nothing and packs pods onto
//! nodes that cannot serve them.
//!
//! ## Message
//! `container "<name>" has cpu request 0` (or `limit`, with the quantity in Kubernetes'
//! canonical form), pointing at the value, or at the nearest existing parent when it is missing.

use kubeguard_engine::{CheckFn, Diagnostic, ParamKind, ParamSpec, Params, Template};
use kubeguard_model::{Context, Object};

use crate::quantity::Quantity;
use crate::util::go_quote;

/// The template.
pub struct CpuRequirements;

/// Registered instance.
pub static TEMPLATE: CpuRequirements = CpuRequirements;

static PARAMS: &[ParamSpec] = &[
    ParamSpec::new("requirementsType", ParamKind::String, "The type of requirement. Use any to apply to both requests and limits (request, limit or any).")
        .required(),
    ParamSpec::new("lowerBoundMillis", ParamKind::Integer, "The lower bound of the requirement (inclusive), specified as a number of milli-cores. If not specified, it is treated as a lower bound of zero."),
    ParamSpec::new("upperBoundMillis", ParamKind::Integer, "The upper bound of the requirement (inclusive), specified as a number of milli-cores. If not specified, it is treated as \"no upper bound\"."),
];

impl Template for CpuRequirements {
    fn key(&self) -> &'static str {
        "cpu-requirements"
    }
    fn name(&self) -> &'static str {
        "CPU Requirements"
    }
    fn description(&self) -> &'static str {
        "Flag containers with CPU requirements in the given range"
    }
    fn supported_kinds(&self) -> &'static [&'static str] {
        &["DeploymentLike"]
    }
    fn params(&self) -> &'static [ParamSpec] {
        PARAMS
    }
    fn instantiate(&self, params: &Params) -> Result<Box<dyn CheckFn>, String> {
        let kind = params.str("requirementsType").unwrap_or_default();
        let (request, limit) = match kind {
            "request" => (true, false),
            "limit" => (false, true),
            "any" => (true, true),
            other => return Err(format!("parameter `requirementsType`: {} is not one of [request limit any]", go_quote(other))),
        };
        Ok(Box::new(CpuCheck {
            request,
            limit,
            lower: params.int("lowerBoundMillis").unwrap_or(0),
            upper: params.int("upperBoundMillis"),
        }))
    }
}

struct CpuCheck {
    request: bool,
    limit: bool,
    lower: i64,
    upper: Option<i64>,
}

impl CheckFn for CpuCheck {
    fn check(&self, _: &Context, obj: &Object, out: &mut Vec<Diagnostic>) {
        let Some(pod) = obj.pod_spec() else { return };
        for c in pod.all_containers() {
            for (enabled, list, word) in [(self.request, "requests", "request"), (self.limit, "limits", "limit")] {
                if !enabled {
                    continue;
                }
                let quantity = match c.resource(list, "cpu").and_then(|n| n.scalar_text()) {
                    Some(text) => match Quantity::parse(&text) {
                        Ok(q) => q,
                        // Kubernetes rejects the object; KubeLinter cannot decode it.
                        Err(_) => continue,
                    },
                    None => Quantity::zero(),
                };
                let millis = quantity.milli_value();
                if self.lower <= millis && self.upper.is_none_or(|u| millis <= u) {
                    out.push(Diagnostic::in_container(
                        &c,
                        format!("container {} has cpu {word} {quantity}", go_quote(c.name())),
                        c.locate(&format!("resources.{list}.cpu")),
                    ));
                }
            }
        }
    }
}
