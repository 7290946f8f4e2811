//! Typed views over pod specs and containers, with effective security settings computed as
//! the kubelet does: a container's `securityContext` field, when set, overrides the pod's.

use kubeguard_source::{Map, Node, Span};

use crate::locate::{FieldRef, Seg, anchor_span, locate, parse_path};
use crate::object::Object;

/// A pod spec inside a workload.
#[derive(Debug, Clone, Copy)]
pub struct PodSpecView<'a> {
    /// The pod spec mapping.
    pub node: &'a Node,
    /// Its path in the object (`spec.template.spec`).
    pub path: &'static str,
    /// The owning object.
    pub object: &'a Object,
}

/// Which list a container is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ContainerKind {
    /// `initContainers`.
    Init,
    /// `containers`.
    Regular,
    /// `ephemeralContainers`.
    Ephemeral,
}

impl ContainerKind {
    /// The pod spec field holding this kind.
    pub fn field(self) -> &'static str {
        match self {
            ContainerKind::Init => "initContainers",
            ContainerKind::Regular => "containers",
            ContainerKind::Ephemeral => "ephemeralContainers",
        }
    }
}

/// One container of a pod spec.
#[derive(Debug, Clone, Copy)]
pub struct ContainerView<'a> {
    /// The container mapping.
    pub node: &'a Node,
    /// Which list it is in.
    pub kind: ContainerKind,
    /// Position in that list.
    pub index: usize,
    /// The pod spec.
    pub pod: PodSpecView<'a>,
}

/// Where an effective setting came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// The container's `securityContext`.
    Container,
    /// The pod's `securityContext`.
    Pod,
}

/// An effective security setting: the node that decides and where it is.
#[derive(Debug, Clone)]
pub struct Effective<'a> {
    /// The deciding value.
    pub node: &'a Node,
    /// Container or pod level.
    pub level: Level,
    /// Its location.
    pub field: FieldRef,
}

impl<'a> PodSpecView<'a> {
    /// A field of the pod spec.
    pub fn get(&self, key: &str) -> Option<&'a Node> {
        self.node.get(key)
    }

    /// Locates a dotted path under the pod spec (`securityContext.runAsUser`).
    pub fn locate(&self, rel: &str) -> FieldRef {
        locate(self.node, self.path, &parse_path(rel))
    }

    /// The pod's `securityContext`.
    pub fn security_context(&self) -> Option<&'a Node> {
        self.node.get("securityContext")
    }

    /// Containers of one kind.
    pub fn containers_of(
        &self,
        kind: ContainerKind,
    ) -> impl Iterator<Item = ContainerView<'a>> + 'a {
        let pod = *self;
        self.node
            .get(kind.field())
            .and_then(Node::as_seq)
            .unwrap_or(&[])
            .iter()
            .enumerate()
            .filter(|(_, n)| n.as_map().is_some())
            .map(move |(index, node)| ContainerView {
                node,
                kind,
                index,
                pod,
            })
    }

    /// Regular containers.
    pub fn containers(&self) -> impl Iterator<Item = ContainerView<'a>> + 'a {
        self.containers_of(ContainerKind::Regular)
    }

    /// Init containers, then regular containers (what KubeLinter's checks iterate).
    pub fn init_and_regular(&self) -> impl Iterator<Item = ContainerView<'a>> + 'a {
        self.containers_of(ContainerKind::Init)
            .chain(self.containers_of(ContainerKind::Regular))
    }

    /// Init, regular and ephemeral containers.
    pub fn all_containers(&self) -> impl Iterator<Item = ContainerView<'a>> + 'a {
        self.init_and_regular()
            .chain(self.containers_of(ContainerKind::Ephemeral))
    }

    /// `volumes` entries.
    pub fn volumes(&self) -> impl Iterator<Item = (usize, &'a Node)> + 'a {
        self.node
            .get("volumes")
            .and_then(Node::as_seq)
            .unwrap_or(&[])
            .iter()
            .enumerate()
    }

    /// A boolean field of the pod spec (`hostNetwork`), false when absent.
    pub fn flag(&self, key: &str) -> bool {
        self.node.get(key).and_then(Node::as_bool).unwrap_or(false)
    }

    /// The service account name the pod runs as (`serviceAccountName`, else the deprecated
    /// `serviceAccount`), with its node.
    pub fn service_account(&self) -> Option<(String, &'a Node)> {
        for key in ["serviceAccountName", "serviceAccount"] {
            if let Some(n) = self.node.get(key)
                && let Some(s) = n.scalar_text().filter(|s| !s.is_empty())
            {
                return Some((s, n));
            }
        }
        None
    }
}

impl<'a> ContainerView<'a> {
    /// The container's `name`.
    pub fn name(&self) -> &'a str {
        self.node.get("name").and_then(Node::as_str).unwrap_or("")
    }

    /// The container's `image`.
    pub fn image(&self) -> Option<&'a Node> {
        self.node.get("image")
    }

    /// A field of the container.
    pub fn get(&self, key: &str) -> Option<&'a Node> {
        self.node.get(key)
    }

    /// The container's path (`spec.template.spec.containers[0]`).
    pub fn path(&self) -> String {
        format!("{}.{}[{}]", self.pod.path, self.kind.field(), self.index)
    }

    /// Locates a dotted path under the container (`securityContext.privileged`).
    pub fn locate(&self, rel: &str) -> FieldRef {
        locate(self.node, &self.path(), &parse_path(rel))
    }

    /// Locates path segments under the container.
    pub fn locate_segs(&self, segs: &[Seg<'_>]) -> FieldRef {
        locate(self.node, &self.path(), segs)
    }

    /// The container itself, for findings about it as a whole (its `name:` line).
    pub fn anchor(&self) -> FieldRef {
        FieldRef {
            path: self.path(),
            span: anchor_span(self.node),
            present: true,
        }
    }

    /// The container's `securityContext`.
    pub fn security_context(&self) -> Option<&'a Node> {
        self.node.get("securityContext")
    }

    /// A field of the container's own `securityContext`.
    pub fn sc(&self, key: &str) -> Option<&'a Node> {
        self.security_context()?.get(key).filter(|n| !n.is_null())
    }

    /// The effective value of a security setting that exists at both levels (`runAsNonRoot`,
    /// `runAsUser`, `runAsGroup`, `seccompProfile`, `seLinuxOptions`, `appArmorProfile`,
    /// `windowsOptions`): the container's if set, else the pod's.
    pub fn effective(&self, key: &str) -> Option<Effective<'a>> {
        if let Some(node) = self.sc(key) {
            return Some(Effective {
                node,
                level: Level::Container,
                field: self.locate_segs(&[Seg::Key("securityContext"), Seg::Key(key)]),
            });
        }
        let node = self
            .pod
            .security_context()?
            .get(key)
            .filter(|n| !n.is_null())?;
        Some(Effective {
            node,
            level: Level::Pod,
            field: self.pod.locate(&format!("securityContext.{key}")),
        })
    }

    /// `ports` entries.
    pub fn ports(&self) -> impl Iterator<Item = (usize, &'a Node)> + 'a {
        self.node
            .get("ports")
            .and_then(Node::as_seq)
            .unwrap_or(&[])
            .iter()
            .enumerate()
    }

    /// `env` entries.
    pub fn env(&self) -> impl Iterator<Item = (usize, &'a Node)> + 'a {
        self.node
            .get("env")
            .and_then(Node::as_seq)
            .unwrap_or(&[])
            .iter()
            .enumerate()
    }

    /// `resources.<kind>.<resource>` (`requests`/`limits`, `cpu`/`memory`).
    pub fn resource(&self, kind: &str, resource: &str) -> Option<&'a Node> {
        self.node
            .path(&["resources", kind, resource])
            .filter(|n| !n.is_null())
    }

    /// `volumeMounts` entries.
    pub fn volume_mounts(&self) -> impl Iterator<Item = (usize, &'a Node)> + 'a {
        self.node
            .get("volumeMounts")
            .and_then(Node::as_seq)
            .unwrap_or(&[])
            .iter()
            .enumerate()
    }

    /// The entries of the container's `securityContext.capabilities.<list>` (`add` or `drop`).
    pub fn capability_list(&self, list: &str) -> Vec<(String, &'a Node)> {
        self.security_context()
            .and_then(|sc| sc.path(&["capabilities", list]))
            .and_then(Node::as_seq)
            .unwrap_or(&[])
            .iter()
            .filter_map(|n| n.scalar_text().map(|s| (s, n)))
            .collect()
    }
}

/// Reads a string map (labels, selectors) into pairs of text.
pub fn string_map(map: Option<&Map>) -> Vec<(String, String)> {
    map.map(|m| {
        m.iter()
            .map(|(k, v)| (k.to_string(), v.scalar_text().unwrap_or_default()))
            .collect()
    })
    .unwrap_or_default()
}

/// The span of a node's mapping entry for display.
pub fn entry_span(map: &Node, key: &str) -> Option<Span> {
    let (k, v) = map.as_map()?.get_entry(key)?;
    Some(k.span.cover(v.span))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(text: &str) -> Object {
        Object::parse_all("t.yaml", text).0.remove(0)
    }

    #[test]
    fn container_overrides_pod() {
        let t = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    spec:\n      securityContext:\n        runAsNonRoot: true\n        runAsUser: 1000\n      initContainers:\n      - name: init\n      containers:\n      - name: a\n        securityContext:\n          runAsNonRoot: false\n      - name: b\n        securityContext:\n          runAsNonRoot: null\n";
        let o = object(t);
        let pod = o.pod_spec().expect("pod");
        let cs: Vec<_> = pod.init_and_regular().collect();
        assert_eq!(
            cs.iter().map(|c| c.name()).collect::<Vec<_>>(),
            ["init", "a", "b"]
        );
        let a = cs[1].effective("runAsNonRoot").expect("set");
        assert_eq!((a.node.as_bool(), a.level), (Some(false), Level::Container));
        assert_eq!(
            a.field.path,
            "spec.template.spec.containers[0].securityContext.runAsNonRoot"
        );
        // An explicit null at container level does not override.
        let b = cs[2].effective("runAsNonRoot").expect("set");
        assert_eq!((b.node.as_bool(), b.level), (Some(true), Level::Pod));
        assert_eq!(
            b.field.path,
            "spec.template.spec.securityContext.runAsNonRoot"
        );
        let u = cs[0].effective("runAsUser").expect("set");
        assert_eq!(u.node.as_i64(), Some(1000));
        assert!(cs[0].effective("runAsGroup").is_none());
    }

    #[test]
    fn pod_spec_paths_per_kind() {
        let cj = object(
            "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers: [{name: x}]\n",
        );
        let pod = cj.pod_spec().expect("pod");
        assert_eq!(
            pod.containers().next().expect("c").path(),
            "spec.jobTemplate.spec.template.spec.containers[0]"
        );
        let p = object(
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: x}]\n",
        );
        assert_eq!(p.pod_spec().expect("pod").path, "spec");
        let s = object("apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {}\n");
        assert!(s.pod_spec().is_none());
        let r = object(
            "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: r}\nspec:\n  template:\n    spec:\n      containers: [{name: x}]\n",
        );
        assert!(r.pod_spec().is_some());
    }
}
