//! Label selectors: `matchLabels` + `matchExpressions` (In, NotIn, Exists, DoesNotExist) and
//! the plain map selectors of Services and ReplicationControllers.

use std::borrow::Cow;
use std::collections::BTreeMap;

use kubeguard_source::{Map, Node};

/// One requirement of a selector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Requirement {
    /// `key = value` (matchLabels / map selectors).
    Equals(String, String),
    /// `key in (values)`.
    In(String, Vec<String>),
    /// `key notin (values)`: matches when the label is absent too.
    NotIn(String, Vec<String>),
    /// `key` exists.
    Exists(String),
    /// `!key`.
    DoesNotExist(String),
}

/// A parsed selector: all requirements must hold. An empty selector matches everything;
/// `None` from the constructors means a selector that matches nothing (invalid operator).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Selector {
    /// The requirements.
    pub requirements: Vec<Requirement>,
}

impl Selector {
    /// From a plain map selector (`Service.spec.selector`).
    pub fn from_map(map: &Map) -> Selector {
        Selector {
            requirements: map
                .iter()
                .map(|(k, v)| {
                    Requirement::Equals(k.to_string(), v.scalar_text().unwrap_or_default())
                })
                .collect(),
        }
    }

    /// From a `LabelSelector` (`matchLabels`, `matchExpressions`). `None` when an operator is
    /// unknown (Kubernetes rejects such selectors).
    pub fn from_label_selector(node: &Node) -> Option<Selector> {
        let mut sel = node
            .get("matchLabels")
            .and_then(Node::as_map)
            .map(Selector::from_map)
            .unwrap_or_default();
        for expr in node
            .get("matchExpressions")
            .and_then(Node::as_seq)
            .unwrap_or(&[])
        {
            let key = expr
                .get("key")
                .and_then(Node::scalar_text)
                .unwrap_or_default();
            let values: Vec<String> = expr
                .get("values")
                .and_then(Node::as_seq)
                .unwrap_or(&[])
                .iter()
                .filter_map(Node::scalar_text)
                .collect();
            let op = expr.get("operator").and_then(Node::as_str).unwrap_or("");
            sel.requirements.push(match op {
                "In" => Requirement::In(key, values),
                "NotIn" => Requirement::NotIn(key, values),
                "Exists" => Requirement::Exists(key),
                "DoesNotExist" => Requirement::DoesNotExist(key),
                _ => return None,
            });
        }
        Some(sel)
    }

    /// Whether there is no requirement (matches everything).
    pub fn is_empty(&self) -> bool {
        self.requirements.is_empty()
    }

    /// Whether `labels` satisfy every requirement.
    pub fn matches(&self, labels: Option<&Map>) -> bool {
        self.matches_with(|k| labels.and_then(|m| m.get(k)).and_then(Node::scalar_cow))
    }

    /// Whether a plain label set satisfies every requirement (`labels.Selector.Matches` on a
    /// `labels.Set`).
    pub fn matches_labels(&self, labels: &BTreeMap<String, String>) -> bool {
        self.matches_with(|k| labels.get(k).map(|v| Cow::Borrowed(v.as_str())))
    }

    /// Whether every requirement holds, with `get` giving a label's value.
    fn matches_with<'l>(&self, get: impl Fn(&str) -> Option<Cow<'l, str>>) -> bool {
        self.requirements.iter().all(|r| match r {
            Requirement::Equals(k, v) => get(k).as_deref() == Some(v.as_str()),
            Requirement::In(k, vs) => get(k).is_some_and(|x| vs.iter().any(|v| *v == *x)),
            Requirement::NotIn(k, vs) => get(k).is_none_or(|x| !vs.iter().any(|v| *v == *x)),
            Requirement::Exists(k) => get(k).is_some(),
            Requirement::DoesNotExist(k) => get(k).is_none(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kubeguard_source::{Limits, parse_documents};

    fn node(t: &str) -> Node {
        parse_documents(t, &Limits::default())
            .remove(0)
            .expect("ok")
            .root
    }

    #[test]
    fn label_selector_semantics() {
        let labels = node("app: web\ntier: front\n");
        let labels = labels.as_map();
        let s = Selector::from_label_selector(&node("matchLabels: {app: web}\nmatchExpressions:\n- {key: tier, operator: In, values: [front, back]}\n- {key: env, operator: NotIn, values: [prod]}\n- {key: gone, operator: DoesNotExist}\n")).expect("valid");
        assert!(s.matches(labels));
        let set: BTreeMap<String, String> = [("app", "web"), ("tier", "front")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert!(s.matches_labels(&set));
        assert!(!s.matches_labels(&BTreeMap::new()));
        let s = Selector::from_label_selector(&node(
            "matchExpressions:\n- {key: env, operator: Exists}\n",
        ))
        .expect("valid");
        assert!(!s.matches(labels));
        assert!(
            Selector::from_label_selector(&node(
                "matchExpressions:\n- {key: env, operator: Bogus}\n"
            ))
            .is_none()
        );
        assert!(Selector::default().matches(None));
        let m = node("app: web\n");
        assert!(Selector::from_map(m.as_map().expect("map")).matches(labels));
        assert!(!Selector::from_map(m.as_map().expect("map")).matches(None));
    }
}
