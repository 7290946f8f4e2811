//! Questions answered like the API server's RBAC authorizer (and `kubectl auth can-i`) would
//! answer them against the same objects, each answer with the binding, role and rule that
//! grant it:
//!
//! - [`Rbac::who_can`]: which subjects can do a request;
//! - [`Rbac::can_i`]: whether an identity can, and through which grants;
//! - [`Rbac::rules_for`]: every rule that applies to an identity (the authorizer's
//!   `RulesFor`), with its source;
//! - [`Rbac::permissions`]: those rules merged per resource, cluster-wide and per namespace,
//!   as `kubectl auth can-i --list` prints them;
//! - [`Rbac::subjects`]: every subject the bindings name.

use std::collections::{BTreeMap, BTreeSet};

use crate::analysis::Rbac;
use crate::matching::{first_applying, rule_allows};
use crate::model::{Binding, BindingKind, BindingSubject, Role, Rule};
use crate::request::{Request, Scope};
use crate::subject::{Identity, Subject};

/// One rule granted to a subject: the binding, the binding's subject entry, the role the
/// binding refers to, and the rule (held by that role or, for an aggregated ClusterRole, by
/// one of the ClusterRoles it aggregates).
#[derive(Debug, Clone, Copy)]
pub struct Grant<'r> {
    /// The RoleBinding or ClusterRoleBinding.
    pub binding: &'r Binding<'r>,
    /// The entry of `binding.subjects` that applies (the first one, as the authorizer reports).
    pub subject: &'r BindingSubject,
    /// The Role or ClusterRole `roleRef` names.
    pub role: &'r Role<'r>,
    /// The role holding `rule`: `role` itself or a ClusterRole it aggregates.
    pub rule_role: &'r Role<'r>,
    /// The rule.
    pub rule: &'r Rule<'r>,
    /// Where the grant applies: the RoleBinding's namespace, or `None` for a
    /// ClusterRoleBinding (every namespace and cluster-wide).
    pub namespace: Option<&'r str>,
}

impl Grant<'_> {
    /// Whether both grants are the same rule through the same binding subject.
    pub fn same(&self, other: &Grant<'_>) -> bool {
        self.binding.id == other.binding.id
            && self.subject.index == other.subject.index
            && self.rule_role.id == other.rule_role.id
            && self.rule.index == other.rule.index
    }
}

/// A subject and every grant letting it do a request.
#[derive(Debug, Clone)]
pub struct SubjectGrants<'r> {
    /// The subject as a binding names it (ServiceAccount namespaces defaulted).
    pub subject: Subject,
    /// The grants: ClusterRoleBindings first, then RoleBindings, in load order, then rule order.
    pub grants: Vec<Grant<'r>>,
}

/// What a merged permission is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Target {
    /// A resource of an API group, optionally one object of it.
    Resource {
        /// The API group (`""` core, `*` any).
        api_group: String,
        /// The resource (`pods`, `pods/exec`, `*`, `*/scale`).
        resource: String,
        /// One object's name, when the rule names objects.
        resource_name: Option<String>,
    },
    /// A non-resource URL (`/healthz`, `/logs/*`, `*`).
    NonResourceUrl(String),
}

impl Target {
    /// `pods`, `deployments.apps`, `*.*` (kubectl's resource column), or the URL.
    pub fn display_resource(&self) -> String {
        match self {
            Target::Resource {
                api_group,
                resource,
                ..
            } if api_group.is_empty() => resource.clone(),
            Target::Resource {
                api_group,
                resource,
                ..
            } => format!("{resource}.{api_group}"),
            Target::NonResourceUrl(u) => u.clone(),
        }
    }
}

/// The verbs allowed on one target, and the grants allowing them.
#[derive(Debug, Clone)]
pub struct Permission<'r> {
    /// What.
    pub target: Target,
    /// The verbs, deduplicated and sorted (`*` first).
    pub verbs: Vec<String>,
    /// The grants contributing, in [`Rbac::rules_for`] order.
    pub grants: Vec<Grant<'r>>,
}

/// The effective permissions of an identity, merged as `kubectl auth can-i --list` merges
/// them: one entry per API group, resource and resource name (or non-resource URL) with the
/// union of the verbs.
#[derive(Debug, Clone)]
pub struct Permissions<'r> {
    /// The identity asked about.
    pub identity: Identity,
    /// From ClusterRoleBindings: they apply in every namespace and to cluster-scoped
    /// resources and non-resource URLs.
    pub cluster: Vec<Permission<'r>>,
    /// From RoleBindings, per namespace: they add to `cluster` in that namespace only.
    /// Non-resource URLs of such rules are left out (non-resource requests are never
    /// namespaced, so RoleBindings cannot grant them).
    pub namespaces: BTreeMap<String, Vec<Permission<'r>>>,
}

impl<'a> Rbac<'a> {
    /// The bindings the authorizer consults for a request in `scope`, in its order, with the
    /// namespace the binding's subjects are defaulted with.
    fn bindings_in<'r, 's>(
        &'r self,
        scope: &'s Scope,
    ) -> impl Iterator<Item = &'r Binding<'a>> + use<'r, 's, 'a> {
        self.bindings().iter().filter(move |b| {
            self.is_active_binding(b)
                && match (b.kind, &b.namespace) {
                    (BindingKind::ClusterRoleBinding, _) => true,
                    (BindingKind::RoleBinding, Some(ns)) => scope.includes_namespace(ns),
                    (BindingKind::RoleBinding, None) => false,
                }
        })
    }

    /// Every rule that applies to `identity` in `scope`, with its source (the authorizer's
    /// `RulesFor`; [`Scope::AnyNamespace`] gathers the RoleBindings of every namespace). For
    /// each binding, the first subject applying is the one reported.
    pub fn rules_for<'r>(&'r self, identity: &Identity, scope: &Scope) -> Vec<Grant<'r>> {
        let mut out = Vec::new();
        for b in self.bindings_in(scope) {
            let Some(role) = self.role_of(b) else {
                continue;
            };
            let Some(subject) =
                first_applying(identity, &b.subjects, b.namespace.as_deref().unwrap_or(""))
            else {
                continue;
            };
            for e in self.effective_rules(role) {
                out.push(Grant {
                    binding: b,
                    subject,
                    role,
                    rule_role: e.role,
                    rule: e.rule,
                    namespace: b.namespace.as_deref(),
                });
            }
        }
        out
    }

    /// Every grant allowing `identity` the request (empty: denied). A resource request is
    /// asked in its [`Scope`]; a non-resource request cluster-wide.
    pub fn can_i<'r>(&'r self, identity: &Identity, request: &Request) -> Vec<Grant<'r>> {
        self.rules_for(identity, &request.scope())
            .into_iter()
            .filter(|g| rule_allows(&g.rule.policy, request))
            .collect()
    }

    /// Whether `identity` may do the request.
    pub fn allowed(&self, identity: &Identity, request: &Request) -> bool {
        !self.can_i(identity, request).is_empty()
    }

    /// Every subject named by a binding that grants the request, with the grants; sorted by
    /// subject (users, groups, ServiceAccounts; by namespace and name). Subjects are listed as
    /// written (a group is not expanded to its members).
    pub fn who_can<'r>(&'r self, request: &Request) -> Vec<SubjectGrants<'r>> {
        let scope = request.scope();
        let mut by_subject: BTreeMap<Subject, Vec<Grant<'r>>> = BTreeMap::new();
        for b in self.bindings_in(&scope) {
            let Some(role) = self.role_of(b) else {
                continue;
            };
            let rules: Vec<_> = self
                .effective_rules(role)
                .into_iter()
                .filter(|e| rule_allows(&e.rule.policy, request))
                .collect();
            if rules.is_empty() {
                continue;
            }
            let mut seen: BTreeSet<Subject> = BTreeSet::new();
            for s in &b.subjects {
                let Some(subject) = s.subject(b.namespace.as_deref()) else {
                    continue;
                };
                if !seen.insert(subject.clone()) {
                    continue;
                }
                let grants = by_subject.entry(subject).or_default();
                for e in &rules {
                    grants.push(Grant {
                        binding: b,
                        subject: s,
                        role,
                        rule_role: e.role,
                        rule: e.rule,
                        namespace: b.namespace.as_deref(),
                    });
                }
            }
        }
        by_subject
            .into_iter()
            .map(|(subject, grants)| SubjectGrants { subject, grants })
            .collect()
    }

    /// The effective permissions of `identity`: every rule that applies to it, merged per
    /// target, cluster-wide and per namespace.
    pub fn permissions<'r>(&'r self, identity: &Identity) -> Permissions<'r> {
        let mut cluster: BTreeMap<Target, Permission<'r>> = BTreeMap::new();
        let mut namespaces: BTreeMap<String, BTreeMap<Target, Permission<'r>>> = BTreeMap::new();
        for g in self.rules_for(identity, &Scope::AnyNamespace) {
            let bucket = match g.namespace {
                None => &mut cluster,
                Some(ns) => namespaces.entry(ns.to_string()).or_default(),
            };
            for target in breakdown(g.rule, g.namespace.is_none()) {
                let p = bucket.entry(target.clone()).or_insert_with(|| Permission {
                    target,
                    verbs: Vec::new(),
                    grants: Vec::new(),
                });
                for v in &g.rule.policy.verbs {
                    if !p.verbs.contains(v) {
                        p.verbs.push(v.clone());
                    }
                }
                if !p.grants.iter().any(|x| x.same(&g)) {
                    p.grants.push(g);
                }
            }
        }
        let finish = |m: BTreeMap<Target, Permission<'r>>| -> Vec<Permission<'r>> {
            let mut v: Vec<Permission<'r>> =
                m.into_values().filter(|p| !p.verbs.is_empty()).collect();
            for p in &mut v {
                p.verbs.sort_by(|a, b| (a != "*", a).cmp(&(b != "*", b)));
            }
            v.sort_by(|a, b| sort_key(&a.target).cmp(&sort_key(&b.target)));
            v
        };
        Permissions {
            identity: identity.clone(),
            cluster: finish(cluster),
            namespaces: namespaces
                .into_iter()
                .map(|(ns, m)| (ns, finish(m)))
                .filter(|(_, v)| !v.is_empty())
                .collect(),
        }
    }

    /// Every distinct subject the active bindings name (ServiceAccount namespaces defaulted;
    /// invalid subjects left out), sorted.
    pub fn subjects(&self) -> Vec<Subject> {
        let mut out: BTreeSet<Subject> = BTreeSet::new();
        for b in self.bindings().iter().filter(|b| self.is_active_binding(b)) {
            for s in &b.subjects {
                if let Some(subject) = s.subject(b.namespace.as_deref()) {
                    out.insert(subject);
                }
            }
        }
        out.into_iter().collect()
    }
}

/// The targets of a rule, one per API group, resource and resource name, and per
/// non-resource URL (`BreakdownRule`); URLs only when the rule applies cluster-wide.
fn breakdown(rule: &Rule<'_>, cluster_wide: bool) -> Vec<Target> {
    let p = &rule.policy;
    let mut out = Vec::new();
    for g in &p.api_groups {
        for r in &p.resources {
            if p.resource_names.is_empty() {
                out.push(Target::Resource {
                    api_group: g.clone(),
                    resource: r.clone(),
                    resource_name: None,
                });
            }
            for n in &p.resource_names {
                out.push(Target::Resource {
                    api_group: g.clone(),
                    resource: r.clone(),
                    resource_name: Some(n.clone()),
                });
            }
        }
    }
    if cluster_wide {
        out.extend(
            p.non_resource_urls
                .iter()
                .cloned()
                .map(Target::NonResourceUrl),
        );
    }
    out
}

/// kubectl's order: resources by group, resource, named before unnamed; then URLs.
fn sort_key(t: &Target) -> (u8, &str, &str, bool, &str) {
    match t {
        Target::Resource {
            api_group,
            resource,
            resource_name,
        } => (
            0,
            api_group,
            resource,
            resource_name.is_none(),
            resource_name.as_deref().unwrap_or(""),
        ),
        Target::NonResourceUrl(u) => (1, u, "", false, ""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Options;
    use crate::request::Discovery;
    use kubeguard_model::{Context, Object};

    fn context(text: &str) -> Context {
        let (objects, errors) = Object::parse_all("rbac.yaml", text);
        assert!(errors.is_empty(), "{errors:?}");
        Context::new(objects)
    }

    fn request(verb: &str, target: &str, name: &str, scope: Scope) -> Request {
        Request::parse(verb, target, name, scope, &Discovery::builtin())
            .expect("valid request")
            .request
    }

    fn ns(n: &str) -> Scope {
        Scope::Namespace(n.into())
    }

    fn id(s: &str) -> Identity {
        Subject::parse(s).expect("subject").identity()
    }

    fn grants(gs: &[Grant<'_>]) -> Vec<String> {
        gs.iter()
            .map(|g| {
                format!(
                    "{} via {} -> {} {}",
                    g.binding.label(),
                    g.subject.field,
                    g.rule_role.name,
                    g.rule.field
                )
            })
            .collect()
    }

    const OBJECTS: &str = "apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: pod-reader}
rules:
- {apiGroups: [''], resources: [pods, pods/log], verbs: [get, list]}
- {apiGroups: [''], resources: [configmaps], resourceNames: [app], verbs: [get]}
- {nonResourceURLs: [/healthz, /metrics*], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: read-shop, namespace: shop}
roleRef: {kind: ClusterRole, name: pod-reader}
subjects:
- {kind: ServiceAccount, name: web}
- {kind: Group, name: 'system:serviceaccounts:ops'}
- {kind: ServiceAccount, name: web}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: monitoring}
roleRef: {kind: ClusterRole, name: pod-reader}
subjects:
- {kind: Group, name: 'system:authenticated'}
- {kind: User, name: prometheus}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: exec, namespace: shop}
rules:
- {apiGroups: [''], resources: [pods/exec], verbs: [create]}
- {apiGroups: ['*'], resources: ['*/scale'], verbs: [update, patch]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: debuggers, namespace: shop}
roleRef: {kind: Role, name: exec}
subjects:
- {kind: User, name: alice}
- {kind: ServiceAccount, name: tools, namespace: ops}
";

    #[test]
    fn role_binding_to_cluster_role_is_scoped_to_its_namespace() {
        let ctx = context(OBJECTS);
        let rbac = Rbac::new(&ctx, &Options::default());
        let web = id("serviceaccount:shop:web");
        // In shop: the RoleBinding, plus system:authenticated's ClusterRoleBinding.
        let g = rbac.can_i(&web, &request("list", "pods", "", ns("shop")));
        assert_eq!(
            grants(&g),
            [
                "ClusterRoleBinding monitoring via subjects[0] -> pod-reader rules[0]",
                "RoleBinding shop/read-shop via subjects[0] -> pod-reader rules[0]",
            ]
        );
        assert_eq!(g[1].namespace, Some("shop"));
        assert_eq!(g[0].namespace, None);
        // Elsewhere only the cluster-wide grant.
        assert_eq!(
            rbac.can_i(&web, &request("list", "pods", "", ns("other")))
                .len(),
            1
        );
        // A user outside system:authenticated's reach: the anonymous user.
        let anon = id("user:system:anonymous");
        assert!(
            rbac.can_i(&anon, &request("list", "pods", "", ns("shop")))
                .is_empty()
        );
        // A group query only has the group's grants.
        let ops = id("group:system:serviceaccounts:ops");
        assert_eq!(
            rbac.can_i(&ops, &request("get", "pods", "", ns("shop")))
                .len(),
            1
        );
        assert!(
            rbac.can_i(&ops, &request("get", "pods", "", ns("ops")))
                .is_empty()
        );
        // A ServiceAccount of ops is in that group (and authenticated).
        let tools = id("serviceaccount:ops:tools");
        assert_eq!(
            grants(&rbac.can_i(&tools, &request("get", "pods/log", "", ns("shop")))),
            [
                "ClusterRoleBinding monitoring via subjects[0] -> pod-reader rules[0]",
                "RoleBinding shop/read-shop via subjects[1] -> pod-reader rules[0]",
            ]
        );
        assert!(rbac.allowed(&tools, &request("create", "pods/exec", "web-1", ns("shop"))));
        assert!(!rbac.allowed(&tools, &request("create", "pods/exec", "", ns("ops"))));
        assert!(rbac.allowed(
            &tools,
            &request("patch", "deployments/scale", "", ns("shop"))
        ));
        assert!(!rbac.allowed(&tools, &request("patch", "deployments", "", ns("shop"))));
        // Cluster-wide: only ClusterRoleBindings.
        assert!(!rbac.allowed(&tools, &request("create", "pods/exec", "", Scope::Cluster)));
        assert!(rbac.allowed(&tools, &request("get", "pods", "", Scope::Cluster)));
        // Any namespace: RoleBindings of every namespace count.
        assert!(rbac.allowed(
            &tools,
            &request("create", "pods/exec", "", Scope::AnyNamespace)
        ));
    }

    #[test]
    fn resource_names_and_non_resource_urls() {
        let ctx = context(OBJECTS);
        let rbac = Rbac::new(&ctx, &Options::default());
        let alice = id("user:alice");
        assert!(rbac.allowed(&alice, &request("get", "configmaps", "app", ns("x"))));
        assert!(!rbac.allowed(&alice, &request("get", "configmaps", "db", ns("x"))));
        assert!(!rbac.allowed(&alice, &request("get", "configmaps", "", ns("x"))));
        assert!(rbac.allowed(&alice, &request("get", "/metrics/slis", "", Scope::Cluster)));
        assert!(!rbac.allowed(&alice, &request("post", "/healthz", "", Scope::Cluster)));
        // Non-resource URLs of a RoleBinding's role are never granted.
        let web = id("serviceaccount:shop:web");
        let healthz = request("get", "/healthz", "", Scope::Cluster);
        assert_eq!(
            grants(&rbac.can_i(&web, &healthz)),
            ["ClusterRoleBinding monitoring via subjects[0] -> pod-reader rules[2]"]
        );
    }

    #[test]
    fn who_can_lists_binding_subjects() {
        let ctx = context(OBJECTS);
        let rbac = Rbac::new(&ctx, &Options::default());
        let who = |verb, target, scope| -> Vec<String> {
            rbac.who_can(&request(verb, target, "", scope))
                .iter()
                .map(|s| format!("{} ({})", s.subject, grants(&s.grants).join("; ")))
                .collect()
        };
        assert_eq!(
            who("create", "pods/exec", ns("shop")),
            [
                "User alice (RoleBinding shop/debuggers via subjects[0] -> exec rules[0])",
                "ServiceAccount ops/tools (RoleBinding shop/debuggers via subjects[1] -> exec rules[0])",
            ]
        );
        // The duplicate subject entry is listed once; the RoleBinding's namespace defaults it.
        assert_eq!(
            who("list", "pods", ns("shop")),
            [
                "User prometheus (ClusterRoleBinding monitoring via subjects[1] -> pod-reader rules[0])",
                "Group system:authenticated (ClusterRoleBinding monitoring via subjects[0] -> pod-reader rules[0])",
                "Group system:serviceaccounts:ops (RoleBinding shop/read-shop via subjects[1] -> pod-reader rules[0])",
                "ServiceAccount shop/web (RoleBinding shop/read-shop via subjects[0] -> pod-reader rules[0])",
            ]
        );
        assert_eq!(who("list", "pods", Scope::Cluster).len(), 2);
        assert!(who("delete", "pods", Scope::AnyNamespace).is_empty());
        assert_eq!(
            who("update", "statefulsets/scale", Scope::AnyNamespace).len(),
            2
        );
        assert_eq!(
            rbac.subjects()
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>(),
            [
                "User alice",
                "User prometheus",
                "Group system:authenticated",
                "Group system:serviceaccounts:ops",
                "ServiceAccount ops/tools",
                "ServiceAccount shop/web",
            ]
        );
    }

    #[test]
    fn permissions_are_merged_per_target_and_namespace() {
        let ctx = context(OBJECTS);
        let rbac = Rbac::new(&ctx, &Options::default());
        let p = rbac.permissions(&id("serviceaccount:ops:tools"));
        let show = |ps: &[Permission<'_>]| -> Vec<String> {
            ps.iter()
                .map(|p| {
                    let name = match &p.target {
                        Target::Resource {
                            resource_name: Some(n),
                            ..
                        } => format!(" [{n}]"),
                        _ => String::new(),
                    };
                    format!(
                        "{}{name} {:?} x{}",
                        p.target.display_resource(),
                        p.verbs,
                        p.grants.len()
                    )
                })
                .collect()
        };
        assert_eq!(
            show(&p.cluster),
            [
                "configmaps [app] [\"get\"] x1",
                "pods [\"get\", \"list\"] x1",
                "pods/log [\"get\", \"list\"] x1",
                "/healthz [\"get\"] x1",
                "/metrics* [\"get\"] x1",
            ]
        );
        let shop = &p.namespaces["shop"];
        assert_eq!(
            show(shop),
            [
                "configmaps [app] [\"get\"] x1",
                "pods [\"get\", \"list\"] x1",
                "pods/exec [\"create\"] x1",
                "pods/log [\"get\", \"list\"] x1",
                "*/scale.* [\"patch\", \"update\"] x1",
            ]
        );
        assert_eq!(p.namespaces.len(), 1);
        // Grants tell where each merged entry comes from.
        let exec = &shop[2].grants[0];
        assert_eq!(
            (exec.binding.name.as_str(), exec.subject.index),
            ("debuggers", 1)
        );
        assert_eq!(exec.rule.location.as_ref().map(|l| l.start.line), Some(30));
    }

    #[test]
    fn aggregated_built_in_roles_grant_through_their_pieces() {
        let text = "apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: widgets-edit
  labels: {rbac.authorization.k8s.io/aggregate-to-edit: 'true'}
rules:
- {apiGroups: [example.com], resources: [widgets], verbs: ['*']}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: admins, namespace: shop}
roleRef: {kind: ClusterRole, name: admin}
subjects: [{kind: Group, name: shop-admins}]
";
        let ctx = context(text);
        let rbac = Rbac::new(&ctx, &Options::default());
        let admins = id("group:shop-admins");
        // admin aggregates edit, which aggregates the input's piece.
        let g = rbac.can_i(
            &admins,
            &request("delete", "widgets.example.com", "", ns("shop")),
        );
        assert_eq!(
            grants(&g),
            ["RoleBinding shop/admins via subjects[0] -> widgets-edit rules[0]"]
        );
        assert_eq!(g[0].role.name, "admin");
        assert!(rbac.allowed(&admins, &request("create", "rolebindings", "", ns("shop"))));
        assert!(rbac.allowed(&admins, &request("get", "pods/log", "", ns("shop"))));
        assert!(!rbac.allowed(&admins, &request("create", "clusterroles", "", ns("shop"))));
        let builtin = rbac
            .can_i(&admins, &request("get", "secrets", "", ns("shop")))
            .into_iter()
            .map(|g| g.rule_role.builtin)
            .collect::<Vec<_>>();
        assert_eq!(builtin, [true]);
    }
}
