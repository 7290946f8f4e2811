//! The RBAC authorizer's matching rules, exactly as Kubernetes implements them
//! (`plugin/pkg/auth/authorizer/rbac/rbac.go` `RuleAllows`, `pkg/apis/rbac/v1/
//! evaluation_helpers.go`, and `appliesToUser` of `pkg/registry/rbac/validation/rule.go`):
//!
//! - a verb matches `*` or itself; an API group matches `*` or itself (`""` is the core group);
//! - a resource matches `*` (which covers every subresource too), the exact
//!   `resource/subresource` string, or `*/subresource` when a subresource is requested;
//!   `pods/*` is no wildcard: it only matches the literal `pods/*`;
//! - an empty `resourceNames` matches any name; otherwise the requested name must be listed
//!   (so a request without a name, such as `list` or `create`, never matches such a rule);
//! - a non-resource URL matches `*`, itself, or a rule URL ending in `*` whose text before the
//!   trailing `*`s is a prefix of the path;
//! - a resource request is checked against apiGroups, resources and resourceNames, a
//!   non-resource request against nonResourceURLs only;
//! - a `User` subject matches the user name, a `Group` subject one of the groups, a
//!   `ServiceAccount` subject the user `system:serviceaccount:<ns>:<name>`, its namespace
//!   defaulting to the binding's (none for a ClusterRoleBinding, where it matches nothing).

use crate::model::{BindingSubject, PolicyRule};
use crate::request::{NonResourceRequest, Request, ResourceRequest};
use crate::subject::{Identity, service_account_user};

/// `*`: every verb, API group, resource or non-resource URL.
pub const ALL: &str = "*";

/// Whether the rule lists `verb` or `*`.
pub fn verb_matches(rule: &PolicyRule, verb: &str) -> bool {
    rule.verbs.iter().any(|v| v == ALL || v == verb)
}

/// Whether the rule lists API group `group` or `*`.
pub fn api_group_matches(rule: &PolicyRule, group: &str) -> bool {
    rule.api_groups.iter().any(|g| g == ALL || g == group)
}

/// Whether the rule covers `combined` (`pods` or `pods/exec`) whose subresource is
/// `subresource` (empty for none).
pub fn resource_matches(rule: &PolicyRule, combined: &str, subresource: &str) -> bool {
    rule.resources.iter().any(|r| {
        r == ALL
            || r == combined
            || (!subresource.is_empty()
                && r.len() == subresource.len() + 2
                && r.starts_with("*/")
                && r.ends_with(subresource))
    })
}

/// Whether the rule allows the object `name` (every name when it lists none).
pub fn resource_name_matches(rule: &PolicyRule, name: &str) -> bool {
    rule.resource_names.is_empty() || rule.resource_names.iter().any(|n| n == name)
}

/// Whether the rule covers the non-resource URL `path`.
pub fn non_resource_url_matches(rule: &PolicyRule, path: &str) -> bool {
    rule.non_resource_urls.iter().any(|u| {
        u == ALL || u == path || (u.ends_with('*') && path.starts_with(u.trim_end_matches('*')))
    })
}

/// Whether the rule allows a resource request (its namespace is not the rule's concern).
pub fn resource_rule_allows(rule: &PolicyRule, request: &ResourceRequest) -> bool {
    verb_matches(rule, &request.verb)
        && api_group_matches(rule, &request.api_group)
        && resource_matches(rule, &request.combined_resource(), &request.subresource)
        && resource_name_matches(rule, &request.name)
}

/// Whether the rule allows a non-resource request.
pub fn non_resource_rule_allows(rule: &PolicyRule, request: &NonResourceRequest) -> bool {
    verb_matches(rule, &request.verb) && non_resource_url_matches(rule, &request.path)
}

/// `RuleAllows`: whether the rule allows the request.
pub fn rule_allows(rule: &PolicyRule, request: &Request) -> bool {
    match request {
        Request::Resource(r) => resource_rule_allows(rule, r),
        Request::NonResource(r) => non_resource_rule_allows(rule, r),
    }
}

/// `appliesToUser`: whether a binding subject applies to `identity` for a binding in
/// `namespace` (the RoleBinding's namespace; empty for a ClusterRoleBinding). Subject kinds
/// are compared exactly (`User`, `Group`, `ServiceAccount`); other kinds apply to nobody.
pub fn applies_to(identity: &Identity, subject: &BindingSubject, namespace: &str) -> bool {
    match subject.kind.as_str() {
        "User" => identity.user.as_deref() == Some(subject.name.as_str()),
        "Group" => identity.in_group(&subject.name),
        "ServiceAccount" => {
            let ns = if subject.namespace.is_empty() {
                namespace
            } else {
                &subject.namespace
            };
            !ns.is_empty()
                && identity.user.as_deref()
                    == Some(service_account_user(ns, &subject.name).as_str())
        }
        _ => false,
    }
}

/// `appliesTo`: the first of a binding's subjects that applies to `identity`.
pub fn first_applying<'s>(
    identity: &Identity,
    subjects: &'s [BindingSubject],
    namespace: &str,
) -> Option<&'s BindingSubject> {
    subjects.iter().find(|s| applies_to(identity, s, namespace))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::Scope;
    use crate::subject::Subject;

    fn rule(verbs: &[&str], groups: &[&str], resources: &[&str], names: &[&str]) -> PolicyRule {
        let v = |s: &[&str]| s.iter().map(|x| x.to_string()).collect();
        PolicyRule {
            verbs: v(verbs),
            api_groups: v(groups),
            resources: v(resources),
            resource_names: v(names),
            non_resource_urls: Vec::new(),
        }
    }

    fn urls(verbs: &[&str], urls: &[&str]) -> PolicyRule {
        let v = |s: &[&str]| s.iter().map(|x| x.to_string()).collect();
        PolicyRule {
            verbs: v(verbs),
            non_resource_urls: v(urls),
            ..PolicyRule::default()
        }
    }

    fn req(verb: &str, group: &str, resource: &str, sub: &str, name: &str) -> Request {
        Request::Resource(ResourceRequest {
            verb: verb.into(),
            api_group: group.into(),
            resource: resource.into(),
            subresource: sub.into(),
            name: name.into(),
            scope: Scope::Cluster,
        })
    }

    fn url(verb: &str, path: &str) -> Request {
        Request::NonResource(NonResourceRequest {
            verb: verb.into(),
            path: path.into(),
        })
    }

    #[test]
    fn verbs() {
        let r = rule(&["get", "list"], &[""], &["pods"], &[]);
        assert!(rule_allows(&r, &req("get", "", "pods", "", "")));
        assert!(!rule_allows(&r, &req("delete", "", "pods", "", "")));
        let star = rule(&["*"], &[""], &["pods"], &[]);
        assert!(rule_allows(&star, &req("escalate", "", "pods", "", "")));
        // A requested `*` is a verb like any other: only a rule with `*` grants it.
        assert!(!rule_allows(&r, &req("*", "", "pods", "", "")));
        assert!(rule_allows(&star, &req("*", "", "pods", "", "")));
        // Verbs are case-sensitive.
        assert!(!rule_allows(&r, &req("GET", "", "pods", "", "")));
        // No verbs: nothing.
        assert!(!rule_allows(
            &rule(&[], &["*"], &["*"], &[]),
            &req("get", "", "pods", "", "")
        ));
    }

    #[test]
    fn api_groups() {
        let core = rule(&["get"], &[""], &["deployments"], &[]);
        assert!(rule_allows(&core, &req("get", "", "deployments", "", "")));
        assert!(!rule_allows(
            &core,
            &req("get", "apps", "deployments", "", "")
        ));
        let apps = rule(&["get"], &["apps", "extensions"], &["deployments"], &[]);
        assert!(rule_allows(
            &apps,
            &req("get", "extensions", "deployments", "", "")
        ));
        let any = rule(&["get"], &["*"], &["deployments"], &[]);
        assert!(rule_allows(
            &any,
            &req("get", "example.com", "deployments", "", "")
        ));
        // No apiGroups: no resource request matches.
        assert!(!rule_allows(
            &rule(&["get"], &[], &["pods"], &[]),
            &req("get", "", "pods", "", "")
        ));
    }

    #[test]
    fn resources_and_subresources() {
        let pods = rule(&["get"], &[""], &["pods"], &[]);
        assert!(rule_allows(&pods, &req("get", "", "pods", "", "")));
        assert!(
            !rule_allows(&pods, &req("get", "", "pods", "log", "")),
            "a resource does not cover its subresources"
        );
        let exec = rule(&["create"], &[""], &["pods/exec"], &[]);
        assert!(rule_allows(&exec, &req("create", "", "pods", "exec", "")));
        assert!(!rule_allows(&exec, &req("create", "", "pods", "", "")));
        assert!(!rule_allows(
            &exec,
            &req("create", "", "pods", "attach", "")
        ));
        let scale = rule(&["update"], &["*"], &["*/scale"], &[]);
        assert!(rule_allows(
            &scale,
            &req("update", "apps", "deployments", "scale", "")
        ));
        assert!(rule_allows(
            &scale,
            &req("update", "", "replicationcontrollers", "scale", "")
        ));
        assert!(!rule_allows(
            &scale,
            &req("update", "apps", "deployments", "", "")
        ));
        assert!(!rule_allows(
            &scale,
            &req("update", "apps", "deployments", "status", "")
        ));
        // `*/scale` needs the whole subresource: `*/xscale` is not `*/scale`.
        assert!(!rule_allows(
            &rule(&["update"], &["*"], &["*/xscale"], &[]),
            &req("update", "apps", "deployments", "scale", "")
        ));
        // `pods/*` is not a wildcard upstream: it matches no real subresource.
        let pods_star = rule(&["create"], &[""], &["pods/*"], &[]);
        assert!(!rule_allows(
            &pods_star,
            &req("create", "", "pods", "exec", "")
        ));
        assert!(!rule_allows(&pods_star, &req("create", "", "pods", "", "")));
        assert!(rule_allows(&pods_star, &req("create", "", "pods", "*", "")));
        // `*` covers every resource and every subresource.
        let all = rule(&["get"], &[""], &["*"], &[]);
        assert!(rule_allows(&all, &req("get", "", "pods", "log", "")));
        assert!(rule_allows(&all, &req("get", "", "secrets", "", "")));
        // A requested `*` resource only matches a rule with `*`.
        assert!(!rule_allows(&pods, &req("get", "", "*", "", "")));
        assert!(rule_allows(&all, &req("get", "", "*", "", "")));
    }

    #[test]
    fn resource_names() {
        let named = rule(&["get", "update"], &[""], &["configmaps"], &["app-config"]);
        assert!(rule_allows(
            &named,
            &req("get", "", "configmaps", "", "app-config")
        ));
        assert!(!rule_allows(
            &named,
            &req("get", "", "configmaps", "", "other")
        ));
        // A request without a name (list, create, watch of a collection) is not covered.
        assert!(!rule_allows(&named, &req("get", "", "configmaps", "", "")));
        let any = rule(&["get"], &[""], &["configmaps"], &[]);
        assert!(rule_allows(
            &any,
            &req("get", "", "configmaps", "", "anything")
        ));
        assert!(rule_allows(&any, &req("get", "", "configmaps", "", "")));
        // Names apply to subresource requests too.
        let sub = rule(&["create"], &[""], &["pods/exec"], &["debug"]);
        assert!(rule_allows(
            &sub,
            &req("create", "", "pods", "exec", "debug")
        ));
        assert!(!rule_allows(
            &sub,
            &req("create", "", "pods", "exec", "web")
        ));
    }

    #[test]
    fn non_resource_urls() {
        let r = urls(&["get"], &["/healthz", "/logs/*", "/api*"]);
        assert!(rule_allows(&r, &url("get", "/healthz")));
        assert!(!rule_allows(&r, &url("get", "/healthz/ready")));
        assert!(rule_allows(&r, &url("get", "/logs/")));
        assert!(rule_allows(&r, &url("get", "/logs/kube.log")));
        assert!(
            !rule_allows(&r, &url("get", "/logs")),
            "the prefix includes the slash"
        );
        assert!(rule_allows(&r, &url("get", "/apis/apps")));
        assert!(!rule_allows(&r, &url("post", "/healthz")));
        // Several trailing stars are all trimmed.
        assert!(rule_allows(
            &urls(&["get"], &["/m**"]),
            &url("get", "/metrics")
        ));
        // A star inside is literal.
        assert!(!rule_allows(
            &urls(&["get"], &["/a*/b"]),
            &url("get", "/ax/b")
        ));
        assert!(rule_allows(
            &urls(&["*"], &["*"]),
            &url("delete", "/anything")
        ));
        // Non-resource rules do not grant resources, and resource rules no URLs.
        assert!(!rule_allows(&r, &req("get", "", "healthz", "", "")));
        assert!(!rule_allows(
            &rule(&["*"], &["*"], &["*"], &[]),
            &url("get", "/healthz")
        ));
    }

    fn subject(kind: &str, name: &str, ns: &str) -> BindingSubject {
        BindingSubject {
            index: 0,
            kind: kind.into(),
            name: name.into(),
            namespace: ns.into(),
            api_group: String::new(),
            field: "subjects[0]".into(),
            location: None,
        }
    }

    #[test]
    fn subjects_users_groups_and_service_accounts() {
        let sa = Subject::ServiceAccount {
            namespace: "shop".into(),
            name: "web".into(),
        }
        .identity();
        let alice = Subject::User("alice".into()).identity();
        // ServiceAccount subjects: explicit namespace, or the RoleBinding's.
        assert!(applies_to(
            &sa,
            &subject("ServiceAccount", "web", "shop"),
            ""
        ));
        assert!(applies_to(
            &sa,
            &subject("ServiceAccount", "web", ""),
            "shop"
        ));
        assert!(!applies_to(
            &sa,
            &subject("ServiceAccount", "web", ""),
            "other"
        ));
        assert!(!applies_to(
            &sa,
            &subject("ServiceAccount", "web", "other"),
            "shop"
        ));
        // In a ClusterRoleBinding there is nothing to default to.
        assert!(!applies_to(&sa, &subject("ServiceAccount", "web", ""), ""));
        // The ServiceAccount's user name as a User subject.
        assert!(applies_to(
            &sa,
            &subject("User", "system:serviceaccount:shop:web", ""),
            ""
        ));
        // Implicit groups.
        for g in [
            "system:serviceaccounts",
            "system:serviceaccounts:shop",
            "system:authenticated",
        ] {
            assert!(applies_to(&sa, &subject("Group", g, ""), ""), "{g}");
        }
        assert!(!applies_to(
            &sa,
            &subject("Group", "system:serviceaccounts:other", ""),
            ""
        ));
        assert!(!applies_to(
            &sa,
            &subject("Group", "system:unauthenticated", ""),
            ""
        ));
        assert!(applies_to(&alice, &subject("User", "alice", ""), ""));
        assert!(!applies_to(&alice, &subject("User", "Alice", ""), ""));
        assert!(applies_to(
            &alice,
            &subject("Group", "system:authenticated", ""),
            ""
        ));
        assert!(!applies_to(
            &alice,
            &subject("Group", "system:serviceaccounts", ""),
            ""
        ));
        let anonymous = Subject::User("system:anonymous".into()).identity();
        assert!(applies_to(
            &anonymous,
            &subject("Group", "system:unauthenticated", ""),
            ""
        ));
        assert!(!applies_to(
            &anonymous,
            &subject("Group", "system:authenticated", ""),
            ""
        ));
        // A group query carries no user name.
        let dev = Subject::Group("dev".into()).identity();
        assert!(applies_to(&dev, &subject("Group", "dev", ""), ""));
        assert!(!applies_to(&dev, &subject("User", "dev", ""), ""));
        // Kinds are exact.
        assert!(!applies_to(&alice, &subject("user", "alice", ""), ""));
        assert!(!applies_to(&alice, &subject("Robot", "alice", ""), ""));
        // The first applying subject is reported, as upstream.
        let subjects = [
            subject("User", "bob", ""),
            subject("Group", "system:authenticated", ""),
            subject("User", "alice", ""),
        ];
        assert_eq!(
            first_applying(&alice, &subjects, "").map(|s| s.name.as_str()),
            Some("system:authenticated")
        );
        assert!(first_applying(&dev, &subjects, "").is_none());
    }
}
