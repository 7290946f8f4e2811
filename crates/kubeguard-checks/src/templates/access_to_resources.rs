//! Template `access-to-resources`: bindings granting access to given resources and verbs.
//!
//! ## What it does
//! For an `rbac.authorization.k8s.io/v1` RoleBinding, finds the `v1` Roles named
//! `roleRef.name` in the binding's namespace (absent means `default` on both sides; the
//! referenced kind is not looked at, as in KubeLinter). For a ClusterRoleBinding, finds the
//! ClusterRoles named `roleRef.name` (except one named `cluster_admin`, ignoring case), and
//! for each of them with an `aggregationRule`, every ClusterRole whose labels match one of its
//! `clusterRoleSelectors` (matchLabels only).
//!
//! In each role found, a rule grants access when some entry of `resources` matches one of the
//! `resources` regexes (or is `*`) and some entry of `verbs` matches one of the `verbs`
//! regexes (or is `*`); the regexes are unanchored RE2 without `!` negation. Optionally
//! (`flagRolesNotFound`) a binding to a role that is not among the linted objects is reported.
//!
//! ## Why is this bad?
//! Reading Secrets or creating pods is as good as holding every credential the namespace (or
//! cluster) has: a pod can mount any Secret and any ServiceAccount token.
//!
//! ## Messages (pointing at `roleRef.name`)
//! - `binding to "<role>" role that has [<verbs>] access to [<resources>](, ...)`
//! - `binding to "<role>" clusterrole that has ...`
//! - `binding via aggregationRule to "<role>" clusterrole that has ...`
//! - `role "<name>" in namespace "<ns>" not found`, `clusterrole "<name>" not found`

use kubeguard_engine::{CheckFn, Diagnostic, ParamKind, ParamSpec, Params, Template};
use std::sync::Arc;

use kubeguard_model::{Context, Object, ObjectMemo, string_map};
use kubeguard_source::Node;
use regex::Regex;

use crate::util::k8s_labels::LabelSelectorSpec;
use crate::util::{go_quote, locate_in, text};

/// The template.
pub struct AccessToResources;

/// Registered instance.
pub static TEMPLATE: AccessToResources = AccessToResources;

static PARAMS: &[ParamSpec] = &[
    ParamSpec::new(
        "flagRolesNotFound",
        ParamKind::Boolean,
        "Set to true to flag the roles that are referenced in bindings but not found in the context",
    ),
    ParamSpec::new(
        "resources",
        ParamKind::StringList,
        "An array of regular expressions specifying resources. e.g. ^secrets$ for secrets and ^*$ for any resources",
    ),
    ParamSpec::new(
        "verbs",
        ParamKind::StringList,
        "An array of regular expressions specifying verbs. e.g. ^create$ for create and ^*$ for any verbs",
    ),
];

const RBAC_V1: &str = "rbac.authorization.k8s.io/v1";

impl Template for AccessToResources {
    fn key(&self) -> &'static str {
        "access-to-resources"
    }
    fn name(&self) -> &'static str {
        "Access to Resources"
    }
    fn description(&self) -> &'static str {
        "Flag cluster role bindings and role bindings that grant access to the specified resource kinds and verbs"
    }
    fn supported_kinds(&self) -> &'static [&'static str] {
        &["Role", "ClusterRole", "ClusterRoleBinding", "RoleBinding"]
    }
    fn params(&self) -> &'static [ParamSpec] {
        PARAMS
    }
    fn instantiate(&self, params: &Params) -> Result<Box<dyn CheckFn>, String> {
        let compile = |name: &str| {
            params
                .strings(name)
                .iter()
                .map(|r| Regex::new(r).map_err(|e| format!("invalid regex {r}: {e}")))
                .collect::<Result<Vec<_>, _>>()
        };
        Ok(Box::new(Check {
            resources: compile("resources")?,
            verbs: compile("verbs")?,
            flag_not_found: params.bool("flagRolesNotFound").unwrap_or(false),
            role_messages: ObjectMemo::default(),
        }))
    }
}

struct Check {
    resources: Vec<Regex>,
    verbs: Vec<Regex>,
    flag_not_found: bool,
    /// What a binding to a Role or ClusterRole reports, by role: every binding to the same
    /// role reports the same messages, and aggregation makes computing them a scan of the
    /// context.
    role_messages: ObjectMemo<Arc<[String]>>,
}

/// The entries of `items` that are `*` or match one of `regexes`.
fn matching(items: Option<&Node>, regexes: &[Regex]) -> Vec<String> {
    items
        .and_then(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .map(|n| n.scalar_cow().unwrap_or_default())
        .filter(|s| s == "*" || regexes.iter().any(|r| r.is_match(s)))
        .map(|s| s.into_owned())
        .collect()
}

impl Check {
    /// `[verbs] access to [resources]` for each rule granting access, joined by `, `.
    fn accesses(&self, role: &Object) -> Option<String> {
        let rules = role.root.get("rules").and_then(Node::as_seq).unwrap_or(&[]);
        let found: Vec<String> = rules
            .iter()
            .filter_map(|rule| {
                let resources = matching(rule.get("resources"), &self.resources);
                if resources.is_empty() {
                    return None;
                }
                let verbs = matching(rule.get("verbs"), &self.verbs);
                if verbs.is_empty() {
                    return None;
                }
                Some(format!(
                    "[{}] access to [{}]",
                    verbs.join(" "),
                    resources.join(" ")
                ))
            })
            .collect();
        (!found.is_empty()).then(|| found.join(", "))
    }
}

impl Check {
    /// The messages of a binding to ClusterRole `role`: its own rules, then those of the
    /// ClusterRoles its `aggregationRule` selects.
    fn cluster_role_messages(&self, ctx: &Context, role: &Object) -> Arc<[String]> {
        let mut messages = Vec::new();
        if let Some(a) = self.accesses(role) {
            messages.push(format!(
                "binding to {} clusterrole that has {a}",
                go_quote(&role.name)
            ));
        }
        let selectors = role
            .root
            .path(&["aggregationRule", "clusterRoleSelectors"])
            .and_then(Node::as_seq)
            .unwrap_or(&[]);
        for s in selectors {
            let labels = string_map(s.get("matchLabels").and_then(Node::as_map));
            let Ok(selector) = LabelSelectorSpec::from_map(&labels).to_selector() else {
                continue;
            };
            let cluster_roles = ctx
                .of_kind("ClusterRole")
                .filter(|r| r.api_version == RBAC_V1);
            for aggregated in cluster_roles {
                if !selector.matches(aggregated.labels()) {
                    continue;
                }
                if let Some(a) = self.accesses(aggregated) {
                    messages.push(format!(
                        "binding via aggregationRule to {} clusterrole that has {a}",
                        go_quote(&aggregated.name)
                    ));
                }
            }
        }
        messages.into()
    }
}

impl CheckFn for Check {
    fn check(&self, ctx: &Context, obj: &Object, out: &mut Vec<Diagnostic>) {
        if obj.api_version != RBAC_V1 {
            return;
        }
        let field = locate_in(obj, "roleRef.name");
        let name = text(obj.root.path(&["roleRef", "name"]));
        let mut found = false;
        match obj.kind.as_str() {
            "RoleBinding" => {
                let namespace = obj.namespace_or_default();
                for role in ctx.named("Role", &name) {
                    if role.api_version != RBAC_V1 || role.namespace_or_default() != namespace {
                        continue;
                    }
                    found = true;
                    let messages = self.role_messages.get_or_compute(ctx, role, || {
                        self.accesses(role)
                            .map(|a| {
                                format!("binding to {} role that has {a}", go_quote(&role.name))
                            })
                            .into_iter()
                            .collect()
                    });
                    for m in messages.iter() {
                        out.push(Diagnostic::new(m.clone(), field.clone()));
                    }
                }
                if !found && self.flag_not_found {
                    out.push(Diagnostic::new(
                        format!(
                            "role {} in namespace {} not found",
                            go_quote(&name),
                            go_quote(namespace)
                        ),
                        field,
                    ));
                }
            }
            "ClusterRoleBinding" => {
                for role in ctx
                    .named("ClusterRole", &name)
                    .filter(|r| r.api_version == RBAC_V1)
                {
                    if role.name.eq_ignore_ascii_case("cluster_admin") {
                        continue;
                    }
                    found = true;
                    let messages = self
                        .role_messages
                        .get_or_compute(ctx, role, || self.cluster_role_messages(ctx, role));
                    for m in messages.iter() {
                        out.push(Diagnostic::new(m.clone(), field.clone()));
                    }
                }
                if !found && self.flag_not_found {
                    out.push(Diagnostic::new(
                        format!("clusterrole {} not found", go_quote(&name)),
                        field,
                    ));
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_style_wildcard_regex_compiles_and_matches_everything() {
        // KubeLinter's access-to-secrets ships `^*$`, which RE2 accepts and which, unanchored,
        // matches any string.
        let r = Regex::new("^*$").expect("RE2 accepts ^*$");
        assert!(r.is_match("get") && r.is_match(""));
    }
}
