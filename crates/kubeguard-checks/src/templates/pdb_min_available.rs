//! Template `pdb-min-available`: PodDisruptionBudgets whose minAvailable leaves no room for a
//! disruption of the workloads they cover.
//!
//! ## What it does
//! For a `policy/v1` PodDisruptionBudget with `spec.minAvailable` (v1beta1 budgets are not
//! checked), in this order, stopping at the first that applies:
//! 1. a value that is neither an integer nor an integer percentage is reported as invalid;
//! 2. `100%` is reported as such, whatever the workloads;
//! 3. a budget without `spec.selector` is reported;
//! 4. an invalid budget selector is reported;
//! 5. the workloads of the same namespace (as written) whose own selector is known
//!    (Deployment, DaemonSet, StatefulSet, ReplicaSet, Job, CronJob, DeploymentConfig; not Pod
//!    nor ReplicationController) are examined. Each workload's selector is turned into a plain
//!    label map as KubeLinter does; if any of them cannot be (it uses `matchExpressions`), a
//!    single finding reports the failure, even for unrelated workloads. The budget's selector
//!    is matched against each workload's *selector* labels (not its pod labels); for every
//!    match, the workload's replicas (missing: 1, or 0 for a DeploymentConfig; DaemonSets, Jobs
//!    and CronJobs have none: 0), replaced when exactly 1 by the `minReplicas` of an
//!    HorizontalPodAutoscaler (or `minReplicaCount` of a KEDA ScaledObject) whose
//!    `scaleTargetRef.name` is the workload's name, are compared with `minAvailable` (a
//!    percentage is applied to the replicas, rounded up): replicas <= minAvailable is reported.
//!
//! ## Why is this bad?
//! If the budget requires as many available pods as the workload runs, no pod may ever be
//! evicted: node drains and upgrades stall.
//!
//! ## Message
//! `The current number of replicas for deployment <name> is equal to or lower than the minimum
//! number of replicas specified by its PDB.` (for every workload kind), pointing at
//! `spec.minAvailable`; `PDB has invalid MinAvailable value: <error>`, `PDB has minimum
//! available replicas set to 100 percent of replicas`, `PDB is missing required selector field:
//! <docs url>`, `PDB has invalid label selector: <error>` and `Failed to retrieve deployments
//! matching the PDB's label selector within namespace <ns>: <error>` otherwise.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use kubeguard_engine::{CheckFn, Diagnostic, ParamSpec, Params, Template};
use kubeguard_model::{Context, Object, ObjectMemo, WorkloadKind, locate, parse_path};
use kubeguard_source::Node;

use super::pdb_max_unavailable::{go_atoi, is_pdb_v1};
use crate::util::k8s_labels::{self, LabelSelectorSpec};
use crate::util::{go_quote, text};

/// The template.
pub struct PdbMinAvailable;

/// Registered instance.
pub static TEMPLATE: PdbMinAvailable = PdbMinAvailable;

impl Template for PdbMinAvailable {
    fn key(&self) -> &'static str {
        "pdb-min-available"
    }
    fn name(&self) -> &'static str {
        "No pod disruptions allowed - minAvailable"
    }
    fn description(&self) -> &'static str {
        "Flag PodDisruptionBudgets whose minAvailable value will always prevent pod disruptions."
    }
    fn supported_kinds(&self) -> &'static [&'static str] {
        &["PodDisruptionBudget"]
    }
    fn params(&self) -> &'static [ParamSpec] {
        &[]
    }
    fn instantiate(&self, _: &Params) -> Result<Box<dyn CheckFn>, String> {
        Ok(Box::new(PdbMinAvailableCheck::default()))
    }
}

/// The bound check.
#[derive(Default)]
struct PdbMinAvailableCheck {
    /// Each workload's selector as a label set (`None`: no selector).
    workload_labels: ObjectMemo<Option<WorkloadLabels>>,
}

type WorkloadLabels = Arc<Result<BTreeMap<String, String>, String>>;

impl CheckFn for PdbMinAvailableCheck {
    fn check(&self, ctx: &Context, obj: &Object, out: &mut Vec<Diagnostic>) {
        if !is_pdb_v1(obj) {
            return;
        }
        let Some(min_node) = obj
            .root
            .path(&["spec", "minAvailable"])
            .filter(|n| !n.is_null())
        else {
            return;
        };
        // Anything but an integer or a string fails KubeLinter's decoding: nothing is checked.
        let Some(text) = min_node
            .as_str()
            .map(str::to_string)
            .or_else(|| min_node.as_i64().map(|i| i.to_string()))
        else {
            return;
        };
        let min_field = locate(&obj.root, "", &parse_path("spec.minAvailable"));
        let sel_field = || locate(&obj.root, "", &parse_path("spec.selector"));
        let (value, is_percent) = match parse_int_or_percent(&text) {
            Ok(v) => v,
            Err(e) => {
                out.push(Diagnostic::new(
                    format!("PDB has invalid MinAvailable value: {e}"),
                    min_field,
                ));
                return;
            }
        };
        if is_percent && value == 100 {
            out.push(Diagnostic::new(
                "PDB has minimum available replicas set to 100 percent of replicas",
                min_field,
            ));
            return;
        }
        let Some(sel_node) = obj
            .root
            .path(&["spec", "selector"])
            .filter(|n| !n.is_null())
        else {
            out.push(Diagnostic::new(
                "PDB is missing required selector field: https://kubernetes.io/docs/tasks/run-application/configure-pdb/#specifying-a-poddisruptionbudget",
                sel_field(),
            ));
            return;
        };
        // The budget's selector is never nil here: an empty one selects everything.
        let pdb_selector = match LabelSelectorSpec::from_node(sel_node).to_selector() {
            Ok(s) => s,
            Err(e) => {
                out.push(Diagnostic::new(
                    format!("PDB has invalid label selector: {e}"),
                    sel_field(),
                ));
                return;
            }
        };
        let namespace = obj.namespace.as_deref();
        let min_replicas = hpa_min_replicas(ctx, namespace);
        let mut matching = Vec::new();
        for w in ctx
            .workloads()
            .filter(|w| w.namespace.as_deref() == namespace)
        {
            // KubeLinter matches the budget against the workload's selector as a label set
            // (computed once per workload, however many budgets ask).
            let labels = self.workload_labels.get_or_compute(ctx, w, || {
                let (_, selector) = k8s_labels::workload_selector(w)?;
                Some(Arc::new(
                    k8s_labels::as_selector(selector.as_ref()).and_then(|s| {
                        k8s_labels::labels_map(&k8s_labels::selector_string(s.as_ref()))
                    }),
                ))
            });
            let Some(labels) = labels else {
                continue;
            };
            match &*labels {
                Ok(labels) if pdb_selector.matches_labels(labels) => matching.push(w),
                Ok(_) => {}
                Err(e) => {
                    out.push(Diagnostic::new(
                        format!(
                            "Failed to retrieve deployments matching the PDB's label selector within namespace {}: {e}",
                            namespace.unwrap_or_default()
                        ),
                        sel_field(),
                    ));
                    return;
                }
            }
        }
        for w in matching {
            let mut replicas = workload_replicas(w);
            // Only a count of exactly 1 (explicit or defaulted) is replaced by an autoscaler's minimum.
            if replicas == 1
                && let Some(&m) = min_replicas.get(&object_name(w))
            {
                replicas = m;
            }
            let min_available = if is_percent {
                (f64::from(replicas) * (value as f64 / 100.0)).ceil() as i64
            } else {
                value
            };
            // Go compares int32 values: the int is truncated as `int32(x)` does.
            if replicas <= min_available as i32 {
                out.push(Diagnostic::new(
                    format!(
                        "The current number of replicas for deployment {} is equal to or lower than the minimum number of replicas specified by its PDB.",
                        object_name(w)
                    ),
                    min_field.clone(),
                ));
            }
        }
    }
}

/// `metadata.name` as written (`GetName()`).
fn object_name(o: &Object) -> String {
    text(o.root.path(&["metadata", "name"]))
}

/// KubeLinter's `getIntOrPercentValueSafelyFromString`: an integer, or an integer followed by `%`.
fn parse_int_or_percent(s: &str) -> Result<(i64, bool), String> {
    if let Ok(v) = go_atoi(s) {
        return Ok((v, false));
    }
    let Some(pct) = s.strip_suffix('%') else {
        return Err(format!(
            "invalid type: string {} is not a percentage",
            go_quote(s)
        ));
    };
    go_atoi(pct).map(|v| (v, true)).map_err(|e| {
        format!(
            "invalid value {}: strconv.Atoi: parsing {}: {e}",
            go_quote(s),
            go_quote(pct)
        )
    })
}

/// `extract.Replicas`: `spec.replicas` (missing: 1; a DeploymentConfig's missing: 0), 0 for
/// kinds without replicas (DaemonSet, Job, CronJob, Pod).
fn workload_replicas(w: &Object) -> i32 {
    let node = w.root.path(&["spec", "replicas"]).filter(|n| !n.is_null());
    // Go's int32: larger values would not decode; truncate like a conversion.
    let value = |default: i32| node.and_then(Node::as_i64).map_or(default, |r| r as i32);
    match w.workload_kind() {
        Some(WorkloadKind::DeploymentConfig) => value(0),
        Some(
            WorkloadKind::Deployment
            | WorkloadKind::ReplicaSet
            | WorkloadKind::StatefulSet
            | WorkloadKind::ReplicationController
            | WorkloadKind::Rollout,
        ) => value(1),
        _ => 0,
    }
}

/// `scaleTargetRef.name` -> minimum replicas, over the HorizontalPodAutoscalers (`minReplicas`)
/// and KEDA ScaledObjects (`minReplicaCount`) of `namespace`; missing minimum: 1. The last one
/// in load order wins, as in KubeLinter's map.
fn hpa_min_replicas(ctx: &Context, namespace: Option<&str>) -> HashMap<String, i32> {
    let mut m = HashMap::new();
    for o in &ctx.objects {
        let field = match (o.kind.as_str(), o.group(), o.version()) {
            ("HorizontalPodAutoscaler", "autoscaling", "v1" | "v2" | "v2beta1" | "v2beta2") => {
                "minReplicas"
            }
            ("ScaledObject", "keda.sh", "v1alpha1") => "minReplicaCount",
            _ => continue,
        };
        if o.namespace.as_deref() != namespace {
            continue;
        }
        let target = text(o.root.path(&["spec", "scaleTargetRef", "name"]));
        let min = o
            .root
            .path(&["spec", field])
            .and_then(Node::as_i64)
            .map_or(1, |v| v as i32);
        m.insert(target, min);
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn min_available_parsing() {
        assert_eq!(parse_int_or_percent("3"), Ok((3, false)));
        assert_eq!(parse_int_or_percent("50%"), Ok((50, true)));
        assert_eq!(
            parse_int_or_percent("abc"),
            Err("invalid type: string \"abc\" is not a percentage".into())
        );
        assert_eq!(
            parse_int_or_percent("1.5%"),
            Err("invalid value \"1.5%\": strconv.Atoi: parsing \"1.5\": invalid syntax".into())
        );
    }
}
