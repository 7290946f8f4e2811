//! Template `env-var`: environment variables whose name and literal value match patterns.
//!
//! ## What it does
//! For every container (init, regular, ephemeral), reports each `env` entry whose `name`
//! matches `name` and whose literal `value` matches `value` (both unanchored regular
//! expressions, a leading `!` negates; an empty `value` pattern matches anything). Only the
//! literal `value` is read: `valueFrom` counts as an empty value, and `envFrom` is ignored.
//!
//! ## Why is this bad?
//! With the built-in `env-var-secret` parameters: a secret written as a literal value is stored
//! in plain text in the manifest, in version control and in the API server.
//!
//! ## Message
//! `environment variable <name> in container "<container>" found`, pointing at the value.

use kubeguard_engine::{CheckFn, Diagnostic, Matcher, ParamKind, ParamSpec, Params, Template};
use kubeguard_model::{Context, Object};

use crate::util::{go_quote, text};

/// The template.
pub struct EnvVar;

/// Registered instance.
pub static TEMPLATE: EnvVar = EnvVar;

static PARAMS: &[ParamSpec] = &[
    ParamSpec::new(
        "name",
        ParamKind::String,
        "The name of the environment variable.",
    )
    .required()
    .regex(),
    ParamSpec::new(
        "value",
        ParamKind::String,
        "The value of the environment variable.",
    )
    .regex(),
];

impl Template for EnvVar {
    fn key(&self) -> &'static str {
        "env-var"
    }
    fn name(&self) -> &'static str {
        "Environment Variables"
    }
    fn description(&self) -> &'static str {
        "Flag environment variables that match the provided patterns"
    }
    fn supported_kinds(&self) -> &'static [&'static str] {
        &["DeploymentLike"]
    }
    fn params(&self) -> &'static [ParamSpec] {
        PARAMS
    }
    fn instantiate(&self, params: &Params) -> Result<Box<dyn CheckFn>, String> {
        Ok(Box::new(EnvVarCheck {
            name: Matcher::new(params.str("name").unwrap_or_default())?,
            value: Matcher::new(params.str("value").unwrap_or_default())?,
        }))
    }
}

struct EnvVarCheck {
    name: Matcher,
    value: Matcher,
}

impl CheckFn for EnvVarCheck {
    fn check(&self, _: &Context, obj: &Object, out: &mut Vec<Diagnostic>) {
        let Some(pod) = obj.pod_spec() else { return };
        for c in pod.all_containers() {
            for (i, env) in c.env() {
                let name = text(env.get("name"));
                if self.name.matches(&name) && self.value.matches(&text(env.get("value"))) {
                    out.push(Diagnostic::in_container(
                        &c,
                        format!(
                            "environment variable {name} in container {} found",
                            go_quote(c.name())
                        ),
                        c.locate(&format!("env[{i}].value")),
                    ));
                }
            }
        }
    }
}
