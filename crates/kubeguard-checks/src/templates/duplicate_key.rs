//! Template `duplicate-key`: a YAML mapping repeats a key.
//!
//! ## What it does
//! Reports each key written twice in one mapping of the object's document. Kubernetes'
//! YAML decoding keeps the last value silently; the earlier one is ignored.
//!
//! ## Why is this bad?
//! Reviewers read the first value while the cluster applies the last: a `securityContext` or
//! an `image` given twice is a classic way for a risky setting to slip through review.
//!
//! ## Message
//! `key "<key>" is repeated; the value at line <n> is ignored (the last one wins)`, pointing
//! at the winning key.

use kubeguard_engine::{CheckFn, Diagnostic, ParamSpec, Params, Template};
use kubeguard_model::{Context, FieldRef, Object};
use kubeguard_source::LoadWarning;

use crate::util::go_quote;

/// The template.
pub struct DuplicateKey;

/// Registered instance.
pub static TEMPLATE: DuplicateKey = DuplicateKey;

impl Template for DuplicateKey {
    fn key(&self) -> &'static str {
        "duplicate-key"
    }
    fn name(&self) -> &'static str {
        "Duplicate YAML keys"
    }
    fn description(&self) -> &'static str {
        "Flag mappings that repeat a key (the last value silently wins)."
    }
    fn supported_kinds(&self) -> &'static [&'static str] {
        &["Any"]
    }
    fn params(&self) -> &'static [ParamSpec] {
        &[]
    }
    fn instantiate(&self, _: &Params) -> Result<Box<dyn CheckFn>, String> {
        Ok(Box::new(DuplicateKey))
    }
}

impl CheckFn for DuplicateKey {
    fn check(&self, _: &Context, obj: &Object, out: &mut Vec<Diagnostic>) {
        for w in &obj.warnings {
            let LoadWarning::DuplicateKey { key, first, second } = w;
            let line = obj.source.line_col(first.start).line;
            out.push(Diagnostic::new(
                format!(
                    "key {} is repeated; the value at line {line} is ignored (the last one wins)",
                    go_quote(key)
                ),
                FieldRef {
                    path: key.clone(),
                    span: *second,
                    present: true,
                },
            ));
        }
    }
}
