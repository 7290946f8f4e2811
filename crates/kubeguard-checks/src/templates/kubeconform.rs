//! Template `kubeconform`: objects that do not match their Kubernetes schema.
//!
//! ## What it does
//! Validates every object against the JSON schema of its `apiVersion`/`kind`, like KubeLinter's
//! template of the same name (which runs kubeconform), but entirely offline:
//! - built-in kinds use the schemas embedded in kubeguard for Kubernetes 1.25 ... 1.37
//!   (`kubernetesVersion`, default the newest; `1.30`, `v1.30` and `1.30.0` are accepted,
//!   `master` means the newest);
//! - a custom resource is validated against the `openAPIV3Schema` of the matching version of a
//!   CustomResourceDefinition (`apiextensions.k8s.io/v1`, or `v1beta1`'s `spec.validation`) found
//!   among the linted objects, honouring `nullable`, `x-kubernetes-int-or-string` and
//!   `x-kubernetes-preserve-unknown-fields`;
//! - other kinds have no schema: they are skipped with `ignoreMissingSchemas`, else reported.
//!   Either way they are counted by `apiVersion/kind` in a note of the run's summary
//!   (`schema-validation: 3 objects not validated, no schema for: example.com/v1/Widget (2),
//!   ...`; `summary.notes` in JSON).
//!
//! With `strict`, properties a schema does not declare are reported (the API server would drop
//! them silently). `skipKinds` and `rejectKinds` take kinds (`Deployment`) or `apiVersion/Kind`
//! (`apps/v1/Deployment`), as kubeconform does.
//!
//! `schemaLocations` and `cache` are accepted for compatibility with KubeLinter configurations
//! but never used: kubeguard fetches nothing from the network and reads no schema files.
//!
//! ## Why is this bad?
//! A manifest that does not match the API schema is rejected by the API server at deploy time
//! (wrong type, missing required field) or, worse, silently loses a misspelt field
//! (`replicaz: 3` applies as if it were absent).
//!
//! ## Messages
//! - `resource is not valid: at '<JSON pointer>': <problem>`, one per problem, at the offending
//!   value (an unknown property at its key, a missing one at its object); problems read
//!   `additional properties 'x' not allowed`, `got string, want integer`,
//!   `missing property 'x'`, `value must be one of 'A', 'B'`, ...
//! - `error while processing resource: could not find schema for <Kind>` (without
//!   `ignoreMissingSchemas`) and `error while processing resource: prohibited resource kind
//!   <Kind>` (`rejectKinds`), at the object.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, PoisonError};

use jsonschema::Validator;
use kubeguard_engine::config::to_json;
use kubeguard_engine::{CheckFn, Diagnostic, ParamKind, ParamSpec, Params, Template};
use kubeguard_model::{Context, Object};
use kubeguard_source::Node;

use crate::schema;

/// The template.
pub struct Kubeconform;

/// Registered instance.
pub static TEMPLATE: Kubeconform = Kubeconform;

static PARAMS: &[ParamSpec] = &[
    ParamSpec::new(
        "schemaLocations",
        ParamKind::StringList,
        "Accepted for KubeLinter compatibility and ignored: kubeguard validates against the schemas it embeds and fetches nothing.",
    ),
    ParamSpec::new(
        "cache",
        ParamKind::String,
        "Accepted for KubeLinter compatibility and ignored: nothing is downloaded, so nothing is cached.",
    ),
    ParamSpec::new(
        "skipKinds",
        ParamKind::StringList,
        "Kinds (`Deployment`) or `apiVersion/Kind` (`apps/v1/Deployment`) not to validate.",
    ),
    ParamSpec::new(
        "rejectKinds",
        ParamKind::StringList,
        "Kinds (`Deployment`) or `apiVersion/Kind` to reject outright.",
    ),
    ParamSpec::new(
        "kubernetesVersion",
        ParamKind::String,
        "Kubernetes version whose schemas to use, 1.25 to 1.37 (`1.30`, `v1.30`, `1.30.0`); default: the newest.",
    ),
    ParamSpec::new(
        "strict",
        ParamKind::Boolean,
        "Report properties the schema does not declare.",
    ),
    ParamSpec::new(
        "ignoreMissingSchemas",
        ParamKind::Boolean,
        "Skip objects whose kind has no schema instead of reporting them.",
    ),
];

impl Template for Kubeconform {
    fn key(&self) -> &'static str {
        "kubeconform"
    }
    fn name(&self) -> &'static str {
        "kubeconform"
    }
    fn description(&self) -> &'static str {
        "Flag objects that do not match their Kubernetes schema (offline, kubeconform-compatible)"
    }
    fn supported_kinds(&self) -> &'static [&'static str] {
        &["Any"]
    }
    fn params(&self) -> &'static [ParamSpec] {
        PARAMS
    }
    fn instantiate(&self, params: &Params) -> Result<Box<dyn CheckFn>, String> {
        let minor = schema::parse_version(params.str("kubernetesVersion").unwrap_or(""))?;
        Ok(Box::new(KubeconformCheck {
            minor,
            strict: params.bool("strict").unwrap_or(false),
            ignore_missing: params.bool("ignoreMissingSchemas").unwrap_or(false),
            skip: params.strings("skipKinds"),
            reject: params.strings("rejectKinds"),
            crd_cache: Mutex::default(),
            missing: Mutex::default(),
        }))
    }
}

/// Compiled CRD schemas, keyed by the converted schema's text.
type CrdCache = Mutex<HashMap<String, Option<Arc<Validator>>>>;

struct KubeconformCheck {
    minor: u32,
    strict: bool,
    ignore_missing: bool,
    skip: Vec<String>,
    reject: Vec<String>,
    crd_cache: CrdCache,
    /// Objects passed over for want of a schema, by `apiVersion/kind` (summary notes).
    missing: Mutex<BTreeMap<String, usize>>,
}

fn listed(list: &[String], obj: &Object) -> bool {
    list.iter()
        .any(|k| *k == obj.kind || *k == format!("{}/{}", obj.api_version, obj.kind))
}

/// The `openAPIV3Schema` of the version `obj` uses, from a CRD among the linted objects.
fn crd_openapi<'a>(ctx: &'a Context, obj: &Object) -> Option<&'a Node> {
    ctx.of_kind("CustomResourceDefinition").find_map(|crd| {
        if !crd.api_version.starts_with("apiextensions.k8s.io/") {
            return None;
        }
        let spec = crd.spec()?;
        if spec.get("group").and_then(Node::as_str) != Some(obj.group())
            || spec.path(&["names", "kind"]).and_then(Node::as_str) != Some(obj.kind.as_str())
        {
            return None;
        }
        let version = spec
            .get("versions")
            .and_then(Node::as_seq)
            .into_iter()
            .flatten()
            .find(|v| v.get("name").and_then(Node::as_str) == Some(obj.version()));
        let served =
            version.is_some() || spec.get("version").and_then(Node::as_str) == Some(obj.version());
        if !served {
            return None;
        }
        version
            .and_then(|v| v.path(&["schema", "openAPIV3Schema"]))
            .or_else(|| spec.path(&["validation", "openAPIV3Schema"]))
    })
}

impl KubeconformCheck {
    fn crd_validator(&self, openapi: &Node) -> Option<Arc<Validator>> {
        let converted = schema::crd_schema(&to_json(openapi), self.strict);
        let key = converted.to_string();
        let mut cache = self
            .crd_cache
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        cache
            .entry(key)
            .or_insert_with(|| schema::compile_crd(&converted).map(Arc::new))
            .clone()
    }
}

impl CheckFn for KubeconformCheck {
    fn notes(&self) -> Vec<String> {
        let missing = self.missing.lock().unwrap_or_else(PoisonError::into_inner);
        if missing.is_empty() {
            return Vec::new();
        }
        let total: usize = missing.values().sum();
        let kinds: Vec<String> = missing.iter().map(|(k, n)| format!("{k} ({n})")).collect();
        vec![format!(
            "{total} object{} not validated, no schema for: {}",
            if total == 1 { "" } else { "s" },
            kinds.join(", ")
        )]
    }

    fn check(&self, ctx: &Context, obj: &Object, out: &mut Vec<Diagnostic>) {
        if listed(&self.skip, obj) {
            return;
        }
        if listed(&self.reject, obj) {
            out.push(Diagnostic::on_object(
                obj,
                format!(
                    "error while processing resource: prohibited resource kind {}",
                    obj.kind
                ),
            ));
            return;
        }
        let validator = schema::builtin_validator(self.minor, &obj.api_version, &obj.kind)
            .or_else(|| crd_openapi(ctx, obj).and_then(|s| self.crd_validator(s)));
        let Some(validator) = validator else {
            *self
                .missing
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .entry(format!("{}/{}", obj.api_version, obj.kind))
                .or_default() += 1;
            if !self.ignore_missing {
                out.push(Diagnostic::on_object(
                    obj,
                    format!(
                        "error while processing resource: could not find schema for {}",
                        obj.kind
                    ),
                ));
            }
            return;
        };
        let mut found: Vec<Diagnostic> = schema::validate(&validator, &to_json(&obj.root))
            .into_iter()
            .filter(|v| self.strict || !v.unknown_property)
            .map(|v| {
                let field = schema::locate_violation(&obj.root, &v);
                Diagnostic::new(format!("resource is not valid: {}", v.message), field)
            })
            .collect();
        // In source order.
        found.sort_by_key(|d| d.field.span.start);
        out.extend(found);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kubeguard_model::Object;
    use serde_json::json;

    fn objects(text: &str) -> Vec<Object> {
        Object::parse_all("t.yaml", text).0
    }

    fn run(params: serde_json::Value, text: &str) -> Vec<(String, String, String)> {
        let p = Params::validate(PARAMS, &params).expect("params");
        let check = TEMPLATE.instantiate(&p).expect("instantiates");
        let ctx = Context::new(objects(text));
        let mut res = Vec::new();
        for obj in &ctx.objects {
            let mut out = Vec::new();
            check.check(&ctx, obj, &mut out);
            for d in out {
                let s = &obj.source.text()[d.field.span.start as usize..d.field.span.end as usize];
                res.push((obj.kind.clone(), d.message, s.to_string()));
            }
        }
        res.sort();
        res
    }

    const CRD: &str = "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\nspec:\n  group: example.com\n  names:\n    kind: Widget\n    plural: widgets\n  scope: Namespaced\n  versions:\n  - name: v1\n    served: true\n    storage: true\n    schema:\n      openAPIV3Schema:\n        type: object\n        properties:\n          spec:\n            type: object\n            properties:\n              size:\n                type: integer\n              extra:\n                type: object\n                x-kubernetes-preserve-unknown-fields: true\n";

    #[test]
    fn strict_unknown_field_and_type() {
        let t = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicaz: 3\n  paused: yes-please\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: web\n        image: nginx\n";
        let got = run(json!({"strict": true, "ignoreMissingSchemas": true}), t);
        assert_eq!(
            got,
            vec![
                (
                    "Deployment".into(),
                    "resource is not valid: at '/spec': additional properties 'replicaz' not allowed".into(),
                    "replicaz".into()
                ),
                (
                    "Deployment".into(),
                    "resource is not valid: at '/spec/paused': got string, want null or boolean".into(),
                    "yes-please".into()
                ),
            ]
        );
        // Not strict: unknown fields pass, wrong types do not.
        let got = run(json!({}), t);
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(got[0].1.contains("'/spec/paused'"));
    }

    #[test]
    fn crd_backed_custom_resource() {
        let t = format!(
            "{CRD}---\napiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  size: big\n  colour: red\n  extra:\n    free: form\n---\napiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: ok\nspec:\n  size: 3\n"
        );
        let got = run(json!({"strict": true, "ignoreMissingSchemas": true}), &t);
        assert_eq!(
            got,
            vec![
                (
                    "Widget".into(),
                    "resource is not valid: at '/spec': additional properties 'colour' not allowed"
                        .into(),
                    "colour".into()
                ),
                (
                    "Widget".into(),
                    "resource is not valid: at '/spec/size': got string, want integer".into(),
                    "big".into()
                ),
            ]
        );
    }

    #[test]
    fn unknown_kind_skipped_or_reported() {
        let t = "apiVersion: example.com/v1\nkind: Gadget\nmetadata:\n  name: g\nspec:\n  anything: 1\n";
        assert!(run(json!({"strict": true, "ignoreMissingSchemas": true}), t).is_empty());
        let got = run(json!({"strict": true}), t);
        assert_eq!(got.len(), 1);
        assert_eq!(
            got[0].1,
            "error while processing resource: could not find schema for Gadget"
        );
    }

    #[test]
    fn skip_reject_and_version() {
        let t = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\nbogus: 1\n";
        assert!(run(json!({"strict": true, "skipKinds": ["ConfigMap"]}), t).is_empty());
        assert!(run(json!({"strict": true, "skipKinds": ["v1/ConfigMap"]}), t).is_empty());
        let got = run(json!({"rejectKinds": ["ConfigMap"]}), t);
        assert_eq!(
            got[0].1,
            "error while processing resource: prohibited resource kind ConfigMap"
        );
        assert_eq!(
            run(json!({"strict": true, "kubernetesVersion": "v1.25.0"}), t).len(),
            1
        );
        let p = Params::validate(PARAMS, &json!({"kubernetesVersion": "1.12"})).expect("params");
        assert!(TEMPLATE.instantiate(&p).is_err());
        // Kinds that exist only in newer versions have no schema in older ones.
        let vap = "apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicy\nmetadata:\n  name: v\nspec: {}\n";
        assert!(run(json!({"kubernetesVersion": "1.37"}), vap).is_empty());
        assert_eq!(run(json!({"kubernetesVersion": "1.25"}), vap).len(), 1);
    }
}
