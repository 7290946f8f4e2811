//! The cross-object index of one lint context: objects by kind, service accounts, and
//! selector look-ups between Services, PDBs, HPAs, NetworkPolicies and workloads.

use std::any::Any;
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use kubeguard_source::Node;

use crate::object::Object;
use crate::selector::{Requirement, Selector};

/// The objects of one lint context (a directory, a stdin stream or a file argument) and
/// look-ups across them.
#[derive(Debug)]
pub struct Context {
    /// The objects, in load order.
    pub objects: Vec<Object>,
    /// Unique for the process's lifetime.
    id: u64,
    by_kind: HashMap<String, Vec<usize>>,
    service_accounts: HashSet<(Option<String>, String)>,
    workloads: Vec<usize>,
    pod_owners_by_namespace: HashMap<Option<String>, Vec<usize>>,
    by_kind_name: HashMap<(String, String), Vec<usize>>,
    /// Pod owners by namespace, then by pod-template label key and value (built on first use).
    pod_label_index: OnceLock<LabelIndex>,
    /// What analyzers derived from the whole context ([`Context::derived`]).
    derived: Derived,
}

/// Values derived from a context, by name; dropped with it.
#[derive(Default)]
struct Derived(Mutex<HashMap<(&'static str, u64), DerivedValue>>);

type DerivedValue = Arc<dyn Any + Send + Sync>;

impl std::fmt::Debug for Derived {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .keys()
            .map(|(name, _)| *name)
            .collect();
        f.debug_tuple("Derived").field(&names).finish()
    }
}

type LabelIndex = HashMap<Option<String>, HashMap<String, HashMap<String, Vec<usize>>>>;

impl Default for Context {
    fn default() -> Self {
        Context::new(Vec::new())
    }
}

impl Context {
    /// Indexes `objects`.
    pub fn new(objects: Vec<Object>) -> Context {
        let mut by_kind: HashMap<String, Vec<usize>> = HashMap::new();
        let mut service_accounts = HashSet::new();
        let mut workloads = Vec::new();
        let mut pod_owners_by_namespace: HashMap<Option<String>, Vec<usize>> = HashMap::new();
        let mut by_kind_name: HashMap<(String, String), Vec<usize>> = HashMap::new();
        for (i, o) in objects.iter().enumerate() {
            by_kind_name
                .entry((o.kind.clone(), o.name.clone()))
                .or_default()
                .push(i);
            if o.workload_kind().is_some() {
                pod_owners_by_namespace
                    .entry(o.namespace.clone())
                    .or_default()
                    .push(i);
            }
            by_kind.entry(o.kind.clone()).or_default().push(i);
            if o.kind == "ServiceAccount" && o.group().is_empty() {
                service_accounts.insert((o.namespace.clone(), o.name.clone()));
            }
            if o.is_deployment_like() {
                workloads.push(i);
            }
        }
        static NEXT_ID: AtomicU64 = AtomicU64::new(0);
        Context {
            objects,
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            by_kind,
            service_accounts,
            workloads,
            pod_owners_by_namespace,
            by_kind_name,
            pod_label_index: OnceLock::new(),
            derived: Derived::default(),
        }
    }

    /// A value derived from the whole context (an RBAC resolution, a join of workloads), built
    /// by `build` the first time `name` is asked for and shared by every check of the run that
    /// asks again; it lives as long as the context. `build` runs outside the lock, so two
    /// threads may both build it once (the first stored wins). A name must always be used with
    /// the same type; asking for another type under a used name builds an unshared value.
    pub fn derived<T: Any + Send + Sync>(
        &self,
        name: &'static str,
        build: impl FnOnce() -> T,
    ) -> Arc<T> {
        self.derived_slot(name, 0, build)
    }

    /// [`Context::derived`] under `(name, slot)`: one value per slot (per memo instance, see
    /// [`crate::ObjectMemo`]).
    pub(crate) fn derived_slot<T: Any + Send + Sync>(
        &self,
        name: &'static str,
        slot: u64,
        build: impl FnOnce() -> T,
    ) -> Arc<T> {
        let lock = || {
            self.derived
                .0
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
        };
        if let Some(v) = lock().get(&(name, slot)).cloned()
            && let Ok(v) = v.downcast::<T>()
        {
            return v;
        }
        let built: Arc<T> = Arc::new(build());
        let stored = lock()
            .entry((name, slot))
            .or_insert_with(|| built.clone() as DerivedValue)
            .clone();
        stored.downcast::<T>().unwrap_or(built)
    }

    /// An identifier no other context of this process has.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// The position of `obj` in [`Context::objects`] when it is one of its elements, in
    /// constant time (the address arithmetic is checked against the element found, so an
    /// equal object from elsewhere gives `None`).
    pub fn index_of(&self, obj: &Object) -> Option<usize> {
        let size = std::mem::size_of::<Object>().max(1);
        let offset = (obj as *const Object as usize).checked_sub(self.objects.as_ptr() as usize)?;
        let i = offset / size;
        (offset % size == 0 && self.objects.get(i).is_some_and(|o| std::ptr::eq(o, obj)))
            .then_some(i)
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

    /// Objects of a kind (any group, any namespace) with the given name, in load order.
    pub fn named<'a>(&'a self, kind: &str, name: &str) -> impl Iterator<Item = &'a Object> + 'a {
        self.by_kind_name
            .get(&(kind.to_string(), name.to_string()))
            .map(Vec::as_slice)
            .unwrap_or(&[])
            .iter()
            .map(|&i| &self.objects[i])
    }

    /// Objects that run pods (KubeLinter's `DeploymentLike`), in load order.
    pub fn workloads(&self) -> impl Iterator<Item = &Object> {
        self.workloads.iter().map(|&i| &self.objects[i])
    }

    /// Objects of any group and version with a pod spec (Pods, controllers, CronJobs,
    /// PodTemplates, ...) in `namespace` as written, in load order.
    pub fn pod_owners_in<'a>(
        &'a self,
        namespace: Option<&str>,
    ) -> impl Iterator<Item = &'a Object> + 'a {
        self.pod_owners_by_namespace
            .get(&namespace.map(str::to_string))
            .map(Vec::as_slice)
            .unwrap_or(&[])
            .iter()
            .map(|&i| &self.objects[i])
    }

    /// The pod owners of `namespace` (as [`Context::pod_owners_in`]) whose pod-template labels
    /// `selector` matches, in load order. Selectors with a `key = value` requirement are
    /// answered from a label index instead of a scan of the namespace.
    pub fn pod_owners_matching<'a>(
        &'a self,
        namespace: Option<&str>,
        selector: &'a Selector,
    ) -> Box<dyn Iterator<Item = &'a Object> + 'a> {
        let equals = selector.requirements.iter().find_map(|r| match r {
            Requirement::Equals(k, v) => Some((k.as_str(), v.as_str())),
            _ => None,
        });
        let Some((key, value)) = equals else {
            return Box::new(
                self.pod_owners_in(namespace)
                    .filter(move |o| selector.matches(o.pod_labels())),
            );
        };
        let candidates = self
            .pod_label_index()
            .get(&namespace.map(str::to_string))
            .and_then(|keys| keys.get(key))
            .and_then(|values| values.get(value))
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        Box::new(
            candidates
                .iter()
                .map(|&i| &self.objects[i])
                .filter(move |o| selector.matches(o.pod_labels())),
        )
    }

    fn pod_label_index(&self) -> &LabelIndex {
        self.pod_label_index.get_or_init(|| {
            let mut index: LabelIndex = HashMap::new();
            for (namespace, owners) in &self.pod_owners_by_namespace {
                let by_key = index.entry(namespace.clone()).or_default();
                for &i in owners {
                    for (k, v) in self.objects[i]
                        .pod_labels()
                        .into_iter()
                        .flat_map(|m| m.iter())
                    {
                        if let Some(v) = v.scalar_text() {
                            by_key
                                .entry(k.to_string())
                                .or_default()
                                .entry(v)
                                .or_default()
                                .push(i);
                        }
                    }
                }
            }
            index
        })
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

impl Context {
    fn same_namespace<'a>(
        &'a self,
        kind: &'a str,
        obj: &'a Object,
    ) -> impl Iterator<Item = &'a Object> + 'a {
        self.of_kind(kind)
            .filter(move |o| o.namespace == obj.namespace)
    }

    /// Services of the workload's namespace whose (non-empty) selector matches its pod labels.
    pub fn services_selecting<'a>(
        &'a self,
        workload: &'a Object,
    ) -> impl Iterator<Item = &'a Object> + 'a {
        self.same_namespace("Service", workload).filter(move |svc| {
            svc.root
                .path(&["spec", "selector"])
                .and_then(Node::as_map)
                .filter(|m| !m.is_empty())
                .is_some_and(|m| Selector::from_map(m).matches(workload.pod_labels()))
        })
    }

    /// NetworkPolicies of the workload's namespace whose `podSelector` selects its pods
    /// (an empty selector selects every pod).
    pub fn network_policies_selecting<'a>(
        &'a self,
        workload: &'a Object,
    ) -> impl Iterator<Item = &'a Object> + 'a {
        self.same_namespace("NetworkPolicy", workload)
            .filter(move |np| {
                np.root
                    .path(&["spec", "podSelector"])
                    .and_then(Selector::from_label_selector)
                    .is_some_and(|s| s.matches(workload.pod_labels()))
            })
    }

    /// PodDisruptionBudgets of the workload's namespace whose selector matches its pod labels.
    pub fn pdbs_selecting<'a>(
        &'a self,
        workload: &'a Object,
    ) -> impl Iterator<Item = &'a Object> + 'a {
        self.same_namespace("PodDisruptionBudget", workload)
            .filter(move |pdb| {
                pdb.root
                    .path(&["spec", "selector"])
                    .and_then(Selector::from_label_selector)
                    .is_some_and(|s| s.matches(workload.pod_labels()))
            })
    }

    /// HorizontalPodAutoscalers of the workload's namespace whose `scaleTargetRef` names it.
    pub fn hpas_targeting<'a>(
        &'a self,
        workload: &'a Object,
    ) -> impl Iterator<Item = &'a Object> + 'a {
        self.same_namespace("HorizontalPodAutoscaler", workload)
            .filter(move |hpa| {
                hpa.root.path(&["spec", "scaleTargetRef"]).is_some_and(|r| {
                    r.get("kind").and_then(Node::as_str) == Some(workload.kind.as_str())
                        && r.get("name").and_then(Node::scalar_text).as_deref()
                            == Some(workload.name.as_str())
                })
            })
    }

    /// RoleBindings and ClusterRoleBindings with the ServiceAccount `namespace/name` among their
    /// subjects.
    pub fn bindings_of_service_account<'a>(
        &'a self,
        namespace: &'a str,
        name: &'a str,
    ) -> impl Iterator<Item = &'a Object> + 'a {
        self.of_kind("RoleBinding")
            .chain(self.of_kind("ClusterRoleBinding"))
            .filter(move |b| {
                b.root
                    .get("subjects")
                    .and_then(Node::as_seq)
                    .unwrap_or(&[])
                    .iter()
                    .any(|s| {
                        s.get("kind").and_then(Node::as_str) == Some("ServiceAccount")
                            && s.get("name").and_then(Node::scalar_text).as_deref() == Some(name)
                            && s.get("namespace")
                                .and_then(Node::scalar_text)
                                .or_else(|| b.namespace.clone())
                                .as_deref()
                                == Some(namespace)
                    })
            })
    }
}

#[cfg(test)]
mod tests {

    use super::*;

    fn context(text: &str) -> Context {
        Context::new(Object::parse_all("t.yaml", text).0)
    }

    const OBJECTS: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      serviceAccountName: web\n      containers: [{name: c}]\n---\napiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\nspec: {selector: {app: web}}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: other, namespace: shop}\nspec: {selector: {app: db}}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: elsewhere}\nspec: {selector: {app: web}}\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: all, namespace: shop}\nspec: {podSelector: {}}\n---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: web, namespace: shop}\nspec: {selector: {matchLabels: {app: web}}, minAvailable: 1}\n---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: web, namespace: shop}\nspec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}}\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: web, namespace: shop}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: rb, namespace: shop}\nsubjects: [{kind: ServiceAccount, name: web}]\nroleRef: {kind: Role, name: r, apiGroup: rbac.authorization.k8s.io}\n";

    #[test]
    fn derived_values_are_built_once_per_context() {
        let ctx = context("kind: A\napiVersion: v1\nmetadata: {name: a}\n");
        let other = context("kind: A\napiVersion: v1\nmetadata: {name: a}\n");
        let builds = std::cell::Cell::new(0);
        let count = |c: &Context| {
            c.derived("count", || {
                builds.set(builds.get() + 1);
                c.objects.len()
            })
        };
        assert_eq!(*count(&ctx), 1);
        assert_eq!(*count(&ctx), 1);
        assert_eq!(builds.get(), 1);
        assert_eq!(*count(&other), 1);
        assert_eq!(builds.get(), 2);
        // Another type under a used name is built, not mistaken for the stored value.
        assert_eq!(*ctx.derived("count", || "text"), "text");
        assert_eq!(*count(&ctx), 1);
        assert_eq!(builds.get(), 2);
    }

    #[test]
    fn objects_are_found_by_address() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: b}\n";
        let ctx = context(text);
        assert_eq!(ctx.index_of(&ctx.objects[0]), Some(0));
        assert_eq!(ctx.index_of(&ctx.objects[1]), Some(1));
        let other = context(text);
        assert_eq!(ctx.index_of(&other.objects[1]), None);
        assert_ne!(ctx.id(), other.id());
    }

    #[test]
    fn pod_owners_matching_agrees_with_a_scan() {
        let text = "kind: Pod\napiVersion: v1\nmetadata: {name: a, namespace: x, labels: {app: web, tier: 1}}\n---\nkind: Deployment\napiVersion: apps/v1\nmetadata: {name: b, namespace: x}\nspec: {template: {metadata: {labels: {app: web, tier: 2}}}}\n---\nkind: Deployment\napiVersion: apps/v1\nmetadata: {name: c}\nspec: {template: {metadata: {labels: {app: web, tier: 1}}}}\n---\nkind: Pod\napiVersion: v1\nmetadata: {name: d, namespace: x}\n";
        let ctx = context(text);
        let selectors = [
            "{matchLabels: {app: web}}",
            "{matchLabels: {app: web, tier: '1'}}",
            "{matchLabels: {tier: 1}}",
            "{matchLabels: {app: db}}",
            "{matchExpressions: [{key: tier, operator: In, values: ['2']}]}",
            "{matchExpressions: [{key: app, operator: DoesNotExist}]}",
            "{}",
        ];
        for namespace in [Some("x"), None, Some("y")] {
            for text in selectors {
                let node = kubeguard_source::parse_documents(text, &Default::default())
                    .remove(0)
                    .expect("selector")
                    .root;
                let selector = Selector::from_label_selector(&node).expect("valid");
                let indexed: Vec<&str> = ctx
                    .pod_owners_matching(namespace, &selector)
                    .map(|o| o.name.as_str())
                    .collect();
                let scanned: Vec<&str> = ctx
                    .pod_owners_in(namespace)
                    .filter(|o| selector.matches(o.pod_labels()))
                    .map(|o| o.name.as_str())
                    .collect();
                assert_eq!(indexed, scanned, "{namespace:?} {text}");
            }
        }
        let all = Selector::default();
        assert_eq!(ctx.pod_owners_matching(Some("x"), &all).count(), 3);
    }

    #[test]
    fn cross_object_lookups() {
        let ctx = context(OBJECTS);
        let web = ctx.workloads().next().expect("workload");
        let names = |it: Vec<&Object>| {
            it.iter()
                .map(|o| format!("{}/{}", o.kind, o.name))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            names(ctx.services_selecting(web).collect()),
            ["Service/web"]
        );
        assert_eq!(
            names(ctx.network_policies_selecting(web).collect()),
            ["NetworkPolicy/all"]
        );
        assert_eq!(
            names(ctx.pdbs_selecting(web).collect()),
            ["PodDisruptionBudget/web"]
        );
        assert_eq!(
            names(ctx.hpas_targeting(web).collect()),
            ["HorizontalPodAutoscaler/web"]
        );
        assert_eq!(
            names(ctx.bindings_of_service_account("shop", "web").collect()),
            ["RoleBinding/rb"]
        );
        assert!(
            ctx.bindings_of_service_account("elsewhere", "web")
                .next()
                .is_none()
        );
        assert!(ctx.has_service_account(Some("shop"), "web"));
        assert!(!ctx.has_service_account(None, "web"));
        assert_eq!(ctx.of_kind("Service").count(), 3);
        assert_eq!(ctx.pod_owners_in(Some("shop")).count(), 1);
        assert_eq!(ctx.pod_owners_in(None).count(), 0);
        assert_eq!(ctx.named("Service", "web").count(), 2);
        assert_eq!(ctx.named("Service", "nope").count(), 0);
    }
}
