//! Template `read-secret-from-env-var`: environment variables filled from a Secret.
//!
//! ## What it does
//! Reports every `env` entry of every container (init, regular, ephemeral) whose
//! `valueFrom.secretKeyRef` is set, one finding per entry. `envFrom` is not considered.
//!
//! ## Why is this bad?
//! Environment variables leak: they are inherited by child processes, printed by crash
//! handlers and debug endpoints, and visible in `/proc/<pid>/environ`. Secrets mounted as files
//! are not.
//!
//! ## Message
//! `environment variable "<var>" in container "<name>" uses SecretKeyRef`, pointing at the
//! `secretKeyRef`.

use kubeguard_engine::{CheckFn, Diagnostic, ParamSpec, Params, Template};
use kubeguard_model::{Context, Object};

use crate::util::{go_quote, text};

/// The template.
pub struct ReadSecretFromEnvVar;

/// Registered instance.
pub static TEMPLATE: ReadSecretFromEnvVar = ReadSecretFromEnvVar;

impl Template for ReadSecretFromEnvVar {
    fn key(&self) -> &'static str {
        "read-secret-from-env-var"
    }
    fn name(&self) -> &'static str {
        "Read Secret From Environment Variables"
    }
    fn description(&self) -> &'static str {
        "Flag environment variables that use SecretKeyRef"
    }
    fn supported_kinds(&self) -> &'static [&'static str] {
        &["DeploymentLike"]
    }
    fn params(&self) -> &'static [ParamSpec] {
        &[]
    }
    fn instantiate(&self, _: &Params) -> Result<Box<dyn CheckFn>, String> {
        Ok(Box::new(ReadSecretFromEnvVar))
    }
}

impl CheckFn for ReadSecretFromEnvVar {
    fn check(&self, _: &Context, obj: &Object, out: &mut Vec<Diagnostic>) {
        let Some(pod) = obj.pod_spec() else { return };
        for c in pod.all_containers() {
            for (j, env) in c.env() {
                let has_ref = env
                    .get("valueFrom")
                    .and_then(|v| v.get("secretKeyRef"))
                    .is_some_and(|r| !r.is_null());
                if has_ref {
                    out.push(Diagnostic::in_container(
                        &c,
                        format!(
                            "environment variable {} in container {} uses SecretKeyRef",
                            go_quote(&text(env.get("name"))),
                            go_quote(c.name())
                        ),
                        c.locate(&format!("env[{j}].valueFrom.secretKeyRef")),
                    ));
                }
            }
        }
    }
}
