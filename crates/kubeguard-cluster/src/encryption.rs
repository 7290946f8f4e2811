//! EncryptionConfiguration (apiserver.config.k8s.io/v1): for each resource group, every
//! provider in order. The first provider encrypts new writes, so `identity` first means the
//! resources are stored in plain text whatever follows.

use kubeguard_source::Node;

use crate::model::{At, Doc};
use crate::secrets::Secret;

/// An EncryptionConfiguration.
#[derive(Debug, Clone, PartialEq)]
pub struct Encryption {
    /// Where it is.
    pub at: At,
    /// The resource groups in order.
    pub resources: Vec<Resources>,
    /// Where it comes from, for messages.
    pub origin: String,
}

/// One `resources[]` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Resources {
    /// The resources it covers (`secrets`, `*.*`).
    pub names: Vec<String>,
    /// The providers in order.
    pub providers: Vec<Provider>,
    /// Where the entry is.
    pub at: At,
}

/// One provider.
#[derive(Debug, Clone, PartialEq)]
pub struct Provider {
    /// `identity`, `aescbc`, `aesgcm`, `secretbox`, `kms` (or an unknown name, as written).
    pub kind: String,
    /// Where it is.
    pub at: At,
    /// Its keys (`aescbc`, `aesgcm`, `secretbox`).
    pub keys: Vec<ProviderKey>,
    /// `kms`: the `apiVersion` of the KMS plugin API (`v1` when unset, `v2`).
    pub kms_version: Option<String>,
}

/// One key of a provider.
#[derive(Debug, Clone, PartialEq)]
pub struct ProviderKey {
    /// The key's name.
    pub name: String,
    /// Length in bytes of the base64-decoded secret (`None`: not valid base64).
    pub decoded_len: Option<usize>,
    /// The secret itself, written inline.
    pub secret: Option<Secret>,
}

impl Encryption {
    /// Reads an EncryptionConfiguration mapping; `field` is the dotted path of `node`.
    pub fn from_node(doc: &Doc, node: &Node, field: &str, origin: &str) -> Encryption {
        let join = |s: String| {
            if field.is_empty() {
                s
            } else {
                format!("{field}.{s}")
            }
        };
        let mut resources = Vec::new();
        for (i, r) in node
            .get("resources")
            .and_then(Node::as_seq)
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            let rf = join(format!("resources[{i}]"));
            let names = r
                .get("resources")
                .and_then(Node::as_seq)
                .unwrap_or_default()
                .iter()
                .filter_map(Node::scalar_text)
                .collect();
            let mut providers = Vec::new();
            for (j, p) in r
                .get("providers")
                .and_then(Node::as_seq)
                .unwrap_or_default()
                .iter()
                .enumerate()
            {
                let Some((kind, body)) = p.as_map().and_then(|m| m.iter().next()) else {
                    continue;
                };
                let pf = format!("{rf}.providers[{j}].{kind}");
                let mut keys = Vec::new();
                for (k, key) in body
                    .get("keys")
                    .and_then(Node::as_seq)
                    .unwrap_or_default()
                    .iter()
                    .enumerate()
                {
                    let secret_node = key.get("secret");
                    let text = secret_node.and_then(Node::scalar_text).unwrap_or_default();
                    keys.push(ProviderKey {
                        name: key
                            .get("name")
                            .and_then(Node::scalar_text)
                            .unwrap_or_default(),
                        decoded_len: base64_len(&text),
                        secret: secret_node.filter(|n| !n.is_null()).map(|n| Secret {
                            at: doc.at(n, format!("{pf}.keys[{k}].secret")),
                            span: n.span,
                            path: doc.path.clone(),
                            what: "encryption key".to_string(),
                        }),
                    });
                }
                providers.push(Provider {
                    kind: kind.to_string(),
                    at: doc.at(p, format!("{rf}.providers[{j}]")),
                    keys,
                    kms_version: (kind == "kms").then(|| {
                        body.get("apiVersion")
                            .and_then(Node::scalar_text)
                            .unwrap_or_else(|| "v1".to_string())
                    }),
                });
            }
            resources.push(Resources {
                names,
                providers,
                at: doc.at(r, rf),
            });
        }
        Encryption {
            at: doc.at(node, field),
            resources,
            origin: origin.to_string(),
        }
    }

    /// The resource entries that cover Secrets (`secrets`, `secrets.`, `*.`, `*.*`).
    pub fn for_secrets(&self) -> impl Iterator<Item = &Resources> {
        self.resources.iter().filter(|r| {
            r.names
                .iter()
                .any(|n| matches!(n.as_str(), "secrets" | "secrets." | "*." | "*.*"))
        })
    }
}

/// Length of standard base64 text once decoded (padding optional), `None` if not base64.
pub fn base64_len(s: &str) -> Option<usize> {
    let s = s.trim();
    let body = s.trim_end_matches('=');
    if s.len() - body.len() > 2
        || body.is_empty()
        || !body
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
    {
        return None;
    }
    match body.len() % 4 {
        1 => None,
        r => Some(body.len() / 4 * 3 + r.saturating_sub(1)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::parse_yaml;

    #[test]
    fn providers_in_order_and_key_lengths() {
        let (docs, _) = parse_yaml(
            "e.yaml",
            "apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n- resources: [secrets]\n  providers:\n  - identity: {}\n  - aescbc:\n      keys:\n      - name: k1\n        secret: c2VjcmV0IGlzIHNlY3VyZQ==\n",
        );
        let e = Encryption::from_node(&docs[0], &docs[0].root, "", "e.yaml");
        let r: Vec<_> = e.for_secrets().collect();
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].providers[0].kind, "identity");
        assert_eq!(r[0].providers[1].keys[0].decoded_len, Some(16));
        assert!(r[0].providers[1].keys[0].secret.is_some());
        assert_eq!(base64_len("YWJj"), Some(3));
        assert_eq!(base64_len("not base64!"), None);
        assert_eq!(base64_len(""), None);
    }
}
