//! Template `pod-security-standard`: pods that a Pod Security Standards level does not allow.
//!
//! ## What it does
//! Evaluates the pod spec of every Pod and every kind with a pod template (init and ephemeral
//! containers included) against the Pod Security Standards at `level` (`baseline` or
//! `restricted`) and policy `version` (`latest` or `v1.N`), with the semantics of upstream
//! Pod Security Admission as implemented by `kubeguard-pss`. One finding per violation: each
//! offending field is its own finding, located at its value, or at the nearest existing parent
//! when a required field is missing. Restricted includes the Baseline controls (except those a
//! Restricted control replaces), so a pod failing Baseline also fails Restricted.
//!
//! ## Why is this bad?
//! A namespace labelled `pod-security.kubernetes.io/enforce: <level>` rejects such pods: the
//! workload is accepted but its pods are never created. Below Baseline, a pod can take over
//! its node.
//!
//! ## Message
//! `<level>/<control>: <reason> (<detail>)`, e.g.
//! `baseline/hostNamespaces: host namespaces (hostNetwork=true)`, where `<level>/<control>` is
//! the violated control (upstream check ID) and the level it belongs to.

use kubeguard_engine::{CheckFn, Diagnostic, ParamKind, ParamSpec, Params, Template};
use kubeguard_model::{Context, FieldRef, Object};
use kubeguard_pss::{Level, Version, Violation, evaluate};

/// The template.
pub struct PodSecurityStandard;

/// Registered instance.
pub static TEMPLATE: PodSecurityStandard = PodSecurityStandard;

static PARAMS: &[ParamSpec] = &[
    ParamSpec::new(
        "level",
        ParamKind::String,
        "The level pods must meet: `baseline` or `restricted`.",
    )
    .required(),
    ParamSpec::new(
        "version",
        ParamKind::String,
        "The policy version: `latest` (default) or `v1.N`, as in `pod-security.kubernetes.io/enforce-version`; `kubeguard lint --pss-version` sets it.",
    ),
];

impl Template for PodSecurityStandard {
    fn key(&self) -> &'static str {
        "pod-security-standard"
    }
    fn name(&self) -> &'static str {
        "Pod Security Standard"
    }
    fn description(&self) -> &'static str {
        "Flag pods that a Pod Security Standards level (baseline or restricted) does not allow, one finding per violated field"
    }
    fn supported_kinds(&self) -> &'static [&'static str] {
        // Every object with a pod spec, as `kubeguard pss` and Pod Security Admission see
        // them (PodTemplates and extensions-group workloads included); others yield nothing.
        &["Any"]
    }
    fn params(&self) -> &'static [ParamSpec] {
        PARAMS
    }
    fn instantiate(&self, params: &Params) -> Result<Box<dyn CheckFn>, String> {
        let level = match params.str("level").unwrap_or("").parse::<Level>() {
            Ok(Level::Privileged) => {
                return Err(
                    "parameter `level`: `privileged` allows every pod; use `baseline` or `restricted`"
                        .into(),
                );
            }
            Ok(level) => level,
            Err(e) => return Err(format!("parameter `level`: {e}")),
        };
        let version = match params.str("version") {
            None | Some("") => Version::Latest,
            Some(v) => v
                .parse::<Version>()
                .map_err(|e| format!("parameter `version`: {e}"))?,
        };
        Ok(Box::new(PodSecurityStandardCheck { level, version }))
    }
}

struct PodSecurityStandardCheck {
    level: Level,
    version: Version,
}

impl CheckFn for PodSecurityStandardCheck {
    fn check(&self, _: &Context, obj: &Object, out: &mut Vec<Diagnostic>) {
        let Some(violations) = evaluate(obj, self.level, self.version) else {
            return;
        };
        if violations.is_empty() {
            return;
        }
        let containers: Vec<(String, String)> = obj
            .pod_spec()
            .map(|p| {
                p.all_containers()
                    .map(|c| (c.path(), c.name().to_string()))
                    .collect()
            })
            .unwrap_or_default();
        for v in violations {
            let container = container_of(&containers, &v.field);
            out.push(Diagnostic {
                message: message(&v),
                field: field_ref(obj, &v),
                container,
            });
        }
    }
}

/// `baseline/hostNamespaces: host namespaces (hostNetwork=true)`.
fn message(v: &Violation) -> String {
    format!("{}/{}: {}", v.level, v.control.id(), v.message)
}

/// The violation's field and span (the object's `kind:` for an object without source text,
/// which has no locations).
fn field_ref(obj: &Object, v: &Violation) -> FieldRef {
    FieldRef {
        path: v.field.clone(),
        span: v
            .location
            .as_ref()
            .map_or_else(|| obj.anchor_span(), |l| l.span),
        // Missing required fields are located at their nearest parent; the path names the
        // field either way.
        present: true,
    }
}

/// The name of the container whose field `field` is (for `check@container` suppressions).
fn container_of(containers: &[(String, String)], field: &str) -> Option<String> {
    containers
        .iter()
        .find(|(path, _)| {
            field
                .strip_prefix(path.as_str())
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
        })
        .map(|(_, name)| name.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use kubeguard_engine::Params;

    fn check(params: serde_json::Value) -> Result<Box<dyn CheckFn>, String> {
        let p = Params::validate(PARAMS, &params).map_err(|e| e.join("; "))?;
        TEMPLATE.instantiate(&p)
    }

    fn run(c: &dyn CheckFn, text: &str) -> Vec<Diagnostic> {
        let objects = Object::parse_all("t.yaml", text).0;
        let ctx = Context::new(objects);
        let mut out = Vec::new();
        for o in &ctx.objects {
            c.check(&ctx, o, &mut out);
        }
        out
    }

    const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostNetwork: true\n  initContainers:\n  - name: init\n    securityContext: {privileged: true}\n  containers:\n  - name: app\n    securityContext:\n      seccompProfile: {type: Unconfined}\n";

    #[test]
    fn params_are_validated() {
        assert!(check(serde_json::json!({"level": "baseline"})).is_ok());
        assert!(check(serde_json::json!({"level": "restricted", "version": "v1.24"})).is_ok());
        let e = check(serde_json::json!({"level": "privileged"})).err();
        assert!(e.is_some_and(|e| e.contains("allows every pod")));
        let e = check(serde_json::json!({"level": "Baseline"})).err();
        assert!(e.is_some_and(|e| e.contains("invalid level")));
        let e = check(serde_json::json!({"level": "baseline", "version": "1.30"})).err();
        assert!(e.is_some_and(|e| e.contains("invalid version")));
        assert!(check(serde_json::json!({})).is_err());
    }

    #[test]
    fn one_diagnostic_per_violation_with_container() {
        let c = check(serde_json::json!({"level": "baseline"})).expect("valid");
        let d = run(c.as_ref(), POD);
        let got: Vec<(&str, &str, Option<&str>)> = d
            .iter()
            .map(|d| {
                (
                    d.message.split(':').next().unwrap_or(""),
                    d.field.path.as_str(),
                    d.container.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("baseline/hostNamespaces", "spec.hostNetwork", None),
                (
                    "baseline/privileged",
                    "spec.initContainers[0].securityContext.privileged",
                    Some("init")
                ),
                (
                    "baseline/seccompProfile_baseline",
                    "spec.containers[0].securityContext.seccompProfile.type",
                    Some("app")
                ),
            ]
        );
        assert_eq!(
            d[0].message,
            "baseline/hostNamespaces: host namespaces (hostNetwork=true)"
        );
    }

    #[test]
    fn version_changes_the_result() {
        // Seccomp fields are only checked from v1.19; before, only the annotations are.
        let old = check(serde_json::json!({"level": "baseline", "version": "v1.18"})).expect("ok");
        let d = run(old.as_ref(), POD);
        assert!(d.iter().all(|d| !d.message.contains("seccomp")));
        assert_eq!(d.len(), 2);
        // Restricted adds its own controls; nothing for objects without a pod spec.
        let r = check(serde_json::json!({"level": "restricted"})).expect("ok");
        assert!(run(r.as_ref(), POD).len() > 3);
        let svc = "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {}\n";
        assert!(run(r.as_ref(), svc).is_empty());
    }

    #[test]
    fn container_prefix_is_exact() {
        let cs = vec![
            ("spec.containers[1]".to_string(), "one".to_string()),
            ("spec.containers[10]".to_string(), "ten".to_string()),
        ];
        assert_eq!(
            container_of(&cs, "spec.containers[10].securityContext").as_deref(),
            Some("ten")
        );
        assert_eq!(
            container_of(&cs, "spec.containers[1]").as_deref(),
            Some("one")
        );
        assert_eq!(container_of(&cs, "spec.volumes[0]"), None);
    }
}
