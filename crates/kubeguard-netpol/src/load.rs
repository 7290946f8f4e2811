//! Reading objects from text, as netpol-analyzer does: like [`Object::parse_all`], plus the
//! items of typed lists (`PodList`, `NamespaceList`, ...) that omit `apiVersion`/`kind`
//! (as `kubectl get -o yaml` prints them) take them from the list.

use std::sync::Arc;

use kubeguard_model::Object;
use kubeguard_source::{Document, Key, Limits, Map, Node, SourceFile, Value};

/// Gives `item` the `apiVersion` and `kind` it lacks.
fn with_type(item: Node, api_version: &str, kind: &str) -> Node {
    let Node {
        span,
        value: Value::Map(Map { entries }),
    } = item
    else {
        return item;
    };
    let mut entries = entries.into_vec();
    let has = |entries: &[(Key, Node)], k: &str| entries.iter().any(|(key, _)| key.text == k);
    if !has(&entries, "kind") {
        entries.insert(
            0,
            (
                Key::new("kind", span),
                Node::new(span, Value::Str(kind.into())),
            ),
        );
    }
    if !has(&entries, "apiVersion") {
        entries.insert(
            0,
            (
                Key::new("apiVersion", span),
                Node::new(span, Value::Str(api_version.into())),
            ),
        );
    }
    Node::new(
        span,
        Value::Map(Map {
            entries: entries.into_boxed_slice(),
        }),
    )
}

/// The apiVersion of the core kinds the analysis reads, for objects that give them another
/// group (`apiVersion: apps/v1` with `kind: Pod`): netpol-analyzer reads objects by kind.
fn core_api_version(kind: &str) -> Option<&'static str> {
    match kind {
        "Pod" | "Namespace" | "Service" | "ReplicationController" => Some("v1"),
        "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet" => Some("apps/v1"),
        "Job" | "CronJob" => Some("batch/v1"),
        _ => None,
    }
}

/// Gives an object of a core kind with a foreign group its proper apiVersion.
fn fix_api_version(root: Node) -> Node {
    let Some(want) = root
        .get("kind")
        .and_then(Node::as_str)
        .and_then(core_api_version)
    else {
        return root;
    };
    let have = root.get("apiVersion").and_then(Node::as_str).unwrap_or("");
    let group = |v: &str| v.rsplit_once('/').map_or("", |(g, _)| g).to_string();
    if have.is_empty() || group(have) == group(want) {
        return root;
    }
    let Node {
        span,
        value: Value::Map(Map { entries }),
    } = root
    else {
        return root;
    };
    let entries: Vec<(Key, Node)> = entries
        .into_vec()
        .into_iter()
        .map(|(k, v)| {
            if k.text == "apiVersion" {
                let s = v.span;
                (k, Node::new(s, Value::Str(want.into())))
            } else {
                (k, v)
            }
        })
        .collect();
    Node::new(
        span,
        Value::Map(Map {
            entries: entries.into_boxed_slice(),
        }),
    )
}

/// Fills in the type of the items of a typed list document.
fn type_list_items(root: Node) -> Node {
    let item_kind = root
        .get("kind")
        .and_then(Node::as_str)
        .and_then(|k| k.strip_suffix("List"))
        .filter(|k| !k.is_empty())
        .map(str::to_string);
    let api_version = root
        .get("apiVersion")
        .and_then(Node::as_str)
        .unwrap_or("v1")
        .to_string();
    let Some(item_kind) = item_kind else {
        return root;
    };
    let Node {
        span,
        value: Value::Map(Map { entries }),
    } = root
    else {
        return root;
    };
    let entries = entries
        .into_vec()
        .into_iter()
        .map(|(k, v)| {
            if k.text != "items" {
                return (k, v);
            }
            let Node {
                span: vs,
                value: Value::Seq(items),
            } = v
            else {
                return (k, v);
            };
            let items: Vec<Node> = items
                .into_vec()
                .into_iter()
                .map(|i| with_type(i, &api_version, &item_kind))
                .collect();
            (k, Node::new(vs, Value::Seq(items.into_boxed_slice())))
        })
        .collect::<Vec<_>>();
    Node::new(
        span,
        Value::Map(Map {
            entries: entries.into_boxed_slice(),
        }),
    )
}

/// Parses every object of `text`; documents that fail to parse or are not objects are
/// skipped.
pub fn objects_from_text(path: &str, text: &str) -> Vec<Object> {
    let source = SourceFile::new(path, text);
    let p: Arc<str> = Arc::from(path);
    let mut out = Vec::new();
    let mut docs = kubeguard_source::parse_documents(text, &Limits::default());
    if docs.iter().any(Result::is_err) && text.contains('\t') {
        // Go's YAML reader accepts tabs as separation inside flow collections (a tab-indented
        // line of a `[...]` list); so does netpol-analyzer. Reading the text again with each
        // tab as a space keeps every offset.
        let spaced = text.replace('\t', " ");
        let retry = kubeguard_source::parse_documents(&spaced, &Limits::default());
        if retry.len() == docs.len() {
            for (d, r) in docs.iter_mut().zip(retry) {
                if d.is_err() && r.is_ok() {
                    *d = r;
                }
            }
        }
    }
    for doc in docs.into_iter().flatten() {
        let doc = Document {
            root: fix_api_version(type_list_items(doc.root)),
            ..doc
        };
        out.extend(Object::from_document(&source, &p, doc).0);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_list_items_get_their_kind() {
        let text = "kind: PodList\napiVersion: v1\nitems:\n- metadata: {name: a, namespace: x}\n  spec: {containers: []}\n- apiVersion: apps/v1\n  kind: Deployment\n  metadata: {name: d}\n";
        let objs = objects_from_text("l.yaml", text);
        let kinds: Vec<(&str, &str, &str)> = objs
            .iter()
            .map(|o| (o.api_version.as_str(), o.kind.as_str(), o.name.as_str()))
            .collect();
        assert_eq!(kinds, [("v1", "Pod", "a"), ("apps/v1", "Deployment", "d")]);
    }

    #[test]
    fn core_kinds_with_a_foreign_group_are_read() {
        let objs = objects_from_text(
            "p.yaml",
            "apiVersion: apps/v1\nkind: Pod\nmetadata: {name: a}\n---\napiVersion: extensions/v1beta1\nkind: Deployment\nmetadata: {name: d}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: e}\n",
        );
        let versions: Vec<&str> = objs.iter().map(|o| o.api_version.as_str()).collect();
        assert_eq!(versions, ["v1", "apps/v1", "apps/v1"]);
    }

    #[test]
    fn tab_in_flow_sequence_is_separation() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  containers:\n  - name: c\n    args:\n      [\n        \"-x\",\n\t        \"-y\",\n      ]\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: b}\n";
        let names: Vec<String> = objects_from_text("t.yaml", text)
            .into_iter()
            .map(|o| o.name)
            .collect();
        assert_eq!(names, ["a", "b"]);
    }
}
