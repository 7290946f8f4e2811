//! audit.k8s.io Policy files (and the policies RKE embeds or writes): every rule with its level
//! and what it matches, so that a policy logging nothing (`level: None` only) is recognised.

use kubeguard_source::Node;

use crate::model::{At, Doc};

/// An audit policy.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    /// Where the policy is (its root, or the setting that makes the platform write it).
    pub at: At,
    /// The rules in order (the first matching rule decides an event's level).
    pub rules: Vec<Rule>,
    /// A short description of where it comes from, for messages.
    pub origin: String,
}

/// One policy rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// `None`, `Metadata`, `Request` or `RequestResponse` (as written).
    pub level: String,
    /// Where the rule is.
    pub at: At,
    /// The resources it names (`secrets`, `configmaps`, ...); empty when it names none.
    pub resources: Vec<String>,
    /// Whether the rule matches every request (no users, groups, verbs, resources,
    /// namespaces or non-resource URLs restriction).
    pub catch_all: bool,
}

impl Policy {
    /// Reads a Policy mapping; `field` is the dotted path of `node` in its document.
    pub fn from_node(doc: &Doc, node: &Node, field: &str, origin: &str) -> Policy {
        let prefix = |s: &str| {
            if field.is_empty() {
                s.to_string()
            } else {
                format!("{field}.{s}")
            }
        };
        let mut rules = Vec::new();
        if let Some(items) = node.get("rules").and_then(Node::as_seq) {
            for (i, r) in items.iter().enumerate() {
                let level = r
                    .get("level")
                    .and_then(Node::scalar_text)
                    .unwrap_or_default();
                let mut resources = Vec::new();
                if let Some(groups) = r.get("resources").and_then(Node::as_seq) {
                    for g in groups {
                        match g.get("resources").and_then(Node::as_seq) {
                            Some(names) => {
                                resources.extend(names.iter().filter_map(Node::scalar_text));
                            }
                            None => resources.push("*".to_string()),
                        }
                    }
                }
                let restricted = [
                    "users",
                    "userGroups",
                    "verbs",
                    "resources",
                    "namespaces",
                    "nonResourceURLs",
                ]
                .iter()
                .any(|k| {
                    r.get(k)
                        .and_then(Node::as_seq)
                        .is_some_and(|s| !s.is_empty())
                });
                rules.push(Rule {
                    level,
                    at: doc.at(r, prefix(&format!("rules[{i}]"))),
                    resources,
                    catch_all: !restricted,
                });
            }
        }
        Policy {
            at: doc.at(node, field),
            rules,
            origin: origin.to_string(),
        }
    }

    /// A policy the platform writes itself (not in any input), reported at `at`.
    pub fn synthetic(at: At, levels: &[&str], origin: &str) -> Policy {
        Policy {
            rules: levels
                .iter()
                .map(|l| Rule {
                    level: (*l).to_string(),
                    at: at.clone(),
                    resources: Vec::new(),
                    catch_all: true,
                })
                .collect(),
            at,
            origin: origin.to_string(),
        }
    }

    /// Whether some rule logs something.
    pub fn logs_anything(&self) -> bool {
        self.rules.iter().any(|r| r.level != "None")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::parse_yaml;

    #[test]
    fn reads_rules_levels_and_resources() {
        let docs = parse_yaml(
            "p.yaml",
            "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: None\n  users: [system:kube-proxy]\n- level: RequestResponse\n  resources:\n  - group: \"\"\n    resources: [secrets]\n- level: Metadata\n",
        )
        .0;
        let p = Policy::from_node(&docs[0], &docs[0].root, "", "p.yaml");
        assert_eq!(p.rules.len(), 3);
        assert_eq!(p.rules[1].resources, vec!["secrets"]);
        assert!(!p.rules[0].catch_all && p.rules[2].catch_all);
        assert_eq!(p.rules[1].at.loc.as_ref().map(|l| l.start.line), Some(6));
        assert!(p.logs_anything());
        let none = Policy::synthetic(At::default(), &["None"], "default");
        assert!(!none.logs_anything());
    }
}
