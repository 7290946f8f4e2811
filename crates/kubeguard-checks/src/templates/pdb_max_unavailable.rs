//! Template `pdb-max-unavailable`: PodDisruptionBudgets that never allow a disruption.
//!
//! ## What it does
//! Reads `spec.maxUnavailable` of a `policy/v1` PodDisruptionBudget (v1beta1 budgets are not
//! checked). An integer is taken as is; a string must be a percentage (`"50%"`, scaled against
//! 100 and rounded down). A value of 0 (`0`, `"0%"`) is reported; any other string (`"1"`,
//! `"abc"`, `"1.5%"`) is reported as invalid. Negative values are not reported.
//!
//! ## Why is this bad?
//! A budget that allows no unavailable pod blocks every voluntary eviction: node drains and
//! cluster upgrades hang until someone deletes the budget.
//!
//! ## Message
//! `MaxUnavailable is set to 0` or `maxUnavailable has invalid value [<value>]`, pointing at
//! `spec.maxUnavailable`.

use kubeguard_engine::{CheckFn, Diagnostic, ParamSpec, Params, Template};
use kubeguard_model::{Context, Object, locate, parse_path};
use kubeguard_source::Value;

/// The template.
pub struct PdbMaxUnavailable;

/// Registered instance.
pub static TEMPLATE: PdbMaxUnavailable = PdbMaxUnavailable;

impl Template for PdbMaxUnavailable {
    fn key(&self) -> &'static str {
        "pdb-max-unavailable"
    }
    fn name(&self) -> &'static str {
        "No pod disruptions allowed - maxUnavailable"
    }
    fn description(&self) -> &'static str {
        "Flag PodDisruptionBudgets whose maxUnavailable value will always prevent pod disruptions."
    }
    fn supported_kinds(&self) -> &'static [&'static str] {
        &["PodDisruptionBudget"]
    }
    fn params(&self) -> &'static [ParamSpec] {
        &[]
    }
    fn instantiate(&self, _: &Params) -> Result<Box<dyn CheckFn>, String> {
        Ok(Box::new(PdbMaxUnavailable))
    }
}

/// Whether `obj` is a `policy/v1` PodDisruptionBudget (the only version KubeLinter decodes as one).
pub(crate) fn is_pdb_v1(obj: &Object) -> bool {
    obj.kind == "PodDisruptionBudget" && obj.group() == "policy" && obj.version() == "v1"
}

/// Go's `strconv.Atoi`: an optional sign and decimal digits within `i64`. The error is the
/// `NumError` reason (`invalid syntax` or `value out of range`).
pub(crate) fn go_atoi(s: &str) -> Result<i64, &'static str> {
    let (neg, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() {
        return Err("invalid syntax");
    }
    let mut n: u64 = 0;
    for b in digits.bytes() {
        if !b.is_ascii_digit() {
            return Err("invalid syntax");
        }
        n = n
            .checked_mul(10)
            .and_then(|n| n.checked_add(u64::from(b - b'0')))
            .ok_or("value out of range")?;
    }
    if neg {
        if n > 1 << 63 {
            return Err("value out of range");
        }
        Ok((n as i64).wrapping_neg())
    } else {
        i64::try_from(n).map_err(|_| "value out of range")
    }
}

impl CheckFn for PdbMaxUnavailable {
    fn check(&self, _: &Context, obj: &Object, out: &mut Vec<Diagnostic>) {
        if !is_pdb_v1(obj) {
            return;
        }
        let Some(value) = obj.root.path(&["spec", "maxUnavailable"]) else {
            return;
        };
        let scaled = match &value.value {
            Value::Str(s) => match s.strip_suffix('%') {
                // GetScaledValueFromIntOrPercent(v, 100, false): floor(v * 100 / 100) = v.
                Some(pct) => go_atoi(pct).ok(),
                None => None,
            },
            Value::Null => return,
            _ => match value.as_i64() {
                Some(i) => Some(i),
                // Not an IntOrString: KubeLinter fails to decode the object and checks nothing.
                None => return,
            },
        };
        let field = locate(&obj.root, "", &parse_path("spec.maxUnavailable"));
        match scaled {
            None => {
                let raw = value.scalar_text().unwrap_or_default();
                out.push(Diagnostic::new(
                    format!("maxUnavailable has invalid value [{raw}]"),
                    field,
                ));
            }
            Some(0) => out.push(Diagnostic::new("MaxUnavailable is set to 0", field)),
            Some(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::go_atoi;

    #[test]
    fn atoi_like_go() {
        assert_eq!(go_atoi("42"), Ok(42));
        assert_eq!(go_atoi("+7"), Ok(7));
        assert_eq!(go_atoi("-0"), Ok(0));
        assert_eq!(go_atoi("007"), Ok(7));
        assert_eq!(go_atoi("-9223372036854775808"), Ok(i64::MIN));
        assert_eq!(go_atoi("9223372036854775808"), Err("value out of range"));
        assert_eq!(go_atoi("99999999999999999999x"), Err("value out of range"));
        assert_eq!(go_atoi(""), Err("invalid syntax"));
        assert_eq!(go_atoi("+"), Err("invalid syntax"));
        assert_eq!(go_atoi("1.5"), Err("invalid syntax"));
        assert_eq!(go_atoi(" 1"), Err("invalid syntax"));
        assert_eq!(go_atoi("1_000"), Err("invalid syntax"));
    }
}
