//! The migration of each namespace from PodSecurityPolicy to Pod Security Admission labels:
//! the PSPs its workloads may use, the level the most permissive one corresponds to, the
//! labels that keep that level, and the workloads those labels would reject or warn about.

use std::collections::BTreeMap;

use kubeguard_model::{Context, Object};

use super::level::{Equivalence, equivalent_level_at};
use super::pod_security_policies;
use super::rbac::{psp_users, runs_pods};
use crate::evaluate::evaluate_all;
use crate::namespace::{Mode, NamespaceLabels};
use crate::pod::Violation;
use crate::version::{Level, Version};

/// A PSP some workloads of a namespace may use.
#[derive(Debug, Clone)]
pub struct UsablePsp<'a> {
    /// The PodSecurityPolicy.
    pub psp: &'a Object,
    /// The level it corresponds to, at the migration's version.
    pub equivalence: Equivalence,
    /// The namespace's workloads that may use it, in load order.
    pub workloads: Vec<&'a Object>,
}

/// A workload that fails a suggested level.
#[derive(Debug, Clone)]
pub struct WorkloadCheck<'a> {
    /// The workload.
    pub workload: &'a Object,
    /// The strictest level it meets.
    pub highest: Level,
    /// Its violations of the level it fails.
    pub violations: Vec<Violation>,
}

/// The migration of one namespace.
#[derive(Debug, Clone)]
pub struct NamespaceMigration<'a> {
    /// The namespace (`default` for objects without one).
    pub namespace: String,
    /// Its workloads (Pods and kinds with a pod template, PodTemplates aside), in load
    /// order.
    pub workloads: Vec<&'a Object>,
    /// The PSPs its workloads may use, in load order.
    pub psps: Vec<UsablePsp<'a>>,
    /// The level of the most permissive of them; `None` when no workload may use any PSP.
    pub psp_level: Option<Level>,
    /// Workloads no PSP is granted to (PodSecurityPolicy admission would reject their pods).
    pub without_psp: Vec<&'a Object>,
    /// The strictest level every workload of the namespace meets today.
    pub workloads_level: Level,
    /// The policy version of the levels and of the suggested `-version` labels.
    pub version: Version,
    /// The suggested `enforce` level: [`NamespaceMigration::psp_level`], or
    /// [`NamespaceMigration::workloads_level`] when no PSP is usable.
    pub enforce: Level,
    /// The suggested `warn` and `audit` level: the next level stricter than `enforce`
    /// (`restricted` stays `restricted`).
    pub warn: Level,
    /// The suggested labels, `enforce`, `enforce-version`, `warn`, `warn-version`, `audit`,
    /// `audit-version`, in that order.
    pub labels: Vec<(&'static str, String)>,
    /// The Pod Security Admission labels of the namespace's Namespace object, when the
    /// inputs hold one.
    pub current: Option<NamespaceLabels>,
    /// Workloads the suggested `enforce` level would reject: fix them before labelling.
    pub rejected: Vec<WorkloadCheck<'a>>,
    /// Workloads meeting `enforce` but not `warn`: admitted with warnings.
    pub warned: Vec<WorkloadCheck<'a>>,
}

/// [`migration_at`] the `latest` policy version.
pub fn migration(ctx: &Context) -> Vec<NamespaceMigration<'_>> {
    migration_at(ctx, Version::Latest)
}

/// The migration of every namespace that has workloads in `ctx`, by namespace name, with
/// levels evaluated at `version` and `-version` labels set to it.
pub fn migration_at(ctx: &Context, version: Version) -> Vec<NamespaceMigration<'_>> {
    let psps: Vec<(&Object, Equivalence, Vec<_>)> = pod_security_policies(ctx)
        .map(|p| (p, equivalent_level_at(p, version), psp_users(ctx, p)))
        .collect();
    let mut namespaces: BTreeMap<String, Vec<&Object>> = BTreeMap::new();
    for w in ctx.objects.iter().filter(|o| runs_pods(o)) {
        namespaces
            .entry(w.namespace_or_default().to_string())
            .or_default()
            .push(w);
    }
    namespaces
        .into_iter()
        .map(|(namespace, workloads)| {
            let usable: Vec<UsablePsp<'_>> = psps
                .iter()
                .filter_map(|(psp, equivalence, users)| {
                    let in_ns: Vec<&Object> = users
                        .iter()
                        .filter(|u| u.namespace == namespace)
                        .map(|u| u.workload)
                        .collect();
                    (!in_ns.is_empty()).then(|| UsablePsp {
                        psp,
                        equivalence: equivalence.clone(),
                        workloads: in_ns,
                    })
                })
                .collect();
            let psp_level = usable.iter().map(|u| u.equivalence.level).min();
            let without_psp = workloads
                .iter()
                .copied()
                .filter(|w| {
                    !usable
                        .iter()
                        .any(|u| u.workloads.iter().any(|x| std::ptr::eq(*x, *w)))
                })
                .collect();
            let evaluations: Vec<_> = workloads
                .iter()
                .filter_map(|w| evaluate_all(w, version).map(|e| (*w, e)))
                .collect();
            let workloads_level = evaluations
                .iter()
                .map(|(_, e)| e.highest_level())
                .min()
                .unwrap_or(Level::Restricted);
            let enforce = psp_level.unwrap_or(workloads_level);
            let warn = match enforce {
                Level::Privileged => Level::Baseline,
                _ => Level::Restricted,
            };
            let mut rejected = Vec::new();
            let mut warned = Vec::new();
            for (w, e) in &evaluations {
                let check = |level| WorkloadCheck {
                    workload: w,
                    highest: e.highest_level(),
                    violations: e.violations(level).to_vec(),
                };
                if !e.allows(enforce) {
                    rejected.push(check(enforce));
                } else if !e.allows(warn) {
                    warned.push(check(warn));
                }
            }
            let mut labels = Vec::with_capacity(6);
            for (mode, level) in [
                (Mode::Enforce, enforce),
                (Mode::Warn, warn),
                (Mode::Audit, warn),
            ] {
                labels.push((mode.level_label(), level.to_string()));
                labels.push((mode.version_label(), version.to_string()));
            }
            let current = ctx
                .named("Namespace", &namespace)
                .find_map(NamespaceLabels::from_object);
            NamespaceMigration {
                namespace,
                workloads,
                psps: usable,
                psp_level,
                without_psp,
                workloads_level,
                version,
                enforce,
                warn,
                labels,
                current,
                rejected,
                warned,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const INPUT: &str = "apiVersion: policy/v1beta1\nkind: PodSecurityPolicy\nmetadata:\n  name: baseline\n  annotations:\n    apparmor.security.beta.kubernetes.io/allowedProfileNames: runtime/default\nspec:\n  seLinux: {rule: MustRunAs, seLinuxOptions: {}}\n  runAsUser: {rule: RunAsAny}\n  volumes: [configMap, secret, emptyDir]\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: use-baseline}\nrules: [{apiGroups: [policy], resources: [podsecuritypolicies], verbs: [use], resourceNames: [baseline]}]\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: shop-psp, namespace: shop}\nroleRef: {kind: ClusterRole, name: use-baseline}\nsubjects: [{kind: Group, name: 'system:serviceaccounts:shop'}]\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: {pod-security.kubernetes.io/enforce: privileged}}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  template:\n    spec:\n      containers: [{name: c, image: nginx}]\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: agent, namespace: shop}\nspec:\n  template:\n    spec:\n      hostNetwork: true\n      containers: [{name: c, image: agent}]\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: lone}\nspec:\n  securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}\n  containers:\n  - name: c\n    securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}\n";

    #[test]
    fn namespaces_levels_labels_and_failures() {
        let (objects, errors) = Object::parse_all("m.yaml", INPUT);
        assert!(errors.is_empty(), "{errors:?}");
        let ctx = Context::new(objects);
        let m = migration(&ctx);
        let names: Vec<&str> = m.iter().map(|n| n.namespace.as_str()).collect();
        assert_eq!(names, ["default", "shop"]);

        // `default`: no PSP usable, so the workloads' own level is suggested.
        let d = &m[0];
        assert_eq!(d.psp_level, None);
        assert_eq!(d.without_psp.len(), 1);
        assert_eq!(
            (d.workloads_level, d.enforce, d.warn),
            (Level::Restricted, Level::Restricted, Level::Restricted)
        );
        assert!(d.rejected.is_empty() && d.warned.is_empty() && d.current.is_none());

        let s = &m[1];
        assert_eq!(s.psps.len(), 1);
        assert_eq!(s.psps[0].psp.name, "baseline");
        assert_eq!(s.psps[0].workloads.len(), 2);
        assert_eq!(s.psp_level, Some(Level::Baseline));
        assert_eq!((s.enforce, s.warn), (Level::Baseline, Level::Restricted));
        assert_eq!(
            s.labels,
            [
                ("pod-security.kubernetes.io/enforce", "baseline".to_string()),
                (
                    "pod-security.kubernetes.io/enforce-version",
                    "latest".to_string()
                ),
                ("pod-security.kubernetes.io/warn", "restricted".to_string()),
                (
                    "pod-security.kubernetes.io/warn-version",
                    "latest".to_string()
                ),
                ("pod-security.kubernetes.io/audit", "restricted".to_string()),
                (
                    "pod-security.kubernetes.io/audit-version",
                    "latest".to_string()
                ),
            ]
        );
        assert_eq!(s.workloads_level, Level::Privileged);
        // hostNetwork was never admitted by the PSP, yet the manifest has it: the label
        // would reject it.
        assert_eq!(s.rejected.len(), 1);
        assert_eq!(s.rejected[0].workload.name, "agent");
        assert_eq!(s.rejected[0].highest, Level::Privileged);
        assert!(!s.rejected[0].violations.is_empty());
        assert_eq!(s.warned.len(), 1);
        assert_eq!(s.warned[0].workload.name, "web");
        assert_eq!(
            s.current.as_ref().and_then(|c| c.enforce),
            Some(Level::Privileged)
        );
        let pinned = migration_at(&ctx, Version::V(24));
        assert_eq!(pinned[1].labels[1].1, "v1.24");
    }

    #[test]
    fn no_workloads_no_namespaces() {
        let (objects, _) = Object::parse_all(
            "m.yaml",
            "apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n",
        );
        assert!(migration(&Context::new(objects)).is_empty());
    }
}
