//! Kubernetes objects: identity over a spanned tree, plus where the object came from.

use std::sync::Arc;

use kubeguard_source::{Document, LoadWarning, Map, Node, SourceFile, Span, Value};

use crate::pod::PodSpecView;

/// One Kubernetes object read from a document (or from an item of a `List`).
#[derive(Debug, Clone)]
pub struct Object {
    /// The file it came from (for locations and code frames).
    pub source: Arc<SourceFile>,
    /// Display path of the file.
    pub path: Arc<str>,
    /// 0-based document index in the file.
    pub doc_index: usize,
    /// The object's tree.
    pub root: Node,
    /// `apiVersion`.
    pub api_version: String,
    /// `kind`.
    pub kind: String,
    /// `metadata.name`, empty when absent (objects with only `generateName` have no name yet).
    pub name: String,
    /// `metadata.namespace`.
    pub namespace: Option<String>,
    /// Load warnings of the document (duplicate keys); only on the first object of a document.
    pub warnings: Vec<LoadWarning>,
    /// [`WorkloadKind::of`] the group and kind, classified once (every check's scope asks).
    workload: Option<WorkloadKind>,
}

/// Why a document yielded no object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotAnObject {
    /// 0-based document index.
    pub doc_index: usize,
    /// Reason, for `--verbose`.
    pub reason: String,
}

impl Object {
    /// Reads the objects of a parsed document: the document itself, or the items of a
    /// `List`/`*List`. Documents that are empty are ignored; documents without `apiVersion`
    /// and `kind` are reported as [`NotAnObject`].
    pub fn from_document(
        source: &Arc<SourceFile>,
        path: &Arc<str>,
        doc: Document,
    ) -> (Vec<Object>, Vec<NotAnObject>) {
        let mut objects = Vec::new();
        let mut skipped = Vec::new();
        let Document {
            index,
            root,
            warnings,
        } = doc;
        if root.is_null() {
            return (objects, skipped);
        }
        let is_list = root
            .get("kind")
            .and_then(Node::as_str)
            .is_some_and(|k| k.ends_with("List"))
            && root.get("items").is_some_and(|i| i.as_seq().is_some());
        if is_list {
            let Node {
                value: Value::Map(Map { entries }),
                ..
            } = root
            else {
                return (objects, skipped);
            };
            for (k, v) in entries {
                if &*k.text != "items" {
                    continue;
                }
                if let Value::Seq(items) = v.value {
                    for (i, item) in items.into_iter().enumerate() {
                        match Object::new(source, path, index, item, Vec::new()) {
                            Ok(o) => objects.push(o),
                            Err(reason) => skipped.push(NotAnObject {
                                doc_index: index,
                                reason: format!("List item {i}: {reason}"),
                            }),
                        }
                    }
                }
            }
            if let (Some(first), false) = (objects.first_mut(), warnings.is_empty()) {
                first.warnings = warnings;
            }
            return (objects, skipped);
        }
        match Object::new(source, path, index, root, warnings) {
            Ok(o) => objects.push(o),
            Err(reason) => skipped.push(NotAnObject {
                doc_index: index,
                reason,
            }),
        }
        (objects, skipped)
    }

    fn new(
        source: &Arc<SourceFile>,
        path: &Arc<str>,
        doc_index: usize,
        root: Node,
        warnings: Vec<LoadWarning>,
    ) -> Result<Object, String> {
        if root.as_map().is_none() {
            return Err("document is not a mapping".into());
        }
        let api_version = root
            .get("apiVersion")
            .and_then(Node::as_str)
            .unwrap_or_default()
            .to_string();
        let kind = root
            .get("kind")
            .and_then(Node::as_str)
            .unwrap_or_default()
            .to_string();
        match (api_version.is_empty(), kind.is_empty()) {
            (true, true) => return Err("document has no apiVersion and no kind".into()),
            (true, false) => return Err("document has no apiVersion".into()),
            (false, true) => return Err("document has no kind".into()),
            _ => {}
        }
        let meta = root.get("metadata");
        let name = meta
            .and_then(|m| m.get("name"))
            .and_then(Node::scalar_text)
            .unwrap_or_default();
        let namespace = meta
            .and_then(|m| m.get("namespace"))
            .and_then(Node::scalar_text)
            .filter(|s| !s.is_empty());
        let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
        let workload = WorkloadKind::of(group, &kind);
        Ok(Object {
            source: source.clone(),
            path: path.clone(),
            doc_index,
            root,
            api_version,
            kind,
            name,
            namespace,
            warnings,
            workload,
        })
    }

    /// Parses every object of an in-memory text (tests, embedded examples). Documents that
    /// fail to parse are returned as errors; the others still yield their objects.
    pub fn parse_all(path: &str, text: &str) -> (Vec<Object>, Vec<kubeguard_source::LoadError>) {
        let source = SourceFile::new(path, text);
        let p: Arc<str> = Arc::from(path);
        let mut objects = Vec::new();
        let mut errors = Vec::new();
        for doc in kubeguard_source::parse_documents(text, &kubeguard_source::Limits::default()) {
            match doc {
                Ok(d) => objects.extend(Object::from_document(&source, &p, d).0),
                Err(e) => errors.push(e),
            }
        }
        (objects, errors)
    }

    /// Builds an object from a tree with no file (the webhook's input).
    pub fn from_node(path: &str, root: Node) -> Result<Object, String> {
        let source = SourceFile::new(path, String::new());
        let path: Arc<str> = Arc::from(path);
        Object::new(&source, &path, 0, root, Vec::new())
    }

    /// API group (`""` for the core group).
    pub fn group(&self) -> &str {
        self.api_version.rsplit_once('/').map_or("", |(g, _)| g)
    }

    /// API version without the group.
    pub fn version(&self) -> &str {
        self.api_version
            .rsplit_once('/')
            .map_or(&self.api_version, |(_, v)| v)
    }

    /// `metadata`.
    pub fn metadata(&self) -> Option<&Node> {
        self.root.get("metadata")
    }

    /// `metadata.labels`.
    pub fn labels(&self) -> Option<&Map> {
        self.metadata()?.get("labels")?.as_map()
    }

    /// `metadata.annotations`.
    pub fn annotations(&self) -> Option<&Map> {
        self.metadata()?.get("annotations")?.as_map()
    }

    /// The value of annotation `key` as text.
    pub fn annotation(&self, key: &str) -> Option<String> {
        self.annotations()?.get(key).and_then(Node::scalar_text)
    }

    /// `spec`.
    pub fn spec(&self) -> Option<&Node> {
        self.root.get("spec")
    }

    /// The namespace, with objects without one landing in `default`.
    pub fn namespace_or_default(&self) -> &str {
        self.namespace.as_deref().unwrap_or("default")
    }

    /// The workload class of this object, when it runs pods.
    pub fn workload_kind(&self) -> Option<WorkloadKind> {
        self.workload
    }

    /// Whether KubeLinter's `DeploymentLike` scope matches: Pods and the controllers that run
    /// them, matched by group and kind in any version (so `extensions/v1beta1` Deployments are
    /// not, as in KubeLinter). kubeguard adds Argo Rollouts; PodTemplates run nothing and are
    /// left out.
    pub fn is_deployment_like(&self) -> bool {
        self.workload_kind()
            .is_some_and(|k| k != WorkloadKind::PodTemplate)
            && self.group() != "extensions"
    }

    /// The pod spec of a workload: `spec` of a Pod, `spec.template.spec` of a controller,
    /// `spec.jobTemplate.spec.template.spec` of a CronJob, `template.spec` of a PodTemplate.
    pub fn pod_spec(&self) -> Option<PodSpecView<'_>> {
        let kind = self.workload_kind()?;
        let (keys, path): (&[&str], &'static str) = match kind {
            WorkloadKind::Pod => (&["spec"], "spec"),
            WorkloadKind::CronJob => (
                &["spec", "jobTemplate", "spec", "template", "spec"],
                "spec.jobTemplate.spec.template.spec",
            ),
            WorkloadKind::PodTemplate => (&["template", "spec"], "template.spec"),
            _ => (&["spec", "template", "spec"], "spec.template.spec"),
        };
        let node = self.root.path(keys)?;
        node.as_map()?;
        Some(PodSpecView {
            node,
            path,
            object: self,
        })
    }

    /// The pod template's metadata (`spec.template.metadata`, or the object's metadata for a Pod).
    pub fn pod_template_metadata(&self) -> Option<&Node> {
        match self.workload_kind()? {
            WorkloadKind::Pod => self.metadata(),
            WorkloadKind::CronJob => {
                self.root
                    .path(&["spec", "jobTemplate", "spec", "template", "metadata"])
            }
            WorkloadKind::PodTemplate => self.root.path(&["template", "metadata"]),
            _ => self.root.path(&["spec", "template", "metadata"]),
        }
    }

    /// The pod template's labels.
    pub fn pod_labels(&self) -> Option<&Map> {
        self.pod_template_metadata()?.get("labels")?.as_map()
    }

    /// `spec.replicas` of a scalable workload (1 when absent, `None` for kinds without replicas).
    pub fn replicas(&self) -> Option<(i64, Option<&Node>)> {
        match self.workload_kind()? {
            WorkloadKind::Deployment
            | WorkloadKind::StatefulSet
            | WorkloadKind::ReplicaSet
            | WorkloadKind::ReplicationController
            | WorkloadKind::DeploymentConfig
            | WorkloadKind::Rollout => {
                let node = self.root.path(&["spec", "replicas"]);
                Some((node.and_then(Node::as_i64).unwrap_or(1), node))
            }
            _ => None,
        }
    }

    /// The span to point at for the object as a whole: its `kind:` entry.
    pub fn anchor_span(&self) -> Span {
        match self.root.as_map().and_then(|m| m.get_entry("kind")) {
            Some((k, v)) => k.span.cover(v.span),
            None => self.root.span,
        }
    }
}

/// Kinds of objects that run pods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WorkloadKind {
    /// core/v1 Pod.
    Pod,
    /// apps Deployment.
    Deployment,
    /// apps ReplicaSet.
    ReplicaSet,
    /// apps StatefulSet.
    StatefulSet,
    /// apps DaemonSet.
    DaemonSet,
    /// batch Job.
    Job,
    /// batch CronJob.
    CronJob,
    /// core/v1 ReplicationController.
    ReplicationController,
    /// core/v1 PodTemplate.
    PodTemplate,
    /// OpenShift apps.openshift.io DeploymentConfig.
    DeploymentConfig,
    /// Argo Rollouts argoproj.io Rollout.
    Rollout,
}

impl WorkloadKind {
    /// Classifies a group and kind.
    pub fn of(group: &str, kind: &str) -> Option<WorkloadKind> {
        Some(match (group, kind) {
            ("", "Pod") => WorkloadKind::Pod,
            ("apps" | "extensions", "Deployment") => WorkloadKind::Deployment,
            ("apps" | "extensions", "ReplicaSet") => WorkloadKind::ReplicaSet,
            ("apps" | "extensions", "DaemonSet") => WorkloadKind::DaemonSet,
            ("apps", "StatefulSet") => WorkloadKind::StatefulSet,
            ("batch", "Job") => WorkloadKind::Job,
            ("batch", "CronJob") => WorkloadKind::CronJob,
            ("", "ReplicationController") => WorkloadKind::ReplicationController,
            ("", "PodTemplate") => WorkloadKind::PodTemplate,
            ("apps.openshift.io" | "", "DeploymentConfig") => WorkloadKind::DeploymentConfig,
            ("argoproj.io", "Rollout") => WorkloadKind::Rollout,
            _ => return None,
        })
    }
}
