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

use kubeguard_engine::{ParamKind, ParamSpec};

use crate::quantity::Quantity;
use crate::requirements::{REQUIREMENTS_TYPE, ResourceRequirements};

/// Registered instance.
pub static TEMPLATE: ResourceRequirements = ResourceRequirements {
    key: "cpu-requirements",
    name: "CPU Requirements",
    description: "Flag containers with CPU requirements in the given range",
    params: PARAMS,
    resource: "cpu",
    lower_param: "lowerBoundMillis",
    upper_param: "upperBoundMillis",
    bound_scale: 1,
    amount: Quantity::milli_value,
};

static PARAMS: &[ParamSpec] = &[
    REQUIREMENTS_TYPE,
    ParamSpec::new(
        "lowerBoundMillis",
        ParamKind::Integer,
        "The lower bound of the requirement (inclusive), specified as a number of milli-cores. If not specified, it is treated as a lower bound of zero.",
    ),
    ParamSpec::new(
        "upperBoundMillis",
        ParamKind::Integer,
        "The upper bound of the requirement (inclusive), specified as a number of milli-cores. If not specified, it is treated as \"no upper bound\".",
    ),
];
