//! Template `statefulset-volumeclaimtemplate-annotation`: StatefulSet volume claim templates
//! without a given annotation.
//!
//! ## What it does
//! For an `apps/v1` StatefulSet, reports every `spec.volumeClaimTemplates` entry whose
//! `metadata.annotations` has no non-empty value for the annotation named `annotation`
//! (an exact key), one finding per entry. Other kinds are never reported.
//!
//! ## Why is this bad?
//! Storage classes and backup or encryption tooling are often driven by annotations on the
//! PersistentVolumeClaims a StatefulSet creates; a template without them creates volumes that
//! escape those policies.
//!
//! ## Message
//! `StatefulSet's VolumeClaimTemplate is missing required annotation: <annotation>`, pointing
//! at the template's `metadata.annotations` (or its nearest existing parent).

use kubeguard_engine::{CheckFn, Diagnostic, ParamKind, ParamSpec, Params, Template};
use kubeguard_model::{Context, Object};
use kubeguard_source::Node;

use crate::util::{locate_in, text};

/// The template.
pub struct VolumeClaimTemplateAnnotation;

/// Registered instance.
pub static TEMPLATE: VolumeClaimTemplateAnnotation = VolumeClaimTemplateAnnotation;

static PARAMS: &[ParamSpec] = &[ParamSpec::new(
    "annotation",
    ParamKind::String,
    "Annotation key every volume claim template must carry with a non-empty value.",
)
.required()];

impl Template for VolumeClaimTemplateAnnotation {
    fn key(&self) -> &'static str {
        "statefulset-volumeclaimtemplate-annotation"
    }
    fn name(&self) -> &'static str {
        "StatefulSet VolumeClaimTemplate Annotation"
    }
    fn description(&self) -> &'static str {
        "Check if StatefulSet's VolumeClaimTemplate contains a specific annotation"
    }
    fn supported_kinds(&self) -> &'static [&'static str] {
        &["DeploymentLike"]
    }
    fn params(&self) -> &'static [ParamSpec] {
        PARAMS
    }
    fn instantiate(&self, params: &Params) -> Result<Box<dyn CheckFn>, String> {
        Ok(Box::new(VolumeClaimTemplateAnnotationCheck {
            annotation: params.str("annotation").unwrap_or_default().to_string(),
        }))
    }
}

struct VolumeClaimTemplateAnnotationCheck {
    annotation: String,
}

impl CheckFn for VolumeClaimTemplateAnnotationCheck {
    fn check(&self, _: &Context, obj: &Object, out: &mut Vec<Diagnostic>) {
        if obj.kind != "StatefulSet" || obj.api_version != "apps/v1" {
            return;
        }
        let templates = obj
            .root
            .path(&["spec", "volumeClaimTemplates"])
            .and_then(Node::as_seq)
            .unwrap_or(&[]);
        for (i, vct) in templates.iter().enumerate() {
            let value = text(vct.path(&["metadata", "annotations", &self.annotation]));
            if value.is_empty() {
                out.push(Diagnostic::new(
                    format!(
                        "StatefulSet's VolumeClaimTemplate is missing required annotation: {}",
                        self.annotation
                    ),
                    locate_in(
                        obj,
                        &format!("spec.volumeClaimTemplates[{i}].metadata.annotations"),
                    ),
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
kind: StatefulSet
metadata: {name: bad-sts}
spec:
  volumeClaimTemplates:
    - metadata: {name: data, annotations: {required-annotation: "yes"}}
    - metadata: {name: logs}
    - metadata: {name: tmp, annotations: {required-annotation: ""}}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: good-sts}
spec:
  volumeClaimTemplates:
    - metadata: {name: data, annotations: {required-annotation: "yes"}}
---
apiVersion: apps/v1beta2
kind: StatefulSet
metadata: {name: old-sts}
spec:
  volumeClaimTemplates:
    - metadata: {name: data}
"#;

    #[test]
    fn reports_each_template_missing_the_annotation() {
        let got = run_template(
            &TEMPLATE,
            json!({"annotation": "required-annotation"}),
            YAML,
        );
        assert_eq!(
            got,
            [
                "bad-sts: StatefulSet's VolumeClaimTemplate is missing required annotation: required-annotation @ spec.volumeClaimTemplates[1].metadata.annotations",
                "bad-sts: StatefulSet's VolumeClaimTemplate is missing required annotation: required-annotation @ spec.volumeClaimTemplates[2].metadata.annotations",
            ]
        );
    }
}
