//! Template `memory-requirements`: containers whose memory request or limit lies in a range.
//!
//! ## What it does
//! For every container (init, regular, ephemeral), reads `resources.requests.memory` (when
//! `requirementsType` is `request` or `any`) and `resources.limits.memory` (`limit` or `any`);
//! a missing value counts as zero. Reports each one whose value in bytes (rounded up) lies in
//! `[lowerBoundMB, upperBoundMB]` MiB (no upper bound when unset). With both bounds at 0, this
//! flags containers with no (or a zero) memory limit; a memory request does not stand in for it.
//!
//! ## Why is this bad?
//! A container without a memory limit can grow until the node runs out of memory, and the
//! kernel then kills processes of unrelated pods.
//!
//! ## Message
//! `container "<name>" has memory limit 0` (or `request`, with the quantity in Kubernetes'
//! canonical form), pointing at the value, or at the nearest existing parent when it is missing.

use kubeguard_engine::{CheckFn, Diagnostic, ParamKind, ParamSpec, Params, Template};
use kubeguard_model::{Context, Object};

use crate::quantity::Quantity;
use crate::util::go_quote;

/// The template.
pub struct MemoryRequirements;

/// Registered instance.
pub static TEMPLATE: MemoryRequirements = MemoryRequirements;

static PARAMS: &[ParamSpec] = &[
    ParamSpec::new("requirementsType", ParamKind::String, "The type of requirement. Use any to apply to both requests and limits (request, limit or any).")
        .required(),
    ParamSpec::new("lowerBoundMB", ParamKind::Integer, "The lower bound of the requirement (inclusive), specified as a number of MB. If not specified, it is treated as a lower bound of zero."),
    ParamSpec::new("upperBoundMB", ParamKind::Integer, "The upper bound of the requirement (inclusive), specified as a number of MB. If not specified, it is treated as \"no upper bound\"."),
];

impl Template for MemoryRequirements {
    fn key(&self) -> &'static str {
        "memory-requirements"
    }
    fn name(&self) -> &'static str {
        "Memory Requirements"
    }
    fn description(&self) -> &'static str {
        "Flag containers with memory requirements in the given range"
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
        Ok(Box::new(MemoryCheck {
            request,
            limit,
            lower: params.int("lowerBoundMB").unwrap_or(0).saturating_mul(BYTES_IN_MB),
            upper: params.int("upperBoundMB").map(|u| u.saturating_mul(BYTES_IN_MB)),
        }))
    }
}

/// MiB, as KubeLinter counts "MB".
const BYTES_IN_MB: i64 = 1024 * 1024;

struct MemoryCheck {
    request: bool,
    limit: bool,
    lower: i64,
    upper: Option<i64>,
}

impl CheckFn for MemoryCheck {
    fn check(&self, _: &Context, obj: &Object, out: &mut Vec<Diagnostic>) {
        let Some(pod) = obj.pod_spec() else { return };
        for c in pod.all_containers() {
            for (enabled, list, word) in [(self.request, "requests", "request"), (self.limit, "limits", "limit")] {
                if !enabled {
                    continue;
                }
                let quantity = match c.resource(list, "memory").and_then(|n| n.scalar_text()) {
                    Some(text) => match Quantity::parse(&text) {
                        Ok(q) => q,
                        // Kubernetes rejects the object; KubeLinter cannot decode it.
                        Err(_) => continue,
                    },
                    None => Quantity::zero(),
                };
                let bytes = quantity.value();
                if self.lower <= bytes && self.upper.is_none_or(|u| bytes <= u) {
                    out.push(Diagnostic::in_container(
                        &c,
                        format!("container {} has memory {word} {quantity}", go_quote(c.name())),
                        c.locate(&format!("resources.{list}.memory")),
                    ));
                }
            }
        }
    }
}
