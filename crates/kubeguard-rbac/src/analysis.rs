//! The RBAC state of a set of objects: roles and bindings resolved as the API server would
//! hold them (one object per name, the last one applied winning), each binding's role,
//! every role's effective (aggregated) rules, and diagnostics for what grants nothing.

use std::collections::HashMap;

use kubeguard_model::{Context, Object};
use kubeguard_source::Location;

use crate::aggregate::{RuleRef, effective_rules};
use crate::builtin::builtin_roles;
use crate::model::{Binding, BindingKind, Role, RoleKind, Rule};

/// How the analysis is run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Add Kubernetes' bootstrap roles (the ClusterRoles `cluster-admin`, `admin`, `edit`,
    /// `view`, `system:*`, and the Roles of kube-system and kube-public such as
    /// `extension-apiserver-authentication-reader`) that no input role of the same kind,
    /// namespace and name replaces, so that bindings to them resolve. On by default.
    pub builtin_roles: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            builtin_roles: true,
        }
    }
}

/// What a diagnostic is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DiagnosticKind {
    /// A binding's role is not among the inputs (nor built in): the binding grants nothing.
    MissingRole,
    /// A binding's `roleRef` is missing, malformed, of an unknown kind, or a
    /// ClusterRoleBinding refers to a Role: the binding grants nothing.
    InvalidRoleRef,
    /// A ServiceAccount subject without a namespace in a ClusterRoleBinding: it matches
    /// nobody.
    ServiceAccountWithoutNamespace,
    /// A subject of a kind other than User, Group and ServiceAccount, or without a name: it
    /// matches nobody.
    InvalidSubject,
    /// A binding without subjects: it grants nothing.
    NoSubjects,
    /// An object of the same kind, namespace and name comes later among the inputs and
    /// replaces this one.
    Duplicate,
    /// A ClusterRole's `aggregationRule` has an invalid selector: the aggregation controller
    /// fails and the role keeps its written rules.
    InvalidAggregationSelector,
}

impl DiagnosticKind {
    /// A stable identifier (`missing-role`).
    pub fn id(self) -> &'static str {
        match self {
            DiagnosticKind::MissingRole => "missing-role",
            DiagnosticKind::InvalidRoleRef => "invalid-role-ref",
            DiagnosticKind::ServiceAccountWithoutNamespace => "service-account-without-namespace",
            DiagnosticKind::InvalidSubject => "invalid-subject",
            DiagnosticKind::NoSubjects => "no-subjects",
            DiagnosticKind::Duplicate => "duplicate",
            DiagnosticKind::InvalidAggregationSelector => "invalid-aggregation-selector",
        }
    }
}

/// Something in the RBAC objects that grants nothing or is overridden, with its location.
#[derive(Debug, Clone)]
pub struct Diagnostic<'a> {
    /// What it is about.
    pub kind: DiagnosticKind,
    /// What is wrong, in a sentence.
    pub message: String,
    /// The object.
    pub object: &'a Object,
    /// The field (`roleRef.name`, `subjects[1]`; empty for the object as a whole).
    pub field: String,
    /// Where.
    pub location: Option<Location>,
}

/// The RBAC objects of a context, resolved.
#[derive(Debug)]
pub struct Rbac<'a> {
    roles: Vec<Role<'a>>,
    bindings: Vec<Binding<'a>>,
    /// Per role: the id of the role of the same kind, namespace and name that wins.
    winner: Vec<usize>,
    /// Per binding: the id of the binding of the same kind, namespace and name that wins.
    binding_winner: Vec<usize>,
    /// Per binding: the id of its role.
    binding_role: Vec<Option<usize>>,
    effective: Vec<Vec<RuleRef>>,
    index: HashMap<(RoleKind, Option<String>, String), usize>,
    diagnostics: Vec<Diagnostic<'a>>,
}

impl<'a> Rbac<'a> {
    /// Resolves the RBAC objects of `ctx` (any version of `rbac.authorization.k8s.io`).
    ///
    /// Roles: the Roles and ClusterRoles in load order, then the built-in roles not replaced
    /// by one of the same kind, namespace and name. Bindings: the ClusterRoleBindings, then the
    /// RoleBindings, each in load order (the order the authorizer visits them in).
    pub fn new(ctx: &'a Context, options: &Options) -> Rbac<'a> {
        let mut roles: Vec<Role<'a>> = Vec::new();
        for obj in ctx.of_kind("Role").chain(ctx.of_kind("ClusterRole")) {
            if let Some(r) = Role::from_object(obj, roles.len(), false) {
                roles.push(r);
            }
        }
        if options.builtin_roles {
            for obj in builtin_roles() {
                let Some(builtin) = Role::from_object(obj, roles.len(), true) else {
                    continue;
                };
                let replaced = roles.iter().any(|r| {
                    r.kind == builtin.kind
                        && r.namespace == builtin.namespace
                        && r.name == builtin.name
                });
                if !replaced {
                    roles.push(builtin);
                }
            }
        }
        let mut bindings: Vec<Binding<'a>> = Vec::new();
        for obj in ctx
            .of_kind("ClusterRoleBinding")
            .chain(ctx.of_kind("RoleBinding"))
        {
            if let Some(b) = Binding::from_object(obj, bindings.len()) {
                bindings.push(b);
            }
        }
        let mut diagnostics = Vec::new();

        // One role per kind, namespace and name: the last one wins.
        let mut index: HashMap<(RoleKind, Option<String>, String), usize> = HashMap::new();
        for r in &roles {
            index.insert((r.kind, r.namespace.clone(), r.name.clone()), r.id);
        }
        let winner: Vec<usize> = roles
            .iter()
            .map(|r| index[&(r.kind, r.namespace.clone(), r.name.clone())])
            .collect();
        for r in &roles {
            let w = winner[r.id];
            if w != r.id {
                diagnostics.push(Diagnostic {
                    kind: DiagnosticKind::Duplicate,
                    message: format!(
                        "{} is defined again{}; the later definition replaces this one",
                        r.label(),
                        at(roles[w].location.as_ref())
                    ),
                    object: r.object,
                    field: String::new(),
                    location: r.location.clone(),
                });
            }
            if let Some(selectors) = &r.aggregation {
                for s in selectors.iter().filter(|s| s.selector.is_none()) {
                    diagnostics.push(Diagnostic {
                        kind: DiagnosticKind::InvalidAggregationSelector,
                        message: format!(
                            "invalid label selector in the aggregationRule of {}: the aggregation controller fails, and the role keeps its written rules",
                            r.label()
                        ),
                        object: r.object,
                        field: s.field.clone(),
                        location: s.location.clone(),
                    });
                }
            }
        }
        let mut cluster_roles: Vec<usize> = roles
            .iter()
            .filter(|r| r.kind == RoleKind::ClusterRole && winner[r.id] == r.id)
            .map(|r| r.id)
            .collect();
        cluster_roles.sort_by(|a, b| roles[*a].name.cmp(&roles[*b].name));
        let effective = effective_rules(&roles, &cluster_roles);

        // Bindings: duplicates, roles, subjects.
        let mut binding_index: HashMap<(BindingKind, Option<String>, String), usize> =
            HashMap::new();
        for b in &bindings {
            binding_index.insert((b.kind, b.namespace.clone(), b.name.clone()), b.id);
        }
        let mut binding_role = Vec::with_capacity(bindings.len());
        let mut binding_winner = Vec::with_capacity(bindings.len());
        for b in &bindings {
            let w = binding_index[&(b.kind, b.namespace.clone(), b.name.clone())];
            binding_winner.push(w);
            if w != b.id {
                diagnostics.push(Diagnostic {
                    kind: DiagnosticKind::Duplicate,
                    message: format!(
                        "{} is defined again{}; the later definition replaces this one",
                        b.label(),
                        at(bindings[w].location.as_ref())
                    ),
                    object: b.object,
                    field: String::new(),
                    location: b.location.clone(),
                });
            }
            let (role, problem) = resolve_role(b, &index, &roles);
            if let Some(d) = problem {
                diagnostics.push(d);
            }
            binding_role.push(if w == b.id { role } else { None });
            subject_diagnostics(b, &mut diagnostics);
        }
        diagnostics.sort_by(|a, b| {
            (&*a.object.path, a.object.doc_index, &a.field, a.kind).cmp(&(
                &*b.object.path,
                b.object.doc_index,
                &b.field,
                b.kind,
            ))
        });
        Rbac {
            roles,
            bindings,
            winner,
            binding_winner,
            binding_role,
            effective,
            index,
            diagnostics,
        }
    }

    /// Every Role and ClusterRole (those replaced by a later duplicate included), by id.
    pub fn roles(&self) -> &[Role<'a>] {
        &self.roles
    }

    /// Every RoleBinding and ClusterRoleBinding (replaced duplicates included), by id:
    /// ClusterRoleBindings first, then RoleBindings, each in load order.
    pub fn bindings(&self) -> &[Binding<'a>] {
        &self.bindings
    }

    /// Bindings to missing roles, invalid references and subjects, duplicates and invalid
    /// aggregation selectors, sorted by file and field.
    pub fn diagnostics(&self) -> &[Diagnostic<'a>] {
        &self.diagnostics
    }

    /// Whether the role is the one the cluster holds (not replaced by a later duplicate).
    pub fn is_active_role(&self, role: &Role<'_>) -> bool {
        self.winner.get(role.id) == Some(&role.id)
    }

    /// Whether the binding is the one the cluster holds (not replaced by a later duplicate).
    pub fn is_active_binding(&self, binding: &Binding<'_>) -> bool {
        self.binding_winner.get(binding.id) == Some(&binding.id)
    }

    /// The role of kind `kind` named `name` (in `namespace` for a Role) that the cluster holds.
    pub fn find_role(
        &self,
        kind: RoleKind,
        namespace: Option<&str>,
        name: &str,
    ) -> Option<&Role<'a>> {
        let ns = match kind {
            RoleKind::Role => Some(namespace?.to_string()),
            RoleKind::ClusterRole => None,
        };
        self.index
            .get(&(kind, ns, name.to_string()))
            .and_then(|&i| self.roles.get(i))
    }

    /// The role a binding grants (`None` when missing or invalid, or when the binding is
    /// replaced by a later duplicate).
    pub fn role_of(&self, binding: &Binding<'_>) -> Option<&Role<'a>> {
        self.binding_role
            .get(binding.id)
            .copied()
            .flatten()
            .and_then(|i| self.roles.get(i))
    }

    /// The effective rules of a role with the role holding each: its own rules, or for an
    /// aggregated ClusterRole those of the ClusterRoles it aggregates.
    pub fn effective_rules(&self, role: &Role<'_>) -> Vec<EffectiveRule<'_, 'a>> {
        self.effective
            .get(role.id)
            .map(Vec::as_slice)
            .unwrap_or(&[])
            .iter()
            .filter_map(|r| {
                let holder = self.roles.get(r.role)?;
                Some(EffectiveRule {
                    role: holder,
                    rule: holder.rules.get(r.rule)?,
                })
            })
            .collect()
    }
}

/// A rule of a role's effective rules.
#[derive(Debug, Clone, Copy)]
pub struct EffectiveRule<'r, 'a> {
    /// The role that holds the rule: the role itself, or an aggregated ClusterRole.
    pub role: &'r Role<'a>,
    /// The rule.
    pub rule: &'r Rule<'a>,
}

fn at(location: Option<&Location>) -> String {
    location.map_or_else(String::new, |l| format!(" at {}:{}", l.path, l.start.line))
}

/// The role a binding refers to, or the diagnostic telling why there is none.
fn resolve_role<'a>(
    b: &Binding<'a>,
    index: &HashMap<(RoleKind, Option<String>, String), usize>,
    roles: &[Role<'a>],
) -> (Option<usize>, Option<Diagnostic<'a>>) {
    let invalid = |message: String, field: &str| Diagnostic {
        kind: DiagnosticKind::InvalidRoleRef,
        message,
        object: b.object,
        field: field.to_string(),
        location: b
            .role_ref
            .as_ref()
            .and_then(|r| r.location.clone())
            .or_else(|| b.location.clone()),
    };
    let Some(role_ref) = &b.role_ref else {
        return (
            None,
            Some(invalid(
                format!("{} has no roleRef: it grants nothing", b.label()),
                "roleRef",
            )),
        );
    };
    let kind = match (b.kind, role_ref.kind.as_str()) {
        (_, "ClusterRole") => RoleKind::ClusterRole,
        (BindingKind::RoleBinding, "Role") => RoleKind::Role,
        (BindingKind::ClusterRoleBinding, "Role") => {
            return (
                None,
                Some(invalid(
                    format!(
                        "{} refers to Role {:?}, but a ClusterRoleBinding can only refer to a ClusterRole: it grants nothing",
                        b.label(),
                        role_ref.name
                    ),
                    "roleRef.kind",
                )),
            );
        }
        (_, other) => {
            return (
                None,
                Some(invalid(
                    format!(
                        "{} has roleRef kind {other:?} (expected Role or ClusterRole): it grants nothing",
                        b.label()
                    ),
                    "roleRef.kind",
                )),
            );
        }
    };
    if role_ref.name.is_empty() {
        return (
            None,
            Some(invalid(
                format!(
                    "{} has a roleRef without a name: it grants nothing",
                    b.label()
                ),
                "roleRef.name",
            )),
        );
    }
    let namespace = match kind {
        RoleKind::Role => b.namespace.clone(),
        RoleKind::ClusterRole => None,
    };
    match index.get(&(kind, namespace.clone(), role_ref.name.clone())) {
        Some(&i) if i < roles.len() => (Some(i), None),
        _ => {
            let what = match &namespace {
                Some(ns) => format!("{} {ns}/{}", kind.as_str(), role_ref.name),
                None => format!("{} {}", kind.as_str(), role_ref.name),
            };
            (
                None,
                Some(Diagnostic {
                    kind: DiagnosticKind::MissingRole,
                    message: format!(
                        "{} refers to {what}, which is not among the inputs: it grants nothing",
                        b.label()
                    ),
                    object: b.object,
                    field: "roleRef.name".to_string(),
                    location: role_ref.location.clone().or_else(|| b.location.clone()),
                }),
            )
        }
    }
}

fn subject_diagnostics<'a>(b: &Binding<'a>, out: &mut Vec<Diagnostic<'a>>) {
    let has_subjects = b
        .object
        .root
        .get("subjects")
        .and_then(kubeguard_source::Node::as_seq)
        .is_some_and(|s| !s.is_empty());
    if !has_subjects {
        out.push(Diagnostic {
            kind: DiagnosticKind::NoSubjects,
            message: format!("{} has no subjects: it grants nothing", b.label()),
            object: b.object,
            field: "subjects".to_string(),
            location: b.location.clone(),
        });
        return;
    }
    for s in &b.subjects {
        let (kind, message) = match s.kind.as_str() {
            _ if s.name.is_empty() => (
                DiagnosticKind::InvalidSubject,
                format!(
                    "{} of {} has no name: it matches nobody",
                    s.field,
                    b.label()
                ),
            ),
            "User" | "Group" => continue,
            "ServiceAccount" if !s.namespace.is_empty() || b.namespace.is_some() => continue,
            "ServiceAccount" => (
                DiagnosticKind::ServiceAccountWithoutNamespace,
                format!(
                    "ServiceAccount {:?} of {} has no namespace: in a ClusterRoleBinding it matches nobody",
                    s.name,
                    b.label()
                ),
            ),
            other => (
                DiagnosticKind::InvalidSubject,
                format!(
                    "{} of {} has kind {other:?} (expected User, Group or ServiceAccount): it matches nobody",
                    s.field,
                    b.label()
                ),
            ),
        };
        out.push(Diagnostic {
            kind,
            message,
            object: b.object,
            field: s.field.clone(),
            location: s.location.clone(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kubeguard_model::Context;

    fn context(text: &str) -> Context {
        let (objects, errors) = Object::parse_all("rbac.yaml", text);
        assert!(errors.is_empty(), "{errors:?}");
        Context::new(objects)
    }

    const RB: &str = "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\n";
    const CRB: &str = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\n";
    const ROLE: &str = "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\n";
    const CR: &str = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\n";

    fn diagnostics(rbac: &Rbac<'_>) -> Vec<String> {
        rbac.diagnostics()
            .iter()
            .map(|d| {
                format!(
                    "{} {}:{} {}: {}",
                    d.kind.id(),
                    d.object.name,
                    d.location.as_ref().map_or(0, |l| l.start.line),
                    d.field,
                    d.message
                )
            })
            .collect()
    }

    #[test]
    fn roles_of_bindings() {
        let text = format!(
            "{ROLE}metadata: {{name: reader, namespace: shop}}\nrules: []\n---\n{ROLE}metadata: {{name: reader}}\nrules: []\n---\n{CR}metadata: {{name: reader}}\nrules: []\n---\n{RB}metadata: {{name: a, namespace: shop}}\nroleRef: {{kind: Role, name: reader}}\nsubjects: [{{kind: User, name: u}}]\n---\n{RB}metadata: {{name: b}}\nroleRef: {{kind: Role, name: reader}}\nsubjects: [{{kind: User, name: u}}]\n---\n{RB}metadata: {{name: c, namespace: other}}\nroleRef: {{kind: Role, name: reader}}\nsubjects: [{{kind: User, name: u}}]\n---\n{RB}metadata: {{name: d, namespace: other}}\nroleRef: {{kind: ClusterRole, name: reader}}\nsubjects: [{{kind: User, name: u}}]\n---\n{CRB}metadata: {{name: e}}\nroleRef: {{kind: Role, name: reader}}\nsubjects: [{{kind: User, name: u}}]\n---\n{CRB}metadata: {{name: f}}\nroleRef: {{kind: ClusterRole, name: view}}\nsubjects: [{{kind: User, name: u}}]\n"
        );
        let ctx = context(&text);
        let rbac = Rbac::new(&ctx, &Options::default());
        let role_of = |name: &str| {
            let b = rbac
                .bindings()
                .iter()
                .find(|b| b.name == name)
                .expect("binding");
            rbac.role_of(b).map(|r| (r.label(), r.builtin))
        };
        assert_eq!(role_of("a"), Some(("Role shop/reader".into(), false)));
        // Without a namespace, a RoleBinding and a Role are both in `default`.
        assert_eq!(role_of("b"), Some(("Role default/reader".into(), false)));
        assert_eq!(role_of("c"), None);
        assert_eq!(role_of("d"), Some(("ClusterRole reader".into(), false)));
        assert_eq!(role_of("e"), None);
        assert_eq!(role_of("f"), Some(("ClusterRole view".into(), true)));
        assert_eq!(
            diagnostics(&rbac),
            [
                "missing-role c:31 roleRef.name: RoleBinding other/c refers to Role other/reader, which is not among the inputs: it grants nothing",
                "invalid-role-ref e:43 roleRef.kind: ClusterRoleBinding e refers to Role \"reader\", but a ClusterRoleBinding can only refer to a ClusterRole: it grants nothing",
            ]
        );
        // Without the built-in roles, `view` is missing.
        let bare = Rbac::new(
            &ctx,
            &Options {
                builtin_roles: false,
            },
        );
        assert!(bare.roles().iter().all(|r| !r.builtin));
        assert!(
            diagnostics(&bare)
                .iter()
                .any(|d| d.starts_with("missing-role f:"))
        );
        // Bindings are ordered as the authorizer visits them.
        let order: Vec<&str> = rbac.bindings().iter().map(|b| b.name.as_str()).collect();
        assert_eq!(order, ["e", "f", "a", "b", "c", "d"]);
        assert!(
            rbac.find_role(RoleKind::Role, Some("shop"), "reader")
                .is_some()
        );
        assert!(rbac.find_role(RoleKind::Role, None, "reader").is_none());
        assert!(
            rbac.find_role(RoleKind::ClusterRole, None, "cluster-admin")
                .is_some()
        );
        assert!(
            rbac.find_role(
                RoleKind::Role,
                Some("kube-system"),
                "extension-apiserver-authentication-reader"
            )
            .is_some_and(|r| r.builtin)
        );
        assert!(
            rbac.find_role(
                RoleKind::Role,
                Some("default"),
                "extension-apiserver-authentication-reader"
            )
            .is_none()
        );
    }

    #[test]
    fn duplicates_replace_and_inputs_replace_built_ins() {
        let text = format!(
            "{CR}metadata: {{name: view}}\nrules: [{{apiGroups: [''], resources: [pods], verbs: [get]}}]\n---\n{CR}metadata: {{name: dup}}\nrules: [{{apiGroups: [''], resources: [first], verbs: [get]}}]\n---\n{CR}metadata: {{name: dup}}\nrules: [{{apiGroups: [''], resources: [second], verbs: [get]}}]\n---\n{CRB}metadata: {{name: x}}\nroleRef: {{kind: ClusterRole, name: dup}}\nsubjects: [{{kind: User, name: first}}]\n---\n{CRB}metadata: {{name: x}}\nroleRef: {{kind: ClusterRole, name: dup}}\nsubjects: [{{kind: User, name: second}}]\n"
        );
        let ctx = context(&text);
        let rbac = Rbac::new(&ctx, &Options::default());
        // The input `view` replaces the built-in one (and its aggregation).
        let view = rbac
            .find_role(RoleKind::ClusterRole, None, "view")
            .expect("view");
        assert!(!view.builtin);
        assert_eq!(rbac.roles().iter().filter(|r| r.name == "view").count(), 1);
        let dup = rbac
            .find_role(RoleKind::ClusterRole, None, "dup")
            .expect("dup");
        assert_eq!(dup.rules[0].policy.resources, ["second"]);
        assert!(!rbac.is_active_role(&rbac.roles()[1]));
        assert!(rbac.is_active_role(dup));
        let first = &rbac.bindings()[0];
        assert!(!rbac.is_active_binding(first) && rbac.role_of(first).is_none());
        assert!(rbac.is_active_binding(&rbac.bindings()[1]));
        assert_eq!(
            diagnostics(&rbac),
            [
                "duplicate dup:7 : ClusterRole dup is defined again at rbac.yaml:12; the later definition replaces this one",
                "duplicate x:17 : ClusterRoleBinding x is defined again at rbac.yaml:23; the later definition replaces this one",
            ]
        );
    }

    #[test]
    fn subjects_that_match_nobody() {
        let text = format!(
            "{CRB}metadata: {{name: crb}}\nroleRef: {{kind: ClusterRole, name: view}}\nsubjects:\n- {{kind: ServiceAccount, name: web}}\n- {{kind: ServiceAccount, name: api, namespace: shop}}\n- {{kind: Robot, name: r2}}\n- {{kind: User}}\n---\n{RB}metadata: {{name: rb, namespace: shop}}\nroleRef: {{kind: ClusterRole, name: view}}\nsubjects: [{{kind: ServiceAccount, name: web}}]\n---\n{RB}metadata: {{name: empty, namespace: shop}}\nroleRef: {{kind: ClusterRole, name: view}}\n---\n{RB}metadata: {{name: noref, namespace: shop}}\nsubjects: [{{kind: User, name: u}}]\n---\n{RB}metadata: {{name: odd, namespace: shop}}\nroleRef: {{kind: Bogus, name: x}}\nsubjects: [{{kind: User, name: u}}]\n---\n{RB}metadata: {{name: unnamed, namespace: shop}}\nroleRef: {{kind: Role}}\nsubjects: [{{kind: User, name: u}}]\n---\n{CR}metadata: {{name: bad-agg}}\naggregationRule: {{clusterRoleSelectors: [{{matchExpressions: [{{key: a, operator: Bogus}}]}}]}}\n"
        );
        let ctx = context(&text);
        let rbac = Rbac::new(&ctx, &Options::default());
        assert_eq!(
            diagnostics(&rbac),
            [
                "service-account-without-namespace crb:6 subjects[0]: ServiceAccount \"web\" of ClusterRoleBinding crb has no namespace: in a ClusterRoleBinding it matches nobody",
                "invalid-subject crb:8 subjects[2]: subjects[2] of ClusterRoleBinding crb has kind \"Robot\" (expected User, Group or ServiceAccount): it matches nobody",
                "invalid-subject crb:9 subjects[3]: subjects[3] of ClusterRoleBinding crb has no name: it matches nobody",
                "no-subjects empty:18 subjects: RoleBinding shop/empty has no subjects: it grants nothing",
                "invalid-role-ref noref:23 roleRef: RoleBinding shop/noref has no roleRef: it grants nothing",
                "invalid-role-ref odd:30 roleRef.kind: RoleBinding shop/odd has roleRef kind \"Bogus\" (expected Role or ClusterRole): it grants nothing",
                "invalid-role-ref unnamed:36 roleRef.name: RoleBinding shop/unnamed has a roleRef without a name: it grants nothing",
                "invalid-aggregation-selector bad-agg:42 aggregationRule.clusterRoleSelectors[0]: invalid label selector in the aggregationRule of ClusterRole bad-agg: the aggregation controller fails, and the role keeps its written rules",
            ]
        );
    }

    #[test]
    fn hostile_shapes_do_not_panic() {
        let text = format!(
            "{CR}metadata: {{name: a}}\nrules: 5\naggregationRule: [1]\n---\n{CR}metadata: {{name: b}}\nrules: [null, [1], {{verbs: {{a: b}}, apiGroups: [[x]], resources: [null]}}]\naggregationRule: {{clusterRoleSelectors: 7}}\n---\n{CRB}metadata: {{name: c}}\nroleRef: [x]\nsubjects: {{kind: User}}\n---\n{RB}metadata: {{name: d, namespace: [x]}}\nroleRef: {{kind: [Role], name: {{a: 1}}}}\nsubjects: [null, 5, {{kind: ServiceAccount, name: [x]}}]\n---\n{CR}metadata: {{}}\n---\n{RB}metadata: {{name: e}}\nroleRef: {{kind: ClusterRole, name: a}}\nsubjects: [{{kind: Group, name: g}}]\n"
        );
        let ctx = context(&text);
        let rbac = Rbac::new(&ctx, &Options::default());
        assert_eq!(rbac.roles().iter().filter(|r| !r.builtin).count(), 3);
        assert_eq!(rbac.bindings().len(), 3);
        assert!(!rbac.diagnostics().is_empty());
        let a = rbac.find_role(RoleKind::ClusterRole, None, "a").expect("a");
        assert!(rbac.effective_rules(a).is_empty());
        let b = rbac.find_role(RoleKind::ClusterRole, None, "b").expect("b");
        assert!(b.aggregation.as_ref().is_some_and(Vec::is_empty));
    }
}
