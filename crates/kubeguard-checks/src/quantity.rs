//! Kubernetes resource quantities (`500m`, `1.5`, `128Mi`, `1e3`), parsed, compared and
//! printed exactly as `k8s.io/apimachinery/pkg/api/resource.Quantity` does, so that messages
//! quoting a quantity match KubeLinter's byte for byte.
//!
//! - [`Quantity::parse`] follows `ParseQuantity`: sign, digits, optional fraction, then a
//!   suffix (`n u m "" k M G T P E`, `Ki Mi Gi Ti Pi Ei`, or an exponent `e3`/`E-3`).
//!   Values finer than a nano-unit are rounded up to `1n`; values above 2^63-1 are capped.
//! - [`Quantity::milli_value`] and [`Quantity::value`] round up, like `MilliValue()`/`Value()`.
//! - `Display` gives `String()`: the text as written when it is already canonical, else the
//!   canonical form in the quantity's format (`0.5` -> `500m`, `1024Mi` -> `1Gi`, `1000` -> `1k`);
//!   zero always prints `0`.

use std::fmt;

/// How a quantity is written, which decides how it prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `1e3`, `5E-3`.
    DecimalExponent,
    /// `128Mi`.
    BinarySI,
    /// `500m`, `2`, `1k`.
    DecimalSI,
}

/// Why a string is not a quantity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuantityError {
    /// Not of the form `<number><suffix>`.
    FormatWrong,
    /// Unknown suffix.
    Suffix,
}

impl fmt::Display for QuantityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            QuantityError::FormatWrong => "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
            QuantityError::Suffix => "unable to parse quantity's suffix",
        })
    }
}

/// A parsed quantity: `mantissa * 10^exp`, with its format and, when the text was already
/// canonical, the text itself (Go caches it and prints it back).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quantity {
    mantissa: i128,
    exp: i64,
    format: Format,
    cached: Option<String>,
}

/// 2^63 - 1 in nano-units: the cap `ParseQuantity` applies.
const MAX_NANOS: u128 = (i64::MAX as u128) * 1_000_000_000;

impl Quantity {
    /// The zero quantity (what a missing resource reads as).
    pub fn zero() -> Quantity {
        Quantity {
            mantissa: 0,
            exp: 0,
            format: Format::DecimalSI,
            cached: None,
        }
    }

    /// Parses a quantity as `Quantity.UnmarshalJSON` does (surrounding spaces trimmed).
    pub fn parse(text: &str) -> Result<Quantity, QuantityError> {
        let s = text.trim();
        if s.is_empty() {
            return Err(QuantityError::FormatWrong);
        }
        if s == "0" {
            return Ok(Quantity {
                cached: Some("0".into()),
                ..Quantity::zero()
            });
        }
        let parts = split(s)?;
        let (base2, exponent, format) = interpret(parts.suffix).ok_or(QuantityError::Suffix)?;
        let (num, denom) = (parts.num, parts.denom);

        let digits = format!("{num}{denom}");
        // The int64 fast path, which also decides whether the text is cached as canonical.
        let (precision, mantissa, mut scale): (i64, i64, i64) = if base2 {
            if exponent >= 0 && denom.is_empty() {
                let prec = 15 - num.len() as i64 - ((exponent as f32) * 3.0 / 10.0) as i64 - 1;
                (prec, 1i64.checked_shl(exponent as u32).unwrap_or(0), 0)
            } else {
                (-1, 1, 0)
            }
        } else {
            (18 - (num.len() + denom.len()) as i64, 1, exponent)
        };
        if precision >= 0 && mantissa != 0 {
            scale -= denom.len() as i64;
            if scale >= -9
                && let Ok(value) = digits.parse::<i64>()
                && let Some(result) = value.checked_mul(mantissa)
            {
                let shifted = &digits;
                let result = if parts.positive { result } else { -result };
                let canonical = if base2 {
                    exponent % 10 == 0 && value & 0x07 != 0
                } else {
                    scale % 3 == 0 && !shifted.ends_with("000") && !shifted.starts_with('0')
                };
                return Ok(Quantity {
                    mantissa: i128::from(result),
                    exp: scale,
                    format,
                    cached: canonical.then(|| s.to_string()),
                });
            }
        }

        // The arbitrary-precision path: exact value, rounded up to a nano-unit, capped.
        let mut big = BigUint::from_decimal(digits.trim_start_matches('0'));
        // value * 1e9 = digits * 10^(9 - len(denom) + exp10) * 2^exp2
        let mut shift = 9 - denom.len() as i64;
        if base2 {
            for _ in 0..exponent {
                big.mul_small(2);
            }
        } else {
            shift += exponent;
        }
        let mut capped = false;
        let mut inexact = false;
        if shift >= 0 {
            for _ in 0..shift {
                if big.is_zero() || big.gt_u128(MAX_NANOS) {
                    break;
                }
                big.mul_small(10);
            }
        } else {
            for _ in 0..(-shift) {
                if big.is_zero() {
                    break;
                }
                inexact |= big.div_small(10) != 0;
            }
        }
        if big.gt_u128(MAX_NANOS) {
            capped = true;
        }
        let mut nanos = if capped { MAX_NANOS } else { big.to_u128() };
        if inexact {
            nanos = (nanos + 1).min(MAX_NANOS);
        }
        let mut format = format;
        if format == Format::BinarySI && nanos > 0 && nanos < 1_000_000_000 {
            format = Format::DecimalSI;
        }
        let magnitude = nanos as i128;
        Ok(Quantity {
            mantissa: if parts.positive {
                magnitude
            } else {
                -magnitude
            },
            exp: -9,
            format,
            cached: None,
        })
    }

    /// Whether the quantity is zero.
    pub fn is_zero(&self) -> bool {
        self.mantissa == 0
    }

    /// The format it prints in.
    pub fn format(&self) -> Format {
        self.format
    }

    /// `MilliValue()`: the value in milli-units, rounded up.
    pub fn milli_value(&self) -> i64 {
        scaled_ceil(self.mantissa, self.exp.saturating_add(3))
    }

    /// `Value()`: the value in units, rounded up.
    pub fn value(&self) -> i64 {
        scaled_ceil(self.mantissa, self.exp)
    }
}

/// `m * 10^shift`, rounded towards +infinity, saturated to the i64 range.
fn scaled_ceil(m: i128, shift: i64) -> i64 {
    let sat = |v: i128| v.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64;
    if m == 0 {
        return 0;
    }
    if shift >= 0 {
        let mut v = m;
        for _ in 0..shift {
            match v.checked_mul(10) {
                Some(n) if n.abs() <= i128::from(i64::MAX) * 10 => v = n,
                _ => return if m > 0 { i64::MAX } else { i64::MIN },
            }
        }
        return sat(v);
    }
    if -shift > 38 {
        return if m > 0 { 1 } else { 0 };
    }
    let d = 10i128.pow((-shift) as u32);
    let q = m.div_euclid(d);
    let r = m.rem_euclid(d);
    sat(if r != 0 { q + 1 } else { q })
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.mantissa == 0 {
            return f.write_str("0");
        }
        if let Some(s) = &self.cached {
            return f.write_str(s);
        }
        let mut format = self.format;
        if format == Format::BinarySI {
            if self.abs_below_1024() {
                format = Format::DecimalSI;
            } else if let Some(int) = self.exact_integer() {
                let (mut n, mut times) = (int, 0usize);
                while n % 1024 == 0 && n != 0 {
                    n /= 1024;
                    times += 1;
                }
                let suffix = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"]
                    .get(times)
                    .copied()
                    .unwrap_or("");
                return write!(f, "{n}{suffix}");
            } else {
                format = Format::DecimalSI;
            }
        }
        let (mut m, mut e) = (self.mantissa, self.exp);
        while m % 10 == 0 {
            m /= 10;
            e += 1;
        }
        match e % 3 {
            1 | -2 => {
                m *= 10;
                e -= 1;
            }
            2 | -1 => {
                m *= 100;
                e -= 2;
            }
            _ => {}
        }
        let suffix = match format {
            Format::DecimalExponent if e == 0 => String::new(),
            Format::DecimalExponent => format!("e{e}"),
            _ => match e {
                -9 => "n",
                -6 => "u",
                -3 => "m",
                3 => "k",
                6 => "M",
                9 => "G",
                12 => "T",
                15 => "P",
                18 => "E",
                _ => "",
            }
            .to_string(),
        };
        write!(f, "{m}{suffix}")
    }
}

impl Quantity {
    fn abs_below_1024(&self) -> bool {
        let m = self.mantissa.unsigned_abs();
        if self.exp >= 0 {
            self.exp < 4 && m * 10u128.pow(self.exp as u32) < 1024
        } else {
            let d = 10u128.checked_pow((-self.exp) as u32);
            d.is_none_or(|d| m < 1024 * d)
        }
    }

    fn exact_integer(&self) -> Option<i128> {
        if self.exp >= 0 {
            self.mantissa
                .checked_mul(10i128.checked_pow(self.exp as u32)?)
        } else {
            let d = 10i128.checked_pow((-self.exp) as u32)?;
            (self.mantissa % d == 0).then(|| self.mantissa / d)
        }
    }
}

struct Parts<'a> {
    positive: bool,
    num: &'a str,
    denom: &'a str,
    suffix: &'a str,
}

/// `parseQuantityString`.
fn split(s: &str) -> Result<Parts<'_>, QuantityError> {
    let b = s.as_bytes();
    let end = b.len();
    let mut pos = 0;
    let mut positive = true;
    match b.first() {
        Some(b'-') => {
            positive = false;
            pos += 1;
        }
        Some(b'+') => pos += 1,
        _ => {}
    }
    while pos < end && b[pos] == b'0' {
        pos += 1;
    }
    if pos >= end {
        return Ok(Parts {
            positive,
            num: "0",
            denom: "",
            suffix: "",
        });
    }
    let start = pos;
    while pos < end && b[pos].is_ascii_digit() {
        pos += 1;
    }
    let mut num = &s[start..pos];
    if num.is_empty() {
        num = "0";
    }
    let mut denom = "";
    if pos < end && b[pos] == b'.' {
        pos += 1;
        let ds = pos;
        while pos < end && b[pos].is_ascii_digit() {
            pos += 1;
        }
        denom = &s[ds..pos];
    }
    let suffix_start = pos;
    while pos < end && b"eEinumkKMGTP".contains(&b[pos]) {
        pos += 1;
    }
    if pos < end && (b[pos] == b'-' || b[pos] == b'+') {
        pos += 1;
    }
    while pos < end {
        if !b[pos].is_ascii_digit() {
            return Err(QuantityError::FormatWrong);
        }
        pos += 1;
    }
    Ok(Parts {
        positive,
        num,
        denom,
        suffix: &s[suffix_start..],
    })
}

/// `suffixHandler.interpret`: (base 2?, exponent, format). Shared with the CEL quantity.
pub(crate) fn interpret(suffix: &str) -> Option<(bool, i64, Format)> {
    let dec = match suffix {
        "" => Some(0),
        "n" => Some(-9),
        "u" => Some(-6),
        "m" => Some(-3),
        "k" => Some(3),
        "M" => Some(6),
        "G" => Some(9),
        "T" => Some(12),
        "P" => Some(15),
        "E" => Some(18),
        _ => None,
    };
    if let Some(e) = dec {
        return Some((false, e, Format::DecimalSI));
    }
    let bin = match suffix {
        "Ki" => Some(10),
        "Mi" => Some(20),
        "Gi" => Some(30),
        "Ti" => Some(40),
        "Pi" => Some(50),
        "Ei" => Some(60),
        _ => None,
    };
    if let Some(e) = bin {
        return Some((true, e, Format::BinarySI));
    }
    let rest = suffix.strip_prefix(['e', 'E'])?;
    if rest.is_empty() {
        return None;
    }
    // strconv.ParseInt(rest, 10, 64), then int32(parsed).
    let parsed: i64 = rest.parse().ok()?;
    Some((false, i64::from(parsed as i32), Format::DecimalExponent))
}

/// Just enough of an unsigned big integer for exact parsing.
struct BigUint {
    /// Little-endian base 2^32 limbs.
    limbs: Vec<u32>,
}

impl BigUint {
    fn from_decimal(digits: &str) -> BigUint {
        let mut n = BigUint { limbs: Vec::new() };
        for d in digits.bytes() {
            n.mul_small(10);
            n.add_small(u32::from(d - b'0'));
        }
        n
    }

    fn is_zero(&self) -> bool {
        self.limbs.iter().all(|&l| l == 0)
    }

    fn mul_small(&mut self, k: u32) {
        let mut carry = 0u64;
        for l in &mut self.limbs {
            let v = u64::from(*l) * u64::from(k) + carry;
            *l = v as u32;
            carry = v >> 32;
        }
        if carry != 0 {
            self.limbs.push(carry as u32);
        }
    }

    fn add_small(&mut self, k: u32) {
        let mut carry = u64::from(k);
        for l in &mut self.limbs {
            if carry == 0 {
                return;
            }
            let v = u64::from(*l) + carry;
            *l = v as u32;
            carry = v >> 32;
        }
        if carry != 0 {
            self.limbs.push(carry as u32);
        }
    }

    /// Divides in place, returning the remainder.
    fn div_small(&mut self, k: u32) -> u32 {
        let mut rem = 0u64;
        for l in self.limbs.iter_mut().rev() {
            let v = (rem << 32) | u64::from(*l);
            *l = (v / u64::from(k)) as u32;
            rem = v % u64::from(k);
        }
        rem as u32
    }

    fn significant(&self) -> &[u32] {
        let n = self
            .limbs
            .iter()
            .rposition(|&l| l != 0)
            .map_or(0, |i| i + 1);
        &self.limbs[..n]
    }

    fn gt_u128(&self, v: u128) -> bool {
        let s = self.significant();
        s.len() > 4 || self.to_u128() > v
    }

    fn to_u128(&self) -> u128 {
        self.significant()
            .iter()
            .take(4)
            .rev()
            .fold(0u128, |acc, &l| (acc << 32) | u128::from(l))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> Quantity {
        Quantity::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn prints_like_go() {
        // (input, String())
        for (input, out) in [
            ("0", "0"),
            ("0m", "0"),
            ("0Mi", "0"),
            ("00", "0"),
            ("100m", "100m"),
            ("0.5", "500m"),
            ("0.1", "100m"),
            ("1.5", "1500m"),
            ("1", "1"),
            ("2", "2"),
            ("1000", "1k"),
            ("1500", "1500"),
            ("1k", "1k"),
            ("1000m", "1"),
            ("128Mi", "128Mi"),
            ("1Gi", "1Gi"),
            ("8Gi", "8Gi"),
            ("1024Mi", "1Gi"),
            ("1536Mi", "1536Mi"),
            ("0.5Gi", "512Mi"),
            ("0.5Ki", "512"),
            ("1e3", "1e3"),
            ("1E3", "1E3"),
            ("1.5e3", "1500"),
            ("64M", "64M"),
            ("1073741824", "1073741824"),
            ("0.0000000001", "1n"),
            ("1u", "1u"),
            ("+1", "+1"),
            ("-1", "-1"),
            (" 250m ", "250m"),
            ("0.50", "500m"),
        ] {
            assert_eq!(q(input).to_string(), out, "{input}");
        }
    }

    #[test]
    fn rounding_up() {
        assert_eq!(q("100m").milli_value(), 100);
        assert_eq!(q("1").milli_value(), 1000);
        assert_eq!(q("1u").milli_value(), 1, "1u rounds up to 1m");
        assert_eq!(q("0.0001").milli_value(), 1);
        assert_eq!(q("500m").value(), 1, "500m of memory rounds up to one byte");
        assert_eq!(q("128Mi").value(), 128 * 1024 * 1024);
        assert_eq!(q("1Gi").value(), 1 << 30);
        assert_eq!(q("1e3").value(), 1000);
        assert_eq!(q("0").milli_value(), 0);
        assert!(q("0Mi").is_zero() && q("0.000").is_zero());
        assert_eq!(q("1e100").milli_value(), i64::MAX, "saturates");
        assert_eq!(
            q("99999999999999999999999").value(),
            i64::MAX,
            "capped at 2^63-1"
        );
    }

    #[test]
    fn rejects_malformed() {
        assert_eq!(Quantity::parse(""), Err(QuantityError::FormatWrong));
        assert_eq!(Quantity::parse("abc"), Err(QuantityError::FormatWrong));
        assert_eq!(Quantity::parse("1Gb"), Err(QuantityError::FormatWrong));
        assert_eq!(Quantity::parse("1Mo"), Err(QuantityError::FormatWrong));
        assert_eq!(Quantity::parse("1mi"), Err(QuantityError::Suffix));
        assert_eq!(Quantity::parse("1KiB"), Err(QuantityError::FormatWrong));
        assert!(Quantity::parse("1 m").is_err());
        assert_eq!(q("m").to_string(), "0", "Go accepts a bare suffix as zero");
    }
}
