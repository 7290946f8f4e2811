//! Pointing at fields: the span of a field if present, else of its nearest existing parent.

use kubeguard_source::{Node, Span, Value};

/// A located field: the full dotted path asked for and the span to point at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldRef {
    /// Dotted path with indices (`spec.template.spec.containers[0].securityContext.privileged`).
    pub path: String,
    /// The value's span if the field exists, else the nearest existing parent's anchor span.
    pub span: Span,
    /// Whether the field itself exists.
    pub present: bool,
}

/// A path segment.
#[derive(Debug, Clone, Copy)]
pub enum Seg<'a> {
    /// Mapping key.
    Key(&'a str),
    /// Sequence index.
    Index(usize),
}

/// The span to underline for a node reached without a key: a scalar's own span, or a
/// collection's first entry (`name: web` for a container).
pub fn anchor_span(node: &Node) -> Span {
    match &node.value {
        Value::Map(m) => match m.entries.first() {
            Some((k, v)) if !matches!(v.value, Value::Map(_) | Value::Seq(_)) => {
                k.span.cover(v.span)
            }
            Some((k, _)) => k.span,
            None => Span::new(
                node.span.start,
                node.span
                    .start
                    .saturating_add(1)
                    .min(node.span.end.max(node.span.start)),
            ),
        },
        Value::Seq(items) => items.first().map_or(node.span, anchor_span),
        _ => node.span,
    }
}

/// Finds `segs` under `base` (whose own path is `base_path`), falling back to the nearest
/// existing parent: a mapping key line (`securityContext:`) or the collection's anchor.
pub fn locate(base: &Node, base_path: &str, segs: &[Seg<'_>]) -> FieldRef {
    let mut path = String::from(base_path);
    let mut span = anchor_span(base);
    let mut node = base;
    let mut present = true;
    for seg in segs {
        match seg {
            Seg::Key(k) => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(k);
            }
            Seg::Index(i) => {
                path.push('[');
                path.push_str(&i.to_string());
                path.push(']');
            }
        }
        if !present {
            continue;
        }
        let next = match (seg, &node.value) {
            (Seg::Key(k), Value::Map(m)) => m.get_entry(k).map(|(key, v)| {
                let s = if matches!(v.value, Value::Map(_) | Value::Seq(_)) || v.is_null() {
                    key.span
                } else {
                    v.span
                };
                (v, s)
            }),
            (Seg::Index(i), Value::Seq(items)) => items.get(*i).map(|v| (v, anchor_span(v))),
            _ => None,
        };
        match next {
            Some((v, s)) => {
                node = v;
                span = s;
            }
            None => present = false,
        }
    }
    FieldRef {
        path,
        span,
        present,
    }
}

/// Parses a dotted path with `[i]` indices (`a.b[0].c`) into segments.
pub fn parse_path(path: &str) -> Vec<Seg<'_>> {
    let mut segs = Vec::new();
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let (name, rest) = part.split_once('[').map_or((part, ""), |(n, r)| (n, r));
        if !name.is_empty() {
            segs.push(Seg::Key(name));
        }
        for idx in rest.split('[') {
            if let Ok(i) = idx.trim_end_matches(']').parse() {
                segs.push(Seg::Index(i));
            }
        }
    }
    segs
}

#[cfg(test)]
mod tests {
    use super::*;
    use kubeguard_source::{Limits, parse_documents};

    #[test]
    fn present_and_missing_fields() {
        let t = "spec:\n  containers:\n  - name: web\n    securityContext:\n      runAsUser: 0\n";
        let root = parse_documents(t, &Limits::default())
            .remove(0)
            .expect("ok")
            .root;
        let f = locate(
            &root,
            "",
            &parse_path("spec.containers[0].securityContext.runAsUser"),
        );
        assert!(f.present);
        assert_eq!(&t[f.span.start as usize..f.span.end as usize], "0");
        assert_eq!(f.path, "spec.containers[0].securityContext.runAsUser");
        let f = locate(
            &root,
            "",
            &parse_path("spec.containers[0].securityContext.privileged"),
        );
        assert!(!f.present);
        assert_eq!(
            &t[f.span.start as usize..f.span.end as usize],
            "securityContext"
        );
        let f = locate(
            &root,
            "",
            &parse_path("spec.containers[0].resources.limits.cpu"),
        );
        assert_eq!(&t[f.span.start as usize..f.span.end as usize], "name: web");
        assert_eq!(f.path, "spec.containers[0].resources.limits.cpu");
    }
}
