//! Escalation paths: a graph of identities and what their permissions let them become, and the
//! shortest path from each workload's ServiceAccount and each User and Group to
//! cluster-admin.
//!
//! Nodes are subjects (users, groups, ServiceAccounts named by bindings, run by workloads or
//! among the inputs), "any ServiceAccount of namespace X", "any ServiceAccount of any
//! namespace", and cluster-admin. A subject has an edge, labelled with the grant allowing it:
//!
//! - to cluster-admin when a ClusterRoleBinding grants it `*` verbs on `*` resources of `*`
//!   groups; when it may `bind` or `escalate` ClusterRoles cluster-wide (it can bind or write
//!   a role with every permission); when it may `impersonate` groups (`system:masters`);
//! - to "any ServiceAccount of X" when it may, in X, create pods or workload controllers (a pod
//!   runs as any ServiceAccount of its namespace), create `serviceaccounts/token`, read
//!   (`get`/`list`) Secrets (ServiceAccount token Secrets), impersonate ServiceAccounts, or
//!   `bind`/`escalate` roles (it can grant itself the namespace); granted by a
//!   ClusterRoleBinding, the edge goes to "any ServiceAccount of any namespace";
//! - to every User subject when it may impersonate users cluster-wide.
//!
//! Rules with `resourceNames` give no edge (they reach named objects only). "any
//! ServiceAccount of X" has an edge to each ServiceAccount of X. Paths are shortest in edges
//! (a breadth-first search back from cluster-admin), ties broken by construction order, so the
//! result is deterministic.
//!
//! Pure: computed from the objects and their [`Rbac`] only.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::fmt::Write as _;

use kubeguard_model::Context;
use kubeguard_source::Location;
use petgraph::Direction;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;

use crate::analysis::Rbac;
use crate::matching::{api_group_matches, resource_matches, verb_matches};
use crate::model::{DEFAULT_NAMESPACE, PolicyRule};
use crate::query::Grant;
use crate::request::Scope;
use crate::subject::Subject;
use crate::workloads::workload_access;

/// A node of the escalation graph.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Node {
    /// A user, group or ServiceAccount.
    Subject(Subject),
    /// Any ServiceAccount of a namespace.
    NamespaceAccounts(String),
    /// Any ServiceAccount of any namespace.
    AllAccounts,
    /// Every permission.
    ClusterAdmin,
}

impl Node {
    /// `User alice`, `any ServiceAccount of shop`, `cluster-admin`.
    pub fn label(&self) -> String {
        match self {
            Node::Subject(s) => s.to_string(),
            Node::NamespaceAccounts(ns) => format!("any ServiceAccount of {ns}"),
            Node::AllAccounts => "any ServiceAccount of any namespace".to_string(),
            Node::ClusterAdmin => "cluster-admin".to_string(),
        }
    }
}

/// Why an edge exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Via {
    /// Holds `*` on `*` cluster-wide.
    Holds,
    /// May bind or escalate roles.
    BindEscalate,
    /// May impersonate groups (`system:masters`).
    ImpersonateGroups,
    /// May impersonate users.
    ImpersonateUsers,
    /// May impersonate ServiceAccounts.
    ImpersonateServiceAccounts,
    /// May create pods or workload controllers.
    CreatePods,
    /// May create ServiceAccount tokens.
    TokenCreate,
    /// May read Secrets (ServiceAccount token Secrets).
    SecretsRead,
    /// From "any ServiceAccount" to one.
    AnyAccount,
}

impl Via {
    /// `create-pods`, ...
    pub fn id(self) -> &'static str {
        match self {
            Via::Holds => "holds-cluster-admin",
            Via::BindEscalate => "bind-escalate",
            Via::ImpersonateGroups => "impersonate-groups",
            Via::ImpersonateUsers => "impersonate-users",
            Via::ImpersonateServiceAccounts => "impersonate-serviceaccounts",
            Via::CreatePods => "create-pods",
            Via::TokenCreate => "create-token",
            Via::SecretsRead => "read-secrets",
            Via::AnyAccount => "is-one-of",
        }
    }

    /// What the step does, in words.
    pub fn describe(self) -> &'static str {
        match self {
            Via::Holds => "holds every verb on every resource",
            Via::BindEscalate => "may bind or escalate roles, granting itself any permission",
            Via::ImpersonateGroups => "may impersonate groups, system:masters included",
            Via::ImpersonateUsers => "may impersonate users",
            Via::ImpersonateServiceAccounts => "may impersonate ServiceAccounts",
            Via::CreatePods => "may create pods, which run as any ServiceAccount of the namespace",
            Via::TokenCreate => "may create ServiceAccount tokens",
            Via::SecretsRead => "may read Secrets, ServiceAccount token Secrets included",
            Via::AnyAccount => "is one of them",
        }
    }
}

/// The grant behind an edge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EdgeGrant {
    /// `RoleBinding shop/dev`.
    pub binding: String,
    /// Where the binding's subject entry is.
    pub binding_location: Option<Location>,
    /// `ClusterRole edit rules[2]` (the role holding the rule).
    pub rule: String,
    /// Where the rule is.
    pub rule_location: Option<Location>,
}

/// An edge: why, and through which grant (none for [`Via::AnyAccount`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    /// Why.
    pub via: Via,
    /// The grant.
    pub grant: Option<EdgeGrant>,
}

/// One step of a path.
#[derive(Debug, Clone)]
pub struct Step<'g> {
    /// From.
    pub from: &'g Node,
    /// To.
    pub to: &'g Node,
    /// The edge.
    pub edge: &'g Edge,
}

/// A subject a path is asked from.
#[derive(Debug, Clone)]
pub struct Source {
    /// The subject.
    pub subject: Subject,
    /// The workloads running as it (`Deployment shop/web`), for ServiceAccounts.
    pub workloads: Vec<String>,
}

/// The escalation graph of a set of objects.
#[derive(Debug)]
pub struct Escalation {
    graph: DiGraph<Node, Edge>,
    admin: NodeIndex,
    sources: Vec<(Source, NodeIndex)>,
    /// Per node: the next node and edge on a shortest path to cluster-admin.
    next: HashMap<NodeIndex, (NodeIndex, petgraph::graph::EdgeIndex)>,
}

/// A request an edge needs: verbs on a group's resource.
struct Need {
    verbs: &'static [&'static str],
    group: &'static str,
    resource: &'static str,
    subresource: &'static str,
}

const fn need(
    verbs: &'static [&'static str],
    group: &'static str,
    resource: &'static str,
    subresource: &'static str,
) -> Need {
    Need {
        verbs,
        group,
        resource,
        subresource,
    }
}

const RBAC: &str = "rbac.authorization.k8s.io";
static CREATE_PODS: &[Need] = &[
    need(&["create"], "", "pods", ""),
    need(&["create"], "", "replicationcontrollers", ""),
    need(&["create"], "apps", "deployments", ""),
    need(&["create"], "apps", "replicasets", ""),
    need(&["create"], "apps", "statefulsets", ""),
    need(&["create"], "apps", "daemonsets", ""),
    need(&["create"], "batch", "jobs", ""),
    need(&["create"], "batch", "cronjobs", ""),
];
static TOKEN: &[Need] = &[need(&["create"], "", "serviceaccounts/token", "token")];
static SECRETS: &[Need] = &[need(&["get", "list"], "", "secrets", "")];
static BIND: &[Need] = &[
    need(&["bind", "escalate"], RBAC, "clusterroles", ""),
    need(&["bind", "escalate"], RBAC, "roles", ""),
];
static IMP_GROUPS: &[Need] = &[need(&["impersonate"], "", "groups", "")];
static IMP_USERS: &[Need] = &[need(&["impersonate"], "", "users", "")];
static IMP_SAS: &[Need] = &[need(&["impersonate"], "", "serviceaccounts", "")];

fn grants(rule: &PolicyRule, needs: &[Need]) -> bool {
    rule.resource_names.is_empty()
        && needs.iter().any(|n| {
            api_group_matches(rule, n.group)
                && resource_matches(rule, n.resource, n.subresource)
                && n.verbs.iter().any(|v| verb_matches(rule, v))
        })
}

fn is_star(rule: &PolicyRule) -> bool {
    let star = |l: &[String]| l.iter().any(|s| s == "*");
    star(&rule.verbs) && star(&rule.api_groups) && star(&rule.resources)
}

fn edge_grant(g: &Grant<'_>) -> EdgeGrant {
    EdgeGrant {
        binding: g.binding.label(),
        binding_location: g.subject.location.clone(),
        rule: format!("{} {}", g.rule_role.label(), g.rule.field),
        rule_location: g.rule.location.clone(),
    }
}

struct Builder {
    graph: DiGraph<Node, Edge>,
    nodes: HashMap<Node, NodeIndex>,
}

impl Builder {
    fn node(&mut self, n: Node) -> NodeIndex {
        if let Some(&i) = self.nodes.get(&n) {
            return i;
        }
        let i = self.graph.add_node(n.clone());
        self.nodes.insert(n, i);
        i
    }

    fn edge(&mut self, from: NodeIndex, to: Node, via: Via, grant: Option<EdgeGrant>) {
        let to = self.node(to);
        if from != to && self.graph.find_edge(from, to).is_none() {
            self.graph.add_edge(from, to, Edge { via, grant });
        }
    }
}

/// Builds the escalation graph of `ctx` under `rbac` and the shortest paths to cluster-admin.
pub fn escalation(ctx: &Context, rbac: &Rbac<'_>) -> Escalation {
    let mut b = Builder {
        graph: DiGraph::new(),
        nodes: HashMap::new(),
    };
    let admin = b.node(Node::ClusterAdmin);
    // Every subject: named by bindings, run by workloads, ServiceAccounts among the inputs.
    let mut subjects: BTreeSet<Subject> = rbac.subjects().into_iter().collect();
    let mut workloads: BTreeMap<Subject, Vec<String>> = BTreeMap::new();
    for w in workload_access(ctx, rbac) {
        let s = Subject::ServiceAccount {
            namespace: w.namespace.clone(),
            name: w.service_account.clone(),
        };
        workloads.entry(s.clone()).or_default().push(format!(
            "{} {}/{}",
            w.object.kind, w.namespace, w.object.name
        ));
        subjects.insert(s);
    }
    for sa in ctx
        .of_kind("ServiceAccount")
        .filter(|o| o.api_version == "v1")
    {
        subjects.insert(Subject::ServiceAccount {
            namespace: sa
                .namespace
                .clone()
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| DEFAULT_NAMESPACE.to_string()),
            name: sa.name.clone(),
        });
    }
    for w in workloads.values_mut() {
        // The same workload may come from several files.
        w.sort();
        w.dedup();
    }
    let users: Vec<Subject> = subjects
        .iter()
        .filter(|s| matches!(s, Subject::User(_)))
        .cloned()
        .collect();
    let mut namespaces: BTreeSet<String> = BTreeSet::new();
    for s in &subjects {
        b.node(Node::Subject(s.clone()));
    }
    for s in &subjects {
        if let Subject::ServiceAccount { namespace, .. } = s {
            namespaces.insert(namespace.clone());
            let any = b.node(Node::NamespaceAccounts(namespace.clone()));
            b.edge(any, Node::Subject(s.clone()), Via::AnyAccount, None);
        }
    }
    let all = b.node(Node::AllAccounts);
    for ns in &namespaces {
        b.edge(
            all,
            Node::NamespaceAccounts(ns.clone()),
            Via::AnyAccount,
            None,
        );
    }
    for s in &subjects {
        let from = b.nodes[&Node::Subject(s.clone())];
        for g in rbac.rules_for(&s.identity(), &Scope::AnyNamespace) {
            let rule = &g.rule.policy;
            let cluster = g.namespace.is_none();
            let accounts = || match g.namespace {
                Some(ns) => Node::NamespaceAccounts(ns.to_string()),
                None => Node::AllAccounts,
            };
            let add = |b: &mut Builder, to: Node, via: Via| {
                b.edge(from, to, via, Some(edge_grant(&g)));
            };
            if cluster && is_star(rule) {
                add(&mut b, Node::ClusterAdmin, Via::Holds);
            }
            if grants(rule, BIND) {
                let to = if cluster {
                    Node::ClusterAdmin
                } else {
                    accounts()
                };
                add(&mut b, to, Via::BindEscalate);
            }
            if cluster && grants(rule, IMP_GROUPS) {
                add(&mut b, Node::ClusterAdmin, Via::ImpersonateGroups);
            }
            if cluster && grants(rule, IMP_USERS) {
                for u in &users {
                    add(&mut b, Node::Subject(u.clone()), Via::ImpersonateUsers);
                }
            }
            for (needs, via) in [
                (IMP_SAS, Via::ImpersonateServiceAccounts),
                (CREATE_PODS, Via::CreatePods),
                (TOKEN, Via::TokenCreate),
                (SECRETS, Via::SecretsRead),
            ] {
                if grants(rule, needs) {
                    add(&mut b, accounts(), via);
                }
            }
        }
    }
    let Builder { graph, nodes } = b;
    // Breadth-first search back from cluster-admin.
    let mut next = HashMap::new();
    let mut queue = VecDeque::from([admin]);
    while let Some(n) = queue.pop_front() {
        let mut incoming: Vec<_> = graph.edges_directed(n, Direction::Incoming).collect();
        incoming.sort_by_key(|e| e.id());
        for e in incoming {
            let p = e.source();
            if p != admin && !next.contains_key(&p) {
                next.insert(p, (n, e.id()));
                queue.push_back(p);
            }
        }
    }
    let sources = subjects
        .iter()
        .filter(|s| !matches!(s, Subject::ServiceAccount { .. }) || workloads.contains_key(*s))
        .map(|s| {
            (
                Source {
                    subject: s.clone(),
                    workloads: workloads.get(s).cloned().unwrap_or_default(),
                },
                nodes
                    .get(&Node::Subject(s.clone()))
                    .copied()
                    .unwrap_or(admin),
            )
        })
        .collect();
    Escalation {
        graph,
        admin,
        sources,
        next,
    }
}

impl Escalation {
    /// Every source (workload ServiceAccounts, Users, Groups; sorted) with its shortest path
    /// to cluster-admin (`None`: it cannot reach it).
    pub fn paths(&self) -> Vec<(&Source, Option<Vec<Step<'_>>>)> {
        self.sources
            .iter()
            .map(|(s, i)| (s, self.path_from(*i)))
            .collect()
    }

    fn path_from(&self, mut n: NodeIndex) -> Option<Vec<Step<'_>>> {
        let mut steps = Vec::new();
        while n != self.admin {
            let &(to, e) = self.next.get(&n)?;
            steps.push(Step {
                from: &self.graph[n],
                to: &self.graph[to],
                edge: &self.graph[e],
            });
            n = to;
        }
        Some(steps)
    }

    /// The graph: nodes and labelled edges.
    pub fn graph(&self) -> &DiGraph<Node, Edge> {
        &self.graph
    }

    /// The graph in Graphviz DOT: nodes that reach cluster-admin in red, cluster-admin as a
    /// double octagon; nodes without edges left out.
    pub fn to_dot(&self) -> String {
        let mut out = String::from(
            "digraph escalation {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n",
        );
        let quote = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
        for i in self.graph.node_indices() {
            if i != self.admin && self.graph.neighbors_undirected(i).next().is_none() {
                continue;
            }
            let style = if i == self.admin {
                ", shape=doubleoctagon, color=red, fontcolor=red"
            } else if self.next.contains_key(&i) {
                ", color=red"
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "  n{} [label={}{style}];",
                i.index(),
                quote(&self.graph[i].label())
            );
        }
        for e in self.graph.edge_references() {
            let on_path = self
                .next
                .get(&e.source())
                .is_some_and(|(_, id)| *id == e.id());
            let _ = writeln!(
                out,
                "  n{} -> n{} [label={}{}];",
                e.source().index(),
                e.target().index(),
                quote(e.weight().via.id()),
                if on_path { ", color=red" } else { "" }
            );
        }
        out.push_str("}\n");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Options;
    use kubeguard_model::Object;

    fn paths(text: &str) -> Vec<String> {
        let (objects, errors) = Object::parse_all("e.yaml", text);
        assert!(errors.is_empty(), "{errors:?}");
        let ctx = Context::new(objects);
        let rbac = Rbac::new(&ctx, &Options::default());
        let e = escalation(&ctx, &rbac);
        e.paths()
            .into_iter()
            .map(|(s, p)| match p {
                None => format!("{}: none", s.subject),
                Some(steps) => format!(
                    "{}: {}",
                    s.subject,
                    steps
                        .iter()
                        .map(|st| format!(
                            "{} -{}-> {}",
                            st.from.label(),
                            st.edge.via.id(),
                            st.to.label()
                        ))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            })
            .collect()
    }

    const H: &str = "apiVersion: rbac.authorization.k8s.io/v1\n";

    #[test]
    fn create_pods_reaches_an_admin_service_account_of_the_namespace() {
        let text = format!(
            "{H}kind: Role
metadata: {{name: runner, namespace: ci}}
rules: [{{apiGroups: [apps], resources: [deployments], verbs: [create]}}]
---
{H}kind: RoleBinding
metadata: {{name: runner, namespace: ci}}
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: Role, name: runner}}
subjects: [{{kind: User, name: alice}}]
---
{H}kind: ClusterRoleBinding
metadata: {{name: ci-admin}}
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}}
subjects: [{{kind: ServiceAccount, name: deployer, namespace: ci}}]
---
{H}kind: ClusterRoleBinding
metadata: {{name: imp}}
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: imp}}
subjects: [{{kind: Group, name: ops}}]
---
{H}kind: ClusterRole
metadata: {{name: imp}}
rules: [{{apiGroups: [''], resources: [users], verbs: [impersonate]}}]
---
{H}kind: RoleBinding
metadata: {{name: named, namespace: ci}}
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: Role, name: named}}
subjects: [{{kind: User, name: bob}}]
---
{H}kind: Role
metadata: {{name: named, namespace: ci}}
rules: [{{apiGroups: [''], resources: [secrets], resourceNames: [x], verbs: [get]}}]
"
        );
        let got = paths(&text);
        assert_eq!(
            got,
            vec![
                "User alice: User alice -create-pods-> any ServiceAccount of ci, any ServiceAccount of ci -is-one-of-> ServiceAccount ci/deployer, ServiceAccount ci/deployer -holds-cluster-admin-> cluster-admin",
                "User bob: none",
                "Group ops: Group ops -impersonate-users-> User alice, User alice -create-pods-> any ServiceAccount of ci, any ServiceAccount of ci -is-one-of-> ServiceAccount ci/deployer, ServiceAccount ci/deployer -holds-cluster-admin-> cluster-admin",
            ]
        );
    }

    #[test]
    fn bind_escalate_and_group_impersonation_reach_cluster_admin_directly() {
        let text = format!(
            "{H}kind: ClusterRole
metadata: {{name: binder}}
rules:
- {{apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [bind]}}
- {{apiGroups: [''], resources: [groups], verbs: [impersonate]}}
---
{H}kind: ClusterRoleBinding
metadata: {{name: binder}}
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: binder}}
subjects: [{{kind: User, name: carol}}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: web, namespace: shop}}
spec: {{template: {{spec: {{containers: [{{name: c, image: i}}]}}}}}}
"
        );
        let got = paths(&text);
        assert_eq!(
            got,
            vec![
                "User carol: User carol -bind-escalate-> cluster-admin",
                "ServiceAccount shop/default: none",
            ]
        );
    }
}
