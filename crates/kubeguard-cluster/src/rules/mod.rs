//! The rules: their metadata (the table), the outcome of evaluating one rule on one target,
//! and the rule families, each in its own module.

pub mod components;
pub mod files;
pub mod rke;
pub mod rke2;
pub mod table;

use kubeguard_engine::Severity;

use crate::model::At;

/// A benchmark view: which benchmark's numbering and controls the summary and the CIS
/// references follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Bench {
    /// CIS Kubernetes Benchmark v1.12 (the default).
    #[default]
    Cis112,
    /// CIS Kubernetes Benchmark v1.8.
    Cis18,
    /// Rancher's RKE benchmark rke-cis-1.7.
    RkeCis17,
    /// Rancher's RKE2 benchmark rke2-cis-1.8.
    Rke2Cis18,
}

impl Bench {
    /// Every view.
    pub const ALL: [Bench; 4] = [
        Bench::Cis112,
        Bench::Cis18,
        Bench::RkeCis17,
        Bench::Rke2Cis18,
    ];

    /// The name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Bench::Cis112 => "cis-1.12",
            Bench::Cis18 => "cis-1.8",
            Bench::RkeCis17 => "rke-cis-1.7",
            Bench::Rke2Cis18 => "rke2-cis-1.8",
        }
    }

    /// Parses a name.
    pub fn parse(s: &str) -> Option<Bench> {
        Bench::ALL.into_iter().find(|b| b.name() == s.trim())
    }
}

/// A rule's metadata.
#[derive(Debug)]
pub struct RuleMeta {
    /// `RKE-002`, `CIS-1.2.1`, `K8S-...`.
    pub id: &'static str,
    /// The component or area.
    pub component: &'static str,
    /// The setting it is about.
    pub setting: &'static str,
    /// One line: what it requires.
    pub title: &'static str,
    /// Severity.
    pub severity: Severity,
    /// CIS ids (v1.12 numbering where there is one).
    pub cis: &'static [&'static str],
    /// Microsoft threat matrix ids.
    pub mitre: &'static [&'static str],
    /// Its id in each benchmark view; `true` when the benchmark checks the opposite.
    pub views: &'static [(Bench, &'static str, bool)],
    /// Where the setting lives in an RKE cluster.yml.
    pub rke: &'static str,
    /// Where the setting lives in an RKE2 config.
    pub rke2: &'static str,
}

impl RuleMeta {
    /// The rule's control id in a benchmark view and whether it checks the opposite.
    pub fn view(&self, bench: Bench) -> Option<(&'static str, bool)> {
        self.views
            .iter()
            .find(|(b, _, _)| *b == bench)
            .map(|(_, id, opposite)| (*id, *opposite))
    }

    /// Whether the rule belongs to a view: a numbered CIS rule only where the benchmark has
    /// it; kubeguard's own rules (RKE, RKE2, K8S, legacy CIS flags) always.
    pub fn in_view(&self, bench: Bench) -> bool {
        !self.is_cis_control() || self.view(bench).is_some()
    }

    /// `CIS-<number>` rules (not `CIS-LEGACY-*`).
    pub fn is_cis_control(&self) -> bool {
        self.id
            .strip_prefix("CIS-")
            .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit()))
    }
}

/// The metadata of a rule id.
pub fn meta(id: &str) -> Option<&'static RuleMeta> {
    table::RULES.iter().find(|r| r.id == id)
}

/// One reason a rule fails.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// What is wrong (never a secret's value).
    pub message: String,
    /// Where.
    pub at: At,
    /// How to fix it.
    pub fix: String,
    /// A severity other than the rule's (a lesser part of the rule).
    pub severity: Option<Severity>,
}

impl Hit {
    /// A hit at `at`.
    pub fn new(message: impl Into<String>, at: At, fix: impl Into<String>) -> Hit {
        Hit {
            message: message.into(),
            at,
            fix: fix.into(),
            severity: None,
        }
    }

    /// The same hit with another severity.
    pub fn severity(mut self, s: Severity) -> Hit {
        self.severity = Some(s);
        self
    }
}

/// The result of one rule on one target.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The rule holds.
    Pass,
    /// The rule fails, for these reasons.
    Fail(Vec<Hit>),
    /// The rule does not apply here, or the inputs do not decide it (the reason).
    NotApplicable(String),
}

impl Outcome {
    /// `Fail` with one hit.
    pub fn fail(message: impl Into<String>, at: At, fix: impl Into<String>) -> Outcome {
        Outcome::Fail(vec![Hit::new(message, at, fix)])
    }

    /// `Pass` when there is no hit, else `Fail`.
    pub fn from_hits(hits: Vec<Hit>) -> Outcome {
        if hits.is_empty() {
            Outcome::Pass
        } else {
            Outcome::Fail(hits)
        }
    }

    /// `NotApplicable` with a reason.
    pub fn na(reason: impl Into<String>) -> Outcome {
        Outcome::NotApplicable(reason.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_complete_and_consistent() {
        assert_eq!(table::RULES.len(), 150);
        let mut ids: Vec<&str> = table::RULES.iter().map(|r| r.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 150, "ids are unique");
        let r = meta("CIS-1.2.15").unwrap();
        assert_eq!(r.view(Bench::Cis18), Some(("1.2.16", false)));
        assert_eq!(r.view(Bench::RkeCis17), Some(("1.2.17", false)));
        assert_eq!(
            meta("CIS-1.2.3").unwrap().view(Bench::RkeCis17),
            Some(("1.2.3", true))
        );
        assert!(!meta("CIS-1.2.30").unwrap().in_view(Bench::Cis18));
        assert!(
            meta("CIS-LEGACY-insecure-port")
                .unwrap()
                .in_view(Bench::Cis18)
        );
        assert!(meta("RKE-001").unwrap().in_view(Bench::Rke2Cis18));
        assert_eq!(Bench::parse("rke2-cis-1.8"), Some(Bench::Rke2Cis18));
    }
}
