//! Calendar arithmetic without a clock: callers that read the clock (the CLI for `until=`
//! suppression dates, the server for logs and certificates) turn a day count into a date here.

/// The proleptic Gregorian date `(year, month, day)` of a count of days since 1970-01-01
/// (negative before), by Howard Hinnant's civil-from-days algorithm.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    // `day` is 1..=31 and `month` 1..=12 by construction.
    (year, month as u32, day as u32)
}

#[cfg(test)]
mod tests {
    use super::civil_from_days;

    #[test]
    fn known_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }

    #[test]
    fn consecutive_days_advance_by_one() {
        let mut prev = civil_from_days(-800_000);
        for d in -799_999..800_000 {
            let next = civil_from_days(d);
            let (y, m, day) = prev;
            assert!(
                next == (y, m, day + 1) || next == (y, m + 1, 1) || next == (y + 1, 1, 1),
                "{prev:?} -> {next:?}"
            );
            prev = next;
        }
    }
}
