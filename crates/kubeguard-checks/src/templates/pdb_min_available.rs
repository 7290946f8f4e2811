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
use std::sync::LazyLock;

use kubeguard_engine::{CheckFn, Diagnostic, ParamSpec, Params, Template};
use kubeguard_model::{Context, Object, WorkloadKind, locate, parse_path};
use kubeguard_source::Node;
use regex::Regex;

use super::pdb_max_unavailable::{go_atoi, is_pdb_v1};
use crate::util::go_quote;

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
        Ok(Box::new(PdbMinAvailable))
    }
}

impl CheckFn for PdbMinAvailable {
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
        let pdb_selector =
            match label_selector_as_selector(Some(&LabelSelector::from_node(sel_node))) {
                Ok(s) => s.unwrap_or_default(),
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
            let Some(selector) = workload_selector(w) else {
                continue;
            };
            let labels = label_selector_as_selector(selector.as_ref())
                .map(|s| s.map(|reqs| selector_string(&reqs)).unwrap_or_default())
                .and_then(|s| convert_selector_to_labels_map(&s));
            match labels {
                Ok(labels) if selector_matches(&pdb_selector, &labels) => matching.push(w),
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
    o.root
        .path(&["metadata", "name"])
        .and_then(Node::scalar_text)
        .unwrap_or_default()
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
        let target = o
            .root
            .path(&["spec", "scaleTargetRef", "name"])
            .and_then(Node::scalar_text)
            .unwrap_or_default();
        let min = o
            .root
            .path(&["spec", field])
            .and_then(Node::as_i64)
            .map_or(1, |v| v as i32);
        m.insert(target, min);
    }
    m
}

/// `extract.Selector`: `None` when the kind has no `*LabelSelector` (Pod, ReplicationController);
/// `Some(None)` for a nil selector.
fn workload_selector(w: &Object) -> Option<Option<LabelSelector>> {
    let label_selector =
        |n: Option<&Node>| n.filter(|n| !n.is_null()).map(LabelSelector::from_node);
    Some(match w.workload_kind()? {
        WorkloadKind::Pod | WorkloadKind::ReplicationController | WorkloadKind::PodTemplate => {
            return None;
        }
        // `&LabelSelector{MatchLabels: spec.selector}`: never nil.
        WorkloadKind::DeploymentConfig => Some(LabelSelector {
            match_labels: string_pairs(w.root.path(&["spec", "selector"])),
            match_expressions: Vec::new(),
        }),
        WorkloadKind::CronJob => {
            label_selector(w.root.path(&["spec", "jobTemplate", "spec", "selector"]))
        }
        _ => label_selector(w.root.path(&["spec", "selector"])),
    })
}

// --- Go label selectors (k8s.io/apimachinery), with their validation and error texts. ---

/// A `metav1.LabelSelector` as decoded.
#[derive(Debug, Default)]
struct LabelSelector {
    match_labels: Vec<(String, String)>,
    match_expressions: Vec<(String, String, Vec<String>)>,
}

impl LabelSelector {
    fn from_node(node: &Node) -> LabelSelector {
        let match_expressions = node
            .get("matchExpressions")
            .and_then(Node::as_seq)
            .unwrap_or(&[])
            .iter()
            .map(|e| {
                let text = |k: &str| e.get(k).and_then(Node::scalar_text).unwrap_or_default();
                let values = e
                    .get("values")
                    .and_then(Node::as_seq)
                    .unwrap_or(&[])
                    .iter()
                    .map(|v| v.scalar_text().unwrap_or_default())
                    .collect();
                (text("key"), text("operator"), values)
            })
            .collect();
        LabelSelector {
            match_labels: string_pairs(node.get("matchLabels")),
            match_expressions,
        }
    }
}

/// A `map[string]string`, sorted by key (Go iterates maps in random order; sorting makes the
/// first reported error deterministic).
fn string_pairs(node: Option<&Node>) -> Vec<(String, String)> {
    let map: BTreeMap<String, String> = node
        .and_then(Node::as_map)
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.to_string(), v.scalar_text().unwrap_or_default()))
                .collect()
        })
        .unwrap_or_default();
    map.into_iter().collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Equals,
    In,
    NotIn,
    Exists,
    DoesNotExist,
}

/// A `labels.Requirement`.
#[derive(Debug, Clone)]
struct Requirement {
    key: String,
    op: Op,
    values: Vec<String>,
}

/// `metav1.LabelSelectorAsSelector`: `None` is the nil selector (`labels.Nothing()`), an empty
/// list is `labels.Everything()`. Requirements are sorted by key.
fn label_selector_as_selector(
    ls: Option<&LabelSelector>,
) -> Result<Option<Vec<Requirement>>, String> {
    let Some(ls) = ls else { return Ok(None) };
    let mut reqs = Vec::new();
    for (k, v) in &ls.match_labels {
        reqs.push(new_requirement(
            k,
            Op::Equals,
            std::slice::from_ref(v),
            true,
        )?);
    }
    for (key, operator, values) in &ls.match_expressions {
        let op = match operator.as_str() {
            "In" => Op::In,
            "NotIn" => Op::NotIn,
            "Exists" => Op::Exists,
            "DoesNotExist" => Op::DoesNotExist,
            _ => {
                return Err(format!(
                    "{} is not a valid label selector operator",
                    go_quote(operator)
                ));
            }
        };
        reqs.push(new_requirement(key, op, values, false)?);
    }
    reqs.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(Some(reqs))
}

/// `labels.NewRequirement` with its validation (`field.ErrorList` aggregated).
/// `non_nil_values`: whether Go's value slice is non-nil even when empty (only for matchLabels).
fn new_requirement(
    key: &str,
    op: Op,
    values: &[String],
    non_nil_values: bool,
) -> Result<Requirement, String> {
    let mut errs: Vec<String> = Vec::new();
    if let Some(e) = is_qualified_name(key) {
        errs.push(format!("key: Invalid value: {}: {e}", go_quote(key)));
    }
    let go_values = || {
        if values.is_empty() && !non_nil_values {
            "[]string(nil)".to_string()
        } else {
            format!(
                "[]string{{{}}}",
                values
                    .iter()
                    .map(|v| go_quote(v))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
    };
    match op {
        Op::In | Op::NotIn if values.is_empty() => {
            errs.push(format!(
                "values: Invalid value: {}: for 'in', 'notin' operators, values set can't be empty",
                go_values()
            ));
        }
        Op::Exists | Op::DoesNotExist if !values.is_empty() => {
            errs.push(format!(
                "values: Invalid value: {}: values set must be empty for exists and does not exist",
                go_values()
            ));
        }
        _ => {}
    }
    for (i, v) in values.iter().enumerate() {
        if let Some(e) = is_valid_label_value(v) {
            errs.push(format!(
                "values[{i}][{key}]: Invalid value: {}: {e}",
                go_quote(v)
            ));
        }
    }
    let mut seen: Vec<String> = Vec::new();
    for e in errs {
        if !seen.contains(&e) {
            seen.push(e);
        }
    }
    match seen.len() {
        0 => Ok(Requirement {
            key: key.to_string(),
            op,
            values: values.to_vec(),
        }),
        1 => Err(seen.remove(0)),
        _ => Err(format!("[{}]", seen.join(", "))),
    }
}

/// `labels.Selector.String()` of a selector's requirements.
fn selector_string(reqs: &[Requirement]) -> String {
    let parts: Vec<String> = reqs
        .iter()
        .map(|r| {
            let values = || {
                let mut v = r.values.clone();
                if v.len() > 1 {
                    v.sort();
                }
                v.join(",")
            };
            match r.op {
                Op::Equals => format!("{}={}", r.key, values()),
                Op::In => format!("{} in ({})", r.key, values()),
                Op::NotIn => format!("{} notin ({})", r.key, values()),
                Op::Exists => r.key.clone(),
                Op::DoesNotExist => format!("!{}", r.key),
            }
        })
        .collect();
    parts.join(",")
}

/// `labels.ConvertSelectorToLabelsMap`: only `k=v,k=v` parses (the keys and values were
/// validated when the selector was built).
fn convert_selector_to_labels_map(selector: &str) -> Result<BTreeMap<String, String>, String> {
    let mut map = BTreeMap::new();
    if selector.is_empty() {
        return Ok(map);
    }
    for label in selector.split(',') {
        let l: Vec<&str> = label.split('=').collect();
        if l.len() != 2 {
            return Err(format!("invalid selector: [{}]", l.join(" ")));
        }
        map.insert(l[0].trim().to_string(), l[1].trim().to_string());
    }
    Ok(map)
}

/// `labels.Selector.Matches` on a label set.
fn selector_matches(reqs: &[Requirement], labels: &BTreeMap<String, String>) -> bool {
    reqs.iter().all(|r| {
        let got = labels.get(&r.key);
        match r.op {
            Op::Equals | Op::In => got.is_some_and(|v| r.values.contains(v)),
            Op::NotIn => got.is_none_or(|v| !r.values.contains(v)),
            Op::Exists => got.is_some(),
            Op::DoesNotExist => got.is_none(),
        }
    })
}

const QUALIFIED_NAME_FMT: &str = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
const QUALIFIED_NAME_MSG: &str = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const DNS1123_SUBDOMAIN_FMT: &str =
    "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
const DNS1123_SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const LABEL_VALUE_MSG: &str = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

static QUALIFIED_NAME_RE: LazyLock<Regex> = LazyLock::new(|| anchored(QUALIFIED_NAME_FMT));
static DNS1123_SUBDOMAIN_RE: LazyLock<Regex> = LazyLock::new(|| anchored(DNS1123_SUBDOMAIN_FMT));
static LABEL_VALUE_RE: LazyLock<Regex> =
    LazyLock::new(|| anchored(&format!("({QUALIFIED_NAME_FMT})?")));

fn anchored(fmt: &str) -> Regex {
    Regex::new(&format!("^{fmt}$")).unwrap_or_else(|e| unreachable!("constant regex: {e}"))
}

/// `validation.RegexError`.
fn regex_error(msg: &str, fmt: &str, examples: &[&str]) -> String {
    let examples: Vec<String> = examples.iter().map(|e| format!("'{e}', ")).collect();
    format!(
        "{msg} (e.g. {}regex used for validation is '{fmt}')",
        examples.join(" or ")
    )
}

/// `validation.IsQualifiedName`, errors joined by `; ` (`None` when valid).
fn is_qualified_name(value: &str) -> Option<String> {
    let mut errs = Vec::new();
    let parts: Vec<&str> = value.split('/').collect();
    let name = match parts.as_slice() {
        [name] => *name,
        [prefix, name] => {
            if prefix.is_empty() {
                errs.push("prefix part must be non-empty".to_string());
            } else {
                if prefix.len() > 253 {
                    errs.push("prefix part must be no more than 253 characters".to_string());
                }
                if !DNS1123_SUBDOMAIN_RE.is_match(prefix) {
                    errs.push(format!(
                        "prefix part {}",
                        regex_error(
                            DNS1123_SUBDOMAIN_MSG,
                            DNS1123_SUBDOMAIN_FMT,
                            &["example.com"]
                        )
                    ));
                }
            }
            *name
        }
        _ => {
            return Some(format!(
                "a qualified name {} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
                regex_error(
                    QUALIFIED_NAME_MSG,
                    QUALIFIED_NAME_FMT,
                    &["MyName", "my.name", "123-abc"]
                )
            ));
        }
    };
    if name.is_empty() {
        errs.push("name part must be non-empty".to_string());
    } else if name.len() > 63 {
        errs.push("name part must be no more than 63 characters".to_string());
    }
    if !QUALIFIED_NAME_RE.is_match(name) {
        errs.push(format!(
            "name part {}",
            regex_error(
                QUALIFIED_NAME_MSG,
                QUALIFIED_NAME_FMT,
                &["MyName", "my.name", "123-abc"]
            )
        ));
    }
    if errs.is_empty() {
        None
    } else {
        Some(errs.join("; "))
    }
}

/// `validation.IsValidLabelValue`, errors joined by `; ` (`None` when valid).
fn is_valid_label_value(value: &str) -> Option<String> {
    let mut errs = Vec::new();
    if value.len() > 63 {
        errs.push("must be no more than 63 characters".to_string());
    }
    if !LABEL_VALUE_RE.is_match(value) {
        errs.push(regex_error(
            LABEL_VALUE_MSG,
            &format!("({QUALIFIED_NAME_FMT})?"),
            &["MyValue", "my_value", "12345"],
        ));
    }
    if errs.is_empty() {
        None
    } else {
        Some(errs.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sel(labels: &[(&str, &str)], exprs: &[(&str, &str, &[&str])]) -> LabelSelector {
        LabelSelector {
            match_labels: labels
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            match_expressions: exprs
                .iter()
                .map(|(k, o, v)| {
                    (
                        k.to_string(),
                        o.to_string(),
                        v.iter().map(|s| s.to_string()).collect(),
                    )
                })
                .collect(),
        }
    }

    #[test]
    fn selector_strings_and_label_maps() {
        let s = label_selector_as_selector(Some(&sel(&[("b", "2"), ("a", "1")], &[])))
            .expect("valid")
            .expect("not nil");
        assert_eq!(selector_string(&s), "a=1,b=2");
        assert_eq!(
            convert_selector_to_labels_map("a=1,b=2").expect("ok").len(),
            2
        );
        let s = label_selector_as_selector(Some(&sel(
            &[("z", "1")],
            &[
                ("tier", "In", &["web", "api"]),
                ("gone", "DoesNotExist", &[]),
            ],
        )))
        .expect("valid")
        .expect("not nil");
        assert_eq!(selector_string(&s), "!gone,tier in (api,web),z=1");
        assert_eq!(
            convert_selector_to_labels_map(&selector_string(&s)).expect_err("not a map"),
            "invalid selector: [!gone]"
        );
        assert_eq!(
            convert_selector_to_labels_map("app in (a,b)").expect_err("not a map"),
            "invalid selector: [app in (a]"
        );
        assert!(label_selector_as_selector(None).expect("nil").is_none());
        assert!(
            label_selector_as_selector(Some(&LabelSelector::default()))
                .expect("empty")
                .expect("everything")
                .is_empty()
        );
    }

    #[test]
    fn selector_errors_like_apimachinery() {
        let e = label_selector_as_selector(Some(&sel(&[], &[("app", "Bogus", &[])])))
            .expect_err("operator");
        assert_eq!(e, "\"Bogus\" is not a valid label selector operator");
        let e = label_selector_as_selector(Some(&sel(&[], &[("app", "In", &[])])))
            .expect_err("empty values");
        assert_eq!(
            e,
            "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty"
        );
        let e = label_selector_as_selector(Some(&sel(&[], &[("app", "Exists", &["x"])])))
            .expect_err("values");
        assert_eq!(
            e,
            "values: Invalid value: []string{\"x\"}: values set must be empty for exists and does not exist"
        );
        let e = label_selector_as_selector(Some(&sel(&[("app", "a b")], &[]))).expect_err("value");
        assert_eq!(
            e,
            "values[0][app]: Invalid value: \"a b\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
        );
        let e = label_selector_as_selector(Some(&sel(&[("-a", "x")], &[]))).expect_err("key");
        assert!(
            e.starts_with("key: Invalid value: \"-a\": name part must consist of"),
            "{e}"
        );
        assert!(label_selector_as_selector(Some(&sel(&[("example.com/app", "")], &[]))).is_ok());
    }

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

    #[test]
    fn matching_like_go() {
        let mut labels = BTreeMap::new();
        labels.insert("app".to_string(), "web".to_string());
        let reqs = label_selector_as_selector(Some(&sel(&[], &[("env", "NotIn", &["prod"])])))
            .expect("ok")
            .expect("some");
        assert!(selector_matches(&reqs, &labels));
        assert!(selector_matches(&reqs, &BTreeMap::new()));
        assert!(selector_matches(&[], &labels));
        let reqs = label_selector_as_selector(Some(&sel(&[("app", "web")], &[])))
            .expect("ok")
            .expect("some");
        assert!(selector_matches(&reqs, &labels) && !selector_matches(&reqs, &BTreeMap::new()));
    }
}
