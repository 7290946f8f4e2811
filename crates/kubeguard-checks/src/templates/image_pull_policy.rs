//! Template `image-pull-policy`: containers with a forbidden `imagePullPolicy`.
//!
//! ## What it does
//! Reports every container (init, regular, ephemeral) whose `imagePullPolicy`, as written,
//! is one of `forbiddenPolicies` (each of `Always`, `IfNotPresent`, `Never`). An absent policy
//! is never reported (the API server's default is not applied).
//!
//! ## Why is this bad?
//! Depends on the policy forbidden: `Never` and `IfNotPresent` can run stale or tampered
//! cached images, `Always` makes every start depend on the registry.
//!
//! ## Message
//! `container "<name>" has imagePullPolicy set to <policy>`, pointing at the value.

use kubeguard_engine::{CheckFn, Diagnostic, ParamKind, ParamSpec, Params, Template};
use kubeguard_model::{Context, Object};

use crate::util::{go_quote, text};

/// The template.
pub struct ImagePullPolicy;

/// Registered instance.
pub static TEMPLATE: ImagePullPolicy = ImagePullPolicy;

static PARAMS: &[ParamSpec] = &[ParamSpec::new(
    "forbiddenPolicies",
    ParamKind::StringList,
    "Image pull policies to report; each one of `Always`, `IfNotPresent`, `Never`.",
)];

const ALLOWED: [&str; 3] = ["Always", "IfNotPresent", "Never"];

impl Template for ImagePullPolicy {
    fn key(&self) -> &'static str {
        "image-pull-policy"
    }
    fn name(&self) -> &'static str {
        "Image Pull Policy"
    }
    fn description(&self) -> &'static str {
        "Flag containers with forbidden image pull policy"
    }
    fn supported_kinds(&self) -> &'static [&'static str] {
        &["DeploymentLike"]
    }
    fn params(&self) -> &'static [ParamSpec] {
        PARAMS
    }
    fn instantiate(&self, params: &Params) -> Result<Box<dyn CheckFn>, String> {
        let forbidden = params.strings("forbiddenPolicies");
        if let Some(bad) = forbidden.iter().find(|p| !ALLOWED.contains(&p.as_str())) {
            return Err(format!(
                "invalid value {} for forbiddenPolicies: must be one of Always, IfNotPresent, Never",
                go_quote(bad)
            ));
        }
        Ok(Box::new(ImagePullPolicyCheck { forbidden }))
    }
}

struct ImagePullPolicyCheck {
    forbidden: Vec<String>,
}

impl CheckFn for ImagePullPolicyCheck {
    fn check(&self, _: &Context, obj: &Object, out: &mut Vec<Diagnostic>) {
        let Some(pod) = obj.pod_spec() else { return };
        for c in pod.all_containers() {
            let policy = text(c.get("imagePullPolicy"));
            if self.forbidden.contains(&policy) {
                out.push(Diagnostic::in_container(
                    &c,
                    format!(
                        "container {} has imagePullPolicy set to {policy}",
                        go_quote(c.name())
                    ),
                    c.locate("imagePullPolicy"),
                ));
            }
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
metadata: {name: fire}
spec:
  template:
    spec:
      initContainers:
        - {name: init, image: busybox, imagePullPolicy: Never}
      containers:
        - {name: app, image: nginx, imagePullPolicy: Always}
        - {name: default, image: nginx}
        - {name: cached, image: nginx, imagePullPolicy: IfNotPresent}
"#;

    #[test]
    fn reports_forbidden_policies_only() {
        let got = run_template(
            &TEMPLATE,
            json!({"forbiddenPolicies": ["Always", "Never"]}),
            YAML,
        );
        assert_eq!(
            got,
            [
                "fire: container \"init\" has imagePullPolicy set to Never @ spec.template.spec.initContainers[0].imagePullPolicy",
                "fire: container \"app\" has imagePullPolicy set to Always @ spec.template.spec.containers[0].imagePullPolicy",
            ]
        );
        assert!(run_template(&TEMPLATE, json!({}), YAML).is_empty());
    }

    #[test]
    fn rejects_unknown_policies() {
        let p = Params::validate(PARAMS, &json!({"forbiddenPolicies": ["Sometimes"]}))
            .expect("valid shape");
        assert!(TEMPLATE.instantiate(&p).is_err());
    }
}
