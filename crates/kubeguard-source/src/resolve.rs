//! Plain-scalar resolution as go-yaml v2 does it (what `kubectl` and the API server's
//! sigs.k8s.io/yaml apply): YAML 1.1 booleans, base prefixes, leading-zero octal, underscores.

use crate::node::Value;

/// Resolves the text of a plain (unquoted, non-block) scalar to a typed value.
///
/// ```
/// use kubeguard_source::{resolve_plain, Value};
/// assert_eq!(resolve_plain("yes"), Value::Bool(true));
/// assert_eq!(resolve_plain("Off"), Value::Bool(false));
/// assert_eq!(resolve_plain("0644"), Value::Int(420));
/// assert_eq!(resolve_plain("0x1F"), Value::Int(31));
/// assert_eq!(resolve_plain("1_000"), Value::Int(1000));
/// assert_eq!(resolve_plain("~"), Value::Null);
/// assert_eq!(resolve_plain("1.5"), Value::Float(1.5));
/// assert_eq!(resolve_plain("nginx:1.25"), Value::Str("nginx:1.25".into()));
/// ```
pub fn resolve_plain(text: &str) -> Value {
    resolve_plain_typed(text).unwrap_or_else(|| Value::Str(text.into()))
}

/// Like [`resolve_plain`], but `None` when the scalar is a plain string (no allocation).
pub fn resolve_plain_typed(text: &str) -> Option<Value> {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Some(Value::Null),
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return Some(Value::Bool(true));
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Some(Value::Bool(false));
        }
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Some(Value::Float(f64::INFINITY));
        }
        "-.inf" | "-.Inf" | "-.INF" => return Some(Value::Float(f64::NEG_INFINITY)),
        ".nan" | ".NaN" | ".NAN" => return Some(Value::Float(f64::NAN)),
        _ => {}
    }
    let first = text.as_bytes()[0];
    if first.is_ascii_digit() || first == b'+' || first == b'-' {
        let plain: std::borrow::Cow<str> = if text.contains('_') {
            text.replace('_', "").into()
        } else {
            text.into()
        };
        if let Some(v) = parse_go_int(&plain) {
            return Some(v);
        }
        if is_yaml_float(&plain)
            && let Ok(f) = plain.parse::<f64>()
        {
            return Some(Value::Float(f));
        }
    } else if first == b'.'
        && is_yaml_float(text)
        && let Ok(f) = text.parse::<f64>()
    {
        return Some(Value::Float(f));
    }
    None
}

/// Go's `strconv.ParseInt(s, 0, 64)` then `ParseUint` (as a float when it overflows i64),
/// without `0o` (go-yaml v2 through Kubernetes does not produce octal for it).
fn parse_go_int(s: &str) -> Option<Value> {
    let (neg, body) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    if body.is_empty() {
        return None;
    }
    let (radix, digits) =
        if let Some(h) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
            (16, h)
        } else if let Some(b) = body.strip_prefix("0b").or_else(|| body.strip_prefix("0B")) {
            (2, b)
        } else if body.len() > 1 && body.starts_with('0') {
            (8, &body[1..])
        } else {
            (10, body)
        };
    if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let magnitude = u64::from_str_radix(digits, radix).ok()?;
    if neg {
        if magnitude <= i64::MAX as u64 + 1 {
            Some(Value::Int((magnitude as i128).wrapping_neg() as i64))
        } else {
            None
        }
    } else if magnitude <= i64::MAX as u64 {
        Some(Value::Int(magnitude as i64))
    } else {
        Some(Value::Float(magnitude as f64))
    }
}

/// go-yaml v2's float pattern: `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn is_yaml_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    if i < b.len() && b[i] == b'.' {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if i < b.len() && b[i] == b'.' {
            i += 1;
            digits(&mut i);
        }
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml11_booleans() {
        for t in [
            "y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "true", "True", "TRUE",
        ] {
            assert_eq!(resolve_plain(t), Value::Bool(true), "{t}");
        }
        for t in [
            "n", "N", "no", "No", "NO", "off", "Off", "OFF", "false", "False", "FALSE",
        ] {
            assert_eq!(resolve_plain(t), Value::Bool(false), "{t}");
        }
        assert_eq!(resolve_plain("yEs"), Value::Str("yEs".into()));
    }

    #[test]
    fn integers() {
        assert_eq!(resolve_plain("0644"), Value::Int(420));
        assert_eq!(resolve_plain("0"), Value::Int(0));
        assert_eq!(resolve_plain("-12"), Value::Int(-12));
        assert_eq!(resolve_plain("+12"), Value::Int(12));
        assert_eq!(resolve_plain("0b101"), Value::Int(5));
        assert_eq!(resolve_plain("-0x10"), Value::Int(-16));
        assert_eq!(resolve_plain("1_000_000"), Value::Int(1_000_000));
        assert_eq!(resolve_plain("-9223372036854775808"), Value::Int(i64::MIN));
        assert_eq!(
            resolve_plain("18446744073709551615"),
            Value::Float(18446744073709551615.0)
        );
        // `0o` is not an octal prefix for go-yaml v2.
        assert_eq!(resolve_plain("0o17"), Value::Str("0o17".into()));
        // `09` is no valid octal, but matches the float pattern.
        assert_eq!(resolve_plain("09"), Value::Float(9.0));
    }

    #[test]
    fn floats_and_nulls() {
        assert_eq!(resolve_plain("1e3"), Value::Float(1000.0));
        assert_eq!(resolve_plain(".5"), Value::Float(0.5));
        assert_eq!(resolve_plain("-.inf"), Value::Float(f64::NEG_INFINITY));
        assert!(matches!(resolve_plain(".nan"), Value::Float(f) if f.is_nan()));
        assert_eq!(resolve_plain("null"), Value::Null);
        assert_eq!(resolve_plain(""), Value::Null);
        assert_eq!(resolve_plain("1.2.3"), Value::Str("1.2.3".into()));
        assert_eq!(resolve_plain("500m"), Value::Str("500m".into()));
        assert_eq!(resolve_plain("1e"), Value::Str("1e".into()));
        assert_eq!(resolve_plain("-"), Value::Str("-".into()));
        assert_eq!(resolve_plain("2024-01-01"), Value::Str("2024-01-01".into()));
    }
}
