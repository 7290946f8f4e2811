//! AdmissionConfiguration (apiserver.config.k8s.io/v1): the PodSecurity plugin's defaults and
//! exemptions, and the EventRateLimit plugin's limits. A bare PodSecurityConfiguration or
//! EventRateLimit Configuration file is read as a configuration with that one plugin.

use kubeguard_source::Node;

use crate::model::{At, Doc};

/// An admission configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct Admission {
    /// Where it is.
    pub at: At,
    /// The plugins in order.
    pub plugins: Vec<Plugin>,
    /// Where it comes from, for messages.
    pub origin: String,
}

/// One plugin entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Plugin {
    /// `PodSecurity`, `EventRateLimit`, ...
    pub name: String,
    /// Where it is.
    pub at: At,
    /// Its configuration is in another file (`path:`), not read.
    pub path: Option<String>,
    /// PodSecurity's configuration.
    pub pod_security: Option<PodSecurity>,
    /// EventRateLimit's configuration.
    pub event_rate_limit: Option<EventRateLimit>,
}

/// A PodSecurityConfiguration.
#[derive(Debug, Clone, PartialEq)]
pub struct PodSecurity {
    /// Where it is.
    pub at: At,
    /// `defaults.enforce` and where it is (unset means `privileged`).
    pub enforce: Option<(String, At)>,
    /// `exemptions.usernames`.
    pub usernames: Vec<(String, At)>,
    /// `exemptions.namespaces`.
    pub namespaces: Vec<(String, At)>,
    /// `exemptions.runtimeClasses`.
    pub runtime_classes: Vec<(String, At)>,
    /// Keys of `defaults` and `exemptions` the plugin does not know (ignored by older
    /// versions, rejected by newer ones): the key and where it is.
    pub unknown: Vec<(String, At)>,
}

/// An EventRateLimit Configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct EventRateLimit {
    /// Where it is.
    pub at: At,
    /// The limits.
    pub limits: Vec<Limit>,
}

/// One limit.
#[derive(Debug, Clone, PartialEq)]
pub struct Limit {
    /// `Server`, `Namespace`, `User` or `SourceAndObject`.
    pub kind: String,
    /// Queries per second.
    pub qps: Option<i64>,
    /// Burst.
    pub burst: Option<i64>,
    /// Where it is.
    pub at: At,
}

fn join(field: &str, s: &str) -> String {
    if field.is_empty() {
        s.to_string()
    } else {
        format!("{field}.{s}")
    }
}

fn strings(doc: &Doc, node: Option<&Node>, field: &str) -> Vec<(String, At)> {
    node.and_then(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .enumerate()
        .filter_map(|(i, n)| {
            n.scalar_text()
                .map(|s| (s, doc.at(n, format!("{field}[{i}]"))))
        })
        .collect()
}

impl PodSecurity {
    /// Reads a PodSecurityConfiguration mapping.
    pub fn from_node(doc: &Doc, node: &Node, field: &str) -> PodSecurity {
        let enforce = node.path(&["defaults", "enforce"]).and_then(|n| {
            n.scalar_text()
                .map(|s| (s, doc.at(n, join(field, "defaults.enforce"))))
        });
        let ex = node.get("exemptions");
        let sub = |k: &str| {
            strings(
                doc,
                ex.and_then(|e| e.get(k)),
                &join(field, &format!("exemptions.{k}")),
            )
        };
        let mut unknown = Vec::new();
        for (section, known) in [
            (
                "defaults",
                &[
                    "enforce",
                    "enforce-version",
                    "audit",
                    "audit-version",
                    "warn",
                    "warn-version",
                ][..],
            ),
            (
                "exemptions",
                &["usernames", "runtimeClasses", "namespaces"][..],
            ),
        ] {
            if let Some(m) = node.get(section).and_then(Node::as_map) {
                for (k, v) in m.entries.iter() {
                    if !known.contains(&&*k.text) {
                        let mut at = doc.at(v, join(field, &format!("{section}.{}", k.text)));
                        at.loc = Some(doc.loc(k.span));
                        unknown.push((k.text.to_string(), at));
                    }
                }
            }
        }
        PodSecurity {
            at: doc.at(node, field),
            enforce,
            unknown,
            usernames: sub("usernames"),
            namespaces: sub("namespaces"),
            runtime_classes: sub("runtimeClasses"),
        }
    }

    /// The enforced level (`privileged` when unset).
    pub fn level(&self) -> &str {
        self.enforce
            .as_ref()
            .map_or("privileged", |(l, _)| l.as_str())
    }
}

impl EventRateLimit {
    /// Reads an EventRateLimit Configuration mapping.
    pub fn from_node(doc: &Doc, node: &Node, field: &str) -> EventRateLimit {
        let limits = node
            .get("limits")
            .and_then(Node::as_seq)
            .unwrap_or_default()
            .iter()
            .enumerate()
            .map(|(i, l)| Limit {
                kind: l
                    .get("type")
                    .and_then(Node::scalar_text)
                    .unwrap_or_default(),
                qps: l.get("qps").and_then(Node::as_i64),
                burst: l.get("burst").and_then(Node::as_i64),
                at: doc.at(l, join(field, &format!("limits[{i}]"))),
            })
            .collect();
        EventRateLimit {
            at: doc.at(node, field),
            limits,
        }
    }
}

impl Admission {
    /// Reads an AdmissionConfiguration (or a bare PodSecurityConfiguration / EventRateLimit
    /// Configuration) mapping; `field` is the dotted path of `node` in its document.
    pub fn from_node(doc: &Doc, node: &Node, field: &str, origin: &str) -> Admission {
        let kind = node.get("kind").and_then(Node::as_str).unwrap_or_default();
        let api = node
            .get("apiVersion")
            .and_then(Node::as_str)
            .unwrap_or_default();
        let at = doc.at(node, field);
        let mut plugins = Vec::new();
        if kind == "PodSecurityConfiguration" {
            plugins.push(Plugin {
                name: "PodSecurity".into(),
                at: at.clone(),
                path: None,
                pod_security: Some(PodSecurity::from_node(doc, node, field)),
                event_rate_limit: None,
            });
        } else if kind == "Configuration" && api.starts_with("eventratelimit.") {
            plugins.push(Plugin {
                name: "EventRateLimit".into(),
                at: at.clone(),
                path: None,
                pod_security: None,
                event_rate_limit: Some(EventRateLimit::from_node(doc, node, field)),
            });
        } else {
            for (i, p) in node
                .get("plugins")
                .and_then(Node::as_seq)
                .unwrap_or_default()
                .iter()
                .enumerate()
            {
                let pf = join(field, &format!("plugins[{i}]"));
                let name = p
                    .get("name")
                    .and_then(Node::scalar_text)
                    .unwrap_or_default();
                let conf = p.get("configuration").filter(|c| c.as_map().is_some());
                let cf = format!("{pf}.configuration");
                plugins.push(Plugin {
                    pod_security: (name == "PodSecurity")
                        .then(|| conf.map(|c| PodSecurity::from_node(doc, c, &cf)))
                        .flatten(),
                    event_rate_limit: (name == "EventRateLimit")
                        .then(|| conf.map(|c| EventRateLimit::from_node(doc, c, &cf)))
                        .flatten(),
                    path: p.get("path").and_then(Node::scalar_text),
                    name,
                    at: doc.at(p, pf),
                });
            }
        }
        Admission {
            at,
            plugins,
            origin: origin.to_string(),
        }
    }

    /// The PodSecurity plugin entry.
    pub fn pod_security(&self) -> Option<&Plugin> {
        self.plugins.iter().find(|p| p.name == "PodSecurity")
    }

    /// The EventRateLimit plugin entry.
    pub fn event_rate_limit(&self) -> Option<&Plugin> {
        self.plugins.iter().find(|p| p.name == "EventRateLimit")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::parse_yaml;

    #[test]
    fn reads_pod_security_and_event_rate_limit() {
        let (docs, _) = parse_yaml(
            "a.yaml",
            "apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins:\n- name: PodSecurity\n  configuration:\n    defaults:\n      enforce: baseline\n    exemptions:\n      usernames: [admin]\n      namespaces: [kube-system]\n- name: EventRateLimit\n  configuration:\n    limits:\n    - type: Server\n      qps: 50\n      burst: 100\n",
        );
        let a = Admission::from_node(&docs[0], &docs[0].root, "", "a.yaml");
        let ps = a
            .pod_security()
            .and_then(|p| p.pod_security.as_ref())
            .unwrap();
        assert_eq!(ps.level(), "baseline");
        assert_eq!(ps.usernames[0].0, "admin");
        let erl = a
            .event_rate_limit()
            .and_then(|p| p.event_rate_limit.as_ref())
            .unwrap();
        assert_eq!(
            (erl.limits[0].qps, erl.limits[0].burst),
            (Some(50), Some(100))
        );
        assert_eq!(erl.limits[0].at.field, "plugins[1].configuration.limits[0]");
    }
}
