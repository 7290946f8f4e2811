//! Template `rbac-risk`: risky RBAC permissions, located on the rule granting them and on the
//! bindings granting such a role.
//!
//! ## What it does
//! The `risk` parameter selects one rule (see [`Risk`]). Rule risks (wildcards, Secrets read,
//! pod creation, exec, escalate/bind/impersonate, token creation, nodes/proxy, CSR approval,
//! webhook configurations, namespace writes, RBAC writes) are reported twice:
//! - on every Role and ClusterRole, at the offending `verbs` or `resources` entry of each rule
//!   granting them, with the authorizer's matching rules (`*`, `*/subresource`, API groups; a
//!   rule with `resourceNames` never grants `create`, `list`, `watch` or `deletecollection`);
//! - on every RoleBinding and ClusterRoleBinding whose role (its effective rules, aggregated
//!   ClusterRoles resolved, Kubernetes' bootstrap roles known) grants them, at `roleRef.name`,
//!   naming the rule that does.
//!
//! Subject risks are reported on bindings only, at the `subjects` entry: cluster-admin
//! equivalence (`*` verbs on `*` resources of `*` groups) bound to a subject that is not a
//! `system:` user or group nor a kube-system ServiceAccount; any binding to
//! `system:anonymous`, `system:unauthenticated` or `system:authenticated`; and any permission
//! granted to a namespace's `default` ServiceAccount.
//!
//! The RBAC model of a context (roles, bindings, aggregation) is resolved once per context and
//! shared by every check of this template.

use std::collections::HashMap;
use std::sync::Arc;

use kubeguard_engine::{CheckFn, Diagnostic, ParamKind, ParamSpec, Params, Template};
use kubeguard_model::{Context, FieldRef, Object, Seg, locate};
use kubeguard_rbac::matching::{api_group_matches, resource_matches, verb_matches};
use kubeguard_rbac::{BindingKind, Options, PolicyRule, Rbac, Role, RoleKind};
use kubeguard_source::Location;

use crate::util::{go_quote, locate_in};

/// The template.
pub struct RbacRisk;

/// Registered instance.
pub static TEMPLATE: RbacRisk = RbacRisk;

static PARAMS: &[ParamSpec] = &[ParamSpec::new(
    "risk",
    ParamKind::String,
    "The risk to flag: cluster-admin-binding, wildcard, secrets-cluster-read, create-pods, pod-exec, escalate-bind-impersonate, token-create, nodes-proxy, csr-approval, webhook-config, namespace-write, rbac-write, anonymous-binding or default-sa-permissions",
)
.required()];

impl Template for RbacRisk {
    fn key(&self) -> &'static str {
        "rbac-risk"
    }
    fn name(&self) -> &'static str {
        "RBAC Risk"
    }
    fn description(&self) -> &'static str {
        "Flag Roles and ClusterRoles with a rule granting a risky permission, and bindings granting it (or granting anything to anonymous, all authenticated users, or a default ServiceAccount)"
    }
    fn supported_kinds(&self) -> &'static [&'static str] {
        &["Role", "ClusterRole", "ClusterRoleBinding", "RoleBinding"]
    }
    fn params(&self) -> &'static [ParamSpec] {
        PARAMS
    }
    fn instantiate(&self, params: &Params) -> Result<Box<dyn CheckFn>, String> {
        let name = params.str("risk").unwrap_or_default();
        let risk = Risk::parse(name).ok_or_else(|| {
            format!(
                "unknown risk {name:?} (expected one of: {})",
                Risk::ALL
                    .iter()
                    .map(|r| r.id())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })?;
        Ok(Box::new(Check { risk }))
    }
}

/// One risky permission or binding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Risk {
    /// `*` verbs on `*` resources of `*` groups bound to a non-system subject.
    ClusterAdminBinding,
    /// `*` among a rule's verbs or resources.
    Wildcard,
    /// get, list or watch on Secrets in a ClusterRole, through a ClusterRoleBinding.
    SecretsClusterRead,
    /// create on pods or workload controllers.
    CreatePods,
    /// pods/exec, pods/attach, pods/portforward.
    PodExec,
    /// escalate or bind on roles, impersonate on users, groups, ServiceAccounts.
    EscalateBindImpersonate,
    /// create on serviceaccounts/token.
    TokenCreate,
    /// nodes/proxy.
    NodesProxy,
    /// CSR approval and signing.
    CsrApproval,
    /// create/update/patch of admission webhook configurations.
    WebhookConfig,
    /// patch/update of namespaces.
    NamespaceWrite,
    /// write access to RBAC objects.
    RbacWrite,
    /// bindings to system:anonymous, system:unauthenticated, system:authenticated.
    AnonymousBinding,
    /// permissions granted to a namespace's default ServiceAccount.
    DefaultSaPermissions,
}

/// A request a rule can grant: verbs on an API group's resource (with subresource).
struct Probe {
    verbs: &'static [&'static str],
    group: &'static str,
    resource: &'static str,
    subresource: &'static str,
}

const fn probe(
    verbs: &'static [&'static str],
    group: &'static str,
    resource: &'static str,
    subresource: &'static str,
) -> Probe {
    Probe {
        verbs,
        group,
        resource,
        subresource,
    }
}

const READ: &[&str] = &["get", "list", "watch"];
const CREATE: &[&str] = &["create"];
const WRITE: &[&str] = &["create", "update", "patch", "delete", "deletecollection"];
const CONNECT: &[&str] = &["create", "get"];

static SECRETS: &[Probe] = &[probe(READ, "", "secrets", "")];
static CREATE_PODS: &[Probe] = &[
    probe(CREATE, "", "pods", ""),
    probe(CREATE, "", "replicationcontrollers", ""),
    probe(CREATE, "apps", "deployments", ""),
    probe(CREATE, "apps", "replicasets", ""),
    probe(CREATE, "apps", "statefulsets", ""),
    probe(CREATE, "apps", "daemonsets", ""),
    probe(CREATE, "batch", "jobs", ""),
    probe(CREATE, "batch", "cronjobs", ""),
];
static POD_EXEC: &[Probe] = &[
    probe(CONNECT, "", "pods/exec", "exec"),
    probe(CONNECT, "", "pods/attach", "attach"),
    probe(CONNECT, "", "pods/portforward", "portforward"),
];
static ESCALATE: &[Probe] = &[
    probe(
        &["escalate", "bind"],
        "rbac.authorization.k8s.io",
        "roles",
        "",
    ),
    probe(
        &["escalate", "bind"],
        "rbac.authorization.k8s.io",
        "clusterroles",
        "",
    ),
    probe(&["impersonate"], "", "users", ""),
    probe(&["impersonate"], "", "groups", ""),
    probe(&["impersonate"], "", "serviceaccounts", ""),
    probe(&["impersonate"], "authentication.k8s.io", "userextras", ""),
    probe(&["impersonate"], "authentication.k8s.io", "uids", ""),
];
static TOKEN: &[Probe] = &[probe(CREATE, "", "serviceaccounts/token", "token")];
static NODES_PROXY: &[Probe] = &[probe(
    &["get", "create", "update", "patch", "delete"],
    "",
    "nodes/proxy",
    "proxy",
)];
static CSR: &[Probe] = &[
    probe(
        &["update", "patch"],
        "certificates.k8s.io",
        "certificatesigningrequests/approval",
        "approval",
    ),
    probe(&["approve", "sign"], "certificates.k8s.io", "signers", ""),
];
static WEBHOOKS: &[Probe] = &[
    probe(
        &["create", "update", "patch"],
        "admissionregistration.k8s.io",
        "validatingwebhookconfigurations",
        "",
    ),
    probe(
        &["create", "update", "patch"],
        "admissionregistration.k8s.io",
        "mutatingwebhookconfigurations",
        "",
    ),
];
static NAMESPACES: &[Probe] = &[probe(&["update", "patch"], "", "namespaces", "")];
static RBAC_WRITE: &[Probe] = &[
    probe(WRITE, "rbac.authorization.k8s.io", "roles", ""),
    probe(WRITE, "rbac.authorization.k8s.io", "clusterroles", ""),
    probe(WRITE, "rbac.authorization.k8s.io", "rolebindings", ""),
    probe(
        WRITE,
        "rbac.authorization.k8s.io",
        "clusterrolebindings",
        "",
    ),
];

/// Groups every request of their kind belongs to.
const ANONYMOUS_GROUPS: &[&str] = &[
    "system:anonymous",
    "system:unauthenticated",
    "system:authenticated",
];

impl Risk {
    /// Every risk.
    pub const ALL: &'static [Risk] = &[
        Risk::ClusterAdminBinding,
        Risk::Wildcard,
        Risk::SecretsClusterRead,
        Risk::CreatePods,
        Risk::PodExec,
        Risk::EscalateBindImpersonate,
        Risk::TokenCreate,
        Risk::NodesProxy,
        Risk::CsrApproval,
        Risk::WebhookConfig,
        Risk::NamespaceWrite,
        Risk::RbacWrite,
        Risk::AnonymousBinding,
        Risk::DefaultSaPermissions,
    ];

    /// The `risk` parameter value.
    pub fn id(self) -> &'static str {
        match self {
            Risk::ClusterAdminBinding => "cluster-admin-binding",
            Risk::Wildcard => "wildcard",
            Risk::SecretsClusterRead => "secrets-cluster-read",
            Risk::CreatePods => "create-pods",
            Risk::PodExec => "pod-exec",
            Risk::EscalateBindImpersonate => "escalate-bind-impersonate",
            Risk::TokenCreate => "token-create",
            Risk::NodesProxy => "nodes-proxy",
            Risk::CsrApproval => "csr-approval",
            Risk::WebhookConfig => "webhook-config",
            Risk::NamespaceWrite => "namespace-write",
            Risk::RbacWrite => "rbac-write",
            Risk::AnonymousBinding => "anonymous-binding",
            Risk::DefaultSaPermissions => "default-sa-permissions",
        }
    }

    /// The risk named `id`.
    pub fn parse(id: &str) -> Option<Risk> {
        Risk::ALL.iter().copied().find(|r| r.id() == id)
    }

    /// The requests of a rule risk; `None` for wildcard and subject risks.
    /// Whether the risk is found in what Roles and ClusterRoles grant (not only in bindings).
    fn reads_roles(self) -> bool {
        self.probes().is_some() || self == Risk::Wildcard
    }

    fn probes(self) -> Option<&'static [Probe]> {
        Some(match self {
            Risk::SecretsClusterRead => SECRETS,
            Risk::CreatePods => CREATE_PODS,
            Risk::PodExec => POD_EXEC,
            Risk::EscalateBindImpersonate => ESCALATE,
            Risk::TokenCreate => TOKEN,
            Risk::NodesProxy => NODES_PROXY,
            Risk::CsrApproval => CSR,
            Risk::WebhookConfig => WEBHOOKS,
            Risk::NamespaceWrite => NAMESPACES,
            Risk::RbacWrite => RBAC_WRITE,
            _ => return None,
        })
    }

    /// What a rule granting it lets a subject do, for messages.
    fn consequence(self) -> &'static str {
        match self {
            Risk::Wildcard => "hold every verb or resource of its kind, including ones added later",
            Risk::SecretsClusterRead => {
                "read every Secret of the cluster, ServiceAccount tokens included"
            }
            Risk::CreatePods => {
                "run pods as any ServiceAccount of the namespace and mount its Secrets"
            }
            Risk::PodExec => "run commands in, or connect to, running containers",
            Risk::EscalateBindImpersonate => "gain permissions beyond its own roles",
            Risk::TokenCreate => "mint ServiceAccount tokens and act as those accounts",
            Risk::NodesProxy => {
                "reach the kubelet API of every node, bypassing admission and audit"
            }
            Risk::CsrApproval => "issue client certificates for any user and group",
            Risk::WebhookConfig => "intercept or rewrite every object sent to the API server",
            Risk::NamespaceWrite => "change namespace labels, Pod Security enforcement included",
            Risk::RbacWrite => "grant permissions to itself or others",
            Risk::ClusterAdminBinding | Risk::AnonymousBinding | Risk::DefaultSaPermissions => "",
        }
    }
}

/// Whether the rule lists `*` as an API group, verb and resource.
pub fn is_star_rule(rule: &PolicyRule) -> bool {
    let star = |l: &[String]| l.iter().any(|s| s == "*");
    star(&rule.verbs) && star(&rule.api_groups) && star(&rule.resources)
}

/// Verbs that a rule with `resourceNames` never grants (requests without a name).
const UNNAMED_VERBS: &[&str] = &["create", "list", "watch", "deletecollection"];

/// Where in a rule the risk is: `("verbs" | "resources", index)`, and what is granted
/// (`create on pods`).
fn rule_hit(risk: Risk, rule: &PolicyRule) -> Option<(&'static str, usize, String)> {
    if risk == Risk::Wildcard {
        if let Some(i) = rule.verbs.iter().position(|v| v == "*") {
            return Some(("verbs", i, "verbs \"*\"".to_string()));
        }
        return rule
            .resources
            .iter()
            .position(|r| r == "*")
            .map(|i| ("resources", i, "resources \"*\"".to_string()));
    }
    let probes = risk.probes()?;
    for p in probes {
        if !api_group_matches(rule, p.group) || !resource_matches(rule, p.resource, p.subresource) {
            continue;
        }
        let named = !rule.resource_names.is_empty();
        let Some(verb) = p
            .verbs
            .iter()
            .find(|v| verb_matches(rule, v) && !(named && UNNAMED_VERBS.contains(v)))
        else {
            continue;
        };
        let what = format!("{verb} on {}", p.resource);
        let verb_focus = matches!(
            risk,
            Risk::EscalateBindImpersonate | Risk::NamespaceWrite | Risk::CsrApproval
        ) && p.subresource.is_empty();
        let index = if verb_focus {
            rule.verbs.iter().position(|v| v == "*" || v == verb)
        } else {
            rule.resources.iter().position(|r| {
                r == "*"
                    || r == p.resource
                    || (!p.subresource.is_empty() && r.strip_prefix("*/") == Some(p.subresource))
            })
        };
        let key = if verb_focus { "verbs" } else { "resources" };
        return Some((key, index.unwrap_or(0), what));
    }
    None
}

/// A rule of a binding's role, owned.
#[derive(Debug, Clone)]
struct BoundRule {
    policy: PolicyRule,
    /// The role holding it (`ClusterRole system:aggregate-to-view`).
    holder: String,
    /// `rules[0]`.
    field: String,
    location: Option<Location>,
}

impl BoundRule {
    /// `rules[0]` for a rule of the bound role itself, `aggregated ClusterRole x rules[0]`
    /// for one it aggregates.
    fn describe(&self, bound_role: &str) -> String {
        if self.holder == bound_role {
            self.field.clone()
        } else {
            format!("aggregated {} {}", self.holder, self.field)
        }
    }
}

/// What a binding grants, owned.
#[derive(Debug, Clone)]
struct BoundRole {
    kind: BindingKind,
    namespace: Option<String>,
    /// `ClusterRole edit`.
    role: String,
    rules: Vec<BoundRule>,
}

/// The bindings of a context with the effective rules of their roles, by object index.
type Resolved = HashMap<usize, BoundRole>;

/// The context's resolved bindings, built once per context for every check of this template.
fn resolved(ctx: &Context) -> Arc<Resolved> {
    ctx.derived("rbac-risk/resolved", || resolve(ctx))
}

fn resolve(ctx: &Context) -> Resolved {
    let mut out = Resolved::new();
    if ctx.of_kind("RoleBinding").next().is_none()
        && ctx.of_kind("ClusterRoleBinding").next().is_none()
    {
        return out;
    }
    let rbac = Rbac::new(ctx, &Options::default());
    for b in rbac.bindings() {
        let Some(role) = rbac.role_of(b) else {
            continue;
        };
        let Some(index) = ctx.index_of(b.object) else {
            continue;
        };
        let rules = rbac
            .effective_rules(role)
            .iter()
            .map(|r| BoundRule {
                policy: r.rule.policy.clone(),
                holder: r.role.label(),
                field: r.rule.field.clone(),
                location: r.rule.location.clone(),
            })
            .collect();
        out.insert(
            index,
            BoundRole {
                kind: b.kind,
                namespace: b.namespace.clone(),
                role: role.label(),
                rules,
            },
        );
    }
    out
}

/// What each Role and ClusterRole of a context grants that one of the risks flags, by object
/// index: every role is read once for all the checks of this template.
fn role_hits(ctx: &Context) -> Arc<HashMap<usize, Vec<(Risk, Diagnostic)>>> {
    ctx.derived("rbac-risk/role-hits", || {
        ctx.of_kind("Role")
            .chain(ctx.of_kind("ClusterRole"))
            .filter_map(|o| {
                let role = Role::from_object(o, 0, false)?;
                let hits = Risk::ALL
                    .iter()
                    .filter(|r| r.reads_roles())
                    .flat_map(|&r| role_diagnostics(r, &role).into_iter().map(move |d| (r, d)))
                    .collect();
                Some((ctx.index_of(o)?, hits))
            })
            .collect()
    })
}

/// What `role` grants that `risk` flags.
fn role_diagnostics(risk: Risk, role: &Role) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if risk == Risk::SecretsClusterRead && role.kind != RoleKind::ClusterRole {
        return out;
    }
    for rule in &role.rules {
        let Some((key, index, what)) = rule_hit(risk, &rule.policy) else {
            continue;
        };
        out.push(Diagnostic::new(
            format!(
                "{} {} grants {what}, which lets a subject bound to it {}",
                role.label(),
                rule.field,
                risk.consequence()
            ),
            rule.item(key, index),
        ));
    }
    out
}

struct Check {
    risk: Risk,
}

fn at(location: Option<&Location>) -> String {
    location.map_or_else(String::new, |l| format!(" ({}:{})", l.path, l.start.line))
}

impl Check {
    fn check_role(&self, ctx: &Context, obj: &Object, out: &mut Vec<Diagnostic>) {
        let hits = role_hits(ctx);
        match ctx.index_of(obj) {
            Some(i) => out.extend(
                hits.get(&i)
                    .into_iter()
                    .flatten()
                    .filter(|(r, _)| *r == self.risk)
                    .map(|(_, d)| d.clone()),
            ),
            None => {
                if let Some(role) = Role::from_object(obj, 0, false) {
                    out.extend(role_diagnostics(self.risk, &role));
                }
            }
        }
    }

    fn check_binding(&self, ctx: &Context, obj: &Object, out: &mut Vec<Diagnostic>) {
        let Some(index) = ctx.index_of(obj) else {
            return;
        };
        let resolved = resolved(ctx);
        let Some(bound) = resolved.get(&index) else {
            return;
        };
        match self.risk {
            Risk::ClusterAdminBinding => self.cluster_admin(obj, bound, out),
            Risk::AnonymousBinding => anonymous(obj, bound, out),
            Risk::DefaultSaPermissions => default_sa(obj, bound, out),
            risk => {
                if risk == Risk::SecretsClusterRead && bound.kind != BindingKind::ClusterRoleBinding
                {
                    return;
                }
                let Some((rule, what)) = bound
                    .rules
                    .iter()
                    .find_map(|r| rule_hit(risk, &r.policy).map(|(_, _, what)| (r, what)))
                else {
                    return;
                };
                let scope = match &bound.namespace {
                    Some(ns) => format!("in namespace {}", go_quote(ns)),
                    None => "cluster-wide".to_string(),
                };
                out.push(Diagnostic::new(
                    format!(
                        "binds {}, whose {}{} grants {what} {scope}, which lets its subjects {}",
                        bound.role,
                        rule.describe(&bound.role),
                        at(rule.location.as_ref()),
                        risk.consequence()
                    ),
                    locate_in(obj, "roleRef.name"),
                ));
            }
        }
    }

    fn cluster_admin(&self, obj: &Object, bound: &BoundRole, out: &mut Vec<Diagnostic>) {
        let Some(rule) = bound.rules.iter().find(|r| is_star_rule(&r.policy)) else {
            return;
        };
        let scope = match &bound.namespace {
            Some(ns) => format!("full control of namespace {}", go_quote(ns)),
            None => "full control of the cluster".to_string(),
        };
        for (i, s) in subjects(obj) {
            if is_system_subject(&s, bound.namespace.as_deref()) {
                continue;
            }
            out.push(Diagnostic::new(
                format!(
                    "{} {} is granted {} (cluster-admin equivalent through its {}{}), {scope}",
                    s.kind,
                    go_quote(&s.display()),
                    bound.role,
                    rule.describe(&bound.role),
                    at(rule.location.as_ref())
                ),
                subject_field(obj, i),
            ));
        }
    }
}

fn anonymous(obj: &Object, bound: &BoundRole, out: &mut Vec<Diagnostic>) {
    for (i, s) in subjects(obj) {
        if !matches!(s.kind.as_str(), "User" | "Group")
            || !ANONYMOUS_GROUPS.contains(&s.name.as_str())
        {
            continue;
        }
        let who = match s.name.as_str() {
            "system:authenticated" => "every authenticated user and ServiceAccount",
            _ => "unauthenticated requests",
        };
        out.push(Diagnostic::new(
            format!(
                "{} {} ({who}) is granted {}",
                s.kind,
                go_quote(&s.name),
                bound.role
            ),
            subject_field(obj, i),
        ));
    }
}

fn default_sa(obj: &Object, bound: &BoundRole, out: &mut Vec<Diagnostic>) {
    if bound.rules.is_empty() {
        return;
    }
    for (i, s) in subjects(obj) {
        if s.kind != "ServiceAccount" || s.name != "default" {
            continue;
        }
        let Some(ns) = s.namespace_or(bound.namespace.as_deref()) else {
            continue;
        };
        out.push(Diagnostic::new(
            format!(
                "the default ServiceAccount of namespace {} is granted {}: every pod of the namespace without its own ServiceAccount holds these permissions",
                go_quote(&ns),
                bound.role
            ),
            subject_field(obj, i),
        ));
    }
}

/// One `subjects` entry, as written.
struct SubjectEntry {
    kind: String,
    name: String,
    namespace: String,
}

impl SubjectEntry {
    fn namespace_or(&self, binding_namespace: Option<&str>) -> Option<String> {
        if self.namespace.is_empty() {
            binding_namespace.map(str::to_string)
        } else {
            Some(self.namespace.clone())
        }
    }

    fn display(&self) -> String {
        if self.kind == "ServiceAccount" && !self.namespace.is_empty() {
            format!("{}/{}", self.namespace, self.name)
        } else {
            self.name.clone()
        }
    }
}

fn subjects(obj: &Object) -> Vec<(usize, SubjectEntry)> {
    let text = |n: Option<&kubeguard_source::Node>| {
        n.and_then(kubeguard_source::Node::scalar_text)
            .unwrap_or_default()
    };
    obj.root
        .get("subjects")
        .and_then(kubeguard_source::Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .enumerate()
        .filter(|(_, n)| n.as_map().is_some())
        .map(|(i, n)| {
            (
                i,
                SubjectEntry {
                    kind: text(n.get("kind")),
                    name: text(n.get("name")),
                    namespace: text(n.get("namespace")),
                },
            )
        })
        .collect()
}

/// `system:` users and groups, and ServiceAccounts of kube-system.
fn is_system_subject(s: &SubjectEntry, binding_namespace: Option<&str>) -> bool {
    match s.kind.as_str() {
        "ServiceAccount" => s.namespace_or(binding_namespace).as_deref() == Some("kube-system"),
        _ => s.name.starts_with("system:"),
    }
}

fn subject_field(obj: &Object, index: usize) -> FieldRef {
    locate(&obj.root, "", &[Seg::Key("subjects"), Seg::Index(index)])
}

impl CheckFn for Check {
    fn check(&self, ctx: &Context, obj: &Object, out: &mut Vec<Diagnostic>) {
        match obj.kind.as_str() {
            "Role" | "ClusterRole" if self.risk.reads_roles() => {
                self.check_role(ctx, obj, out);
            }
            "RoleBinding" | "ClusterRoleBinding" => self.check_binding(ctx, obj, out),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(verbs: &[&str], groups: &[&str], resources: &[&str], names: &[&str]) -> PolicyRule {
        let v = |l: &[&str]| l.iter().map(|s| s.to_string()).collect();
        PolicyRule {
            verbs: v(verbs),
            api_groups: v(groups),
            resources: v(resources),
            resource_names: v(names),
            non_resource_urls: Vec::new(),
        }
    }

    #[test]
    fn every_risk_has_a_distinct_id_that_parses_back() {
        for r in Risk::ALL {
            assert_eq!(Risk::parse(r.id()), Some(*r));
        }
        assert_eq!(Risk::parse("nope"), None);
    }

    #[test]
    fn subresource_wildcards_and_groups_follow_the_authorizer() {
        let exec = rule(&["create"], &[""], &["*/exec"], &[]);
        assert_eq!(
            rule_hit(Risk::PodExec, &exec),
            Some(("resources", 0, "create on pods/exec".to_string()))
        );
        // `pods/*` is no wildcard for the authorizer.
        let literal = rule(&["create"], &[""], &["pods/*"], &[]);
        assert_eq!(rule_hit(Risk::PodExec, &literal), None);
        // Deployments of the wrong group grant nothing.
        let wrong_group = rule(&["create"], &["extensions"], &["deployments"], &[]);
        assert_eq!(rule_hit(Risk::CreatePods, &wrong_group), None);
        let any_group = rule(&["*"], &["*"], &["jobs"], &[]);
        assert_eq!(
            rule_hit(Risk::CreatePods, &any_group),
            Some(("resources", 0, "create on jobs".to_string()))
        );
    }

    #[test]
    fn resource_names_never_grant_create_or_list() {
        let named = rule(
            &["create", "get", "list"],
            &[""],
            &["secrets", "pods"],
            &["x"],
        );
        assert_eq!(rule_hit(Risk::CreatePods, &named), None);
        assert_eq!(
            rule_hit(Risk::SecretsClusterRead, &named),
            Some(("resources", 0, "get on secrets".to_string()))
        );
    }

    #[test]
    fn verb_risks_point_at_the_verb() {
        let r = rule(&["get", "impersonate"], &[""], &["users"], &[]);
        assert_eq!(
            rule_hit(Risk::EscalateBindImpersonate, &r),
            Some(("verbs", 1, "impersonate on users".to_string()))
        );
        assert!(is_star_rule(&rule(&["*"], &["*"], &["*"], &[])));
        assert!(!is_star_rule(&rule(&["*"], &[""], &["*"], &[])));
    }
}
