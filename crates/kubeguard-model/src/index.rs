//! The cross-object index of one lint context: objects by kind, service accounts, and
//! selector look-ups between Services, PDBs, HPAs, NetworkPolicies and workloads.

use std::collections::{HashMap, HashSet};

use kubeguard_source::Node;

use crate::object::Object;
use crate::selector::Selector;

/// The objects of one lint context (a directory, a stdin stream or a file argument) and
/// look-ups across them.
#[derive(Debug, Default)]
pub struct Context {
    /// The objects, in load order.
    pub objects: Vec<Object>,
    by_kind: HashMap<String, Vec<usize>>,
    service_accounts: HashSet<(Option<String>, String)>,
    workloads: Vec<usize>,
}

impl Context {
    /// Indexes `objects`.
    pub fn new(objects: Vec<Object>) -> Context {
        let mut by_kind: HashMap<String, Vec<usize>> = HashMap::new();
        let mut service_accounts = HashSet::new();
        let mut workloads = Vec::new();
        for (i, o) in objects.iter().enumerate() {
            by_kind.entry(o.kind.clone()).or_default().push(i);
            if o.kind == "ServiceAccount" && o.group().is_empty() {
                service_accounts.insert((o.namespace.clone(), o.name.clone()));
            }
            if o.is_deployment_like() {
                workloads.push(i);
            }
        }
        Context {
            objects,
            by_kind,
            service_accounts,
            workloads,
        }
    }

    /// Objects of a kind (any group), in load order.
    pub fn of_kind<'a>(&'a self, kind: &str) -> impl Iterator<Item = &'a Object> + 'a {
        self.by_kind
            .get(kind)
            .map(Vec::as_slice)
            .unwrap_or(&[])
            .iter()
            .map(|&i| &self.objects[i])
    }

    /// Objects that run pods (KubeLinter's `DeploymentLike`), in load order.
    pub fn workloads(&self) -> impl Iterator<Item = &Object> {
        self.workloads.iter().map(|&i| &self.objects[i])
    }

    /// Whether a ServiceAccount `name` exists in `namespace` (compared as written: an absent
    /// namespace only equals an absent namespace, as KubeLinter compares).
    pub fn has_service_account(&self, namespace: Option<&str>, name: &str) -> bool {
        self.service_accounts
            .contains(&(namespace.map(str::to_string), name.to_string()))
    }

    /// Workloads in `namespace` whose pod labels `selector` matches.
    pub fn workloads_selected<'a>(
        &'a self,
        namespace: Option<&'a str>,
        selector: &'a Selector,
    ) -> impl Iterator<Item = &'a Object> + 'a {
        self.workloads().filter(move |w| {
            w.namespace.as_deref() == namespace && selector.matches(w.pod_labels())
        })
    }

    /// The object a `scaleTargetRef`-style reference (`kind`, `name`, optional `apiVersion`)
    /// points at, in `namespace`.
    pub fn find_ref(&self, namespace: Option<&str>, reference: &Node) -> Option<&Object> {
        let kind = reference.get("kind").and_then(Node::as_str)?;
        let name = reference.get("name").and_then(Node::scalar_text)?;
        self.of_kind(kind)
            .find(|o| o.name == name && o.namespace.as_deref() == namespace)
    }
}
