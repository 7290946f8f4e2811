//! The result of a run, handed to reporters: findings, input errors, skipped inputs and a summary.

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;
use std::sync::Arc;

use kubeguard_source::SourceFile;
use serde::Serialize;

use crate::check::CheckMeta;
use crate::finding::{Finding, InputError, Severity};

/// Something the run passed over, with the reason (listed with `--verbose`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Skipped {
    /// Path (and `#N` document index for documents).
    pub path: String,
    /// Why it was skipped.
    pub reason: String,
}

/// Counters of a run, as in the JSON contract's `summary`.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Summary {
    /// Files read.
    pub files: usize,
    /// YAML/JSON documents parsed.
    pub documents: usize,
    /// Kubernetes objects analyzed.
    pub objects: usize,
    /// Files and documents passed over.
    pub skipped: usize,
    /// Findings reported (not suppressed).
    pub findings: usize,
    /// Findings suppressed.
    pub suppressed: usize,
    /// Input errors.
    pub errors: usize,
    /// Unsuppressed findings per severity.
    pub by_severity: BTreeMap<&'static str, usize>,
    /// What checks passed over (`schema-validation: 3 objects not validated, ...`).
    pub notes: Vec<String>,
}

/// Everything a reporter needs.
#[derive(Debug, Default)]
pub struct Report {
    /// All findings (suppressed ones included, flagged), sorted by path, line, column, check.
    pub findings: Vec<Finding>,
    /// Inputs that could not be read or parsed.
    pub errors: Vec<InputError>,
    /// Inputs passed over.
    pub skipped: Vec<Skipped>,
    /// Metadata of the checks that ran, sorted by name (SARIF rules, JUnit test cases).
    pub checks: Vec<Arc<CheckMeta>>,
    /// Source texts by display path, for code frames.
    pub sources: BTreeMap<Arc<str>, Arc<SourceFile>>,
    /// Counters.
    pub summary: Summary,
}

/// Per finding, `(path rank + 1, line, column, check rank)` packed in a `u128` that orders as
/// [`Finding::cmp_output`] does up to the message (no location sorts first, as rank 0).
fn output_keys(findings: &[Finding]) -> Vec<u128> {
    fn ranks<'f>(names: impl Iterator<Item = &'f Arc<str>>) -> HashMap<*const u8, u32> {
        let mut distinct: HashMap<*const u8, &'f str> = HashMap::new();
        for n in names {
            distinct.entry(n.as_ptr()).or_insert(n);
        }
        let mut sorted: Vec<&str> = distinct.values().copied().collect();
        sorted.sort_unstable();
        sorted.dedup();
        distinct
            .into_iter()
            .map(|(ptr, name)| {
                let rank = sorted.binary_search(&name).unwrap_or_default();
                (ptr, u32::try_from(rank).unwrap_or(u32::MAX))
            })
            .collect()
    }
    let paths = ranks(
        findings
            .iter()
            .filter_map(|f| f.location.as_ref().map(|l| &l.path)),
    );
    let checks = ranks(findings.iter().map(|f| &f.check));
    findings
        .iter()
        .map(|f| {
            let check = u128::from(checks.get(&f.check.as_ptr()).copied().unwrap_or_default());
            match &f.location {
                None => check,
                Some(l) => {
                    let path = paths.get(&l.path.as_ptr()).copied().unwrap_or_default();
                    (u128::from(path) + 1) << 96
                        | u128::from(l.start.line) << 64
                        | u128::from(l.start.column) << 32
                        | check
                }
            }
        })
        .collect()
}

/// Reorders `items` so that `items[k]` becomes the old `items[order[k]]`, in place, following
/// the permutation's cycles (`order` must be a permutation of the indices).
fn apply_permutation<T>(items: &mut [T], mut order: Vec<usize>) {
    for start in 0..items.len() {
        let mut j = start;
        while order[j] != start && order[j] != j {
            let next = order[j];
            items.swap(j, next);
            order[j] = j;
            j = next;
        }
        order[j] = j;
    }
}

impl Report {
    /// Sorts findings and errors and recomputes the finding counters of the summary.
    pub fn finish(&mut self) {
        // Sort a permutation, then move each finding into place by swaps (no second copy of
        // the findings): findings are large, and moving them through a sort dominated the run
        // time of reports with 100k+ findings.
        // The order of `Finding::cmp_output`, with path and check names replaced by their
        // ranks: one integer comparison per pair, messages compared only on ties.
        let f = &self.findings;
        let keys = output_keys(f);
        let mut order: Vec<usize> = (0..f.len()).collect();
        order.par_sort_unstable_by(|&a, &b| {
            keys[a]
                .cmp(&keys[b])
                .then_with(|| f[a].message.cmp(&f[b].message))
                .then(a.cmp(&b))
        });
        apply_permutation(&mut self.findings, order);
        self.findings
            .dedup_by(|a, b| a.cmp_output(b).is_eq() && a.field == b.field);
        self.errors.sort();
        self.errors.dedup();
        self.skipped.sort();
        let mut by = BTreeMap::new();
        for s in Severity::ALL {
            by.insert(s.as_str(), 0);
        }
        let mut active = 0;
        for f in &self.findings {
            if f.suppressed.is_none() {
                active += 1;
                *by.entry(f.severity.as_str()).or_insert(0) += 1;
            }
        }
        self.summary.findings = active;
        self.summary.suppressed = self.findings.len() - active;
        self.summary.errors = self.errors.len();
        self.summary.skipped = self.skipped.len();
        self.summary.by_severity = by;
    }

    /// Findings that are not suppressed.
    pub fn active(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.suppressed.is_none())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kubeguard_source::{LineCol, Location, Span};

    use crate::finding::{ObjectRef, References};

    #[test]
    fn permutations_are_applied_in_place() {
        for order in [
            vec![],
            vec![0],
            vec![1, 0],
            vec![2, 0, 1],
            vec![1, 2, 0],
            vec![3, 1, 0, 2, 5, 4],
            (0..50).rev().collect(),
        ] {
            let mut items: Vec<usize> = (100..100 + order.len()).collect();
            let expected: Vec<usize> = order.iter().map(|&i| items[i]).collect();
            apply_permutation(&mut items, order);
            assert_eq!(items, expected);
        }
    }

    #[test]
    fn finish_orders_as_cmp_output_and_merges_duplicates() {
        // Equal path strings in different allocations, a finding without a location, ties on
        // location and check broken by the message.
        let paths: Vec<Arc<str>> = vec!["b.yaml".into(), "a.yaml".into(), "b.yaml".into()];
        let checks: Vec<Arc<str>> = vec!["z-check".into(), "a-check".into(), "z-check".into()];
        let mut findings = Vec::new();
        let mut n = 0u32;
        for (pi, path) in paths.iter().enumerate() {
            for (ci, check) in checks.iter().enumerate() {
                for line in [3u32, 1, 2] {
                    for message in ["m2", "m1"] {
                        n += 1;
                        findings.push(Finding {
                            check: check.clone(),
                            severity: Severity::Low,
                            message: message.to_string(),
                            remediation: None,
                            object: Arc::new(ObjectRef::default()),
                            location: (!n.is_multiple_of(7)).then(|| Location {
                                path: path.clone(),
                                start: LineCol {
                                    line,
                                    column: (pi + ci) as u32 % 2 + 1,
                                },
                                end: LineCol { line, column: 9 },
                                span: Span::new(0, 1),
                            }),
                            field: String::new(),
                            references: Arc::new(References::default()),
                            suppressed: None,
                        });
                    }
                }
            }
        }
        let mut expected = findings.clone();
        expected.sort_by(|a, b| a.cmp_output(b));
        expected.dedup_by(|a, b| a.cmp_output(b).is_eq() && a.field == b.field);
        let mut report = Report {
            findings,
            ..Report::default()
        };
        report.finish();
        let key = |f: &Finding| {
            (
                f.location
                    .as_ref()
                    .map(|l| (l.path.to_string(), l.start.line, l.start.column)),
                f.check.to_string(),
                f.message.clone(),
            )
        };
        let got: Vec<_> = report.findings.iter().map(key).collect();
        let want: Vec<_> = expected.iter().map(key).collect();
        assert_eq!(got, want);
        assert!(got.len() < n as usize, "duplicates are merged");
    }
}
