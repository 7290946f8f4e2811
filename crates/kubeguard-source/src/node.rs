//! The spanned YAML tree: every node keeps the byte span of its text.
//!
//! Values follow the JSON model Kubernetes converts YAML into: null, bool, integer, float,
//! string, sequence and mapping with string keys.

use std::borrow::Cow;

use crate::span::Span;

/// A node of the tree with its span.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Where the node's text is (for an alias, where the anchored node is).
    pub span: Span,
    /// The value.
    pub value: Value,
}

/// A value in Kubernetes' JSON data model.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `null`, `~`, or nothing.
    Null,
    /// A boolean (YAML 1.1 forms: `yes`, `on`, `true`, ...).
    Bool(bool),
    /// An integer (decimal, `0x` hex, leading-`0` octal, `0b` binary).
    Int(i64),
    /// A float.
    Float(f64),
    /// A string (quoted, block, or a plain scalar that is no other type).
    Str(Text),
    /// A sequence.
    Seq(Box<[Node]>),
    /// A mapping.
    Map(Map),
}

/// An immutable string stored inline when short (most scalar values of manifests are), so
/// that a tree does not pay one allocation per string.
#[derive(Clone, PartialEq, Eq, Hash)]
pub enum Text {
    /// Up to 22 bytes, in place.
    Inline(InlineText),
    /// Longer strings.
    Heap(Box<str>),
}

/// The in-place form of a short [`Text`].
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct InlineText {
    len: u8,
    bytes: [u8; 22],
}

impl Text {
    /// The string.
    pub fn as_str(&self) -> &str {
        match self {
            // Built from a `&str` and never changed, so always valid UTF-8.
            Text::Inline(i) => std::str::from_utf8(&i.bytes[..i.len as usize]).unwrap_or_default(),
            Text::Heap(s) => s,
        }
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Text {
        if s.len() <= 22 {
            let mut bytes = [0u8; 22];
            bytes[..s.len()].copy_from_slice(s.as_bytes());
            Text::Inline(InlineText {
                len: s.len() as u8,
                bytes,
            })
        } else {
            Text::Heap(s.into())
        }
    }
}

impl From<String> for Text {
    fn from(s: String) -> Text {
        if s.len() <= 22 {
            Text::from(s.as_str())
        } else {
            Text::Heap(s.into_boxed_str())
        }
    }
}

impl From<Cow<'_, str>> for Text {
    fn from(s: Cow<'_, str>) -> Text {
        match s {
            Cow::Borrowed(b) => Text::from(b),
            Cow::Owned(o) => Text::from(o),
        }
    }
}

impl std::ops::Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl std::fmt::Debug for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl std::fmt::Display for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A mapping key: its string form (as Kubernetes' YAML-to-JSON conversion gives) and its span.
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    /// The key as a string (well-known Kubernetes keys share one static copy).
    pub text: Cow<'static, str>,
    /// Where the key is written.
    pub span: Span,
}

/// A mapping with keys in document order; duplicate keys have already been resolved (last wins).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Map {
    /// Entries in order.
    pub entries: Box<[(Key, Node)]>,
}

impl Key {
    /// A key, sharing the static copy of a well-known Kubernetes field name when there is one.
    pub fn new(text: &str, span: Span) -> Key {
        let text = match KNOWN_KEYS.binary_search(&text) {
            Ok(i) => Cow::Borrowed(KNOWN_KEYS[i]),
            Err(_) => Cow::Owned(text.to_string()),
        };
        Key { text, span }
    }
}

/// Field names common in Kubernetes manifests, sorted (they make up over 90% of the keys of
/// real manifests; sharing them saves one allocation per key).
static KNOWN_KEYS: &[&str] = &[
    "accessModes",
    "action",
    "add",
    "admissionReviewVersions",
    "affinity",
    "allowPrivilegeEscalation",
    "annotations",
    "apiGroup",
    "apiGroups",
    "apiVersion",
    "app",
    "app.kubernetes.io/component",
    "app.kubernetes.io/instance",
    "app.kubernetes.io/managed-by",
    "app.kubernetes.io/name",
    "app.kubernetes.io/part-of",
    "app.kubernetes.io/version",
    "args",
    "automountServiceAccountToken",
    "backend",
    "capabilities",
    "claimName",
    "command",
    "component",
    "config",
    "configMap",
    "configMapKeyRef",
    "container",
    "containerPort",
    "containers",
    "cpu",
    "data",
    "default",
    "defaultMode",
    "description",
    "drop",
    "effect",
    "emptyDir",
    "env",
    "envFrom",
    "exec",
    "failureThreshold",
    "fieldPath",
    "fieldRef",
    "fsGroup",
    "generateName",
    "group",
    "host",
    "hostNetwork",
    "hostPath",
    "hosts",
    "http",
    "httpGet",
    "image",
    "imagePullPolicy",
    "imagePullSecrets",
    "ingress",
    "initContainers",
    "initialDelaySeconds",
    "items",
    "k8s-app",
    "key",
    "kind",
    "kinds",
    "labelSelector",
    "labels",
    "limits",
    "livenessProbe",
    "matchExpressions",
    "matchLabels",
    "maxSurge",
    "maxUnavailable",
    "memory",
    "metadata",
    "minAvailable",
    "mode",
    "mountPath",
    "name",
    "namespace",
    "namespaceSelector",
    "nodeSelector",
    "nonResourceURLs",
    "operator",
    "optional",
    "path",
    "pathType",
    "paths",
    "periodSeconds",
    "persistentVolumeClaim",
    "podSelector",
    "policyTypes",
    "port",
    "ports",
    "priorityClassName",
    "privileged",
    "protocol",
    "readOnly",
    "readOnlyRootFilesystem",
    "readinessProbe",
    "replicas",
    "requests",
    "resourceNames",
    "resources",
    "restartPolicy",
    "revisionHistoryLimit",
    "role",
    "roleRef",
    "rules",
    "runAsGroup",
    "runAsNonRoot",
    "runAsUser",
    "scheme",
    "seccompProfile",
    "secret",
    "secretKeyRef",
    "secretName",
    "securityContext",
    "selector",
    "service",
    "serviceAccount",
    "serviceAccountName",
    "spec",
    "startupProbe",
    "status",
    "storage",
    "strategy",
    "subPath",
    "subjects",
    "successThreshold",
    "targetPort",
    "template",
    "terminationGracePeriodSeconds",
    "tier",
    "timeoutSeconds",
    "tls",
    "tolerations",
    "topologyKey",
    "type",
    "value",
    "valueFrom",
    "values",
    "verbs",
    "version",
    "volumeMounts",
    "volumes",
];

impl Map {
    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entries
            .iter()
            .find(|(k, _)| &*k.text == key)
            .map(|(_, v)| v)
    }

    /// The key entry and value of `key`.
    pub fn get_entry(&self, key: &str) -> Option<(&Key, &Node)> {
        self.entries
            .iter()
            .find(|(k, _)| &*k.text == key)
            .map(|(k, v)| (k, v))
    }

    /// Iterates entries as `(&str, &Node)`.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Node)> {
        self.entries.iter().map(|(k, v)| (&*k.text, v))
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there is no entry.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl Node {
    /// A node.
    pub fn new(span: Span, value: Value) -> Self {
        Node { span, value }
    }

    /// The value of `key` when this is a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(m) => m.get(key),
            _ => None,
        }
    }

    /// Follows a path of mapping keys.
    pub fn path(&self, keys: &[&str]) -> Option<&Node> {
        keys.iter().try_fold(self, |n, k| n.get(k))
    }

    /// The mapping, if this is one.
    pub fn as_map(&self) -> Option<&Map> {
        match &self.value {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The items, if this is a sequence.
    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(s) => Some(s),
            _ => None,
        }
    }

    /// The string, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self.value {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }

    /// The integer, if this is one (or a float with no fraction).
    pub fn as_i64(&self) -> Option<i64> {
        match self.value {
            Value::Int(i) => Some(i),
            Value::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Some(f as i64),
            _ => None,
        }
    }

    /// Whether this is null.
    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }

    /// Scalar as text the way a Go string field would receive it after Kubernetes' YAML→JSON
    /// conversion: strings as is, numbers and booleans formatted. `None` for null and collections.
    pub fn scalar_text(&self) -> Option<String> {
        self.scalar_cow().map(std::borrow::Cow::into_owned)
    }

    /// Like [`Node::scalar_text`], borrowing strings instead of copying them.
    pub fn scalar_cow(&self) -> Option<std::borrow::Cow<'_, str>> {
        use std::borrow::Cow;
        match &self.value {
            Value::Str(s) => Some(Cow::Borrowed(s.as_str())),
            Value::Bool(b) => Some(Cow::Borrowed(if *b { "true" } else { "false" })),
            Value::Int(i) => Some(Cow::Owned(i.to_string())),
            Value::Float(f) => Some(Cow::Owned(format_float(*f))),
            _ => None,
        }
    }

    /// Number of nodes in this subtree (this one included).
    pub fn size(&self) -> usize {
        let mut n = 0;
        let mut stack = vec![self];
        while let Some(node) = stack.pop() {
            n += 1;
            match &node.value {
                Value::Seq(items) => stack.extend(items.iter()),
                Value::Map(m) => stack.extend(m.entries.iter().map(|(_, v)| v)),
                _ => {}
            }
        }
        n
    }

    /// Converts to `serde_json`-free plain JSON text (used for hashing and CEL bindings elsewhere).
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        write_json(self, &mut out);
        out
    }
}

/// Formats a float like Go's `strconv.FormatFloat(f, 'g', -1, 64)` for the common cases.
pub fn format_float(f: f64) -> String {
    if f.is_nan() {
        "NaN".into()
    } else if f.is_infinite() {
        if f > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        }
    } else if f.fract() == 0.0 && f.abs() < 1e21 {
        format!("{}", f as i128)
    } else {
        format!("{f}")
    }
}

fn write_json(node: &Node, out: &mut String) {
    match &node.value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::Float(f) if f.is_finite() => out.push_str(&format_float(*f)),
        Value::Float(_) => out.push_str("null"),
        Value::Str(s) => write_json_str(s, out),
        Value::Seq(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(item, out);
            }
            out.push(']');
        }
        Value::Map(m) => {
            out.push('{');
            for (i, (k, v)) in m.entries.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json_str(&k.text, out);
                out.push(':');
                write_json(v, out);
            }
            out.push('}');
        }
    }
}

fn write_json_str(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_keys_are_sorted_and_shared() {
        assert!(
            KNOWN_KEYS.windows(2).all(|w| w[0] < w[1]),
            "KNOWN_KEYS must stay sorted"
        );
        assert!(matches!(
            Key::new("metadata", Span::empty(0)).text,
            Cow::Borrowed(_)
        ));
        assert!(matches!(
            Key::new("my-own-key", Span::empty(0)).text,
            Cow::Owned(_)
        ));
    }

    #[test]
    fn node_stays_small() {
        // Every node of every document is one of these: keep them compact.
        assert!(
            std::mem::size_of::<Node>() <= 32,
            "{}",
            std::mem::size_of::<Node>()
        );
    }

    #[test]
    fn texts_inline_and_heap() {
        let short = Text::from("nginx:1.25");
        let long = Text::from("registry.example.com/team/app:1.2.3");
        assert!(matches!(short, Text::Inline(_)) && matches!(long, Text::Heap(_)));
        assert_eq!(&*short, "nginx:1.25");
        assert_eq!(long.as_str(), "registry.example.com/team/app:1.2.3");
        assert_eq!(Text::from("é".repeat(11)).as_str(), "é".repeat(11));
        assert_eq!(Text::from(String::from("x")), Text::from("x"));
    }
}
