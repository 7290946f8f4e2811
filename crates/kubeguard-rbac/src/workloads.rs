//! The workload join: for each workload, the ServiceAccount its pods run as, whether its API
//! token is mounted, and what that token can do.
//!
//! - The ServiceAccount is `spec.serviceAccountName` of the pod spec (else the deprecated
//!   `serviceAccount`), `default` when unset, in the workload's namespace (`default` when
//!   unset).
//! - The token is mounted unless the pod spec sets `automountServiceAccountToken: false`, or
//!   leaves it unset and the ServiceAccount (when among the inputs) sets it to `false`: the
//!   pod spec wins over the ServiceAccount, as in the kubelet's admission.
//! - The permission level is the highest of the rules the ServiceAccount's identity (with its
//!   implicit groups `system:serviceaccounts`, `system:serviceaccounts:<ns>`,
//!   `system:authenticated`) is granted ([`PermissionLevel`]).
//!
//! Pure: computed from the objects and their [`Rbac`] only.

use std::collections::HashMap;
use std::sync::Arc;

use kubeguard_model::{Context, FieldRef, Object, Seg, locate};
use kubeguard_source::{Location, Node};

use crate::analysis::Rbac;
use crate::model::{DEFAULT_NAMESPACE, PolicyRule};
use crate::query::Grant;
use crate::request::Scope;
use crate::subject::Subject;

/// What a ServiceAccount's token can do, from least to most.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PermissionLevel {
    /// No rule applies.
    None,
    /// Only read verbs (`get`, `list`, `watch`), through RoleBindings.
    NamespaceRead,
    /// Some other verb, through RoleBindings.
    NamespaceWrite,
    /// Only read verbs through a ClusterRoleBinding (in every namespace).
    ClusterRead,
    /// Some other verb through a ClusterRoleBinding.
    ClusterWrite,
    /// Every verb on every resource of every API group through a ClusterRoleBinding: what
    /// `cluster-admin` grants.
    ClusterAdminEquivalent,
}

impl PermissionLevel {
    /// `none`, `namespace-read`, `namespace-write`, `cluster-read`, `cluster-write`,
    /// `cluster-admin-equivalent`.
    pub fn id(self) -> &'static str {
        match self {
            PermissionLevel::None => "none",
            PermissionLevel::NamespaceRead => "namespace-read",
            PermissionLevel::NamespaceWrite => "namespace-write",
            PermissionLevel::ClusterRead => "cluster-read",
            PermissionLevel::ClusterWrite => "cluster-write",
            PermissionLevel::ClusterAdminEquivalent => "cluster-admin-equivalent",
        }
    }

    /// The level one rule grants through a binding that applies cluster-wide or not.
    pub fn of_rule(rule: &PolicyRule, cluster_wide: bool) -> PermissionLevel {
        let star = |l: &[String]| l.iter().any(|s| s == "*");
        if cluster_wide && star(&rule.verbs) && star(&rule.api_groups) && star(&rule.resources) {
            return PermissionLevel::ClusterAdminEquivalent;
        }
        if rule.verbs.is_empty() || (rule.resources.is_empty() && rule.non_resource_urls.is_empty())
        {
            return PermissionLevel::None;
        }
        let write = rule
            .verbs
            .iter()
            .any(|v| !matches!(v.as_str(), "get" | "list" | "watch"));
        match (cluster_wide, write) {
            (false, false) => PermissionLevel::NamespaceRead,
            (false, true) => PermissionLevel::NamespaceWrite,
            (true, false) => PermissionLevel::ClusterRead,
            (true, true) => PermissionLevel::ClusterWrite,
        }
    }
}

/// Why the token is mounted or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenSource {
    /// The pod spec sets `automountServiceAccountToken`.
    PodSpec,
    /// The ServiceAccount sets it (the pod spec does not).
    ServiceAccount,
    /// Neither sets it: Kubernetes mounts the token.
    Default,
}

impl TokenSource {
    /// `pod-spec`, `service-account`, `default`.
    pub fn id(self) -> &'static str {
        match self {
            TokenSource::PodSpec => "pod-spec",
            TokenSource::ServiceAccount => "service-account",
            TokenSource::Default => "default",
        }
    }
}

/// The grant that gives a workload its permission level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LevelSource {
    /// `ClusterRoleBinding admins`.
    pub binding: String,
    /// Where the binding's subject entry is.
    pub binding_location: Option<Location>,
    /// `ClusterRole cluster-admin rules[0]`.
    pub rule: String,
    /// Where the rule is.
    pub rule_location: Option<Location>,
}

/// One workload joined with its ServiceAccount and permissions.
#[derive(Debug, Clone)]
pub struct WorkloadAccess<'a> {
    /// The workload (anything with a pod spec).
    pub object: &'a Object,
    /// Its namespace (`default` when unset).
    pub namespace: String,
    /// The ServiceAccount name (`default` when unset).
    pub service_account: String,
    /// Whether the pod spec names the ServiceAccount.
    pub explicit: bool,
    /// `serviceAccountName` (or `serviceAccount`), or the pod spec when unset.
    pub service_account_field: FieldRef,
    /// The ServiceAccount object, when among the inputs.
    pub service_account_object: Option<&'a Object>,
    /// Whether the API token is mounted.
    pub token_mounted: bool,
    /// What decides it.
    pub token_source: TokenSource,
    /// What the token can do.
    pub level: PermissionLevel,
    /// The first grant reaching `level` (`None` for [`PermissionLevel::None`]).
    pub level_source: Option<LevelSource>,
    /// How many rules apply to the ServiceAccount.
    pub rules: usize,
    /// Every workload running as the same ServiceAccount, this one included (indexes into
    /// the result, ascending; one list shared by the whole group).
    pub sharing: Arc<[usize]>,
}

/// The level of an identity's grants, with the first grant reaching it.
pub fn level_of(grants: &[Grant<'_>]) -> (PermissionLevel, Option<LevelSource>) {
    let mut best = PermissionLevel::None;
    let mut source = None;
    for g in grants {
        let level = PermissionLevel::of_rule(&g.rule.policy, g.namespace.is_none());
        if level > best {
            best = level;
            source = Some(LevelSource {
                binding: g.binding.label(),
                binding_location: g.subject.location.clone(),
                rule: format!("{} {}", g.rule_role.label(), g.rule.field),
                rule_location: g.rule.location.clone(),
            });
        }
    }
    (best, source)
}

/// Every workload of `ctx` (objects with a pod spec, in load order) joined with its
/// ServiceAccount, token mount and permission level under `rbac`.
pub fn workload_access<'a>(ctx: &'a Context, rbac: &Rbac<'_>) -> Vec<WorkloadAccess<'a>> {
    let mut out: Vec<WorkloadAccess<'a>> = Vec::new();
    let mut levels: HashMap<(String, String), (PermissionLevel, Option<LevelSource>, usize)> =
        HashMap::new();
    for obj in ctx.workloads() {
        let Some(spec) = obj.pod_spec() else {
            continue;
        };
        let namespace = obj
            .namespace
            .clone()
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| DEFAULT_NAMESPACE.to_string());
        let (service_account, explicit, service_account_field) = match spec.service_account() {
            Some((name, node)) => {
                let key = if spec
                    .node
                    .get("serviceAccountName")
                    .is_some_and(|n| std::ptr::eq(n, node))
                {
                    "serviceAccountName"
                } else {
                    "serviceAccount"
                };
                (
                    name,
                    true,
                    locate(&obj.root, "", &field_segs(spec.path, key)),
                )
            }
            None => (
                "default".to_string(),
                false,
                locate(&obj.root, "", &field_segs(spec.path, "")),
            ),
        };
        let service_account_object = ctx.named("ServiceAccount", &service_account).find(|a| {
            a.api_version == "v1"
                && a.namespace
                    .as_deref()
                    .filter(|n| !n.is_empty())
                    .unwrap_or(DEFAULT_NAMESPACE)
                    == namespace
        });
        let automount = |n: &Node| {
            n.get("automountServiceAccountToken")
                .and_then(Node::as_bool)
        };
        let (token_mounted, token_source) = match automount(spec.node) {
            Some(b) => (b, TokenSource::PodSpec),
            None => match service_account_object.and_then(|a| automount(&a.root)) {
                Some(b) => (b, TokenSource::ServiceAccount),
                None => (true, TokenSource::Default),
            },
        };
        let (level, level_source, rules) = levels
            .entry((namespace.clone(), service_account.clone()))
            .or_insert_with(|| {
                let identity = Subject::ServiceAccount {
                    namespace: namespace.clone(),
                    name: service_account.clone(),
                }
                .identity();
                let grants = rbac.rules_for(&identity, &Scope::Namespace(namespace.clone()));
                let (level, source) = level_of(&grants);
                (level, source, grants.len())
            })
            .clone();
        out.push(WorkloadAccess {
            object: obj,
            namespace,
            service_account,
            explicit,
            service_account_field,
            service_account_object,
            token_mounted,
            token_source,
            level,
            level_source,
            rules,
            sharing: Arc::from([]),
        });
    }
    let mut by_account: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
    for (i, w) in out.iter().enumerate() {
        by_account
            .entry((&w.namespace, &w.service_account))
            .or_default()
            .push(i);
    }
    let groups: Vec<Arc<[usize]>> = by_account.into_values().map(Arc::from).collect();
    for group in groups {
        for &i in group.iter() {
            out[i].sharing = group.clone();
        }
    }
    out
}

/// The segments of `<pod spec path>.<key>` (`spec.template.spec.serviceAccountName`).
fn field_segs<'k>(spec_path: &'k str, key: &'k str) -> Vec<Seg<'k>> {
    spec_path
        .split('.')
        .chain((!key.is_empty()).then_some(key))
        .filter(|s| !s.is_empty())
        .map(Seg::Key)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Options;

    fn run(text: &str) -> Vec<String> {
        let (objects, errors) = Object::parse_all("w.yaml", text);
        assert!(errors.is_empty(), "{errors:?}");
        let ctx = Context::new(objects);
        let rbac = Rbac::new(&ctx, &Options::default());
        workload_access(&ctx, &rbac)
            .iter()
            .map(|w| {
                format!(
                    "{} {}/{} explicit={} token={}({}) level={} rules={} sharing={:?} field={}",
                    w.object.name,
                    w.namespace,
                    w.service_account,
                    w.explicit,
                    w.token_mounted,
                    w.token_source.id(),
                    w.level.id(),
                    w.rules,
                    w.sharing,
                    w.service_account_field.path
                )
            })
            .collect()
    }

    const DEPLOY: &str = "apiVersion: apps/v1\nkind: Deployment\n";

    #[test]
    fn service_account_defaults_tokens_and_levels() {
        let text = format!(
            "{DEPLOY}metadata: {{name: a, namespace: shop}}
spec: {{template: {{spec: {{containers: [{{name: c, image: i}}]}}}}}}
---
{DEPLOY}metadata: {{name: b, namespace: shop}}
spec: {{template: {{spec: {{serviceAccountName: web, containers: [{{name: c, image: i}}]}}}}}}
---
{DEPLOY}metadata: {{name: c, namespace: shop}}
spec: {{template: {{spec: {{serviceAccountName: web, automountServiceAccountToken: true, containers: [{{name: c, image: i}}]}}}}}}
---
{DEPLOY}metadata: {{name: d, namespace: ops}}
spec: {{template: {{spec: {{serviceAccount: admin, containers: [{{name: c, image: i}}]}}}}}}
---
apiVersion: v1
kind: ServiceAccount
metadata: {{name: web, namespace: shop}}
automountServiceAccountToken: false
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {{name: web-view, namespace: shop}}
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}}
subjects: [{{kind: ServiceAccount, name: web}}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {{name: admin}}
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}}
subjects: [{{kind: ServiceAccount, name: admin, namespace: ops}}]
"
        );
        let got = run(&text);
        assert_eq!(
            got[0],
            "a shop/default explicit=false token=true(default) level=none rules=0 sharing=[0] field=spec.template.spec"
        );
        assert!(got[1].starts_with(
            "b shop/web explicit=true token=false(service-account) level=namespace-read"
        ));
        assert!(got[1].ends_with("sharing=[1, 2] field=spec.template.spec.serviceAccountName"));
        assert!(got[2].starts_with("c shop/web explicit=true token=true(pod-spec)"));
        assert!(got[3].starts_with(
            "d ops/admin explicit=true token=true(default) level=cluster-admin-equivalent rules=2"
        ));
        assert!(got[3].ends_with("field=spec.template.spec.serviceAccount"));
    }

    #[test]
    fn levels_order_and_rule_classification() {
        let rule = |verbs: &[&str], res: &[&str]| PolicyRule {
            verbs: verbs.iter().map(|s| s.to_string()).collect(),
            api_groups: vec!["*".into()],
            resources: res.iter().map(|s| s.to_string()).collect(),
            ..PolicyRule::default()
        };
        use PermissionLevel as L;
        assert_eq!(
            L::of_rule(&rule(&["get"], &["pods"]), false),
            L::NamespaceRead
        );
        assert_eq!(
            L::of_rule(&rule(&["get", "patch"], &["pods"]), false),
            L::NamespaceWrite
        );
        assert_eq!(
            L::of_rule(&rule(&["list"], &["pods"]), true),
            L::ClusterRead
        );
        assert_eq!(
            L::of_rule(&rule(&["delete"], &["pods"]), true),
            L::ClusterWrite
        );
        assert_eq!(
            L::of_rule(&rule(&["*"], &["*"]), true),
            L::ClusterAdminEquivalent
        );
        // cluster-admin through a RoleBinding is all of one namespace, not of the cluster.
        assert_eq!(L::of_rule(&rule(&["*"], &["*"]), false), L::NamespaceWrite);
        assert_eq!(L::of_rule(&rule(&[], &["pods"]), true), L::None);
        assert!(L::None < L::NamespaceRead && L::ClusterWrite < L::ClusterAdminEquivalent);
    }
}
