//! Which workloads may use a PodSecurityPolicy: those whose ServiceAccount RBAC lets `use`
//! it, as the PodSecurityPolicy admission plugin authorizes the pod's service account.

use std::fmt;

use kubeguard_model::{Context, Object, Seg, Selector, WorkloadKind, locate};
use kubeguard_source::{Location, Node};

use super::spec::location_of;

/// The RBAC API group.
const RBAC_GROUP: &str = "rbac.authorization.k8s.io";

/// How a binding subject matches a workload's ServiceAccount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubjectMatch {
    /// A `ServiceAccount` subject naming it.
    ServiceAccount,
    /// A `User` subject with its user name (`system:serviceaccount:<ns>:<name>`).
    User(String),
    /// A `Group` subject with a group every service account of the namespace is in
    /// (`system:serviceaccounts`, `system:serviceaccounts:<ns>`, `system:authenticated`).
    Group(String),
}

impl fmt::Display for SubjectMatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SubjectMatch::ServiceAccount => f.write_str("ServiceAccount"),
            SubjectMatch::User(name) => write!(f, "User {name}"),
            SubjectMatch::Group(name) => write!(f, "Group {name}"),
        }
    }
}

/// One path by which a ServiceAccount may use a PSP: a binding, the role it refers to, and
/// the rule granting `use`.
#[derive(Debug, Clone)]
pub struct Grant<'a> {
    /// The RoleBinding (in the workload's namespace) or ClusterRoleBinding.
    pub binding: &'a Object,
    /// How its subject matches the ServiceAccount.
    pub subject: SubjectMatch,
    /// Dotted path of the subject in the binding (`subjects[0]`).
    pub subject_field: String,
    /// Where the subject is; `None` without source text.
    pub subject_location: Option<Location>,
    /// The Role or ClusterRole `roleRef` names.
    pub role: &'a Object,
    /// The role holding the granting rule: `role` itself, or a ClusterRole its
    /// `aggregationRule` selects.
    pub rule_role: &'a Object,
    /// Dotted path of the rule in `rule_role` (`rules[1]`).
    pub rule_field: String,
    /// Where the rule is; `None` without source text.
    pub rule_location: Option<Location>,
}

/// A workload whose pods may use a PSP, and every grant letting them.
#[derive(Debug, Clone)]
pub struct PspUser<'a> {
    /// The workload (a Pod or any kind with a pod template, except PodTemplates).
    pub workload: &'a Object,
    /// Its namespace (`default` when unset).
    pub namespace: String,
    /// Its ServiceAccount (`serviceAccountName`, else `serviceAccount`, else `default`).
    pub service_account: String,
    /// The grants, in binding load order.
    pub grants: Vec<Grant<'a>>,
}

/// Whether an object runs pods that admission sees: a Pod or a controller with a pod
/// template (PodTemplates run nothing themselves).
pub(crate) fn runs_pods(obj: &Object) -> bool {
    obj.workload_kind()
        .is_some_and(|k| k != WorkloadKind::PodTemplate)
        && obj.pod_spec().is_some()
}

/// The ServiceAccount a workload's pods run as.
pub(crate) fn service_account(workload: &Object) -> String {
    workload
        .pod_spec()
        .and_then(|s| s.service_account())
        .map_or_else(|| "default".to_string(), |(name, _)| name)
}

fn is_rbac(obj: &Object) -> bool {
    obj.group() == RBAC_GROUP
}

/// The scalar items of a list field of `node`.
fn strings<'n>(node: &'n Node, key: &str) -> impl Iterator<Item = std::borrow::Cow<'n, str>> {
    node.get(key)
        .and_then(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .filter_map(Node::scalar_cow)
}

/// Whether an RBAC rule grants `use` of PodSecurityPolicy `name`, as the admission plugin
/// asks (verb `use`, resource `podsecuritypolicies` in group `policy` or `extensions`,
/// resource name `name`).
pub(crate) fn grants_use(rule: &Node, name: &str) -> bool {
    let any = |key: &str, ok: &dyn Fn(&str) -> bool| strings(rule, key).any(|s| ok(&s));
    let names: Vec<_> = strings(rule, "resourceNames").collect();
    any("verbs", &|v| v == "use" || v == "*")
        && any("apiGroups", &|g| {
            g == "policy" || g == "extensions" || g == "*"
        })
        && any("resources", &|r| r == "podsecuritypolicies" || r == "*")
        && (names.is_empty() || names.iter().any(|n| n == name))
}

/// The rules of `role` granting `use` of `name`, with the role holding each: its own rules,
/// or for a ClusterRole with an `aggregationRule` those of the ClusterRoles it selects (the
/// aggregation controller replaces its rules with theirs).
fn granting_rules<'a>(ctx: &'a Context, role: &'a Object, name: &str) -> Vec<(&'a Object, usize)> {
    let selectors: Vec<Selector> = role
        .root
        .path(&["aggregationRule", "clusterRoleSelectors"])
        .and_then(Node::as_seq)
        .map(|s| s.iter().filter_map(Selector::from_label_selector).collect())
        .unwrap_or_default();
    let own = |r: &'a Object| {
        r.root
            .get("rules")
            .and_then(Node::as_seq)
            .unwrap_or(&[])
            .iter()
            .enumerate()
            .filter(|(_, rule)| grants_use(rule, name))
            .map(move |(i, _)| (r, i))
            .collect::<Vec<_>>()
    };
    let aggregated = role.kind == "ClusterRole"
        && role
            .root
            .get("aggregationRule")
            .is_some_and(|a| !a.is_null());
    if !aggregated {
        return own(role);
    }
    ctx.of_kind("ClusterRole")
        .filter(|r| is_rbac(r) && !std::ptr::eq(*r, role))
        .filter(|r| selectors.iter().any(|s| s.matches(r.labels())))
        .flat_map(own)
        .collect()
}

/// The roles a binding refers to: a Role of the binding's namespace (RoleBindings only) or
/// a ClusterRole.
fn roles_of<'a>(ctx: &'a Context, binding: &'a Object) -> Vec<&'a Object> {
    let Some(role_ref) = binding.root.get("roleRef") else {
        return Vec::new();
    };
    let kind = role_ref
        .get("kind")
        .and_then(Node::scalar_text)
        .unwrap_or_default();
    let name = role_ref
        .get("name")
        .and_then(Node::scalar_text)
        .unwrap_or_default();
    match (binding.kind.as_str(), kind.as_str()) {
        ("RoleBinding", "Role") => ctx
            .named("Role", &name)
            .filter(|r| is_rbac(r) && r.namespace_or_default() == binding.namespace_or_default())
            .collect(),
        ("RoleBinding" | "ClusterRoleBinding", "ClusterRole") => ctx
            .named("ClusterRole", &name)
            .filter(|r| is_rbac(r))
            .collect(),
        _ => Vec::new(),
    }
}

/// How subject `s` of `binding` matches ServiceAccount `namespace/name`, if it does (RBAC's
/// `appliesTo`: a ServiceAccount subject without a namespace takes a RoleBinding's).
fn subject_match(binding: &Object, s: &Node, namespace: &str, name: &str) -> Option<SubjectMatch> {
    let field = |k| s.get(k).and_then(Node::scalar_text).unwrap_or_default();
    let subject_name = field("name");
    match field("kind").as_str() {
        "ServiceAccount" => {
            let mut ns = field("namespace");
            if ns.is_empty() && binding.kind == "RoleBinding" {
                ns = binding.namespace_or_default().to_string();
            }
            (ns == namespace && subject_name == name).then_some(SubjectMatch::ServiceAccount)
        }
        "User" => (subject_name == format!("system:serviceaccount:{namespace}:{name}"))
            .then_some(SubjectMatch::User(subject_name)),
        "Group" => (subject_name == "system:serviceaccounts"
            || subject_name == "system:authenticated"
            || subject_name == format!("system:serviceaccounts:{namespace}"))
        .then_some(SubjectMatch::Group(subject_name)),
        _ => None,
    }
}

/// A binding granting `use` of the PSP through some rule, with those rules.
struct Granting<'a> {
    binding: &'a Object,
    rules: Vec<(&'a Object, &'a Object, usize)>,
}

fn granting_bindings<'a>(ctx: &'a Context, psp: &Object) -> Vec<Granting<'a>> {
    ctx.of_kind("RoleBinding")
        .chain(ctx.of_kind("ClusterRoleBinding"))
        .filter(|b| is_rbac(b))
        .filter_map(|binding| {
            let rules: Vec<_> = roles_of(ctx, binding)
                .into_iter()
                .flat_map(|role| {
                    granting_rules(ctx, role, &psp.name)
                        .into_iter()
                        .map(move |(holder, i)| (role, holder, i))
                })
                .collect();
            (!rules.is_empty()).then_some(Granting { binding, rules })
        })
        .collect()
}

/// The workloads of `ctx` whose ServiceAccount may use `psp`, in load order, each with every
/// binding path granting it. A RoleBinding counts for workloads of its own namespace only.
///
/// Only the pod's ServiceAccount is considered: the plugin also accepts a PSP the creating
/// user may use, which manifests do not tell (for controllers, the user is the controller's
/// own service account).
pub fn psp_users<'a>(ctx: &'a Context, psp: &Object) -> Vec<PspUser<'a>> {
    let bindings = granting_bindings(ctx, psp);
    if bindings.is_empty() {
        return Vec::new();
    }
    ctx.objects
        .iter()
        .filter(|o| runs_pods(o))
        .filter_map(|workload| {
            let namespace = workload.namespace_or_default().to_string();
            let service_account = service_account(workload);
            let mut grants = Vec::new();
            for g in &bindings {
                if g.binding.kind == "RoleBinding" && g.binding.namespace_or_default() != namespace
                {
                    continue;
                }
                let subjects = g
                    .binding
                    .root
                    .get("subjects")
                    .and_then(Node::as_seq)
                    .unwrap_or(&[]);
                for (si, s) in subjects.iter().enumerate() {
                    let Some(subject) = subject_match(g.binding, s, &namespace, &service_account)
                    else {
                        continue;
                    };
                    let sf = locate(&g.binding.root, "", &[Seg::Key("subjects"), Seg::Index(si)]);
                    for &(role, holder, ri) in &g.rules {
                        let rf = locate(&holder.root, "", &[Seg::Key("rules"), Seg::Index(ri)]);
                        grants.push(Grant {
                            binding: g.binding,
                            subject: subject.clone(),
                            subject_location: location_of(g.binding, &sf),
                            subject_field: sf.path.clone(),
                            role,
                            rule_role: holder,
                            rule_location: location_of(holder, &rf),
                            rule_field: rf.path,
                        });
                    }
                }
            }
            (!grants.is_empty()).then_some(PspUser {
                workload,
                namespace,
                service_account,
                grants,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(text: &str) -> Context {
        let (objects, errors) = Object::parse_all("rbac.yaml", text);
        assert!(errors.is_empty(), "{errors:?}");
        Context::new(objects)
    }

    const PSP: &str = "apiVersion: policy/v1beta1\nkind: PodSecurityPolicy\nmetadata: {name: restricted}\nspec: {}\n---\n";

    fn users(text: &str) -> Vec<(String, Vec<String>)> {
        let c = ctx(&format!("{PSP}{text}"));
        let psp = &c.objects[0];
        psp_users(&c, psp)
            .into_iter()
            .map(|u| {
                (
                    format!("{}/{}", u.namespace, u.workload.name),
                    u.grants
                        .iter()
                        .map(|g| {
                            format!(
                                "{} {} -> {} {} {} via {}",
                                g.binding.kind,
                                g.binding.name,
                                g.role.kind,
                                g.rule_role.name,
                                g.rule_field,
                                g.subject
                            )
                        })
                        .collect(),
                )
            })
            .collect()
    }

    fn rule(verbs: &str, groups: &str, resources: &str, names: &str) -> bool {
        let text = format!(
            "{{verbs: {verbs}, apiGroups: {groups}, resources: {resources}, resourceNames: {names}}}"
        );
        let node = kubeguard_source::parse_documents(&text, &Default::default())
            .remove(0)
            .expect("rule")
            .root;
        grants_use(&node, "restricted")
    }

    #[test]
    fn rules_granting_use() {
        assert!(rule("[use]", "[policy]", "[podsecuritypolicies]", "[]"));
        assert!(rule("['*']", "[extensions]", "['*']", "[restricted]"));
        assert!(rule("[get, use]", "['*']", "[podsecuritypolicies]", "null"));
        assert!(!rule("[get]", "[policy]", "[podsecuritypolicies]", "[]"));
        assert!(!rule("[use]", "['']", "[podsecuritypolicies]", "[]"));
        assert!(!rule("[use]", "[policy]", "[pods]", "[]"));
        assert!(!rule(
            "[use]",
            "[policy]",
            "[podsecuritypolicies]",
            "[privileged]"
        ));
        assert!(!rule(
            "[use]",
            "[policy]",
            "[podsecuritypolicies/status]",
            "[]"
        ));
    }

    const ROLE: &str = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: psp-restricted}\nrules:\n- {apiGroups: [''], resources: [pods], verbs: [get]}\n- {apiGroups: [policy], resources: [podsecuritypolicies], verbs: [use], resourceNames: [restricted]}\n---\n";

    #[test]
    fn service_accounts_groups_and_users() {
        let text = format!(
            "{ROLE}apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {{name: shop-sa, namespace: shop}}\nroleRef: {{kind: ClusterRole, name: psp-restricted, apiGroup: rbac.authorization.k8s.io}}\nsubjects:\n- {{kind: ServiceAccount, name: web}}\n- {{kind: ServiceAccount, name: web, namespace: other}}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {{name: all-in-ops}}\nroleRef: {{kind: ClusterRole, name: psp-restricted}}\nsubjects:\n- {{kind: Group, name: 'system:serviceaccounts:ops'}}\n- {{kind: User, name: 'system:serviceaccount:batch:runner'}}\n- {{kind: ServiceAccount, name: default}}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: web, namespace: shop}}\nspec:\n  template:\n    spec:\n      serviceAccountName: web\n      containers: [{{name: c}}]\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: api, namespace: shop}}\nspec: {{template: {{spec: {{containers: [{{name: c}}]}}}}}}\n---\napiVersion: v1\nkind: Pod\nmetadata: {{name: tool, namespace: ops}}\nspec: {{serviceAccount: anything, containers: [{{name: c}}]}}\n---\napiVersion: batch/v1\nkind: CronJob\nmetadata: {{name: nightly, namespace: batch}}\nspec: {{jobTemplate: {{spec: {{template: {{spec: {{serviceAccountName: runner, containers: [{{name: c}}]}}}}}}}}}}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: web, namespace: other}}\nspec: {{template: {{spec: {{serviceAccountName: web, containers: [{{name: c}}]}}}}}}\n---\napiVersion: v1\nkind: PodTemplate\nmetadata: {{name: t, namespace: ops}}\ntemplate: {{spec: {{containers: [{{name: c}}]}}}}\n"
        );
        assert_eq!(
            users(&text),
            [
                (
                    "shop/web".to_string(),
                    vec![
                        "RoleBinding shop-sa -> ClusterRole psp-restricted rules[1] via ServiceAccount"
                            .to_string()
                    ]
                ),
                (
                    "ops/tool".to_string(),
                    vec![
                        "ClusterRoleBinding all-in-ops -> ClusterRole psp-restricted rules[1] via Group system:serviceaccounts:ops"
                            .to_string()
                    ]
                ),
                (
                    "batch/nightly".to_string(),
                    vec![
                        "ClusterRoleBinding all-in-ops -> ClusterRole psp-restricted rules[1] via User system:serviceaccount:batch:runner"
                            .to_string()
                    ]
                ),
            ]
        );
        // Locations point at the subject and the rule.
        let c = ctx(&format!("{PSP}{text}"));
        let u = psp_users(&c, &c.objects[0]);
        let g = &u[0].grants[0];
        assert_eq!(g.subject_field, "subjects[0]");
        let sl = g.subject_location.as_ref().expect("located");
        let rl = g.rule_location.as_ref().expect("located");
        assert_eq!((sl.start.line, rl.start.line), (18, 11));
    }

    #[test]
    fn roles_by_kind_namespace_and_aggregation() {
        let text = "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: use-psp, namespace: shop}\nrules: [{apiGroups: [extensions], resources: [podsecuritypolicies], verbs: [use]}]\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: use-psp, namespace: other}\nrules: [{apiGroups: ['*'], resources: ['*'], verbs: ['*']}]\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: rb, namespace: shop}\nroleRef: {kind: Role, name: use-psp}\nsubjects: [{kind: Group, name: 'system:authenticated'}]\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: wrong-kind, namespace: shop}\nroleRef: {kind: ClusterRole, name: use-psp}\nsubjects: [{kind: Group, name: 'system:serviceaccounts'}]\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: aggregate}\naggregationRule: {clusterRoleSelectors: [{matchLabels: {psp: 'true'}}]}\nrules: [{apiGroups: [policy], resources: [podsecuritypolicies], verbs: [use]}]\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: piece, labels: {psp: 'true'}}\nrules: [{apiGroups: [policy], resources: [podsecuritypolicies], verbs: [use], resourceNames: [restricted]}]\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: crb}\nroleRef: {kind: ClusterRole, name: aggregate}\nsubjects: [{kind: ServiceAccount, name: default}, {kind: ServiceAccount, name: default, namespace: other}]\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: shop}\nspec: {containers: [{name: c}]}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: q, namespace: other}\nspec: {containers: [{name: c}]}\n";
        assert_eq!(
            users(text),
            [
                (
                    "shop/p".to_string(),
                    vec![
                        "RoleBinding rb -> Role use-psp rules[0] via Group system:authenticated"
                            .to_string()
                    ]
                ),
                (
                    "other/q".to_string(),
                    vec![
                        "ClusterRoleBinding crb -> ClusterRole piece rules[0] via ServiceAccount"
                            .to_string()
                    ]
                ),
            ]
        );
    }

    #[test]
    fn nothing_granted_means_no_users() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c}]}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: crb}\nroleRef: {kind: ClusterRole, name: missing}\nsubjects: [{kind: Group, name: 'system:authenticated'}]\n---\nkind: ClusterRoleBinding\napiVersion: rbac.authorization.k8s.io/v1\nmetadata: {name: odd}\nroleRef: 5\nsubjects: [1, null, {kind: [x]}]\n";
        assert!(users(text).is_empty());
    }
}
