//! The per-control summary of a benchmark view: one row per control with its result over all
//! targets (FAIL when any target fails, PASS when one passes and none fails, N/A otherwise)
//! and the counts, as a table users attach to audits.

use std::cmp::Ordering;
use std::fmt::Write as _;

use crate::rules::{Bench, RuleMeta, table::RULES};
use crate::{Evaluation, Status};

/// One row of the summary.
#[derive(Debug, Clone)]
pub struct Row {
    /// The control id in the view (`1.2.16`), or the rule id for kubeguard's rules.
    pub control: String,
    /// The rule.
    pub rule: &'static RuleMeta,
    /// The overall result.
    pub status: Status,
    /// Targets that passed.
    pub pass: usize,
    /// Targets that failed.
    pub fail: usize,
    /// Targets where the rule does not apply or is not decided.
    pub na: usize,
}

fn numeric_cmp(a: &str, b: &str) -> Ordering {
    let parse = |s: &str| -> Vec<u32> {
        s.split('.')
            .map(|p| p.parse().unwrap_or(u32::MAX))
            .collect()
    };
    parse(a).cmp(&parse(b)).then_with(|| a.cmp(b))
}

/// The rows of a view: every rule of the view, CIS controls first in benchmark order.
pub fn rows(evals: &[Evaluation], bench: Bench) -> Vec<Row> {
    let mut rows: Vec<Row> = RULES
        .iter()
        .filter(|r| r.in_view(bench))
        .map(|rule| {
            let mine = evals.iter().filter(|e| std::ptr::eq(e.rule, rule));
            let (mut pass, mut fail, mut na) = (0, 0, 0);
            for e in mine {
                match e.status {
                    Status::Pass => pass += 1,
                    Status::Fail => fail += 1,
                    Status::NotApplicable => na += 1,
                }
            }
            let status = if fail > 0 {
                Status::Fail
            } else if pass > 0 {
                Status::Pass
            } else {
                Status::NotApplicable
            };
            Row {
                control: rule
                    .view(bench)
                    .map_or_else(|| rule.id.to_string(), |(id, _)| id.to_string()),
                rule,
                status,
                pass,
                fail,
                na,
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        let cis = |r: &Row| !r.rule.is_cis_control();
        cis(a).cmp(&cis(b)).then_with(|| {
            if a.rule.is_cis_control() {
                numeric_cmp(&a.control, &b.control)
            } else {
                a.control.cmp(&b.control)
            }
        })
    });
    rows
}

/// The summary as an aligned text table.
pub fn table(rows: &[Row], bench: Bench) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Benchmark view: {}", bench.name());
    // Aligned on the CIS control ids and short rule ids; longer rule ids overflow.
    let w = rows
        .iter()
        .map(|r| r.control.len())
        .filter(|n| *n <= 12)
        .max()
        .unwrap_or(7)
        .max(8);
    let _ = writeln!(
        out,
        "{:<w$}  {:<6} {:>4} {:>4} {:>4}  TITLE",
        "CONTROL", "RESULT", "PASS", "FAIL", "N/A"
    );
    for r in rows {
        let title: String = r.rule.title.chars().take(100).collect();
        let _ = writeln!(
            out,
            "{:<w$}  {:<6} {:>4} {:>4} {:>4}  {}",
            r.control,
            r.status.label(),
            r.pass,
            r.fail,
            r.na,
            title
        );
    }
    let count = |s: Status| rows.iter().filter(|r| r.status == s).count();
    let _ = writeln!(
        out,
        "{} controls: {} pass, {} fail, {} not applicable",
        rows.len(),
        count(Status::Pass),
        count(Status::Fail),
        count(Status::NotApplicable)
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::meta;

    #[test]
    fn rows_aggregate_and_sort() {
        let e = |id: &str, status| Evaluation {
            rule: meta(id).unwrap(),
            target: "t".into(),
            status,
            reason: None,
        };
        let evals = vec![
            e("CIS-1.2.15", Status::Pass),
            e("CIS-1.2.15", Status::Fail),
            e("CIS-1.2.2", Status::Pass),
            e("RKE-001", Status::NotApplicable),
        ];
        let rows = rows(&evals, Bench::Cis18);
        let p = rows.iter().find(|r| r.rule.id == "CIS-1.2.15").unwrap();
        assert_eq!(
            (p.control.as_str(), p.status, p.pass, p.fail),
            ("1.2.16", Status::Fail, 1, 1)
        );
        let i2 = rows.iter().position(|r| r.control == "1.2.2").unwrap();
        let i16 = rows.iter().position(|r| r.control == "1.2.16").unwrap();
        assert!(i2 < i16, "numeric order");
        assert!(
            rows.iter().all(|r| r.rule.id != "CIS-1.2.30"),
            "not in cis-1.8"
        );
        let t = table(&rows, Bench::Cis18);
        assert!(t.starts_with("Benchmark view: cis-1.8\n"));
        let line = t.lines().find(|l| l.starts_with("1.2.16 ")).unwrap();
        assert_eq!(
            line.split_whitespace().take(4).collect::<Vec<_>>(),
            vec!["1.2.16", "FAIL", "1", "1"]
        );
    }
}
