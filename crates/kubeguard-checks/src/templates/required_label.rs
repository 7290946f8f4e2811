//! Template `required-label`: objects without a label matching a pattern.
//!
//! ## What it does
//! Reports an object when none of its own `metadata.labels` has a key matching `key` and
//! a value matching `value` (KubeLinter string matchers: unanchored regular expressions, `!`
//! negates, an empty or absent `value` matches any value).
//!
//! ## Why is this bad?
//! Labels such as an owner are how tools select, group and bill objects; an object without
//! them falls through every selector and report.
//!
//! ## Message
//! `no label matching "<key>=<value or <any>>" found`, pointing at `metadata.labels`
//! (or its nearest existing parent).

use kubeguard_engine::{ParamKind, ParamSpec};

use crate::required_metadata::{MetadataMap, RequiredMetadata};

/// Registered instance.
pub static TEMPLATE: RequiredMetadata = RequiredMetadata {
    key: "required-label",
    name: "Required Label",
    description: "Flag objects not carrying at least one label matching the provided patterns",
    params: PARAMS,
    map: MetadataMap::Labels,
};

static PARAMS: &[ParamSpec] = &[
    ParamSpec::new(
        "key",
        ParamKind::String,
        "Pattern the label key must match.",
    )
    .required()
    .regex(),
    ParamSpec::new(
        "value",
        ParamKind::String,
        "Pattern the label value must match (any value when empty).",
    )
    .regex(),
];
