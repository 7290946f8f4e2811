//! Go `time.ParseDuration`: what Kubernetes components do with duration flags and config
//! fields (`30m`, `4h0m0s`, `1.5h`, `0s`). A bare `0` is valid (zero); other bare numbers are not.

/// A duration in nanoseconds, or `None` when the text is not a Go duration.
pub fn parse_nanos(s: &str) -> Option<i128> {
    let s = s.trim();
    let (neg, mut rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if rest == "0" {
        return Some(0);
    }
    if rest.is_empty() {
        return None;
    }
    let mut total: i128 = 0;
    while !rest.is_empty() {
        let num_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let (num, tail) = rest.split_at(num_end);
        if num.is_empty() || num == "." {
            return None;
        }
        let unit_end = tail
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(tail.len());
        let (unit, tail) = tail.split_at(unit_end);
        let scale: i128 = match unit {
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => return None,
        };
        let (int, frac) = num.split_once('.').unwrap_or((num, ""));
        if frac.contains('.') {
            return None;
        }
        let int: i128 = if int.is_empty() {
            0
        } else {
            int.get(..int.len().min(30))?.parse().ok()?
        };
        let mut value = int.checked_mul(scale)?;
        let mut div = scale;
        for d in frac.bytes().take(18) {
            div /= 10;
            value = value.checked_add(i128::from(d - b'0') * div)?;
        }
        total = total.checked_add(value)?;
        rest = tail;
    }
    Some(if neg { -total } else { total })
}

/// Whether a duration text means zero (`0`, `0s`, `0m0s`, `0.0h`). Unparsable text is not zero.
pub fn is_zero(s: &str) -> bool {
    parse_nanos(s) == Some(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_durations() {
        assert_eq!(parse_nanos("0"), Some(0));
        assert_eq!(parse_nanos("0s"), Some(0));
        assert_eq!(parse_nanos("0m0s"), Some(0));
        assert_eq!(parse_nanos("30m"), Some(30 * 60 * 1_000_000_000));
        assert_eq!(parse_nanos("4h0m0s"), Some(4 * 3600 * 1_000_000_000));
        assert_eq!(parse_nanos("1.5h"), Some(5400 * 1_000_000_000));
        assert_eq!(parse_nanos("-5s"), Some(-5_000_000_000));
        assert_eq!(parse_nanos("300ms"), Some(300_000_000));
        assert_eq!(parse_nanos("5"), None);
        assert_eq!(parse_nanos(""), None);
        assert_eq!(parse_nanos("1x"), None);
        assert_eq!(parse_nanos("1..5s"), None);
        assert!(is_zero("0s") && is_zero("0") && !is_zero("5m") && !is_zero("abc"));
        assert_eq!(parse_nanos("99999999999999999999999999999999999999h"), None);
    }
}
