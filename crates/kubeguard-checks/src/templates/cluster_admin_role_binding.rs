//! Template `cluster-admin-role-binding`: ClusterRoleBindings granting `cluster-admin`.
//!
//! ## What it does
//! Reports an `rbac.authorization.k8s.io/v1` ClusterRoleBinding whose `roleRef` is the
//! ClusterRole named `cluster-admin`.
//!
//! ## Why is this bad?
//! `cluster-admin` is full control of the cluster: every subject bound to it can read every
//! Secret and change every object. It should be reserved for break-glass accounts.
//!
//! ## Message
//! `cluster-admin role is bound to <subjects as JSON>` (subjects encoded as Go's
//! `encoding/json` writes `[]rbacv1.Subject`; `null` when there are none), pointing at
//! `roleRef.name`.

use kubeguard_engine::{CheckFn, Diagnostic, ParamSpec, Params, Template};
use kubeguard_model::{Context, Object};
use kubeguard_source::Node;

use crate::util::{go_json_string, locate_in, text};

/// The template.
pub struct ClusterAdminRoleBinding;

/// Registered instance.
pub static TEMPLATE: ClusterAdminRoleBinding = ClusterAdminRoleBinding;

impl Template for ClusterAdminRoleBinding {
    fn key(&self) -> &'static str {
        "cluster-admin-role-binding"
    }
    fn name(&self) -> &'static str {
        "cluster-admin Role Binding"
    }
    fn description(&self) -> &'static str {
        "Flag bindings of cluster-admin role to service accounts, users, or groups"
    }
    fn supported_kinds(&self) -> &'static [&'static str] {
        &["ClusterRoleBinding"]
    }
    fn params(&self) -> &'static [ParamSpec] {
        &[]
    }
    fn instantiate(&self, _params: &Params) -> Result<Box<dyn CheckFn>, String> {
        Ok(Box::new(Check))
    }
}

struct Check;

/// One `rbacv1.Subject` as Go's `encoding/json` writes it (field order kind, apiGroup,
/// name, namespace; the two optional ones omitted when empty).
fn subject_json(s: &Node) -> String {
    let mut fields = vec![format!("\"kind\":{}", go_json_string(&text(s.get("kind"))))];
    let api_group = text(s.get("apiGroup"));
    if !api_group.is_empty() {
        fields.push(format!("\"apiGroup\":{}", go_json_string(&api_group)));
    }
    fields.push(format!("\"name\":{}", go_json_string(&text(s.get("name")))));
    let namespace = text(s.get("namespace"));
    if !namespace.is_empty() {
        fields.push(format!("\"namespace\":{}", go_json_string(&namespace)));
    }
    format!("{{{}}}", fields.join(","))
}

impl CheckFn for Check {
    fn check(&self, _ctx: &Context, obj: &Object, out: &mut Vec<Diagnostic>) {
        if obj.api_version != "rbac.authorization.k8s.io/v1" || obj.kind != "ClusterRoleBinding" {
            return;
        }
        let role_ref = obj.root.get("roleRef");
        let name = text(role_ref.and_then(|r| r.get("name")));
        let kind = text(role_ref.and_then(|r| r.get("kind")));
        if name != "cluster-admin" || kind != "ClusterRole" {
            return;
        }
        let subjects = match obj.root.get("subjects").and_then(Node::as_seq) {
            Some(items) => format!(
                "[{}]",
                items.iter().map(subject_json).collect::<Vec<_>>().join(",")
            ),
            None => "null".to_string(),
        };
        out.push(Diagnostic::new(
            format!("{name} role is bound to {subjects}"),
            locate_in(obj, "roleRef.name"),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::run_template;
    use serde_json::json;

    #[test]
    fn subjects_as_go_json() {
        let yaml = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: b}\nroleRef: {kind: ClusterRole, name: cluster-admin}\nsubjects:\n- {kind: Group, apiGroup: rbac.authorization.k8s.io, name: a<b}\n";
        assert_eq!(
            run_template(&TEMPLATE, json!({}), yaml),
            [
                "b: cluster-admin role is bound to [{\"kind\":\"Group\",\"apiGroup\":\"rbac.authorization.k8s.io\",\"name\":\"a\\u003cb\"}] @ roleRef.name"
            ]
        );
        let none = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: b}\nroleRef: {kind: ClusterRole, name: cluster-admin}\n";
        assert_eq!(
            run_template(&TEMPLATE, json!({}), none),
            ["b: cluster-admin role is bound to null @ roleRef.name"]
        );
    }
}
