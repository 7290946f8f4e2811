//! Kubernetes RBAC analysis over the shared object model, with exactly the matching rules of
//! the API server's RBAC authorizer.
//!
//! [`Rbac::new`] resolves the Roles, ClusterRoles, RoleBindings and ClusterRoleBindings of a
//! [`kubeguard_model::Context`] (plus Kubernetes' bootstrap roles, see [`Options`]):
//! each binding's role, each ClusterRole's aggregated rules ([`aggregate`]), and
//! [`Diagnostic`]s for bindings to missing roles and other things that grant nothing. The
//! queries ([`Rbac::who_can`], [`Rbac::can_i`], [`Rbac::rules_for`], [`Rbac::permissions`])
//! answer as `kubectl auth can-i` would against the same objects, every answer with the
//! binding, role and rule granting it, each with its location.
//!
//! ```
//! use kubeguard_model::{Context, Object};
//! use kubeguard_rbac::{Discovery, Options, Rbac, Request, Scope, Subject};
//!
//! let text = "apiVersion: rbac.authorization.k8s.io/v1
//! kind: RoleBinding
//! metadata: {name: web-view, namespace: shop}
//! roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
//! subjects: [{kind: ServiceAccount, name: web}]
//! ";
//! let ctx = Context::new(Object::parse_all("rbac.yaml", text).0);
//! let rbac = Rbac::new(&ctx, &Options::default());
//! let ask = |verb, resource, ns: &str| {
//!     Request::parse(verb, resource, "", Scope::Namespace(ns.into()), &Discovery::builtin())
//!         .unwrap()
//!         .request
//! };
//! let web = Subject::parse("serviceaccount:shop:web").unwrap().identity();
//! let grants = rbac.can_i(&web, &ask("list", "pods", "shop"));
//! assert_eq!(grants[0].binding.name, "web-view");
//! assert_eq!(grants[0].rule_role.name, "system:aggregate-to-view");
//! assert!(rbac.can_i(&web, &ask("list", "secrets", "shop")).is_empty());
//! assert!(rbac.can_i(&web, &ask("list", "pods", "other")).is_empty());
//! ```
//!
//! Pure: nothing here reads files, the clock or the network.

pub mod aggregate;
mod analysis;
mod builtin;
pub mod escalation;
pub mod matching;
pub mod model;
mod query;
pub mod request;
pub mod subject;
pub mod workloads;

pub use aggregate::RuleRef;
pub use analysis::{Diagnostic, DiagnosticKind, EffectiveRule, Options, Rbac};
pub use builtin::{BUILTIN_PATH, builtin_roles};
pub use escalation::{Escalation, escalation};
pub use model::{
    AggregationSelector, Binding, BindingKind, BindingSubject, PolicyRule, RBAC_GROUP, Role,
    RoleKind, RoleRef, Rule, binding_kind, role_kind,
};
pub use query::{Grant, Permission, Permissions, SubjectGrants, Target};
pub use request::{
    ApiResource, Discovery, NonResourceRequest, Parsed, Request, RequestError, Resolved,
    ResourceRequest, Scope,
};
pub use subject::{Identity, ParseSubjectError, Subject};
pub use workloads::{
    LevelSource, PermissionLevel, TokenSource, WorkloadAccess, level_of, workload_access,
};
