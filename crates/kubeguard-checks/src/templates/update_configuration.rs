//! Template `update-configuration`: workloads whose update strategy does not meet the
//! configured requirements.
//!
//! ## What it does
//! Applies to the kinds with an update strategy: Deployment (`spec.strategy`, rolling settings
//! in `rollingUpdate`), DaemonSet and StatefulSet (`spec.updateStrategy`, `rollingUpdate`) and
//! DeploymentConfig (`spec.strategy`, `rollingParams`). In order:
//! - a workload whose strategy `type` is absent or empty is not checked at all (as KubeLinter
//!   observably does); otherwise the type must match `strategyTypeRegex` (a KubeLinter string
//!   matcher);
//! - when `strategyTypeRegex` mentions `Rolling` and any bound parameter is set, the rolling
//!   settings must be present;
//! - when the rolling settings are present, `maxUnavailable` (and, except for StatefulSets,
//!   `maxSurge`) must lie within the bounds given, if any: an absent value, a value of the
//!   other form (count vs percentage) or an unparsable one fails.
//!
//! ## Why is this bad?
//! A `Recreate` strategy stops every pod before starting the new ones: each rollout is an
//! outage.
//!
//! ## Message
//! `object has <type> strategy type but must match regex <regex>`, `object has no
//! rolling update parameters defined`, `object has a max unavailable of <v> but <bounds> is
//! required`, `object has a max surge of <v> but <bounds> is required`.

use kubeguard_engine::{CheckFn, Diagnostic, Matcher, ParamKind, ParamSpec, Params, Template};
use kubeguard_model::{Context, Object, WorkloadKind};
use kubeguard_source::{Node, Value};

use crate::util::{locate_in, text};

/// The template.
pub struct UpdateConfiguration;

/// Registered instance.
pub static TEMPLATE: UpdateConfiguration = UpdateConfiguration;

static PARAMS: &[ParamSpec] = &[
    ParamSpec::new(
        "strategyTypeRegex",
        ParamKind::String,
        "Pattern the update strategy type must match.",
    )
    .required()
    .regex(),
    ParamSpec::new(
        "maxPodsUnavailable",
        ParamKind::String,
        "Largest allowed maxUnavailable (a count or a percentage).",
    ),
    ParamSpec::new(
        "minPodsUnavailable",
        ParamKind::String,
        "Smallest allowed maxUnavailable (a count or a percentage).",
    ),
    ParamSpec::new(
        "maxSurge",
        ParamKind::String,
        "Largest allowed maxSurge (a count or a percentage).",
    ),
    ParamSpec::new(
        "minSurge",
        ParamKind::String,
        "Smallest allowed maxSurge (a count or a percentage).",
    ),
];

/// A bound or value: its number and whether it is a percentage.
type IntOrPercent = (i64, bool);

/// `parseIntOrString` of a bound parameter.
fn parse_bound(data: &str) -> Result<IntOrPercent, String> {
    if let Ok(v) = data.parse::<i64>() {
        if v < 0 {
            return Err(format!("{v} isn't a valid value"));
        }
        return Ok((v, false));
    }
    let Some(num) = data.strip_suffix('%') else {
        return Err(format!(
            "{data} is not a valid string.  It does not end with %"
        ));
    };
    let v: i64 = num.parse().map_err(|_| format!("unable to parse {data}"))?;
    if !(0..=100).contains(&v) {
        return Err(format!("{data} isn't a valid percent"));
    }
    Ok((v, true))
}

/// `intstr.GetValueFromIntOrPercent(v, 100, false)` of a value as written, with whether it
/// prints with a `%`; `None` when it is not a valid int-or-percent.
fn value_of(node: &Node) -> Option<IntOrPercent> {
    match &node.value {
        Value::Int(i) => Some((*i, false)),
        Value::Str(s) => s.strip_suffix('%')?.parse().ok().map(|v| (v, true)),
        _ => None,
    }
}

struct Bounds {
    max: Option<IntOrPercent>,
    min: Option<IntOrPercent>,
    max_src: String,
    min_src: String,
}

impl Bounds {
    fn new(params: &Params, max: &str, min: &str) -> Result<Bounds, String> {
        let get = |name: &str| params.str(name).unwrap_or_default().to_string();
        let (max_src, min_src) = (get(max), get(min));
        let parse = |src: &str, name: &str| {
            if src.is_empty() {
                Ok(None)
            } else {
                parse_bound(src)
                    .map(Some)
                    .map_err(|e| format!("invalid {name} {src}: {e}"))
            }
        };
        Ok(Bounds {
            max: parse(&max_src, max)?,
            min: parse(&min_src, min)?,
            max_src,
            min_src,
        })
    }

    /// `compareIntOrString`.
    fn accepts(&self, actual: Option<&Node>) -> bool {
        if self.max.is_none() && self.min.is_none() {
            return true;
        }
        let Some((value, percent)) = actual.and_then(value_of) else {
            return false;
        };
        if let Some((max, max_percent)) = self.max
            && (percent != max_percent || value > max)
        {
            return false;
        }
        if let Some((min, min_percent)) = self.min
            && (percent != min_percent || value < min)
        {
            return false;
        }
        true
    }

    fn describe(&self) -> String {
        let mut msg = String::new();
        if !self.min_src.is_empty() {
            msg.push_str(&format!("at least {}", self.min_src));
        }
        if !self.min_src.is_empty() && !self.max_src.is_empty() {
            msg.push_str(" and ");
        }
        if !self.max_src.is_empty() {
            msg.push_str(&format!("no more than {}", self.max_src));
        }
        msg
    }

    fn is_set(&self) -> bool {
        !self.max_src.is_empty() || !self.min_src.is_empty()
    }
}

impl Template for UpdateConfiguration {
    fn key(&self) -> &'static str {
        "update-configuration"
    }
    fn name(&self) -> &'static str {
        "Update configuration"
    }
    fn description(&self) -> &'static str {
        "Flag configurations that do not meet the specified update configuration"
    }
    fn supported_kinds(&self) -> &'static [&'static str] {
        &["DeploymentLike"]
    }
    fn params(&self) -> &'static [ParamSpec] {
        PARAMS
    }
    fn instantiate(&self, params: &Params) -> Result<Box<dyn CheckFn>, String> {
        let regex = params
            .str("strategyTypeRegex")
            .unwrap_or_default()
            .to_string();
        let unavailable = Bounds::new(params, "maxPodsUnavailable", "minPodsUnavailable")?;
        let surge = Bounds::new(params, "maxSurge", "minSurge")?;
        Ok(Box::new(UpdateConfigurationCheck {
            matcher: Matcher::new(&regex)?,
            needs_rolling: regex.contains("Rolling") && (unavailable.is_set() || surge.is_set()),
            regex,
            unavailable,
            surge,
        }))
    }
}

struct UpdateConfigurationCheck {
    matcher: Matcher,
    regex: String,
    needs_rolling: bool,
    unavailable: Bounds,
    surge: Bounds,
}

impl CheckFn for UpdateConfigurationCheck {
    fn check(&self, _: &Context, obj: &Object, out: &mut Vec<Diagnostic>) {
        let (strategy_key, rolling_key, has_surge) = match obj.workload_kind() {
            Some(WorkloadKind::Deployment) => ("strategy", "rollingUpdate", true),
            Some(WorkloadKind::DaemonSet) => ("updateStrategy", "rollingUpdate", true),
            Some(WorkloadKind::StatefulSet) => ("updateStrategy", "rollingUpdate", false),
            Some(WorkloadKind::DeploymentConfig) => ("strategy", "rollingParams", true),
            _ => return,
        };
        let strategy = obj.root.path(&["spec", strategy_key]);
        let kind = text(strategy.and_then(|s| s.get("type")));
        if kind.is_empty() {
            return;
        }
        let base = format!("spec.{strategy_key}");
        if !self.matcher.matches(&kind) {
            out.push(Diagnostic::new(
                format!(
                    "object has {kind} strategy type but must match regex {}",
                    self.regex
                ),
                locate_in(obj, &format!("{base}.type")),
            ));
        }
        let rolling = strategy
            .and_then(|s| s.get(rolling_key))
            .filter(|n| !n.is_null());
        let Some(rolling) = rolling else {
            if self.needs_rolling {
                out.push(Diagnostic::new(
                    "object has no rolling update parameters defined",
                    locate_in(obj, &format!("{base}.{rolling_key}")),
                ));
            }
            return;
        };
        let mut field = |key: &str, what: &str, bounds: &Bounds| {
            let actual = rolling.get(key).filter(|n| !n.is_null());
            if !bounds.accepts(actual) {
                let shown = actual
                    .and_then(Node::scalar_text)
                    .unwrap_or_else(|| "<nil>".to_string());
                out.push(Diagnostic::new(
                    format!(
                        "object has a {what} of {shown} but {} is required",
                        bounds.describe()
                    ),
                    locate_in(obj, &format!("{base}.{rolling_key}.{key}")),
                ));
            }
        };
        field("maxUnavailable", "max unavailable", &self.unavailable);
        if has_surge {
            field("maxSurge", "max surge", &self.surge);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::run_template;
    use serde_json::json;

    const YAML: &str = r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: recreate}
spec:
  strategy: {type: Recreate}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: default}
spec: {}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: rolling-no-params}
spec:
  strategy: {type: RollingUpdate}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: rolling-bounds}
spec:
  strategy:
    type: RollingUpdate
    rollingUpdate: {maxUnavailable: 50%, maxSurge: 3}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: sts}
spec:
  updateStrategy:
    type: RollingUpdate
    rollingUpdate: {partition: 0}
---
apiVersion: batch/v1
kind: Job
metadata: {name: job}
spec: {}
"#;

    #[test]
    fn strategy_type_only() {
        let got = run_template(
            &TEMPLATE,
            json!({"strategyTypeRegex": "^(RollingUpdate|Rolling)$"}),
            YAML,
        );
        assert_eq!(
            got,
            [
                "recreate: object has Recreate strategy type but must match regex ^(RollingUpdate|Rolling)$ @ spec.strategy.type",
            ]
        );
    }

    #[test]
    fn rolling_bounds() {
        let got = run_template(
            &TEMPLATE,
            json!({"strategyTypeRegex": "^RollingUpdate$", "maxPodsUnavailable": "25%", "minSurge": "1", "maxSurge": "2"}),
            YAML,
        );
        assert_eq!(
            got,
            [
                "recreate: object has Recreate strategy type but must match regex ^RollingUpdate$ @ spec.strategy.type",
                "recreate: object has no rolling update parameters defined @ spec.strategy.rollingUpdate",
                "rolling-no-params: object has no rolling update parameters defined @ spec.strategy.rollingUpdate",
                "rolling-bounds: object has a max unavailable of 50% but no more than 25% is required @ spec.strategy.rollingUpdate.maxUnavailable",
                "rolling-bounds: object has a max surge of 3 but at least 1 and no more than 2 is required @ spec.strategy.rollingUpdate.maxSurge",
                "sts: object has a max unavailable of <nil> but no more than 25% is required @ spec.updateStrategy.rollingUpdate.maxUnavailable",
            ]
        );
    }

    #[test]
    fn bound_parsing() {
        assert_eq!(parse_bound("3"), Ok((3, false)));
        assert_eq!(parse_bound("40%"), Ok((40, true)));
        assert!(parse_bound("-1").is_err());
        assert!(parse_bound("150%").is_err());
        assert!(parse_bound("abc").is_err());
    }
}
