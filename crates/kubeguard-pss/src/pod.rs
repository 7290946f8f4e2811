//! The pod being evaluated (spec, template metadata) and the [`Violation`] record, with the
//! field-reading rules shared by the checks.
//!
//! Reading follows how the API server decodes a manifest into Go structs: an explicit `null`
//! is the same as an absent field (a nil pointer), a string field takes any scalar in its text
//! form, and boolean or integer fields only count when they hold a boolean or an integer.

use kubeguard_model::{ContainerView, FieldRef, Object, PodSpecView, Seg, locate};
use kubeguard_source::{Location, Node};

use crate::control::Control;
use crate::version::Level;

/// One way a pod fails a control.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The level of the control (Baseline controls stay Baseline when evaluated at Restricted).
    pub level: Level,
    /// The control, named upstream by [`Control::id`].
    pub control: Control,
    /// What is wrong: the control's reason followed by the detail in parentheses
    /// (`host namespaces (hostNetwork=true)`).
    pub message: String,
    /// Dotted path of the offending field, also when it is absent and must be set
    /// (`spec.containers[0].securityContext.runAsNonRoot`).
    pub field: String,
    /// Where the field's value is, or its nearest existing parent when the field is absent;
    /// `None` for objects that have no source text.
    pub location: Option<Location>,
}

/// The pod spec under evaluation, with its metadata (the object's for a Pod, the template's
/// for a workload).
pub(crate) struct Pod<'a> {
    pub obj: &'a Object,
    pub spec: PodSpecView<'a>,
    meta: Option<&'a Node>,
    meta_path: String,
}

/// A node that is present and not `null`.
pub(crate) fn set(node: Option<&Node>) -> Option<&Node> {
    node.filter(|n| !n.is_null())
}

/// A Go string field's value: scalars in text form, `null` as the empty string; `None` for
/// collections (which do not decode into a string).
pub(crate) fn text(node: &Node) -> Option<String> {
    if node.is_null() {
        return Some(String::new());
    }
    node.scalar_text()
}

/// The `key` string field of a mapping (`""` when absent or `null`).
pub(crate) fn text_field(node: &Node, key: &str) -> String {
    node.get(key).and_then(text).unwrap_or_default()
}

/// `"a"` quoting as Go's `%q` does for the plain names and values found in manifests.
pub(crate) fn quote(s: &str) -> String {
    format!("{s:?}")
}

impl<'a> Pod<'a> {
    /// The pod of `obj`, if it has a pod spec.
    pub fn new(obj: &'a Object) -> Option<Pod<'a>> {
        let spec = obj.pod_spec()?;
        let meta_path = match spec.path.strip_suffix("spec") {
            Some(prefix) => format!("{prefix}metadata"),
            None => "metadata".to_string(),
        };
        Some(Pod {
            obj,
            spec,
            meta: obj.pod_template_metadata(),
            meta_path,
        })
    }

    /// Init, regular, then ephemeral containers (upstream's visiting order).
    pub fn containers(&self) -> impl Iterator<Item = ContainerView<'a>> + 'a {
        self.spec.all_containers()
    }

    /// A pod spec field, unless absent or `null`.
    pub fn field(&self, key: &str) -> Option<&'a Node> {
        set(self.spec.get(key))
    }

    /// A field of the pod's `securityContext`, unless absent or `null`.
    pub fn sc(&self, key: &str) -> Option<&'a Node> {
        set(self.spec.security_context()?.get(key))
    }

    /// `spec.os.name` is `windows` (the pod is exempt from some Restricted controls from
    /// v1.25).
    pub fn is_windows(&self) -> bool {
        self.field("os")
            .and_then(|os| os.get("name"))
            .and_then(Node::scalar_text)
            .is_some_and(|n| n == "windows")
    }

    /// `spec.hostUsers` is `false`: the pod runs in its own user namespace.
    pub fn in_user_namespace(&self) -> bool {
        self.field("hostUsers").and_then(Node::as_bool) == Some(false)
    }

    /// The metadata annotations as `(key, value)` with values as Go reads them (`null` is
    /// the empty string); entries whose value is a collection are left out.
    pub fn annotations(&self) -> Vec<(&'a str, String)> {
        self.meta
            .and_then(|m| m.get("annotations"))
            .and_then(Node::as_map)
            .map(|m| {
                m.iter()
                    .filter_map(|(k, v)| text(v).map(|t| (k, t)))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The value of annotation `key`, if present.
    pub fn annotation(&self, key: &str) -> Option<String> {
        self.meta
            .and_then(|m| m.get("annotations"))
            .and_then(|a| a.get(key))
            .and_then(text)
    }

    /// Locates path segments under the pod spec.
    pub fn at(&self, segs: &[Seg<'_>]) -> FieldRef {
        locate(self.spec.node, self.spec.path, segs)
    }

    /// Locates a field of the pod's `securityContext` (`seLinuxOptions`, `type`).
    pub fn at_sc(&self, keys: &[&str]) -> FieldRef {
        let mut segs = vec![Seg::Key("securityContext")];
        segs.extend(keys.iter().map(|k| Seg::Key(k)));
        self.at(&segs)
    }

    /// Locates a field of a container's `securityContext`.
    pub fn at_container_sc(c: &ContainerView<'_>, keys: &[&str]) -> FieldRef {
        let mut segs = vec![Seg::Key("securityContext")];
        segs.extend(keys.iter().map(|k| Seg::Key(k)));
        c.locate_segs(&segs)
    }

    /// Locates annotation `key` (`metadata.annotations[key]`, as Kubernetes writes map keys).
    pub fn at_annotation(&self, key: &str) -> FieldRef {
        let segs = [Seg::Key("annotations"), Seg::Key(key)];
        let mut f = match self.meta {
            Some(m) => locate(m, &self.meta_path, &segs),
            None => locate(self.spec.node, self.spec.path, &[]),
        };
        f.path = format!("{}.annotations[{key}]", self.meta_path);
        f
    }

    /// A violation of `control` at `field`.
    pub fn violation(&self, control: Control, message: String, field: FieldRef) -> Violation {
        let location = (!self.obj.source.text().is_empty())
            .then(|| self.obj.source.location(&self.obj.path, field.span));
        Violation {
            level: control.level(),
            control,
            message,
            field: field.path,
            location,
        }
    }
}

/// A container's own `securityContext` field, unless absent or `null`.
pub(crate) fn container_sc<'a>(c: &ContainerView<'a>, key: &str) -> Option<&'a Node> {
    c.sc(key)
}

/// `container "name"` for messages.
pub(crate) fn container_label(c: &ContainerView<'_>) -> String {
    format!("container {}", quote(c.name()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(text: &str) -> Object {
        Object::parse_all("t.yaml", text).0.remove(0)
    }

    #[test]
    fn template_metadata_and_annotations() {
        let o = obj(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    metadata:\n      annotations:\n        a.b/c: x\n        nul: null\n        m: {k: v}\n    spec:\n      hostUsers: false\n      os: {name: windows}\n      containers: [{name: c}]\n",
        );
        let pod = Pod::new(&o).expect("pod");
        assert_eq!(
            pod.annotations(),
            vec![("a.b/c", "x".to_string()), ("nul", String::new())]
        );
        assert_eq!(pod.annotation("nul").as_deref(), Some(""));
        let f = pod.at_annotation("a.b/c");
        assert!(f.present);
        assert_eq!(f.path, "spec.template.metadata.annotations[a.b/c]");
        assert!(pod.is_windows() && pod.in_user_namespace());
        let v = pod.violation(Control::Privileged, "m".into(), f);
        let loc = v.location.expect("located");
        assert_eq!((loc.start.line, loc.start.column), (8, 16));
    }

    #[test]
    fn objects_without_text_have_no_location() {
        let src = obj("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: []}\n");
        let o = Object::from_node("mem", src.root.clone()).expect("object");
        let pod = Pod::new(&o).expect("pod");
        let v = pod.violation(Control::HostNamespaces, "m".into(), pod.at(&[]));
        assert_eq!(v.location, None);
        assert_eq!(v.field, "spec");
    }
}
