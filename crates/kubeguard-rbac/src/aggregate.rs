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
///
/// Each aggregating role's selection is computed once; aggregating roles that select each
/// other (directly or not) form strongly connected components, resolved once each, after the
/// components they select, so the cost stays near the size of the selections and results.
pub fn effective_rules(roles: &[Role<'_>], cluster_roles: &[usize]) -> Vec<Vec<RuleRef>> {
    let n = roles.len();
    let agg: Vec<bool> = roles.iter().map(aggregates).collect();
    let selected: Vec<Vec<usize>> = roles
        .iter()
        .map(|r| {
            if agg[r.id] {
                select(roles, cluster_roles, r)
            } else {
                Vec::new()
            }
        })
        .collect();
    let (comp, comps) = components(n, &agg, &selected);
    let mut out: Vec<Vec<RuleRef>> = roles.iter().map(own).collect();
    let mut comp_rules: Vec<Vec<RuleRef>> = vec![Vec::new(); comps.len()];
    for (k, members) in comps.iter().enumerate() {
        let mut union = Union::new(roles);
        let mut included = HashSet::from([k]);
        for &m in members {
            for &c in &selected[m] {
                match comp.get(c).copied().filter(|_| agg[c]) {
                    None => union.leaf(c),
                    Some(other) if other != k => {
                        if included.insert(other) {
                            union.extend(&comp_rules[other]);
                        }
                    }
                    Some(_) => {}
                }
            }
        }
        comp_rules[k] = union.rules;
        for &r in members {
            out[r] = if members.len() == 1 {
                comp_rules[k].clone()
            } else {
                // In a cycle every member gets the whole component's rules, in its own order.
                let mut union = Union::new(roles);
                let mut included = HashSet::new();
                for &c in &selected[r] {
                    match comp.get(c).copied().filter(|_| agg[c]) {
                        None => union.leaf(c),
                        Some(other) => {
                            if included.insert(other) {
                                union.extend(&comp_rules[other]);
                            }
                        }
                    }
                }
                union.extend(&comp_rules[k]);
                union.rules
            };
        }
    }
    out
}

fn own(role: &Role<'_>) -> Vec<RuleRef> {
    (0..role.rules.len())
        .map(|rule| RuleRef {
            role: role.id,
            rule,
        })
        .collect()
}

/// The ClusterRoles an aggregating role selects, in the controller's order: selectors in
/// order, roles by name, itself and repeats left out.
fn select(roles: &[Role<'_>], cluster_roles: &[usize], role: &Role<'_>) -> Vec<usize> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for s in role.aggregation.as_deref().unwrap_or(&[]) {
        let Some(selector) = &s.selector else {
            continue;
        };
        for &c in cluster_roles {
            let Some(candidate) = roles.get(c) else {
                continue;
            };
            if candidate.name != role.name
                && selector.matches(candidate.object.labels())
                && seen.insert(c)
            {
                out.push(c);
            }
        }
    }
    out
}

/// Rules collected in order, equal rules once (as the controller's `ruleExists`).
struct Union<'r, 'a> {
    roles: &'r [Role<'a>],
    seen: HashSet<&'r PolicyRule>,
    rules: Vec<RuleRef>,
}

impl<'r, 'a> Union<'r, 'a> {
    fn new(roles: &'r [Role<'a>]) -> Self {
        Union {
            roles,
            seen: HashSet::new(),
            rules: Vec::new(),
        }
    }

    fn push(&mut self, r: RuleRef) {
        let roles = self.roles;
        if let Some(rule) = roles.get(r.role).and_then(|role| role.rules.get(r.rule))
            && self.seen.insert(&rule.policy)
        {
            self.rules.push(r);
        }
    }

    /// The written rules of a role that does not aggregate.
    fn leaf(&mut self, role: usize) {
        let count = self.roles.get(role).map_or(0, |r| r.rules.len());
        for rule in 0..count {
            self.push(RuleRef { role, rule });
        }
    }

    fn extend(&mut self, rules: &[RuleRef]) {
        for &r in rules {
            self.push(r);
        }
    }
}

/// Strongly connected components (Tarjan, iterative) of the aggregating roles, with edges to
/// the aggregating roles each selects: the component of every node (`usize::MAX` for roles
/// that do not aggregate) and the components, each after every component it reaches.
fn components(n: usize, agg: &[bool], selected: &[Vec<usize>]) -> (Vec<usize>, Vec<Vec<usize>>) {
    const NONE: usize = usize::MAX;
    let mut index = vec![NONE; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack: Vec<usize> = Vec::new();
    let mut comp = vec![NONE; n];
    let mut comps: Vec<Vec<usize>> = Vec::new();
    let mut next = 0;
    for root in 0..n {
        if !agg[root] || index[root] != NONE {
            continue;
        }
        index[root] = next;
        low[root] = next;
        next += 1;
        stack.push(root);
        on_stack[root] = true;
        let mut calls: Vec<(usize, usize)> = vec![(root, 0)];
        while let Some(&(v, i)) = calls.last() {
            if let Some(&w) = selected[v].get(i) {
                if let Some(top) = calls.last_mut() {
                    top.1 += 1;
                }
                if !agg.get(w).copied().unwrap_or(false) {
                    continue;
                }
                if index[w] == NONE {
                    index[w] = next;
                    low[w] = next;
                    next += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    calls.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            calls.pop();
            if let Some(&(u, _)) = calls.last() {
                low[u] = low[u].min(low[v]);
            }
            if low[v] == index[v] {
                let mut members = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    comp[w] = comps.len();
                    members.push(w);
                    if w == v {
                        break;
                    }
                }
                members.sort_unstable();
                comps.push(members);
            }
        }
    }
    (comp, comps)
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

    #[test]
    fn every_role_aggregating_every_other() {
        // A large component: each aggregating role selects all ClusterRoles (twice over).
        let mut text = String::new();
        for i in 0..60 {
            text.push_str(&cr(
                &format!("agg{i:02}"),
                "a: x",
                "aggregationRule: {clusterRoleSelectors: [{}, {matchLabels: {a: x}}]}",
            ));
            text.push_str(&cr(
                &format!("leaf{i:02}"),
                "a: x",
                &format!("rules: [{{apiGroups: [''], resources: [r{i}], verbs: [get]}}, {{apiGroups: [''], resources: [shared], verbs: [get]}}]"),
            ));
        }
        let objects = parse(&text);
        let (roles, cluster) = roles(&objects);
        let eff = effective_rules(&roles, &cluster);
        for (i, role) in roles.iter().enumerate() {
            if role.name.starts_with("agg") {
                // 60 own rules of the leaves plus the one they share, once.
                assert_eq!(eff[i].len(), 61, "{}", role.name);
                assert_eq!(
                    describe(&roles, &eff[i][..3]),
                    ["leaf00:rules[0]", "leaf00:rules[1]", "leaf01:rules[0]"]
                );
            } else {
                assert_eq!(eff[i].len(), 2);
            }
        }
    }
}
