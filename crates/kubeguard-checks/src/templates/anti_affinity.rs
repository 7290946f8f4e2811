//! Template `anti-affinity`: replicated workloads without usable inter-pod anti-affinity.
//!
//! ## What it does
//! For a workload with replicas (Deployment, StatefulSet, ReplicaSet, ReplicationController,
//! DeploymentConfig; a missing `replicas` counts as 1, or 0 for a DeploymentConfig) of at least
//! `minReplicas`, looks at `affinity.podAntiAffinity` of its pod template:
//! - no `podAntiAffinity` at all is reported;
//! - a `podAntiAffinity` with neither preferred nor required terms is reported;
//! - otherwise each term (preferred ones, then required ones) is checked in turn: its
//!   `namespaces` (if any) must contain the workload's namespace, its `labelSelector` must be
//!   valid, its `topologyKey` must match `topologyKey` (default: exactly
//!   `kubernetes.io/hostname`), and its selector must match the pod template's labels. The first
//!   term that passes makes the workload pass; if none does, every term's first failure is
//!   reported.
//!
//! ## Why is this bad?
//! Without anti-affinity the scheduler may place every replica on the same node, so one node
//! failure or drain takes them all down at once.
//!
//! ## Messages
//! - `object has <n> replicas but does not specify inter pod anti-affinity`
//! - `object has <n> replicas but does not specify preferred or required inter pod anti-affinity during scheduling`
//! - `pod's namespace "<ns>" not found in anti-affinity's namespaces [<a>, <b>]`
//! - `anti-affinity's topology key does not match "<key>"`
//! - `pod's labels "<k=v,...>" do not match with anti-affinity's labels "<selector>"`
//! - the label selector's validation error, when it is invalid.
//!
//! (`replica` instead of `replicas` when there is at most one.)

use kubeguard_engine::{CheckFn, Diagnostic, Matcher, ParamKind, ParamSpec, Params, Template};
use kubeguard_model::{Context, FieldRef, Object, WorkloadKind, locate, parse_path, string_map};
use kubeguard_source::Node;

use crate::util::k8s_labels::{self, LabelSelectorSpec};
use crate::util::{go_quote, text};

/// The template.
pub struct AntiAffinity;

/// Registered instance.
pub static TEMPLATE: AntiAffinity = AntiAffinity;

static PARAMS: &[ParamSpec] = &[
    ParamSpec::new(
        "minReplicas",
        ParamKind::Integer,
        "The minimum number of replicas a deployment must have before anti-affinity is enforced on it",
    ),
    ParamSpec::new(
        "topologyKey",
        ParamKind::String,
        "The topology key that the anti-affinity term should use. If not specified, it defaults to \"kubernetes.io/hostname\".",
    )
    .regex(),
];

impl Template for AntiAffinity {
    fn key(&self) -> &'static str {
        "anti-affinity"
    }
    fn name(&self) -> &'static str {
        "Anti affinity not specified"
    }
    fn description(&self) -> &'static str {
        "Flag objects with multiple replicas but inter-pod anti affinity not specified in the pod template spec"
    }
    fn supported_kinds(&self) -> &'static [&'static str] {
        &["DeploymentLike"]
    }
    fn params(&self) -> &'static [ParamSpec] {
        PARAMS
    }
    fn instantiate(&self, params: &Params) -> Result<Box<dyn CheckFn>, String> {
        let topology = match params.str("topologyKey").filter(|s| !s.is_empty()) {
            Some(p) => Some(Matcher::new(p)?),
            None => None,
        };
        Ok(Box::new(AntiAffinityCheck {
            min_replicas: params.int("minReplicas").unwrap_or(0),
            topology,
        }))
    }
}

struct AntiAffinityCheck {
    min_replicas: i64,
    /// `None`: exactly `kubernetes.io/hostname`.
    topology: Option<Matcher>,
}

impl AntiAffinityCheck {
    fn topology_ok(&self, key: &str) -> bool {
        match &self.topology {
            Some(m) => m.matches(key),
            None => key == "kubernetes.io/hostname",
        }
    }

    /// `validateAffinityTermMatchesAgainstNodes`: the first failure of a term, with the field
    /// to point at.
    fn validate_term(
        &self,
        obj: &Object,
        term: Option<&Node>,
        base: &str,
        path: &str,
    ) -> Option<(String, FieldRef)> {
        let at = |rel: &str| locate(&obj.root, "", &parse_path(&format!("{base}.{path}{rel}")));
        let namespace = obj.namespace.clone().unwrap_or_default();
        let namespaces: Vec<String> = term
            .and_then(|t| t.get("namespaces"))
            .and_then(Node::as_seq)
            .unwrap_or(&[])
            .iter()
            .map(|n| text(Some(n)))
            .collect();
        if !namespaces.is_empty() && !namespaces.contains(&namespace) {
            return Some((
                format!(
                    "pod's namespace {} not found in anti-affinity's namespaces [{}]",
                    go_quote(&namespace),
                    namespaces.join(", ")
                ),
                at(".namespaces"),
            ));
        }
        let spec = term
            .and_then(|t| t.get("labelSelector"))
            .filter(|n| !n.is_null())
            .map(LabelSelectorSpec::from_node);
        let selector = match k8s_labels::as_selector(spec.as_ref()) {
            Ok(s) => s,
            Err(e) => return Some((e, at(".labelSelector"))),
        };
        let topology_key = text(term.and_then(|t| t.get("topologyKey")));
        if !self.topology_ok(&topology_key) {
            return Some((
                format!(
                    "anti-affinity's topology key does not match {}",
                    go_quote(&topology_key)
                ),
                at(".topologyKey"),
            ));
        }
        let labels = obj.pod_labels();
        if !k8s_labels::matches(selector.as_ref(), labels) {
            return Some((
                format!(
                    "pod's labels {} do not match with anti-affinity's labels {}",
                    go_quote(&k8s_labels::set_string(&string_map(labels))),
                    go_quote(&k8s_labels::selector_string(selector.as_ref()))
                ),
                at(".labelSelector"),
            ));
        }
        None
    }
}

impl CheckFn for AntiAffinityCheck {
    fn check(&self, _: &Context, obj: &Object, out: &mut Vec<Diagnostic>) {
        let Some((mut replicas, node)) = obj.replicas() else {
            return;
        };
        let is_dc = obj.workload_kind() == Some(WorkloadKind::DeploymentConfig);
        if is_dc && node.and_then(Node::as_i64).is_none() {
            // A DeploymentConfig's `replicas` is a plain int32: missing means 0.
            replicas = 0;
        }
        if replicas < self.min_replicas {
            return;
        }
        // A DeploymentConfig without a template has no pods (its template is a nil pointer).
        let template = obj.root.path(&["spec", "template"]);
        if is_dc && template.is_none_or(Node::is_null) {
            return;
        }
        let base = "spec.template.spec.affinity.podAntiAffinity";
        let plural = if replicas > 1 { "replicas" } else { "replica" };
        let anti = obj
            .root
            .path(&["spec", "template", "spec", "affinity", "podAntiAffinity"])
            .filter(|n| !n.is_null());
        let Some(anti) = anti else {
            out.push(Diagnostic::new(
                format!(
                    "object has {replicas} {plural} but does not specify inter pod anti-affinity"
                ),
                locate(&obj.root, "", &parse_path(base)),
            ));
            return;
        };
        let list = |key: &str| anti.get(key).and_then(Node::as_seq).unwrap_or(&[]);
        let (preferred, required) = (
            list("preferredDuringSchedulingIgnoredDuringExecution"),
            list("requiredDuringSchedulingIgnoredDuringExecution"),
        );
        if preferred.is_empty() && required.is_empty() {
            out.push(Diagnostic::new(
                format!("object has {replicas} {plural} but does not specify preferred or required inter pod anti-affinity during scheduling"),
                locate(&obj.root, "", &parse_path(base)),
            ));
            return;
        }
        let mut issues = Vec::new();
        let terms = preferred
            .iter()
            .enumerate()
            .map(|(i, t)| {
                (
                    t.get("podAffinityTerm"),
                    format!("preferredDuringSchedulingIgnoredDuringExecution[{i}].podAffinityTerm"),
                )
            })
            .chain(required.iter().enumerate().map(|(i, t)| {
                (
                    Some(t),
                    format!("requiredDuringSchedulingIgnoredDuringExecution[{i}]"),
                )
            }));
        for (term, path) in terms {
            match self.validate_term(obj, term.filter(|t| !t.is_null()), base, &path) {
                None => return,
                Some((message, field)) => issues.push(Diagnostic::new(message, field)),
            }
        }
        out.extend(issues);
    }
}
