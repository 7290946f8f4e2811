//! ClusterRole aggregation, as the `clusterrole-aggregation` controller does it: a ClusterRole
//! with an `aggregationRule` has its rules replaced by the rules of every other ClusterRole
//! whose labels one of its `clusterRoleSelectors` matches (selectors in order, the selected
//! roles by name, duplicate rules dropped). An aggregated ClusterRole that is itself selected
//! contributes its aggregated rules (`view` into `edit` into `admin`), so aggregation is
//! followed transitively, cycles included. When a selector is invalid the controller fails
//! and the role keeps its written rules.

use std::collections::HashSet;

use crate::model::{PolicyRule, Role};

/// A rule of a role's effective rules: the role that holds it and its position in that
/// role's [`Role::rules`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RuleRef {
    /// The holding role's id.
    pub role: usize,
    /// Position in its `rules` vector.
    pub rule: usize,
}

/// Whether the role's rules are replaced by aggregation: a ClusterRole with an
/// `aggregationRule` whose selectors are all valid.
pub fn aggregates(role: &Role<'_>) -> bool {
    role.aggregation
        .as_ref()
        .is_some_and(|sel| sel.iter().all(|s| s.selector.is_some()))
}

/// The effective rules of every role (indexed by id): its own rules, or for an aggregating
/// ClusterRole the aggregated ones. `cluster_roles` are the ids of the ClusterRoles that exist
/// (one per name), sorted by name.
pub fn effective_rules(roles: &[Role<'_>], cluster_roles: &[usize]) -> Vec<Vec<RuleRef>> {
    roles
        .iter()
        .map(|role| {
            if aggregates(role) {
                aggregate(roles, cluster_roles, role.id)
            } else {
                own(role)
            }
        })
        .collect()
}

fn own(role: &Role<'_>) -> Vec<RuleRef> {
    (0..role.rules.len())
        .map(|rule| RuleRef {
            role: role.id,
            rule,
        })
        .collect()
}

/// The aggregated rules of `root`, depth-first in the controller's order.
fn aggregate(roles: &[Role<'_>], cluster_roles: &[usize], root: usize) -> Vec<RuleRef> {
    let mut out = Vec::new();
    let mut seen: HashSet<&PolicyRule> = HashSet::new();
    let mut visited: HashSet<usize> = HashSet::from([root]);
    // Frames: (aggregating role, selector index, position in `cluster_roles`).
    let mut stack: Vec<(usize, usize, usize)> = vec![(root, 0, 0)];
    while let Some(frame) = stack.last_mut() {
        let (id, si, ci) = *frame;
        let Some(role) = roles.get(id) else {
            stack.pop();
            continue;
        };
        let selectors = role.aggregation.as_deref().unwrap_or(&[]);
        let Some(selector) = selectors.get(si).and_then(|s| s.selector.as_ref()) else {
            stack.pop();
            continue;
        };
        let Some(&candidate) = cluster_roles.get(ci) else {
            *frame = (id, si + 1, 0);
            continue;
        };
        *frame = (id, si, ci + 1);
        let Some(c) = roles.get(candidate) else {
            continue;
        };
        if c.name == role.name || !selector.matches(c.object.labels()) {
            continue;
        }
        if aggregates(c) {
            if visited.insert(candidate) {
                stack.push((candidate, 0, 0));
            }
            continue;
        }
        for (i, rule) in c.rules.iter().enumerate() {
            if seen.insert(&rule.policy) {
                out.push(RuleRef {
                    role: candidate,
                    rule: i,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use kubeguard_model::Object;

    fn roles(objects: &[Object]) -> (Vec<Role<'_>>, Vec<usize>) {
        let roles: Vec<Role<'_>> = objects
            .iter()
            .enumerate()
            .filter_map(|(i, o)| Role::from_object(o, i, false))
            .collect();
        let mut cluster: Vec<usize> = roles
            .iter()
            .filter(|r| r.namespace.is_none())
            .map(|r| r.id)
            .collect();
        cluster.sort_by(|a, b| roles[*a].name.cmp(&roles[*b].name));
        (roles, cluster)
    }

    fn describe(roles: &[Role<'_>], rules: &[RuleRef]) -> Vec<String> {
        rules
            .iter()
            .map(|r| {
                format!(
                    "{}:{}",
                    roles[r.role].name, roles[r.role].rules[r.rule].field
                )
            })
            .collect()
    }

    fn cr(name: &str, labels: &str, rest: &str) -> String {
        format!(
            "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {{name: {name}, labels: {{{labels}}}}}\n{rest}\n"
        )
    }

    fn parse(text: &str) -> Vec<Object> {
        let (objects, errors) = Object::parse_all("agg.yaml", text);
        assert!(errors.is_empty(), "{errors:?}");
        objects
    }

    #[test]
    fn match_labels_and_expressions_in_controller_order() {
        let text = [
            cr(
                "top",
                "",
                "aggregationRule:\n  clusterRoleSelectors:\n  - matchLabels: {team: a}\n  - matchExpressions: [{key: tier, operator: In, values: [gold, silver]}]\nrules: [{apiGroups: [''], resources: [ignored], verbs: [get]}]",
            ),
            cr("zeta", "team: a", "rules: [{apiGroups: [''], resources: [pods], verbs: [get]}]"),
            cr("alpha", "team: a", "rules: [{apiGroups: [''], resources: [secrets], verbs: [get]}, {apiGroups: [''], resources: [pods], verbs: [get]}]"),
            cr("gold", "tier: gold", "rules: [{apiGroups: [''], resources: [nodes], verbs: [list]}]"),
            cr("bronze", "tier: bronze", "rules: [{apiGroups: [''], resources: [nope], verbs: [list]}]"),
            "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: ns-role, labels: {team: a}}\nrules: [{apiGroups: [''], resources: [roles], verbs: [list]}]\n".to_string(),
        ]
        .concat();
        let objects = parse(&text);
        let (roles, cluster) = roles(&objects);
        let eff = effective_rules(&roles, &cluster);
        // Selector 1 by name (alpha, then zeta whose rule duplicates alpha's), then selector 2.
        // The written rule of the aggregating role and the namespaced Role are not taken.
        assert_eq!(
            describe(&roles, &eff[0]),
            ["alpha:rules[0]", "alpha:rules[1]", "gold:rules[0]"]
        );
        assert_eq!(describe(&roles, &eff[1]), ["zeta:rules[0]"]);
    }

    #[test]
    fn transitive_and_cyclic_aggregation() {
        let text = [
            cr("admin", "", "aggregationRule: {clusterRoleSelectors: [{matchLabels: {to-admin: 'true'}}]}"),
            cr("edit", "to-admin: 'true'", "aggregationRule: {clusterRoleSelectors: [{matchLabels: {to-edit: 'true'}}]}"),
            cr("view", "to-edit: 'true', to-admin: 'true'", "aggregationRule: {clusterRoleSelectors: [{matchLabels: {to-view: 'true'}}]}"),
            cr("piece-view", "to-view: 'true'", "rules: [{apiGroups: [''], resources: [pods], verbs: [get]}]"),
            cr("piece-edit", "to-edit: 'true'", "rules: [{apiGroups: [''], resources: [pods], verbs: [create]}]"),
            cr("a", "ring: 'true'", "aggregationRule: {clusterRoleSelectors: [{matchLabels: {ring: 'true'}}]}"),
            cr("b", "ring: 'true'", "aggregationRule: {clusterRoleSelectors: [{matchLabels: {ring: 'true'}}]}"),
            cr("c", "ring: 'true'", "rules: [{apiGroups: [''], resources: [c], verbs: [get]}]"),
            cr("self", "me: 'true'", "aggregationRule: {clusterRoleSelectors: [{matchLabels: {me: 'true'}}]}\nrules: [{apiGroups: [''], resources: [x], verbs: [get]}]"),
            cr("everything", "", "aggregationRule: {clusterRoleSelectors: [{}]}"),
            cr("nothing", "", "aggregationRule: {clusterRoleSelectors: []}\nrules: [{apiGroups: [''], resources: [x], verbs: [get]}]"),
        ]
        .concat();
        let objects = parse(&text);
        let (roles, cluster) = roles(&objects);
        let eff = effective_rules(&roles, &cluster);
        let names = |i: usize| describe(&roles, &eff[i]);
        // admin gets edit's and view's (through both paths, once).
        assert_eq!(names(0), ["piece-edit:rules[0]", "piece-view:rules[0]"]);
        assert_eq!(names(1), ["piece-edit:rules[0]", "piece-view:rules[0]"]);
        assert_eq!(names(2), ["piece-view:rules[0]"]);
        // A ring ends: a and b both get c's rules.
        assert_eq!(names(5), ["c:rules[0]"]);
        assert_eq!(names(6), ["c:rules[0]"]);
        // A role never selects itself: its written rules are replaced by nothing.
        assert!(names(8).is_empty());
        // An empty selector selects every other ClusterRole's rules.
        assert_eq!(
            names(9),
            ["c:rules[0]", "piece-edit:rules[0]", "piece-view:rules[0]"]
        );
        // No selectors: no rules.
        assert!(names(10).is_empty());
    }

    #[test]
    fn invalid_selectors_keep_the_written_rules() {
        let text = [
            cr("agg", "", "aggregationRule: {clusterRoleSelectors: [{matchLabels: {a: 'true'}}, {matchExpressions: [{key: a, operator: Bogus}]}]}\nrules: [{apiGroups: [''], resources: [kept], verbs: [get]}]"),
            cr("piece", "a: 'true'", "rules: [{apiGroups: [''], resources: [pods], verbs: [get]}]"),
            cr("outer", "", "aggregationRule: {clusterRoleSelectors: [{matchLabels: {b: 'true'}}]}"),
            cr("agg2", "b: 'true'", "aggregationRule: {clusterRoleSelectors: [{matchExpressions: [{key: a, operator: In, values: []}]}]}\nrules: [{apiGroups: [''], resources: [kept2], verbs: [get]}]"),
        ]
        .concat();
        let objects = parse(&text);
        let (roles, cluster) = roles(&objects);
        let eff = effective_rules(&roles, &cluster);
        assert_eq!(describe(&roles, &eff[0]), ["agg:rules[0]"]);
        // A failed aggregation is selected with its written rules.
        assert_eq!(describe(&roles, &eff[2]), ["agg2:rules[0]"]);
    }
}
