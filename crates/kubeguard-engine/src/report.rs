//! The result of a run, handed to reporters: findings, input errors, skipped inputs and a summary.

use std::collections::BTreeMap;

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

impl Report {
    /// Sorts findings and errors and recomputes the finding counters of the summary.
    pub fn finish(&mut self) {
        // Sort a permutation, then move each finding once: findings are large, and moving them
        // through a merge sort dominated the run time of reports with 100k+ findings.
        let mut order: Vec<usize> = (0..self.findings.len()).collect();
        let f = &self.findings;
        order.par_sort_unstable_by(|&a, &b| f[a].cmp_output(&f[b]).then(a.cmp(&b)));
        let mut slots: Vec<Option<Finding>> = std::mem::take(&mut self.findings)
            .into_iter()
            .map(Some)
            .collect();
        self.findings = order.into_iter().filter_map(|i| slots[i].take()).collect();
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
