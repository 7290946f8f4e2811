//! Template `required-annotation`: objects without an annotation matching a pattern.
//!
//! ## What it does
//! Reports an object when none of its own `metadata.annotations` has a key matching `key` and
//! a value matching `value` (KubeLinter string matchers: unanchored regular expressions, `!`
//! negates, an empty or absent `value` matches any value).
//!
//! ## Why is this bad?
//! Organisations rely on annotations (owner, contact, ticket) to route alerts and audits; an
//! object without them has nobody to call.
//!
//! ## Message
//! `no annotation matching "<key>=<value or <any>>" found`, pointing at `metadata.annotations`
//! (or its nearest existing parent).

use kubeguard_engine::{ParamKind, ParamSpec};

use crate::required_metadata::{MetadataMap, RequiredMetadata};

/// Registered instance.
pub static TEMPLATE: RequiredMetadata = RequiredMetadata {
    key: "required-annotation",
    name: "Required Annotation",
    description: "Flag objects not carrying at least one annotation matching the provided patterns",
    params: PARAMS,
    map: MetadataMap::Annotations,
};

static PARAMS: &[ParamSpec] = &[
    ParamSpec::new(
        "key",
        ParamKind::String,
        "Pattern the annotation key must match.",
    )
    .required()
    .regex(),
    ParamSpec::new(
        "value",
        ParamKind::String,
        "Pattern the annotation value must match (any value when empty).",
    )
    .regex(),
];
