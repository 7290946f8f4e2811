//! Template `duplicate-env-var`: containers defining the same environment variable twice.
//!
//! ## What it does
//! For every container (init, regular, ephemeral), walks `env` in order and reports each name
//! (compared case-sensitively) when it appears for the second time; further repeats of the
//! same name are not reported again. `envFrom` is not considered.
//!
//! ## Why is this bad?
//! The later entry silently wins: reviewers reading the first one see a value that is never
//! used, and a patch that edits the wrong entry has no effect.
//!
//! ## Message
//! `Duplicate environment variable <name> in container "<container>" found`, pointing at the
//! second occurrence's `name`.

use std::collections::HashMap;

use kubeguard_engine::{CheckFn, Diagnostic, ParamSpec, Params, Template};
use kubeguard_model::{Context, Object};

use crate::util::{go_quote, text};

/// The template.
pub struct DuplicateEnvVar;

/// Registered instance.
pub static TEMPLATE: DuplicateEnvVar = DuplicateEnvVar;

impl Template for DuplicateEnvVar {
    fn key(&self) -> &'static str {
        "duplicate-env-var"
    }
    fn name(&self) -> &'static str {
        "Duplicate Environment Variables"
    }
    fn description(&self) -> &'static str {
        "Flag Duplicate Env Variables names"
    }
    fn supported_kinds(&self) -> &'static [&'static str] {
        &["DeploymentLike"]
    }
    fn params(&self) -> &'static [ParamSpec] {
        &[]
    }
    fn instantiate(&self, _: &Params) -> Result<Box<dyn CheckFn>, String> {
        Ok(Box::new(DuplicateEnvVar))
    }
}

impl CheckFn for DuplicateEnvVar {
    fn check(&self, _: &Context, obj: &Object, out: &mut Vec<Diagnostic>) {
        let Some(pod) = obj.pod_spec() else { return };
        for c in pod.all_containers() {
            let mut seen: HashMap<String, usize> = HashMap::new();
            for (i, env) in c.env() {
                let name = text(env.get("name"));
                let count = seen.entry(name.clone()).or_insert(0);
                *count += 1;
                if *count == 2 {
                    out.push(Diagnostic::in_container(
                        &c,
                        format!(
                            "Duplicate environment variable {name} in container {} found",
                            go_quote(c.name())
                        ),
                        c.locate(&format!("env[{i}].name")),
                    ));
                }
            }
        }
    }
}
