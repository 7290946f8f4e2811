//! Reading a PodSecurityPolicy as the API server decodes it: `null` is the same as an absent
//! field, booleans and integers only count when typed as such, string fields take any scalar.
//! Every field is located in the object's file (the value, or its nearest existing parent).

use kubeguard_model::{FieldRef, Object, Seg, locate};
use kubeguard_source::{Location, Node};

use crate::pod::{set, text, text_field};

/// PSP annotation listing the seccomp profiles pods may use (comma-separated, `*` for any).
pub const SECCOMP_ALLOWED: &str = "seccomp.security.alpha.kubernetes.io/allowedProfileNames";
/// PSP annotation naming the seccomp profile given to pods that set none.
pub const SECCOMP_DEFAULT: &str = "seccomp.security.alpha.kubernetes.io/defaultProfileName";
/// PSP annotation listing the AppArmor profiles containers may use (comma-separated).
pub const APPARMOR_ALLOWED: &str = "apparmor.security.beta.kubernetes.io/allowedProfileNames";
/// PSP annotation naming the AppArmor profile given to containers that set none.
pub const APPARMOR_DEFAULT: &str = "apparmor.security.beta.kubernetes.io/defaultProfileName";

/// A PodSecurityPolicy under analysis.
pub(crate) struct Psp<'a> {
    pub obj: &'a Object,
    spec: Option<&'a Node>,
}

/// An integer range (`hostPorts`, `runAsUser.ranges`); a missing bound is Go's zero value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Range {
    pub min: i64,
    pub max: i64,
}

impl Range {
    fn of(node: &Node) -> Range {
        let bound = |k| node.get(k).and_then(Node::as_i64).unwrap_or(0);
        Range {
            min: bound("min"),
            max: bound("max"),
        }
    }

    pub fn contains(self, n: i64) -> bool {
        self.min <= n && n <= self.max
    }

    /// `8080` or `1000-2000`.
    pub fn display(self) -> String {
        if self.min == self.max {
            self.min.to_string()
        } else {
            format!("{}-{}", self.min, self.max)
        }
    }
}

/// How an annotation's profile list reads, as upstream splits it (on `,`, no trimming).
pub(crate) struct Profiles {
    /// The annotation's text.
    pub value: String,
    /// Its entries in order, empty ones included (`"runtime/default,"` has two).
    pub entries: Vec<String>,
}

impl Profiles {
    fn parse(value: String) -> Profiles {
        let entries = value.split(',').map(str::to_string).collect();
        Profiles { value, entries }
    }

    pub fn has(&self, entry: &str) -> bool {
        self.entries.iter().any(|e| e == entry)
    }
}

impl<'a> Psp<'a> {
    pub fn new(obj: &'a Object) -> Psp<'a> {
        Psp {
            obj,
            spec: set(obj.root.get("spec")),
        }
    }

    /// A spec field, unless absent or `null`.
    pub fn get(&self, key: &str) -> Option<&'a Node> {
        set(self.spec?.get(key))
    }

    /// A boolean spec field; `None` when absent, `null` or not a boolean.
    pub fn flag(&self, key: &str) -> Option<bool> {
        self.get(key).and_then(Node::as_bool)
    }

    /// The scalar items of a list field, with their indices.
    pub fn strings(&self, key: &str) -> Vec<(usize, String)> {
        self.items(key)
            .into_iter()
            .filter(|(_, n)| !n.is_null())
            .filter_map(|(i, n)| n.scalar_text().map(|t| (i, t)))
            .collect()
    }

    /// The items of a list field, with their indices.
    pub fn items(&self, key: &str) -> Vec<(usize, &'a Node)> {
        self.get(key)
            .and_then(Node::as_seq)
            .unwrap_or(&[])
            .iter()
            .enumerate()
            .collect()
    }

    /// The ranges of a list of `{min, max}` mappings under `keys`.
    pub fn ranges(&self, keys: &[&str]) -> Vec<(usize, Range)> {
        let Some((first, rest)) = keys.split_first() else {
            return Vec::new();
        };
        let mut node = self.get(first);
        for key in rest {
            node = node.and_then(|n| set(n.get(key)));
        }
        node.and_then(Node::as_seq)
            .unwrap_or(&[])
            .iter()
            .enumerate()
            .filter(|(_, n)| n.as_map().is_some())
            .map(|(i, n)| (i, Range::of(n)))
            .collect()
    }

    /// The `rule` of a strategy (`runAsUser`, `seLinux`), `""` when unset.
    pub fn rule(&self, strategy: &str) -> String {
        self.get(strategy)
            .map(|s| text_field(s, "rule"))
            .unwrap_or_default()
    }

    /// The `seLinux.seLinuxOptions` mapping, if set.
    pub fn se_linux_options(&self) -> Option<&'a Node> {
        set(self.get("seLinux")?.get("seLinuxOptions")).filter(|n| n.as_map().is_some())
    }

    /// An annotation's value (`null` reads as `""`), if present.
    pub fn annotation(&self, key: &str) -> Option<String> {
        self.obj
            .metadata()
            .and_then(|m| m.get("annotations"))
            .and_then(|a| a.get(key))
            .and_then(text)
    }

    /// A profile-list annotation, if present.
    pub fn profiles(&self, key: &str) -> Option<Profiles> {
        self.annotation(key).map(Profiles::parse)
    }

    /// Locates path segments under `spec`.
    pub fn at(&self, segs: &[Seg<'_>]) -> FieldRef {
        let mut all = Vec::with_capacity(segs.len() + 1);
        all.push(Seg::Key("spec"));
        all.extend_from_slice(segs);
        locate(&self.obj.root, "", &all)
    }

    /// Locates a spec field by key.
    pub fn at_key(&self, key: &str) -> FieldRef {
        self.at(&[Seg::Key(key)])
    }

    /// Locates item `i` of list field `key`.
    pub fn at_item(&self, key: &str, i: usize) -> FieldRef {
        self.at(&[Seg::Key(key), Seg::Index(i)])
    }

    /// Locates annotation `key` (`metadata.annotations[key]`, as Kubernetes writes map keys).
    pub fn at_annotation(&self, key: &str) -> FieldRef {
        let segs = [Seg::Key("metadata"), Seg::Key("annotations"), Seg::Key(key)];
        let mut f = locate(&self.obj.root, "", &segs);
        f.path = format!("metadata.annotations[{key}]");
        f
    }

    /// The file location of a located field; `None` for objects without source text.
    pub fn location(&self, field: &FieldRef) -> Option<Location> {
        location_of(self.obj, field)
    }
}

/// The file location of a field of `obj`; `None` for objects without source text.
pub(crate) fn location_of(obj: &Object, field: &FieldRef) -> Option<Location> {
    (!obj.source.text().is_empty()).then(|| obj.source.location(&obj.path, field.span))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(text: &str) -> Object {
        Object::parse_all("psp.yaml", text).0.remove(0)
    }

    #[test]
    fn reads_fields_as_decoded() {
        let o = obj(
            "apiVersion: policy/v1beta1\nkind: PodSecurityPolicy\nmetadata:\n  name: p\n  annotations:\n    seccomp.security.alpha.kubernetes.io/allowedProfileNames: 'runtime/default,'\n    apparmor.security.beta.kubernetes.io/allowedProfileNames: null\nspec:\n  privileged: 'true'\n  hostPID: true\n  hostIPC: null\n  volumes: [configMap, null, [x], 3]\n  hostPorts: [{min: 80, max: 90}, {max: 5}, 7]\n  runAsUser: {rule: MustRunAs, ranges: [{min: 0, max: 10}]}\n",
        );
        let p = Psp::new(&o);
        assert_eq!(p.flag("privileged"), None);
        assert_eq!(p.flag("hostPID"), Some(true));
        assert_eq!(p.flag("hostIPC"), None);
        assert_eq!(
            p.strings("volumes"),
            vec![(0, "configMap".to_string()), (3, "3".to_string())]
        );
        assert_eq!(
            p.ranges(&["hostPorts"]),
            vec![
                (0, Range { min: 80, max: 90 }),
                (1, Range { min: 0, max: 5 })
            ]
        );
        assert_eq!(
            p.ranges(&["runAsUser", "ranges"]),
            vec![(0, Range { min: 0, max: 10 })]
        );
        assert_eq!(p.rule("runAsUser"), "MustRunAs");
        assert_eq!(p.rule("seLinux"), "");
        let s = p.profiles(SECCOMP_ALLOWED).expect("present");
        assert_eq!(s.entries, ["runtime/default", ""]);
        assert!(s.has(""));
        let a = p.profiles(APPARMOR_ALLOWED).expect("present");
        assert_eq!(a.entries, [""]);
        assert!(p.profiles(SECCOMP_DEFAULT).is_none());
        let f = p.at_annotation(SECCOMP_ALLOWED);
        assert!(f.present);
        assert_eq!(
            f.path,
            "metadata.annotations[seccomp.security.alpha.kubernetes.io/allowedProfileNames]"
        );
        let loc = p.location(&p.at_item("hostPorts", 1)).expect("located");
        assert_eq!((loc.start.line, loc.start.column), (13, 36));
        let missing = p.at(&[Seg::Key("seLinux"), Seg::Key("rule")]);
        assert!(!missing.present);
        assert_eq!(missing.path, "spec.seLinux.rule");
    }

    #[test]
    fn odd_shapes_read_as_absent() {
        for spec in ["spec: 3", "spec: [a]", "spec: null", ""] {
            let o = obj(&format!(
                "apiVersion: policy/v1beta1\nkind: PodSecurityPolicy\nmetadata: {{name: p, annotations: [1]}}\n{spec}\n"
            ));
            let p = Psp::new(&o);
            assert_eq!(p.flag("privileged"), None);
            assert!(p.strings("volumes").is_empty());
            assert!(p.ranges(&["runAsUser", "ranges"]).is_empty());
            assert!(p.annotation(SECCOMP_ALLOWED).is_none());
            assert!(p.se_linux_options().is_none());
        }
    }
}
