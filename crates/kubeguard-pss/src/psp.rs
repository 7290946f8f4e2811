//! Legacy PodSecurityPolicy objects (`policy/v1beta1` and `extensions/v1beta1`, removed from
//! Kubernetes in v1.25): what each lets pods do, which Pod Security Standards level it
//! corresponds to, which workloads may use it, and the Pod Security Admission labels that
//! replace it namespace by namespace.
//!
//! Pure functions over [`Object`]s and a [`Context`]; every finding is located at the
//! offending field (or its nearest existing parent when the field is absent).
//!
//! - [`audit`]: every permissive setting, by stable rule ID ([`PspRule`]).
//! - [`equivalent_level`] / [`equivalent_level_at`]: the strictest level every pod the PSP
//!   admits meets ([`Equivalence`]), with the settings keeping it from stricter levels
//!   ([`Blocker`], by [`Control`](crate::Control)) and what the mapping cannot guarantee
//!   ([`Caveat`]).
//! - [`psp_users`]: the workloads whose ServiceAccount RBAC lets `use` the PSP, with each
//!   binding path ([`PspUser`], [`Grant`]).
//! - [`migration`] / [`migration_at`]: per namespace, the usable PSPs, the suggested
//!   `pod-security.kubernetes.io/*` labels and the workloads they would reject
//!   ([`NamespaceMigration`]).
//!
//! # Field semantics
//!
//! As the API server defaults and the admission plugin applies them: `allowPrivilegeEscalation`
//! unset is `true`; an empty `volumes` admits no volume and `*` every type; an empty
//! `hostPorts` admits no host port; empty `allowedHostPaths` admits every path; empty
//! `allowedProcMountTypes` admits only `Default`; the seccomp annotation absent admits only
//! pods without a profile, and the AppArmor annotation absent admits every profile. Profile
//! lists split on `,` without trimming; an empty seccomp entry (`runtime/default,`) admits
//! pods without a profile.

use kubeguard_model::{Context, Object};

mod audit;
mod level;
mod migration;
mod rbac;
mod spec;

pub use audit::{PspAudit, PspFinding, PspRule, audit};
pub use level::{Blocker, Caveat, Equivalence, equivalent_level, equivalent_level_at};
pub use migration::{NamespaceMigration, UsablePsp, WorkloadCheck, migration, migration_at};
pub use rbac::{Grant, PspUser, SubjectMatch, psp_users};
pub use spec::{APPARMOR_ALLOWED, APPARMOR_DEFAULT, SECCOMP_ALLOWED, SECCOMP_DEFAULT};

/// Whether `obj` is a PodSecurityPolicy (`policy` or `extensions` group, any version).
pub fn is_pod_security_policy(obj: &Object) -> bool {
    obj.kind == "PodSecurityPolicy" && matches!(obj.group(), "policy" | "extensions")
}

/// The PodSecurityPolicies of `ctx`, in load order.
pub fn pod_security_policies(ctx: &Context) -> impl Iterator<Item = &Object> {
    ctx.of_kind("PodSecurityPolicy")
        .filter(|o| is_pod_security_policy(o))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_both_groups() {
        let text = "apiVersion: policy/v1beta1\nkind: PodSecurityPolicy\nmetadata: {name: a}\n---\napiVersion: extensions/v1beta1\nkind: PodSecurityPolicy\nmetadata: {name: b}\n---\napiVersion: example.com/v1\nkind: PodSecurityPolicy\nmetadata: {name: c}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: d}\n";
        let ctx = Context::new(Object::parse_all("t.yaml", text).0);
        let names: Vec<&str> = pod_security_policies(&ctx)
            .map(|o| o.name.as_str())
            .collect();
        assert_eq!(names, ["a", "b"]);
        assert!(!is_pod_security_policy(&ctx.objects[3]));
    }

    #[test]
    fn odd_shapes_do_not_panic() {
        let specs = [
            "spec: 5",
            "spec: {privileged: [x], hostPorts: {min: 1}, volumes: {a: b}, allowedCapabilities: [[x], {a: 1}, null, 7]}",
            "spec: {hostPorts: [null, 3, {min: x, max: [1]}], runAsUser: [x], seLinux: {rule: [x], seLinuxOptions: [1]}}",
            "spec: {runAsUser: {rule: MustRunAs, ranges: [null, {min: -5, max: 9223372036854775807}]}, allowedHostPaths: [1, null, {readOnly: yes}]}",
            "spec: {seLinux: {rule: MustRunAs, seLinuxOptions: {type: [x], user: {a: 1}}}, allowedUnsafeSysctls: ['', '*'], allowedProcMountTypes: [null]}",
            "metadata: {name: p, annotations: {seccomp.security.alpha.kubernetes.io/allowedProfileNames: [x], apparmor.security.beta.kubernetes.io/allowedProfileNames: ',,'}}\nspec: {}",
        ];
        let rbac = "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r}\naggregationRule: {clusterRoleSelectors: [null, 3, {matchLabels: [x]}]}\nrules: 7\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: b}\nroleRef: {kind: [x], name: {a: 1}}\nsubjects: {kind: Group}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: b2, namespace: [x]}\nroleRef: {kind: ClusterRole, name: r}\nsubjects: [{kind: ServiceAccount, name: [x]}, {kind: Group, name: 'system:authenticated'}]\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: w}\nspec: {serviceAccountName: [x], containers: [{name: c}]}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {template: 3}\n";
        for spec in specs {
            let text = format!(
                "apiVersion: policy/v1beta1\nkind: PodSecurityPolicy\nmetadata: {{name: p}}\n{spec}\n{rbac}"
            );
            let (objects, _) = Object::parse_all("t.yaml", &text);
            let ctx = Context::new(objects);
            for p in pod_security_policies(&ctx) {
                let a = audit(p);
                assert!(a.findings.iter().all(|f| !f.field.is_empty()), "{spec}");
                for minor in [0, 19, 25, 37] {
                    let e = equivalent_level_at(p, crate::Version::V(minor));
                    assert_eq!(
                        e.level == crate::Level::Restricted,
                        e.blockers.is_empty(),
                        "{spec}"
                    );
                }
                let _ = psp_users(&ctx, p);
            }
            let m = migration(&ctx);
            assert_eq!(m.len(), 1, "{spec}");
            assert_eq!(m[0].workloads.len(), 1, "{spec}");
        }
    }
}
