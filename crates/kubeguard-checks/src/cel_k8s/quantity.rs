//! The CEL `quantity` type: a Kubernetes resource quantity as `resource.ParseQuantity` reads it
//! for the API server's CEL library, with its arithmetic and comparisons.
//!
//! Unlike [`crate::quantity::Quantity`] (which follows the parse KubeLinter vendors and caps
//! every value at 2^63-1), this one caps only binary-SI values, as current `ParseQuantity`
//! does, and it keeps track of the two representations Go uses, because `isInteger()` and
//! `asInteger()` depend on them: a quantity parsed by the fast path (an `int64` and a
//! power-of-ten scale) converts to an integer when its scale is not negative, while one parsed
//! by the arbitrary-precision path, or one whose arithmetic left the `int64` range, never does.
//! So `quantity('1000m').isInteger()` is false, as in Kubernetes.
//!
//! Values are kept exactly as a decimal `m × 10^e` with a 128-bit `m`: up to 38 significant
//! digits. Kubernetes accepts longer mantissas; here they are an error ("out of range").

use std::cmp::Ordering;

use cel::objects::Opaque;

const FORMAT_WRONG: &str =
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const SUFFIX: &str = "unable to parse quantity's suffix";
const NUMERIC: &str = "unable to parse numeric part of quantity";
const RANGE: &str = "quantity out of range (more than 38 significant digits)";

/// An exact decimal `m × 10^e`, normalized: `m` has no trailing zero digit, zero is `0 × 10^0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dec {
    m: i128,
    e: i64,
}

impl Dec {
    const ZERO: Dec = Dec { m: 0, e: 0 };

    fn new(mut m: i128, mut e: i64) -> Dec {
        if m == 0 {
            return Dec::ZERO;
        }
        while m % 10 == 0 {
            m /= 10;
            e += 1;
        }
        Dec { m, e }
    }

    fn signum(self) -> i64 {
        self.m.signum() as i64
    }

    /// Number of decimal digits of `|m|` (0 for zero).
    fn digits(m: i128) -> i64 {
        let mut n = m.unsigned_abs();
        let mut d = 0;
        while n > 0 {
            n /= 10;
            d += 1;
        }
        d
    }

    fn cmp(self, o: Dec) -> Ordering {
        match self.signum().cmp(&o.signum()) {
            Ordering::Equal if self.m == 0 => return Ordering::Equal,
            Ordering::Equal => {}
            other => return other,
        }
        let negative = self.m < 0;
        let (a, b) = (self.m.unsigned_abs(), o.m.unsigned_abs());
        // order of magnitude first, then the digits aligned on the smaller exponent
        let mag = (Dec::digits(self.m) + self.e).cmp(&(Dec::digits(o.m) + o.e));
        let c = if mag != Ordering::Equal {
            mag
        } else if self.e >= o.e {
            match pow10_u(self.e - o.e).and_then(|p| a.checked_mul(p)) {
                Some(x) => x.cmp(&b),
                None => Ordering::Greater,
            }
        } else {
            match pow10_u(o.e - self.e).and_then(|p| b.checked_mul(p)) {
                Some(y) => a.cmp(&y),
                None => Ordering::Less,
            }
        };
        if negative { c.reverse() } else { c }
    }

    fn add(self, o: Dec) -> Option<Dec> {
        if self.m == 0 {
            return Some(o);
        }
        if o.m == 0 {
            return Some(self);
        }
        let e = self.e.min(o.e);
        let a = self.m.checked_mul(pow10_i(self.e - e)?)?;
        let b = o.m.checked_mul(pow10_i(o.e - e)?)?;
        Some(Dec::new(a.checked_add(b)?, e))
    }

    fn neg(self) -> Option<Dec> {
        Some(Dec {
            m: self.m.checked_neg()?,
            e: self.e,
        })
    }
}

fn pow10_i(e: i64) -> Option<i128> {
    10i128.checked_pow(u32::try_from(e).ok()?)
}

fn pow10_u(e: i64) -> Option<u128> {
    10u128.checked_pow(u32::try_from(e).ok()?)
}

/// Go's `math.Pow10`: 10^n as the nearest double, 0 or +Inf out of range.
fn pow10_f(n: i64) -> f64 {
    if n > 308 {
        f64::INFINITY
    } else if n < -323 {
        0.0
    } else {
        format!("1e{n}").parse().unwrap_or(0.0)
    }
}

/// A quantity: its exact value and, when Go would hold it as an `int64Amount`, that
/// `(value, scale)` pair.
#[derive(Debug, Clone)]
pub struct KQuantity {
    value: Dec,
    int: Option<(i64, i64)>,
}

impl PartialEq for KQuantity {
    fn eq(&self, o: &KQuantity) -> bool {
        self.value == o.value
    }
}

impl Eq for KQuantity {}

impl Opaque for KQuantity {
    fn runtime_type_name(&self) -> &str {
        super::QUANTITY
    }
}

impl KQuantity {
    fn int(value: i64, scale: i64) -> KQuantity {
        KQuantity {
            value: Dec::new(i128::from(value), scale),
            int: Some((value, scale)),
        }
    }

    /// Parses as `resource.ParseQuantity` does; the error texts are Go's.
    pub fn parse(s: &str) -> Result<KQuantity, &'static str> {
        if s.is_empty() {
            return Err(FORMAT_WRONG);
        }
        if s == "0" {
            return Ok(KQuantity::int(0, 0));
        }
        let sc = scan(s)?;
        let (base, exponent, binary) = interpret(sc.suffix).ok_or(SUFFIX)?;
        // the int64 fast path
        let (precision, mut scale, mantissa): (i64, i64, i64) = if binary {
            if exponent >= 0 && sc.denom.is_empty() {
                let p = 15 - sc.num.len() as i64 - (exponent as f32 * 3.0 / 10.0) as i64 - 1;
                (p, 0, 1i64 << exponent.min(62))
            } else {
                (-1, 0, 1)
            }
        } else {
            (
                18 - (sc.num.len() + sc.denom.len()) as i64,
                i64::from(exponent),
                1,
            )
        };
        if precision >= 0 {
            scale -= sc.denom.len() as i64;
            if scale >= -9 {
                let shifted = format!("{}{}", sc.num, sc.denom);
                let value: i64 = shifted.parse().map_err(|_| NUMERIC)?;
                if let Some(r) = value.checked_mul(mantissa) {
                    let r = if sc.positive { r } else { -r };
                    return Ok(KQuantity::int(r, scale));
                }
            }
        }
        // the arbitrary-precision path
        if sc.num_raw.is_empty() && sc.denom.is_empty() {
            return Err(NUMERIC);
        }
        let digits = format!("{}{}", sc.num, sc.denom);
        let digits = digits.trim_start_matches('0');
        let mut magnitude = if base == 10 {
            round_up_to_nano(digits, i64::from(exponent) - sc.denom.len() as i64)?
        } else {
            let m: i128 = if digits.is_empty() {
                0
            } else {
                digits.parse().map_err(|_| RANGE)?
            };
            let m = m.checked_mul(1i128 << exponent).ok_or(RANGE)?;
            round_up_to_nano(&m.to_string(), -(sc.denom.len() as i64))?
        };
        // binary-SI values are capped at 2^63-1
        let max = Dec::new(i128::from(i64::MAX), 0);
        if binary && magnitude.cmp(max) == Ordering::Greater {
            magnitude = max;
        }
        let value = if sc.positive {
            magnitude
        } else {
            magnitude.neg().ok_or(RANGE)?
        };
        Ok(KQuantity { value, int: None })
    }

    /// `Quantity.AsInt64`: only an `int64Amount` whose scale is not negative converts.
    pub fn as_integer(&self) -> Option<i64> {
        let (v, scale) = self.int?;
        if scale < 0 {
            return None;
        }
        let mut r = v;
        for _ in 0..scale {
            r = r.checked_mul(10)?;
        }
        Some(r)
    }

    /// `Quantity.AsApproximateFloat64`.
    pub fn as_approximate_float(&self) -> f64 {
        let (base, exp) = match self.int {
            Some((v, scale)) => (v as f64, scale),
            None => (self.value.m as f64, self.value.e),
        };
        if exp == 0 { base } else { base * pow10_f(exp) }
    }

    pub fn sign(&self) -> i64 {
        self.value.signum()
    }

    pub fn compare(&self, o: &KQuantity) -> Ordering {
        self.value.cmp(o.value)
    }

    /// `Quantity.Add`: the `int64Amount` sum when both are one and it fits, else exact.
    pub fn add(&self, o: &KQuantity) -> Result<KQuantity, &'static str> {
        let value = self.value.add(o.value).ok_or(RANGE)?;
        let int = match (self.int, o.int) {
            (Some(a), Some(b)) => int_add(a, b),
            _ => None,
        };
        Ok(KQuantity { value, int })
    }

    /// `Quantity.Sub`.
    pub fn sub(&self, o: &KQuantity) -> Result<KQuantity, &'static str> {
        let neg = KQuantity {
            value: o.value.neg().ok_or(RANGE)?,
            int: o.int.and_then(|(v, s)| v.checked_neg().map(|n| (n, s))),
        };
        self.add(&neg)
    }

    /// `resource.NewQuantity(i, DecimalExponent)`.
    pub fn from_int(i: i64) -> KQuantity {
        KQuantity::int(i, 0)
    }
}

/// `int64Amount.Add`.
fn int_add(a: (i64, i64), b: (i64, i64)) -> Option<(i64, i64)> {
    if b.0 == 0 {
        return Some(a);
    }
    if a.0 == 0 {
        return Some(b);
    }
    let scaled = |v: i64, by: i64| -> Option<i64> {
        let mut r = v;
        for _ in 0..by {
            r = r.checked_mul(10)?;
        }
        Some(r)
    };
    match a.1.cmp(&b.1) {
        Ordering::Equal => Some((a.0.checked_add(b.0)?, a.1)),
        Ordering::Greater => Some((scaled(a.0, a.1 - b.1)?.checked_add(b.0)?, b.1)),
        Ordering::Less => Some((a.0.checked_add(scaled(b.0, b.1 - a.1)?)?, a.1)),
    }
}

/// The magnitude `digits × 10^e`, rounded up (away from zero) to a nano-unit.
fn round_up_to_nano(digits: &str, e: i64) -> Result<Dec, &'static str> {
    let digits = digits.trim_start_matches('0');
    if digits.is_empty() {
        return Ok(Dec::ZERO);
    }
    if e >= -9 {
        let m: i128 = digits.parse().map_err(|_| RANGE)?;
        return Ok(Dec::new(m, e));
    }
    let drop = usize::try_from(-9 - e).unwrap_or(usize::MAX);
    if drop >= digits.len() {
        return Ok(Dec::new(1, -9));
    }
    let (keep, dropped) = digits.split_at(digits.len() - drop);
    let mut m: i128 = keep.parse().map_err(|_| RANGE)?;
    if dropped.bytes().any(|b| b != b'0') {
        m = m.checked_add(1).ok_or(RANGE)?;
    }
    Ok(Dec::new(m, -9))
}

struct Scanned<'a> {
    positive: bool,
    /// The integer digits without leading zeros, `"0"` when there are none.
    num: &'a str,
    /// The integer digits as written (empty for `.5`).
    num_raw: &'a str,
    denom: &'a str,
    suffix: &'a str,
}

/// `parseQuantityString`.
fn scan(s: &str) -> Result<Scanned<'_>, &'static str> {
    let b = s.as_bytes();
    let end = b.len();
    let mut pos = 0;
    let mut positive = true;
    match b.first() {
        Some(b'-') => {
            positive = false;
            pos = 1;
        }
        Some(b'+') => pos = 1,
        _ => {}
    }
    let mut out = Scanned {
        positive,
        num: "0",
        num_raw: "",
        denom: "",
        suffix: "",
    };
    let raw_start = pos;
    while pos < end && b[pos] == b'0' {
        pos += 1;
    }
    if pos >= end {
        out.num_raw = &s[raw_start..end];
        return Ok(out);
    }
    let start = pos;
    while pos < end && b[pos].is_ascii_digit() {
        pos += 1;
    }
    out.num_raw = &s[raw_start..pos];
    if pos > start {
        out.num = &s[start..pos];
    }
    if pos >= end {
        return Ok(out);
    }
    if b[pos] == b'.' {
        pos += 1;
        let ds = pos;
        while pos < end && b[pos].is_ascii_digit() {
            pos += 1;
        }
        out.denom = &s[ds..pos];
        if pos >= end {
            return Ok(out);
        }
    }
    let suffix_start = pos;
    while pos < end && b"eEinumkKMGTP".contains(&b[pos]) {
        pos += 1;
    }
    if pos < end && (b[pos] == b'-' || b[pos] == b'+') {
        pos += 1;
    }
    while pos < end && b[pos].is_ascii_digit() {
        pos += 1;
    }
    if pos < end {
        return Err(FORMAT_WRONG);
    }
    out.suffix = &s[suffix_start..end];
    Ok(out)
}

/// `suffixHandler.interpret` (the table of [`crate::quantity`]): base, exponent and whether
/// the format is binary-SI.
fn interpret(suffix: &str) -> Option<(u32, i32, bool)> {
    // The exponent comes from an `int32` in Go, so it fits.
    let (binary, exponent, _) = crate::quantity::interpret(suffix)?;
    Some((if binary { 2 } else { 10 }, exponent as i32, binary))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> KQuantity {
        KQuantity::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn parse_errors_are_gos() {
        assert_eq!(KQuantity::parse(""), Err(FORMAT_WRONG));
        assert_eq!(KQuantity::parse("10Mo"), Err(FORMAT_WRONG));
        assert_eq!(KQuantity::parse(" 1"), Err(FORMAT_WRONG));
        assert_eq!(KQuantity::parse("10Mm"), Err(SUFFIX));
        assert_eq!(KQuantity::parse("200K"), Err(SUFFIX));
        assert_eq!(KQuantity::parse("1e"), Err(SUFFIX));
        assert_eq!(KQuantity::parse(".e-20"), Err(NUMERIC));
    }

    #[test]
    fn values_compare_exactly() {
        assert_eq!(q("200M").compare(&q("0.2G")), Ordering::Equal);
        assert_eq!(q("50M").compare(&q("50Mi")), Ordering::Less);
        assert_eq!(q("1Gi").compare(&q("1024Mi")), Ordering::Equal);
        assert_eq!(q("-1").compare(&q("1n")), Ordering::Less);
        assert_eq!(q("-2").compare(&q("-1")), Ordering::Less);
        assert_eq!(q("1e40").compare(&q("9e39")), Ordering::Greater);
        assert_eq!(q("1e-20"), q("1n"), "rounded up to a nano-unit");
        assert_eq!(q("-1e-20"), q("-1n"), "away from zero");
        assert_eq!(q("0.0000000001"), q("1n"));
        assert_eq!(q("-"), q("0"), "Go reads a lone sign as zero");
        assert_eq!(q("."), q("0"));
        assert_eq!(
            q("Mi"),
            q("0"),
            "no digits read as zero, as parseQuantityString does"
        );
    }

    #[test]
    fn integer_conversion_follows_the_representation() {
        assert_eq!(q("50k").as_integer(), Some(50_000));
        assert_eq!(q("2Ki").as_integer(), Some(2048));
        assert_eq!(q("1e3").as_integer(), Some(1000));
        assert_eq!(q("0.5k").as_integer(), Some(500));
        assert_eq!(q("0").as_integer(), Some(0));
        assert_eq!(q("1000m").as_integer(), None, "negative scale");
        assert_eq!(q("1.0").as_integer(), None);
        assert_eq!(q("1.5Gi").as_integer(), None, "parsed by the slow path");
        assert_eq!(
            q("9999999999999999999999999999999999999G").as_integer(),
            None
        );
        assert_eq!(
            q("9999999999999999999Ki"),
            q("9223372036854775807"),
            "binary cap"
        );
    }

    #[test]
    fn arithmetic() {
        assert_eq!(q("50k").add(&q("20")).unwrap(), q("50.02k"));
        assert_eq!(q("50k").sub(&q("20")).unwrap(), q("49.98k"));
        let chain = q("50k")
            .add(&KQuantity::from_int(20))
            .and_then(|x| x.sub(&q("100k")))
            .unwrap();
        assert_eq!(chain.as_integer(), Some(-49_980));
        let chain = chain.sub(&KQuantity::from_int(-50_000)).unwrap();
        assert_eq!(chain.as_integer(), Some(20));
        // leaving the int64 range moves to the exact representation
        let big = q("9000000000000000000")
            .add(&q("9000000000000000000"))
            .unwrap();
        assert_eq!(big.as_integer(), None);
        assert_eq!(big, q("18e18"));
        assert!(q("1e38").add(&q("1e-9")).is_err(), "beyond 38 digits");
    }

    #[test]
    fn floats_and_signs() {
        assert_eq!(q("50.703k").as_approximate_float(), 50703.0);
        assert_eq!(q("1500m").as_approximate_float(), 1.5);
        assert_eq!(q("-3").sign(), -1);
        assert_eq!(q("0").sign(), 0);
        assert_eq!(q("1n").sign(), 1);
    }
}
