//! Template `rbac-workload`: workloads joined with their ServiceAccount's RBAC permissions.
//!
//! ## What it does
//! For every object with a pod spec, finds the ServiceAccount its pods run as (`default` when
//! unset), whether its API token is mounted (the pod spec's `automountServiceAccountToken`,
//! else the ServiceAccount's when among the linted objects, else mounted), and the permission
//! level of that ServiceAccount under the context's RBAC objects (bootstrap roles known,
//! aggregation resolved; see `kubeguard_rbac::workloads`). The `finding` parameter selects
//! what is reported:
//! - `shared-service-account`: another workload of the namespace runs as the same explicitly
//!   named ServiceAccount, which holds permissions;
//! - `default-service-account`: the workload runs as `default` and mounts its token while
//!   `default` holds permissions;
//! - `unused-token`: the token is mounted but grants nothing;
//! - `cluster-admin-token`: the token is mounted and is cluster-admin equivalent.
//!
//! The join is computed once per context and shared by every check of this template.

use std::collections::HashMap;
use std::sync::Arc;

use kubeguard_engine::{CheckFn, Diagnostic, ParamKind, ParamSpec, Params, Template};
use kubeguard_model::{Context, FieldRef, Object};
use kubeguard_rbac::{Options, PermissionLevel, Rbac, TokenSource, workload_access};
use kubeguard_source::Location;

use crate::util::go_quote;

/// The template.
pub struct RbacWorkload;

/// Registered instance.
pub static TEMPLATE: RbacWorkload = RbacWorkload;

static PARAMS: &[ParamSpec] = &[ParamSpec::new(
    "finding",
    ParamKind::String,
    "What to flag: shared-service-account, default-service-account, unused-token or cluster-admin-token",
)
.required()];

impl Template for RbacWorkload {
    fn key(&self) -> &'static str {
        "rbac-workload"
    }
    fn name(&self) -> &'static str {
        "RBAC of Workloads"
    }
    fn description(&self) -> &'static str {
        "Flag workloads by what their ServiceAccount's token can do: shared or default ServiceAccounts holding permissions, tokens mounted without permissions, tokens reaching cluster-admin"
    }
    fn supported_kinds(&self) -> &'static [&'static str] {
        &["DeploymentLike"]
    }
    fn params(&self) -> &'static [ParamSpec] {
        PARAMS
    }
    fn instantiate(&self, params: &Params) -> Result<Box<dyn CheckFn>, String> {
        let finding = match params.str("finding").unwrap_or_default() {
            "shared-service-account" => Finding::Shared,
            "default-service-account" => Finding::Default,
            "unused-token" => Finding::UnusedToken,
            "cluster-admin-token" => Finding::ClusterAdminToken,
            other => {
                return Err(format!(
                    "unknown finding {other:?} (expected shared-service-account, default-service-account, unused-token or cluster-admin-token)"
                ));
            }
        };
        Ok(Box::new(Check { finding }))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Finding {
    Shared,
    Default,
    UnusedToken,
    ClusterAdminToken,
}

/// The join of one workload, owned.
#[derive(Debug, Clone)]
struct Joined {
    namespace: String,
    service_account: String,
    explicit: bool,
    field: FieldRef,
    token_mounted: bool,
    token_source: TokenSource,
    level: PermissionLevel,
    /// `ClusterRoleBinding admins (w.yaml:3) → ClusterRole cluster-admin rules[0]`.
    source: Option<String>,
    /// The other workloads with the same ServiceAccount: the first few (`Deployment b`), and
    /// how many there are.
    shared_with: (Arc<[String]>, usize),
}

type Joins = HashMap<usize, Joined>;

/// The context's workload join, built once per context for every check of this template.
fn joins(ctx: &Context) -> Arc<Joins> {
    ctx.derived("rbac-workload/joins", || join(ctx))
}

fn at(l: Option<&Location>) -> String {
    l.map_or_else(String::new, |l| format!(" ({}:{})", l.path, l.start.line))
}

fn join(ctx: &Context) -> Joins {
    if ctx.workloads().next().is_none() {
        return Joins::new();
    }
    let rbac = Rbac::new(ctx, &Options::default());
    let all = workload_access(ctx, &rbac);
    let mut out = Joins::new();
    // Per group of workloads sharing a ServiceAccount (by its first member): the first few
    // names, listed once for the whole group.
    let mut names: HashMap<usize, Arc<[String]>> = HashMap::new();
    for w in &all {
        let Some(index) = ctx.index_of(w.object) else {
            continue;
        };
        out.insert(
            index,
            Joined {
                namespace: w.namespace.clone(),
                service_account: w.service_account.clone(),
                explicit: w.explicit,
                field: w.service_account_field.clone(),
                token_mounted: w.token_mounted,
                token_source: w.token_source,
                level: w.level,
                source: w.level_source.as_ref().map(|s| {
                    format!(
                        "{}{} through {}{}",
                        s.binding,
                        at(s.binding_location.as_ref()),
                        s.rule,
                        at(s.rule_location.as_ref())
                    )
                }),
                shared_with: (
                    names
                        .entry(w.sharing.first().copied().unwrap_or(0))
                        .or_insert_with(|| {
                            w.sharing
                                .iter()
                                .take(SHOWN + 1)
                                .filter_map(|&j| all.get(j))
                                .map(|o| format!("{} {}", o.object.kind, o.object.name))
                                .collect()
                        })
                        .clone(),
                    w.sharing.len(),
                ),
            },
        );
    }
    out
}

/// How many other workloads a shared-ServiceAccount message names.
const SHOWN: usize = 3;

/// `Deployment b, Deployment c and 4 more`: the workloads of a group other than `me`.
fn others(me: &str, names: &[String], total: usize) -> String {
    let shown: Vec<&str> = names
        .iter()
        .map(String::as_str)
        .filter(|n| *n != me)
        .take(SHOWN)
        .collect();
    let rest = total.saturating_sub(1 + shown.len());
    if rest == 0 {
        shown.join(", ")
    } else {
        format!("{} and {rest} more", shown.join(", "))
    }
}

struct Check {
    finding: Finding,
}

impl CheckFn for Check {
    fn check(&self, ctx: &Context, obj: &Object, out: &mut Vec<Diagnostic>) {
        let Some(index) = ctx.index_of(obj) else {
            return;
        };
        let joins = joins(ctx);
        let Some(j) = joins.get(&index) else {
            return;
        };
        let sa = go_quote(&format!("{}/{}", j.namespace, j.service_account));
        let level = j.level.id();
        let source = j.source.as_deref().unwrap_or("");
        let message = match self.finding {
            Finding::Shared
                if j.explicit && j.shared_with.1 > 1 && j.level > PermissionLevel::None =>
            {
                let me = format!("{} {}", obj.kind, obj.name);
                format!(
                    "ServiceAccount {sa} ({level}: {source}) is shared with {}: each of them holds the permissions the others need",
                    others(&me, &j.shared_with.0, j.shared_with.1)
                )
            }
            Finding::Default
                if j.service_account == "default"
                    && j.token_mounted
                    && j.level > PermissionLevel::None =>
            {
                let how = if j.explicit {
                    "names"
                } else {
                    "sets no serviceAccountName, so it runs as"
                };
                format!(
                    "the workload {how} the default ServiceAccount {sa}, which holds permissions ({level}: {source}), and mounts its token"
                )
            }
            Finding::UnusedToken if j.token_mounted && j.level == PermissionLevel::None => {
                let why = match j.token_source {
                    TokenSource::PodSpec => {
                        "the pod spec sets automountServiceAccountToken to true"
                    }
                    TokenSource::ServiceAccount => {
                        "the ServiceAccount sets automountServiceAccountToken to true"
                    }
                    TokenSource::Default => "nothing sets automountServiceAccountToken to false",
                };
                format!(
                    "the token of ServiceAccount {sa} is mounted ({why}) but no RoleBinding or ClusterRoleBinding among the inputs grants it anything"
                )
            }
            Finding::ClusterAdminToken
                if j.token_mounted && j.level == PermissionLevel::ClusterAdminEquivalent =>
            {
                format!(
                    "the mounted token of ServiceAccount {sa} is cluster-admin equivalent ({source}): whoever compromises a container of this workload controls the cluster"
                )
            }
            _ => return,
        };
        out.push(Diagnostic::new(message, j.field.clone()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_messages_name_at_most_three_others() {
        let names: Vec<String> = [
            "Deployment a",
            "Deployment b",
            "Deployment c",
            "Deployment d",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(
            others("Deployment a", &names[..2], 2),
            "Deployment b".to_string()
        );
        assert_eq!(
            others("Deployment b", &names, 10),
            "Deployment a, Deployment c, Deployment d and 6 more"
        );
    }
}
