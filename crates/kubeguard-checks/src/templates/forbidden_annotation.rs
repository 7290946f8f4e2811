//! Template `forbidden-annotation`: objects carrying an annotation matching a pattern.
//!
//! ## What it does
//! Reports an object once when one of its own `metadata.annotations` has a key matching `key`
//! and a value matching `value` (KubeLinter string matchers: unanchored regular expressions,
//! `!` negates, an empty or absent `value` matches any value).
//!
//! ## Why is this bad?
//! Some annotations switch on behaviour an organisation does not want (automatic reloads,
//! cloud role bindings with a wrong format, ...).
//!
//! ## Message
//! `annotation matching "<key>=<value or <any>>" found`, pointing at the first matching
//! annotation in file order.

use kubeguard_engine::{CheckFn, Diagnostic, Matcher, ParamKind, ParamSpec, Params, Template};
use kubeguard_model::{Context, Object, Seg, locate};

use crate::util::text;

/// The template.
pub struct ForbiddenAnnotation;

/// Registered instance.
pub static TEMPLATE: ForbiddenAnnotation = ForbiddenAnnotation;

static PARAMS: &[ParamSpec] = &[
    ParamSpec::new(
        "key",
        ParamKind::String,
        "Pattern of forbidden annotation keys.",
    )
    .required()
    .regex(),
    ParamSpec::new(
        "value",
        ParamKind::String,
        "Pattern of forbidden annotation values (any value when empty).",
    )
    .regex(),
];

impl Template for ForbiddenAnnotation {
    fn key(&self) -> &'static str {
        "forbidden-annotation"
    }
    fn name(&self) -> &'static str {
        "Forbidden Annotation"
    }
    fn description(&self) -> &'static str {
        "Flag objects carrying at least one annotation matching the provided patterns"
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
        Ok(Box::new(ForbiddenAnnotationCheck {
            key_matcher: Matcher::new(&key)?,
            value_matcher: Matcher::new(&value)?,
            message: format!(
                "annotation matching \"{key}={}\" found",
                if value.is_empty() { "<any>" } else { &value }
            ),
        }))
    }
}

struct ForbiddenAnnotationCheck {
    key_matcher: Matcher,
    value_matcher: Matcher,
    message: String,
}

impl CheckFn for ForbiddenAnnotationCheck {
    fn check(&self, _: &Context, obj: &Object, out: &mut Vec<Diagnostic>) {
        let Some(annotations) = obj.annotations() else {
            return;
        };
        let hit = annotations.iter().find(|(k, v)| {
            self.key_matcher.matches(k) && self.value_matcher.matches(&text(Some(v)))
        });
        if let Some((k, _)) = hit {
            out.push(Diagnostic::new(
                self.message.clone(),
                locate(
                    &obj.root,
                    "",
                    &[Seg::Key("metadata"), Seg::Key("annotations"), Seg::Key(k)],
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::run_template;
    use serde_json::json;

    const YAML: &str = r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app1
  annotations:
    other: x
    reloader.stakater.com/auto: "true"
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app2
  annotations:
    reloader.stakater.com/auto: "false"
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: bad-irsa-role
  annotations:
    eks.amazonaws.com/role-arn: arn:aws:iam::1234:role/x
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: good-irsa-role
  annotations:
    eks.amazonaws.com/role-arn: arn:aws:iam::123456789012:role/app
"#;

    #[test]
    fn key_and_value_patterns() {
        let got = run_template(
            &TEMPLATE,
            json!({"key": "reloader.stakater.com/auto", "value": "true"}),
            YAML,
        );
        assert_eq!(
            got,
            [
                "app1: annotation matching \"reloader.stakater.com/auto=true\" found @ metadata.annotations.reloader.stakater.com/auto"
            ]
        );
        let got = run_template(
            &TEMPLATE,
            json!({"key": "eks.amazonaws.com/role-arn", "value": "!arn:aws:iam::\\d{12}:role\\/[\\w+=,.@-]{1,64}$"}),
            YAML,
        );
        assert_eq!(got.len(), 1);
        assert!(got[0].starts_with(
            "bad-irsa-role: annotation matching \"eks.amazonaws.com/role-arn=!arn:aws"
        ));
    }

    #[test]
    fn absent_value_matches_anything() {
        let got = run_template(&TEMPLATE, json!({"key": "^reloader"}), YAML);
        assert_eq!(
            got,
            [
                "app1: annotation matching \"^reloader=<any>\" found @ metadata.annotations.reloader.stakater.com/auto",
                "app2: annotation matching \"^reloader=<any>\" found @ metadata.annotations.reloader.stakater.com/auto",
            ]
        );
    }
}
