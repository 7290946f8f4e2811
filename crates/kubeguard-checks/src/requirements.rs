//! The logic shared by the `cpu-requirements` and `memory-requirements` templates: a resource
//! request and/or limit of every container, compared with an inclusive range.

use kubeguard_engine::{CheckFn, Diagnostic, ParamKind, ParamSpec, Params, Template};
use kubeguard_model::{Context, Object};

use crate::quantity::Quantity;
use crate::util::go_quote;

/// The `requirementsType` parameter: which of `requests` and `limits` to examine.
pub const REQUIREMENTS_TYPE: ParamSpec = ParamSpec::new(
    "requirementsType",
    ParamKind::String,
    "The type of requirement. Use any to apply to both requests and limits (request, limit or any).",
)
.required();

/// A template flagging containers whose request or limit of one resource lies in a range.
pub struct ResourceRequirements {
    /// Template key.
    pub key: &'static str,
    /// Human-readable name.
    pub name: &'static str,
    /// What it detects.
    pub description: &'static str,
    /// Parameters: [`REQUIREMENTS_TYPE`] and the two bounds.
    pub params: &'static [ParamSpec],
    /// The resource under `resources.requests` / `resources.limits` (`cpu`, `memory`); also the
    /// word used in messages.
    pub resource: &'static str,
    /// Parameter of the inclusive lower bound (missing: 0).
    pub lower_param: &'static str,
    /// Parameter of the inclusive upper bound (missing: none).
    pub upper_param: &'static str,
    /// What one unit of a bound is worth in units of [`ResourceRequirements::amount`].
    pub bound_scale: i64,
    /// The value of a quantity compared with the bounds (millicores, bytes).
    pub amount: fn(&Quantity) -> i64,
}

impl Template for ResourceRequirements {
    fn key(&self) -> &'static str {
        self.key
    }
    fn name(&self) -> &'static str {
        self.name
    }
    fn description(&self) -> &'static str {
        self.description
    }
    fn supported_kinds(&self) -> &'static [&'static str] {
        &["DeploymentLike"]
    }
    fn params(&self) -> &'static [ParamSpec] {
        self.params
    }
    fn instantiate(&self, params: &Params) -> Result<Box<dyn CheckFn>, String> {
        let kind = params.str("requirementsType").unwrap_or_default();
        let (request, limit) = match kind {
            "request" => (true, false),
            "limit" => (false, true),
            "any" => (true, true),
            other => {
                return Err(format!(
                    "parameter `requirementsType`: {} is not one of [request limit any]",
                    go_quote(other)
                ));
            }
        };
        let scale = |bound: i64| bound.saturating_mul(self.bound_scale);
        Ok(Box::new(RequirementsCheck {
            resource: self.resource,
            amount: self.amount,
            request,
            limit,
            lower: scale(params.int(self.lower_param).unwrap_or(0)),
            upper: params.int(self.upper_param).map(scale),
        }))
    }
}

struct RequirementsCheck {
    resource: &'static str,
    amount: fn(&Quantity) -> i64,
    request: bool,
    limit: bool,
    lower: i64,
    upper: Option<i64>,
}

impl CheckFn for RequirementsCheck {
    fn check(&self, _: &Context, obj: &Object, out: &mut Vec<Diagnostic>) {
        let Some(pod) = obj.pod_spec() else { return };
        let resource = self.resource;
        for c in pod.all_containers() {
            for (enabled, list, word) in [
                (self.request, "requests", "request"),
                (self.limit, "limits", "limit"),
            ] {
                if !enabled {
                    continue;
                }
                let quantity = match c.resource(list, resource).and_then(|n| n.scalar_text()) {
                    Some(text) => match Quantity::parse(&text) {
                        Ok(q) => q,
                        // Kubernetes rejects the object; KubeLinter cannot decode it.
                        Err(_) => continue,
                    },
                    None => Quantity::zero(),
                };
                let amount = (self.amount)(&quantity);
                if self.lower <= amount && self.upper.is_none_or(|u| amount <= u) {
                    out.push(Diagnostic::in_container(
                        &c,
                        format!(
                            "container {} has {resource} {word} {quantity}",
                            go_quote(c.name())
                        ),
                        c.locate(&format!("resources.{list}.{resource}")),
                    ));
                }
            }
        }
    }
}
