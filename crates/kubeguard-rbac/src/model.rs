//! Typed views of the RBAC objects (Role, ClusterRole, RoleBinding, ClusterRoleBinding) over
//! the spanned tree, every part with its field path and location.
//!
//! Objects of the RBAC group in any version (`rbac.authorization.k8s.io/v1`, `v1beta1`,
//! `v1alpha1`) are read. A Role or RoleBinding without `metadata.namespace` is in `default`,
//! where `kubectl apply` without `-n` would put it.

use kubeguard_model::{FieldRef, Object, Seg, Selector, anchor_span, locate};
use kubeguard_source::{Location, Node, Span};

use crate::subject::Subject;

/// The RBAC API group.
pub const RBAC_GROUP: &str = "rbac.authorization.k8s.io";

/// The namespace of namespaced objects written without one.
pub const DEFAULT_NAMESPACE: &str = "default";

/// Role or ClusterRole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RoleKind {
    /// A namespaced Role.
    Role,
    /// A ClusterRole.
    ClusterRole,
}

impl RoleKind {
    /// `Role` or `ClusterRole`.
    pub fn as_str(self) -> &'static str {
        match self {
            RoleKind::Role => "Role",
            RoleKind::ClusterRole => "ClusterRole",
        }
    }
}

/// RoleBinding or ClusterRoleBinding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BindingKind {
    /// A ClusterRoleBinding: grants its role's rules in every namespace and cluster-wide.
    ClusterRoleBinding,
    /// A RoleBinding: grants its role's rules in its own namespace only.
    RoleBinding,
}

impl BindingKind {
    /// `RoleBinding` or `ClusterRoleBinding`.
    pub fn as_str(self) -> &'static str {
        match self {
            BindingKind::RoleBinding => "RoleBinding",
            BindingKind::ClusterRoleBinding => "ClusterRoleBinding",
        }
    }
}

/// The matching content of a PolicyRule: the five string lists the authorizer reads.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct PolicyRule {
    /// `verbs`.
    pub verbs: Vec<String>,
    /// `apiGroups`.
    pub api_groups: Vec<String>,
    /// `resources` (with subresources: `pods/exec`, `*/scale`).
    pub resources: Vec<String>,
    /// `resourceNames` (empty: any name).
    pub resource_names: Vec<String>,
    /// `nonResourceURLs`.
    pub non_resource_urls: Vec<String>,
}

impl PolicyRule {
    /// Reads a rule node; missing or malformed lists are empty, non-scalar items are skipped.
    pub fn from_node(node: &Node) -> PolicyRule {
        let list = |key: &str| -> Vec<String> {
            node.get(key)
                .and_then(Node::as_seq)
                .unwrap_or(&[])
                .iter()
                .filter_map(Node::scalar_text)
                .collect()
        };
        PolicyRule {
            verbs: list("verbs"),
            api_groups: list("apiGroups"),
            resources: list("resources"),
            resource_names: list("resourceNames"),
            non_resource_urls: list("nonResourceURLs"),
        }
    }
}

/// One entry of a role's `rules`.
#[derive(Debug, Clone)]
pub struct Rule<'a> {
    /// Position in `rules`.
    pub index: usize,
    /// The rule's node.
    pub node: &'a Node,
    /// Its path in the role (`rules[2]`).
    pub field: String,
    /// Where it is (its first entry); `None` for objects without source text.
    pub location: Option<Location>,
    /// What it matches.
    pub policy: PolicyRule,
}

impl Rule<'_> {
    /// The field path and span of `key[index]` inside the rule (`rules[2].verbs[0]`), or of
    /// the nearest existing parent.
    pub fn item(&self, key: &str, index: usize) -> FieldRef {
        locate(self.node, &self.field, &[Seg::Key(key), Seg::Index(index)])
    }
}

/// One `clusterRoleSelectors` entry of an aggregation rule.
#[derive(Debug, Clone)]
pub struct AggregationSelector {
    /// The selector; `None` when invalid (an unknown operator, `In`/`NotIn` without values,
    /// `Exists`/`DoesNotExist` with values), which makes the aggregation controller fail.
    pub selector: Option<Selector>,
    /// Its path (`aggregationRule.clusterRoleSelectors[0]`).
    pub field: String,
    /// Where it is.
    pub location: Option<Location>,
}

/// A Role or ClusterRole.
#[derive(Debug, Clone)]
pub struct Role<'a> {
    /// Position in [`crate::Rbac::roles`].
    pub id: usize,
    /// The object.
    pub object: &'a Object,
    /// Role or ClusterRole.
    pub kind: RoleKind,
    /// `metadata.name`.
    pub name: String,
    /// The namespace of a Role (`default` when unset); `None` for a ClusterRole.
    pub namespace: Option<String>,
    /// The rules as written.
    pub rules: Vec<Rule<'a>>,
    /// The `aggregationRule` selectors of a ClusterRole that has one (its written rules are
    /// then replaced by the aggregated ones).
    pub aggregation: Option<Vec<AggregationSelector>>,
    /// Whether it is one of Kubernetes' bootstrap roles (not among the inputs).
    pub builtin: bool,
    /// Where the object is (its `kind:`).
    pub location: Option<Location>,
}

impl Role<'_> {
    /// `Role shop/reader` or `ClusterRole view`.
    pub fn label(&self) -> String {
        match &self.namespace {
            Some(ns) => format!("{} {ns}/{}", self.kind.as_str(), self.name),
            None => format!("{} {}", self.kind.as_str(), self.name),
        }
    }
}

/// A binding's `roleRef`.
#[derive(Debug, Clone)]
pub struct RoleRef {
    /// `roleRef.kind` as written.
    pub kind: String,
    /// `roleRef.name`.
    pub name: String,
    /// `roleRef.apiGroup`.
    pub api_group: String,
    /// Where `roleRef.name` is (or the nearest parent).
    pub location: Option<Location>,
}

/// One entry of a binding's `subjects`, as written.
#[derive(Debug, Clone)]
pub struct BindingSubject {
    /// Position in `subjects`.
    pub index: usize,
    /// `kind`.
    pub kind: String,
    /// `name`.
    pub name: String,
    /// `namespace` as written (empty when absent).
    pub namespace: String,
    /// `apiGroup`.
    pub api_group: String,
    /// Its path (`subjects[1]`).
    pub field: String,
    /// Where it is.
    pub location: Option<Location>,
}

impl BindingSubject {
    /// The subject this entry grants to, with the authorizer's namespace defaulting: a
    /// ServiceAccount without a namespace is in the RoleBinding's namespace, and matches
    /// nothing in a ClusterRoleBinding. `None` for unknown kinds, empty names and such
    /// ServiceAccounts.
    pub fn subject(&self, binding_namespace: Option<&str>) -> Option<Subject> {
        if self.name.is_empty() {
            return None;
        }
        match self.kind.as_str() {
            "User" => Some(Subject::User(self.name.clone())),
            "Group" => Some(Subject::Group(self.name.clone())),
            "ServiceAccount" => {
                let namespace = if self.namespace.is_empty() {
                    binding_namespace?.to_string()
                } else {
                    self.namespace.clone()
                };
                Some(Subject::ServiceAccount {
                    namespace,
                    name: self.name.clone(),
                })
            }
            _ => None,
        }
    }
}

/// A RoleBinding or ClusterRoleBinding.
#[derive(Debug, Clone)]
pub struct Binding<'a> {
    /// Position in [`crate::Rbac::bindings`].
    pub id: usize,
    /// The object.
    pub object: &'a Object,
    /// RoleBinding or ClusterRoleBinding.
    pub kind: BindingKind,
    /// `metadata.name`.
    pub name: String,
    /// The namespace of a RoleBinding (`default` when unset); `None` for a ClusterRoleBinding.
    pub namespace: Option<String>,
    /// `roleRef`, when it is a mapping.
    pub role_ref: Option<RoleRef>,
    /// `subjects`, in order (entries that are not mappings are left out).
    pub subjects: Vec<BindingSubject>,
    /// Where the object is (its `kind:`).
    pub location: Option<Location>,
}

impl Binding<'_> {
    /// `RoleBinding shop/readers` or `ClusterRoleBinding admins`.
    pub fn label(&self) -> String {
        match &self.namespace {
            Some(ns) => format!("{} {ns}/{}", self.kind.as_str(), self.name),
            None => format!("{} {}", self.kind.as_str(), self.name),
        }
    }
}

/// The location of `span` in `obj`'s file; `None` when the object has no source text.
pub(crate) fn location_of(obj: &Object, span: Span) -> Option<Location> {
    (!obj.source.text().is_empty()).then(|| obj.source.location(&obj.path, span))
}

fn text(node: Option<&Node>) -> String {
    node.and_then(Node::scalar_text).unwrap_or_default()
}

/// The role kind of an RBAC object, if it is a Role or ClusterRole.
pub fn role_kind(obj: &Object) -> Option<RoleKind> {
    match (obj.group(), obj.kind.as_str()) {
        (RBAC_GROUP, "Role") => Some(RoleKind::Role),
        (RBAC_GROUP, "ClusterRole") => Some(RoleKind::ClusterRole),
        _ => None,
    }
}

/// The binding kind of an RBAC object, if it is a RoleBinding or ClusterRoleBinding.
pub fn binding_kind(obj: &Object) -> Option<BindingKind> {
    match (obj.group(), obj.kind.as_str()) {
        (RBAC_GROUP, "RoleBinding") => Some(BindingKind::RoleBinding),
        (RBAC_GROUP, "ClusterRoleBinding") => Some(BindingKind::ClusterRoleBinding),
        _ => None,
    }
}

impl<'a> Role<'a> {
    /// The view of a Role or ClusterRole (`None` for other objects).
    pub fn from_object(obj: &'a Object, id: usize, builtin: bool) -> Option<Role<'a>> {
        let kind = role_kind(obj)?;
        let rules = obj
            .root
            .get("rules")
            .and_then(Node::as_seq)
            .unwrap_or(&[])
            .iter()
            .enumerate()
            .filter(|(_, n)| n.as_map().is_some())
            .map(|(index, node)| Rule {
                index,
                node,
                field: format!("rules[{index}]"),
                location: location_of(obj, anchor_span(node)),
                policy: PolicyRule::from_node(node),
            })
            .collect();
        let aggregation = match kind {
            RoleKind::ClusterRole => obj
                .root
                .get("aggregationRule")
                .filter(|a| a.as_map().is_some())
                .map(|a| aggregation_selectors(obj, a)),
            RoleKind::Role => None,
        };
        Some(Role {
            id,
            object: obj,
            kind,
            name: obj.name.clone(),
            namespace: (kind == RoleKind::Role).then(|| {
                obj.namespace
                    .as_deref()
                    .unwrap_or(DEFAULT_NAMESPACE)
                    .to_string()
            }),
            rules,
            aggregation,
            builtin,
            location: location_of(obj, obj.anchor_span()),
        })
    }
}

fn aggregation_selectors(obj: &Object, rule: &Node) -> Vec<AggregationSelector> {
    rule.get("clusterRoleSelectors")
        .and_then(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .enumerate()
        .map(|(i, node)| {
            let f = locate(
                &obj.root,
                "",
                &[
                    Seg::Key("aggregationRule"),
                    Seg::Key("clusterRoleSelectors"),
                    Seg::Index(i),
                ],
            );
            AggregationSelector {
                selector: label_selector(node),
                location: location_of(obj, f.span),
                field: f.path,
            }
        })
        .collect()
}

/// A `LabelSelector` as `metav1.LabelSelectorAsSelector` accepts it: `None` for a selector it
/// rejects (not a mapping, unknown operator, `In`/`NotIn` without values,
/// `Exists`/`DoesNotExist` with values). An empty selector matches everything.
pub fn label_selector(node: &Node) -> Option<Selector> {
    if node.is_null() {
        // A null selector in a list decodes as an empty LabelSelector.
        return Some(Selector::default());
    }
    node.as_map()?;
    for expr in node
        .get("matchExpressions")
        .and_then(Node::as_seq)
        .unwrap_or(&[])
    {
        let values = expr
            .get("values")
            .and_then(Node::as_seq)
            .map_or(0, <[Node]>::len);
        let ok = match expr.get("operator").and_then(Node::as_str).unwrap_or("") {
            "In" | "NotIn" => values > 0,
            "Exists" | "DoesNotExist" => values == 0,
            _ => false,
        };
        if !ok {
            return None;
        }
    }
    Selector::from_label_selector(node)
}

impl<'a> Binding<'a> {
    /// The view of a RoleBinding or ClusterRoleBinding (`None` for other objects).
    pub fn from_object(obj: &'a Object, id: usize) -> Option<Binding<'a>> {
        let kind = binding_kind(obj)?;
        let role_ref = obj
            .root
            .get("roleRef")
            .filter(|r| r.as_map().is_some())
            .map(|r| {
                let f = locate(&obj.root, "", &[Seg::Key("roleRef"), Seg::Key("name")]);
                RoleRef {
                    kind: text(r.get("kind")),
                    name: text(r.get("name")),
                    api_group: text(r.get("apiGroup")),
                    location: location_of(obj, f.span),
                }
            });
        let subjects = obj
            .root
            .get("subjects")
            .and_then(Node::as_seq)
            .unwrap_or(&[])
            .iter()
            .enumerate()
            .filter(|(_, s)| s.as_map().is_some())
            .map(|(index, s)| BindingSubject {
                index,
                kind: text(s.get("kind")),
                name: text(s.get("name")),
                namespace: text(s.get("namespace")),
                api_group: text(s.get("apiGroup")),
                field: format!("subjects[{index}]"),
                location: location_of(obj, anchor_span(s)),
            })
            .collect();
        Some(Binding {
            id,
            object: obj,
            kind,
            name: obj.name.clone(),
            namespace: (kind == BindingKind::RoleBinding).then(|| {
                obj.namespace
                    .as_deref()
                    .unwrap_or(DEFAULT_NAMESPACE)
                    .to_string()
            }),
            role_ref,
            subjects,
            location: location_of(obj, obj.anchor_span()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn objects(text: &str) -> Vec<Object> {
        let (objects, errors) = Object::parse_all("rbac.yaml", text);
        assert!(errors.is_empty(), "{errors:?}");
        objects
    }

    #[test]
    fn roles_with_rules_and_locations() {
        let objs = objects(
            "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: r}\nrules:\n- apiGroups: ['']\n  resources: [pods, pods/exec]\n  verbs: [get, 5]\n  resourceNames: [a]\n- 7\n- nonResourceURLs: [/x]\n  verbs: '*'\n",
        );
        let role = Role::from_object(&objs[0], 0, false).expect("a role");
        assert_eq!(role.kind, RoleKind::Role);
        assert_eq!(role.namespace.as_deref(), Some("default"));
        assert_eq!(role.label(), "Role default/r");
        assert_eq!(role.rules.len(), 2, "the scalar entry is not a rule");
        let r = &role.rules[0];
        assert_eq!(r.policy.api_groups, [""]);
        assert_eq!(r.policy.resources, ["pods", "pods/exec"]);
        assert_eq!(r.policy.verbs, ["get", "5"]);
        assert_eq!(r.policy.resource_names, ["a"]);
        assert_eq!(r.location.as_ref().map(|l| l.start.line), Some(5));
        let item = r.item("resources", 1);
        assert_eq!(item.path, "rules[0].resources[1]");
        assert!(item.present);
        // A scalar where a list belongs is no list.
        let r = &role.rules[1];
        assert_eq!((r.index, r.field.as_str()), (2, "rules[2]"));
        assert!(r.policy.verbs.is_empty());
        assert_eq!(r.policy.non_resource_urls, ["/x"]);
        assert!(role.aggregation.is_none());
    }

    #[test]
    fn cluster_roles_and_aggregation_selectors() {
        let objs = objects(
            "apiVersion: rbac.authorization.k8s.io/v1beta1\nkind: ClusterRole\nmetadata: {name: agg, namespace: ignored}\naggregationRule:\n  clusterRoleSelectors:\n  - matchLabels: {a: 'true'}\n  - matchExpressions: [{key: b, operator: In, values: []}]\n  - matchExpressions: [{key: b, operator: Exists, values: [x]}]\n  - {}\n  - null\n  - matchExpressions: [{key: b, operator: Bogus}]\n---\napiVersion: v1\nkind: ClusterRole\nmetadata: {name: not-rbac}\n",
        );
        let role = Role::from_object(&objs[0], 3, false).expect("a cluster role");
        assert_eq!((role.id, role.namespace.clone()), (3, None));
        let sel = role.aggregation.expect("aggregated");
        let valid: Vec<bool> = sel.iter().map(|s| s.selector.is_some()).collect();
        assert_eq!(valid, [true, false, false, true, true, false]);
        assert_eq!(sel[1].field, "aggregationRule.clusterRoleSelectors[1]");
        assert_eq!(sel[1].location.as_ref().map(|l| l.start.line), Some(7));
        assert!(Role::from_object(&objs[1], 0, false).is_none());
    }

    #[test]
    fn bindings_and_subjects() {
        let objs = objects(
            "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: b, namespace: shop}\nroleRef: {kind: ClusterRole, name: view, apiGroup: rbac.authorization.k8s.io}\nsubjects:\n- {kind: ServiceAccount, name: web}\n- {kind: ServiceAccount, name: api, namespace: other}\n- {kind: User, name: alice}\n- {kind: Group, name: dev}\n- {kind: Robot, name: r2}\n- {kind: User, name: ''}\n- x\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: c}\nroleRef: view\nsubjects: [{kind: ServiceAccount, name: web}]\n",
        );
        let b = Binding::from_object(&objs[0], 0).expect("binding");
        assert_eq!(b.label(), "RoleBinding shop/b");
        let rr = b.role_ref.as_ref().expect("roleRef");
        assert_eq!(
            (rr.kind.as_str(), rr.name.as_str()),
            ("ClusterRole", "view")
        );
        assert_eq!(
            rr.location.as_ref().map(|l| (l.start.line, l.start.column)),
            Some((4, 36))
        );
        let subjects: Vec<Option<String>> = b
            .subjects
            .iter()
            .map(|s| s.subject(b.namespace.as_deref()).map(|s| s.to_string()))
            .collect();
        assert_eq!(
            subjects,
            [
                Some("ServiceAccount shop/web".to_string()),
                Some("ServiceAccount other/api".to_string()),
                Some("User alice".to_string()),
                Some("Group dev".to_string()),
                None,
                None,
            ]
        );
        assert_eq!(b.subjects[1].field, "subjects[1]");
        let c = Binding::from_object(&objs[1], 1).expect("binding");
        assert_eq!(
            (c.kind, c.namespace.clone()),
            (BindingKind::ClusterRoleBinding, None)
        );
        assert!(c.role_ref.is_none(), "a scalar roleRef is no reference");
        assert_eq!(
            c.subjects[0].subject(None),
            None,
            "no namespace to default to"
        );
    }
}
