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

use kubeguard_engine::{ParamKind, ParamSpec};

use crate::quantity::Quantity;
use crate::requirements::{REQUIREMENTS_TYPE, ResourceRequirements};

/// Registered instance.
pub static TEMPLATE: ResourceRequirements = ResourceRequirements {
    key: "memory-requirements",
    name: "Memory Requirements",
    description: "Flag containers with memory requirements in the given range",
    params: PARAMS,
    resource: "memory",
    lower_param: "lowerBoundMB",
    upper_param: "upperBoundMB",
    bound_scale: BYTES_IN_MB,
    amount: Quantity::value,
};

/// MiB, as KubeLinter counts "MB".
const BYTES_IN_MB: i64 = 1024 * 1024;

static PARAMS: &[ParamSpec] = &[
    REQUIREMENTS_TYPE,
    ParamSpec::new(
        "lowerBoundMB",
        ParamKind::Integer,
        "The lower bound of the requirement (inclusive), specified as a number of MB. If not specified, it is treated as a lower bound of zero.",
    ),
    ParamSpec::new(
        "upperBoundMB",
        ParamKind::Integer,
        "The upper bound of the requirement (inclusive), specified as a number of MB. If not specified, it is treated as \"no upper bound\".",
    ),
];
