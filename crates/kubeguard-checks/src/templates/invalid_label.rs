//! Template `invalid-label`: label keys and values the API server rejects.
//!
//! ## What it does
//! Validates every key and value of `metadata.labels` and of the pod template's labels
//! (`spec.template.metadata.labels`, or the CronJob's job template's) with the API server's
//! rules: a key is a qualified name (an optional DNS-subdomain prefix and `/`, then a name
//! of at most 63 characters of alphanumerics, `-`, `_` and `.`, starting and ending
//! alphanumeric); a value is empty or such a name. Each bad key or value is reported at itself.
//!
//! ## Why is this bad?
//! `kubectl apply` fails on the object, usually only once the manifest reaches a cluster: the
//! pipeline that renders it stays green until the deployment.
//!
//! ## Message
//! `label "<key>": key: <reason>` or `label "<key>": value "<value>": <reason>`, one per
//! problem.

use kubeguard_engine::{CheckFn, Diagnostic, ParamSpec, Params, Template};
use kubeguard_model::{Context, FieldRef, Object};
use kubeguard_source::Node;

use crate::util::go_quote;
use crate::util::k8s_labels::{label_value_errors, qualified_name_errors};

/// The template.
pub struct InvalidLabel;

/// Registered instance.
pub static TEMPLATE: InvalidLabel = InvalidLabel;

impl Template for InvalidLabel {
    fn key(&self) -> &'static str {
        "invalid-label"
    }
    fn name(&self) -> &'static str {
        "Invalid Label"
    }
    fn description(&self) -> &'static str {
        "Flag label keys and values that the API server would reject"
    }
    fn supported_kinds(&self) -> &'static [&'static str] {
        &["Any"]
    }
    fn params(&self) -> &'static [ParamSpec] {
        &[]
    }
    fn instantiate(&self, _params: &Params) -> Result<Box<dyn CheckFn>, String> {
        Ok(Box::new(Check))
    }
}

struct Check;

const LABEL_MAPS: [&[&str]; 3] = [
    &["metadata", "labels"],
    &["spec", "template", "metadata", "labels"],
    &[
        "spec",
        "jobTemplate",
        "spec",
        "template",
        "metadata",
        "labels",
    ],
];

impl CheckFn for Check {
    fn check(&self, _ctx: &Context, obj: &Object, out: &mut Vec<Diagnostic>) {
        for keys in LABEL_MAPS {
            let Some(labels) = obj.root.path(keys).and_then(Node::as_map) else {
                continue;
            };
            let base = keys.join(".");
            for (key, value) in labels.iter() {
                let (key_span, value_span) = labels
                    .get_entry(key)
                    .map_or((value.span, value.span), |(k, _)| (k.span, value.span));
                let at = |span| FieldRef {
                    path: format!("{base}.{key}"),
                    span,
                    present: true,
                };
                for e in qualified_name_errors(key) {
                    out.push(Diagnostic::new(
                        format!("label {}: key: {e}", go_quote(key)),
                        at(key_span),
                    ));
                }
                let text = value.scalar_cow().unwrap_or_default();
                for e in label_value_errors(&text) {
                    out.push(Diagnostic::new(
                        format!("label {}: value {}: {e}", go_quote(key), go_quote(&text)),
                        at(value_span),
                    ));
                }
            }
        }
    }
}
