//! The generated NetworkPolicies as documents, and their YAML and JSON text. Keys are
//! sorted; rules follow the sorted connections; output is byte-for-byte deterministic.

use std::collections::BTreeMap;

use kubeguard_model::{Object, Requirement, Selector};

use super::{Generated, GeneratedPolicy, Party, namespace_by_name};
use crate::conns::{ConnSet, MAX_PORT, MIN_PORT, Protocol};
use crate::model::Labels;

/// Label every generated policy carries.
pub const MANAGED_BY: (&str, &str) = ("app.kubernetes.io/managed-by", "kubeguard");

/// A JSON-model document (strings, integers, sequences, mappings with sorted keys).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Doc {
    /// A string.
    Str(String),
    /// An integer.
    Int(i64),
    /// A sequence.
    Seq(Vec<Doc>),
    /// A mapping; [`Doc::map`] sorts the keys.
    Map(Vec<(String, Doc)>),
}

impl Doc {
    /// A mapping with its keys sorted.
    pub fn map<K: Into<String>>(entries: impl IntoIterator<Item = (K, Doc)>) -> Doc {
        let mut v: Vec<(String, Doc)> = entries.into_iter().map(|(k, d)| (k.into(), d)).collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        Doc::Map(v)
    }

    /// A string.
    pub fn str(s: impl Into<String>) -> Doc {
        Doc::Str(s.into())
    }

    /// The value at `key` of a mapping.
    pub fn get(&self, key: &str) -> Option<&Doc> {
        match self {
            Doc::Map(m) => m.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Block-style YAML, sequences under a key at the key's indentation (as kubectl prints).
    pub fn to_yaml(&self) -> String {
        let mut out = String::new();
        match self {
            Doc::Map(m) if !m.is_empty() => block(self, 0, &mut out),
            Doc::Seq(s) if !s.is_empty() => block(self, 0, &mut out),
            _ => {
                out.push_str(&inline(self));
                out.push('\n');
            }
        }
        out
    }

    /// Pretty JSON with two-space indentation.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        json(self, 0, &mut out);
        out
    }
}

fn is_collection_nonempty(d: &Doc) -> bool {
    match d {
        Doc::Map(m) => !m.is_empty(),
        Doc::Seq(s) => !s.is_empty(),
        _ => false,
    }
}

fn inline(d: &Doc) -> String {
    match d {
        Doc::Str(s) => scalar(s),
        Doc::Int(i) => i.to_string(),
        Doc::Seq(_) => "[]".into(),
        Doc::Map(_) => "{}".into(),
    }
}

/// A string as a YAML scalar: plain when that reads back as the same string, else double
/// quoted.
fn scalar(s: &str) -> String {
    let plain = s.starts_with(|c: char| c.is_ascii_alphanumeric())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '/' | '-'))
        && kubeguard_source::resolve_plain_typed(s).is_none();
    if plain { s.to_string() } else { quote(s) }
}

fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Writes the entries of a non-empty mapping or the items of a non-empty sequence, each line
/// indented by `indent`.
fn block(d: &Doc, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match d {
        Doc::Map(m) => {
            for (k, v) in m {
                out.push_str(&pad);
                out.push_str(&scalar(k));
                out.push(':');
                match v {
                    Doc::Map(_) if is_collection_nonempty(v) => {
                        out.push('\n');
                        block(v, indent + 2, out);
                    }
                    Doc::Seq(_) if is_collection_nonempty(v) => {
                        out.push('\n');
                        block(v, indent, out);
                    }
                    _ => {
                        out.push(' ');
                        out.push_str(&inline(v));
                        out.push('\n');
                    }
                }
            }
        }
        Doc::Seq(items) => {
            for item in items {
                if is_collection_nonempty(item) {
                    let mut sub = String::new();
                    block(item, indent + 2, &mut sub);
                    out.push_str(&pad);
                    out.push_str("- ");
                    out.push_str(&sub[indent + 2..]);
                } else {
                    out.push_str(&pad);
                    out.push_str("- ");
                    out.push_str(&inline(item));
                    out.push('\n');
                }
            }
        }
        _ => {}
    }
}

fn json(d: &Doc, indent: usize, out: &mut String) {
    let pad = "  ".repeat(indent + 1);
    let close = "  ".repeat(indent);
    match d {
        Doc::Str(s) => out.push_str(&quote(s)),
        Doc::Int(i) => out.push_str(&i.to_string()),
        Doc::Seq(items) if items.is_empty() => out.push_str("[]"),
        Doc::Map(m) if m.is_empty() => out.push_str("{}"),
        Doc::Seq(items) => {
            out.push_str("[\n");
            for (n, item) in items.iter().enumerate() {
                out.push_str(&pad);
                json(item, indent + 1, out);
                out.push_str(if n + 1 < items.len() { ",\n" } else { "\n" });
            }
            out.push_str(&close);
            out.push(']');
        }
        Doc::Map(m) => {
            out.push_str("{\n");
            for (n, (k, v)) in m.iter().enumerate() {
                out.push_str(&pad);
                out.push_str(&quote(k));
                out.push_str(": ");
                json(v, indent + 1, out);
                out.push_str(if n + 1 < m.len() { ",\n" } else { "\n" });
            }
            out.push_str(&close);
            out.push('}');
        }
    }
}

/// The policies as a YAML stream (documents separated by `---`).
pub fn to_yaml_stream(policies: &[GeneratedPolicy]) -> String {
    policies
        .iter()
        .map(|p| p.doc.to_yaml())
        .collect::<Vec<_>>()
        .join("---\n")
}

/// The policies as one JSON `v1` `List`.
pub fn to_json_list(policies: &[GeneratedPolicy]) -> String {
    let list = Doc::map([
        ("apiVersion", Doc::str("v1")),
        ("kind", Doc::str("List")),
        (
            "items",
            Doc::Seq(policies.iter().map(|p| p.doc.clone()).collect()),
        ),
    ]);
    let mut s = list.to_json();
    s.push('\n');
    s
}

fn labels_doc(labels: &Labels) -> Doc {
    Doc::map(labels.iter().map(|(k, v)| (k.clone(), Doc::str(v))))
}

/// A `LabelSelector` from equalities and `DoesNotExist` requirements.
fn selector_doc(sel: &Selector) -> Doc {
    let mut labels = Labels::new();
    let mut absent = Vec::new();
    for r in &sel.requirements {
        match r {
            Requirement::Equals(k, v) => {
                labels.insert(k.clone(), v.clone());
            }
            Requirement::DoesNotExist(k) => absent.push(k.clone()),
            _ => {}
        }
    }
    absent.sort();
    let mut entries = Vec::new();
    if !labels.is_empty() {
        entries.push(("matchLabels", labels_doc(&labels)));
    }
    if !absent.is_empty() {
        entries.push((
            "matchExpressions",
            Doc::Seq(
                absent
                    .into_iter()
                    .map(|k| {
                        Doc::map([("key", Doc::Str(k)), ("operator", Doc::str("DoesNotExist"))])
                    })
                    .collect(),
            ),
        ));
    }
    Doc::map(entries)
}

fn ports_doc(conns: &ConnSet) -> Doc {
    let mut out = Vec::new();
    for proto in Protocol::ALL {
        for &(lo, hi) in conns.ranges(proto) {
            let mut e = vec![("protocol", Doc::str(proto.as_str()))];
            if (lo, hi) != (MIN_PORT, MAX_PORT) {
                e.push(("port", Doc::Int(lo.into())));
                if hi > lo {
                    e.push(("endPort", Doc::Int(hi.into())));
                }
            }
            out.push(Doc::map(e));
        }
    }
    Doc::Seq(out)
}

fn metadata(name: &str, namespace: &str, explicit: bool) -> Doc {
    let mut e = vec![
        ("name", Doc::str(name)),
        ("labels", Doc::map([(MANAGED_BY.0, Doc::str(MANAGED_BY.1))])),
    ];
    if explicit {
        e.push(("namespace", Doc::str(namespace)));
    }
    Doc::map(e)
}

fn policy_doc(meta: Doc, pod_selector: Doc, ingress: Vec<Doc>, egress: Vec<Doc>) -> Doc {
    let mut spec = vec![
        ("podSelector", pod_selector),
        (
            "policyTypes",
            Doc::Seq(vec![Doc::str("Ingress"), Doc::str("Egress")]),
        ),
    ];
    if !ingress.is_empty() {
        spec.push(("ingress", Doc::Seq(ingress)));
    }
    if !egress.is_empty() {
        spec.push(("egress", Doc::Seq(egress)));
    }
    Doc::map([
        ("apiVersion", Doc::str("networking.k8s.io/v1")),
        ("kind", Doc::str("NetworkPolicy")),
        ("metadata", meta),
        ("spec", Doc::map(spec)),
    ])
}

/// Builds the policies of `generated` (whose connections are final). `objs[i]` is workload `i`'s
/// object; `selectors[i]` its unique selector (`None`: it gets no policy of its own).
pub(super) fn policies(
    generated: &Generated,
    objs: &[&Object],
    selectors: &[Option<Selector>],
) -> Vec<GeneratedPolicy> {
    // Namespace → (written explicitly by some workload, workloads).
    let mut namespaces: BTreeMap<&str, (bool, Vec<usize>)> = BTreeMap::new();
    for (i, w) in generated.workloads.iter().enumerate() {
        let e = namespaces.entry(w.namespace.as_str()).or_default();
        e.0 |= objs[i].namespace.is_some();
        e.1.push(i);
    }
    let peer = |j: usize, from_ns: &str| -> Option<Doc> {
        let sel = selectors[j].as_ref()?;
        let ns = &generated.workloads[j].namespace;
        let mut e = vec![("podSelector", selector_doc(sel))];
        if ns != from_ns {
            e.push((
                "namespaceSelector",
                Doc::map([("matchLabels", labels_doc(&namespace_by_name(ns)))]),
            ));
        }
        Some(Doc::map(e))
    };
    // The connections of each workload, either side, in order.
    let mut by_workload: BTreeMap<usize, Vec<&super::InferredConnection>> = BTreeMap::new();
    for c in &generated.connections {
        for p in [c.src, c.dst] {
            if let Party::Workload(i) = p {
                by_workload.entry(i).or_default().push(c);
            }
        }
    }
    let mut out = Vec::new();
    for (ns, (explicit, members)) in namespaces {
        if generated.unmanaged.contains(ns) {
            continue;
        }
        let name = if explicit {
            format!("default-deny-in-namespace-{ns}")
        } else {
            "default-deny-in-namespace".to_string()
        };
        out.push(GeneratedPolicy {
            namespace: ns.to_string(),
            doc: policy_doc(
                metadata(&name, ns, explicit),
                Doc::map::<&str>([]),
                Vec::new(),
                Vec::new(),
            ),
            name,
        });
        let mut used: Vec<String> = out
            .iter()
            .filter(|p| p.namespace == ns)
            .map(|p| p.name.clone())
            .collect();
        for i in members {
            let Some(sel) = &selectors[i] else { continue };
            let w = &generated.workloads[i];
            let mut name = format!("{}-netpol", w.name);
            if used.contains(&name) {
                name = format!("{}-{}-netpol", w.name, w.kind.to_ascii_lowercase());
            }
            used.push(name.clone());
            let me = Party::Workload(i);
            let mut ingress = Vec::new();
            let mut egress = Vec::new();
            // Ports open to anyone need no rule for the ingress controller.
            let mine = by_workload.get(&i).map_or(&[][..], Vec::as_slice);
            let external = mine
                .iter()
                .find(|c| c.src == Party::External && c.dst == me)
                .map(|c| c.conns.clone())
                .unwrap_or_default();
            for c in mine {
                let conns = if c.src == Party::IngressController && c.dst == me {
                    c.conns.subtract(&external)
                } else {
                    c.conns.clone()
                };
                if conns.is_empty() {
                    continue;
                }
                let ports = ("ports", ports_doc(&conns));
                if c.dst == me {
                    let from = match c.src {
                        Party::Workload(j) => peer(j, ns).map(|p| Doc::Seq(vec![p])),
                        Party::IngressController => Some(Doc::Seq(vec![Doc::map([(
                            "namespaceSelector",
                            Doc::map::<&str>([]),
                        )])])),
                        Party::External => None,
                        Party::Dns => continue,
                    };
                    if matches!(c.src, Party::Workload(_)) && from.is_none() {
                        continue;
                    }
                    let mut rule = vec![ports];
                    if let Some(f) = from {
                        rule.push(("from", f));
                    }
                    ingress.push(Doc::map(rule));
                } else if c.src == me {
                    let to = match c.dst {
                        Party::Workload(j) => match peer(j, ns) {
                            Some(p) => p,
                            None => continue,
                        },
                        Party::Dns => Doc::map([
                            (
                                "namespaceSelector",
                                Doc::map([(
                                    "matchLabels",
                                    labels_doc(&namespace_by_name(&generated.dns.namespace)),
                                )]),
                            ),
                            (
                                "podSelector",
                                Doc::map([("matchLabels", labels_doc(&generated.dns.labels))]),
                            ),
                        ]),
                        Party::IngressController | Party::External => continue,
                    };
                    egress.push(Doc::map([ports, ("to", Doc::Seq(vec![to]))]));
                }
            }
            out.push(GeneratedPolicy {
                namespace: ns.to_string(),
                doc: policy_doc(
                    metadata(&name, ns, explicit),
                    selector_doc(sel),
                    ingress,
                    egress,
                ),
                name,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_is_block_style_with_sorted_keys_and_safe_scalars() {
        let d = Doc::map([
            (
                "spec",
                Doc::map([
                    (
                        "ports",
                        Doc::Seq(vec![
                            Doc::map([("protocol", Doc::str("TCP")), ("port", Doc::Int(80))]),
                            Doc::map::<&str>([]),
                        ]),
                    ),
                    ("podSelector", Doc::map::<&str>([])),
                    ("types", Doc::Seq(vec![Doc::str("Ingress")])),
                ]),
            ),
            ("apiVersion", Doc::str("v1")),
            (
                "labels",
                Doc::map([
                    ("a", Doc::str("true")),
                    ("b", Doc::str("8080")),
                    ("c", Doc::str("")),
                    ("d", Doc::str("x: y")),
                    ("app.kubernetes.io/name", Doc::str("web-1.2")),
                ]),
            ),
            ("empty", Doc::Seq(vec![])),
        ]);
        assert_eq!(
            d.to_yaml(),
            "apiVersion: v1\nempty: []\nlabels:\n  a: \"true\"\n  app.kubernetes.io/name: web-1.2\n  b: \"8080\"\n  c: \"\"\n  d: \"x: y\"\nspec:\n  podSelector: {}\n  ports:\n  - port: 80\n    protocol: TCP\n  - {}\n  types:\n  - Ingress\n"
        );
        assert_eq!(
            Doc::map([
                ("a", Doc::Seq(vec![Doc::Int(1)])),
                ("b", Doc::map::<&str>([]))
            ])
            .to_json(),
            "{\n  \"a\": [\n    1\n  ],\n  \"b\": {}\n}"
        );
        assert_eq!(quote("a\"b\\\u{1}"), "\"a\\\"b\\\\\\u0001\"");
    }

    #[test]
    fn yaml_reads_back_identically() {
        let d = Doc::map([
            ("k", Doc::str("on")),
            (
                "n",
                Doc::Seq(vec![Doc::map([(
                    "x",
                    Doc::Seq(vec![Doc::map([("y", Doc::Int(1)), ("z", Doc::str("-a"))])]),
                )])]),
            ),
        ]);
        let text = d.to_yaml();
        let docs = kubeguard_source::parse_documents(&text, &kubeguard_source::Limits::default());
        let root = &docs[0].as_ref().expect("parses").root;
        assert_eq!(root.get("k").and_then(|n| n.as_str()), Some("on"));
        let z = root
            .get("n")
            .and_then(|n| n.as_seq())
            .and_then(|s| s[0].get("x"))
            .and_then(|n| n.as_seq())
            .and_then(|s| s[0].get("z"))
            .and_then(|n| n.as_str());
        assert_eq!(z, Some("-a"));
    }

    #[test]
    fn ports_as_rules() {
        let mut c = ConnSet::none();
        c.add_range(Protocol::Tcp, 80, 80);
        c.add_range(Protocol::Tcp, 8000, 8010);
        c.add_range(Protocol::Udp, 1, 65535);
        assert_eq!(
            ports_doc(&c).to_yaml(),
            "- port: 80\n  protocol: TCP\n- endPort: 8010\n  port: 8000\n  protocol: TCP\n- protocol: UDP\n"
        );
    }
}
