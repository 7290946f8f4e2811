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

use kubeguard_engine::{CheckFn, Diagnostic, Matcher, ParamKind, ParamSpec, Params, Template};
use kubeguard_model::{Context, Object};

use crate::util::{locate_in, text};

/// The template.
pub struct RequiredLabel;

/// Registered instance.
pub static TEMPLATE: RequiredLabel = RequiredLabel;

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

impl Template for RequiredLabel {
    fn key(&self) -> &'static str {
        "required-label"
    }
    fn name(&self) -> &'static str {
        "Required Label"
    }
    fn description(&self) -> &'static str {
        "Flag objects not carrying at least one label matching the provided patterns"
    }
    fn supported_kinds(&self) -> &'static [&'static str] {
        &["Any"]
    }
    fn params(&self) -> &'static [ParamSpec] {
        PARAMS
    }
    fn instantiate(&self, params: &Params) -> Result<Box<dyn CheckFn>, String> {
        let key = params.str("key").unwrap_or_default().to_string();
        let value = params.str("value").unwrap_or_default().to_string();
        Ok(Box::new(RequiredLabelCheck {
            key_matcher: Matcher::new(&key)?,
            value_matcher: Matcher::new(&value)?,
            message: format!(
                "no label matching \"{key}={}\" found",
                if value.is_empty() { "<any>" } else { &value }
            ),
        }))
    }
}

struct RequiredLabelCheck {
    key_matcher: Matcher,
    value_matcher: Matcher,
    message: String,
}

impl CheckFn for RequiredLabelCheck {
    fn check(&self, _: &Context, obj: &Object, out: &mut Vec<Diagnostic>) {
        let found = obj.labels().is_some_and(|m| {
            m.iter().any(|(k, v)| {
                self.key_matcher.matches(k) && self.value_matcher.matches(&text(Some(v)))
            })
        });
        if !found {
            out.push(Diagnostic::new(
                self.message.clone(),
                locate_in(obj, "metadata.labels"),
            ));
        }
    }
}
