//! The `junit` format: one test suite per check, one test case per (check, object) with findings.

use std::collections::{BTreeMap, HashMap};
use std::io;

use kubeguard_engine::{Finding, Report};
use quick_junit::{NonSuccessKind, Report as JunitReport, TestCase, TestCaseStatus, TestSuite};

use crate::format::{RenderOptions, Reporter};
use crate::util::{forward_slashes, object_label, other_error, shown};

/// The name of the test suite that holds input errors.
pub const INPUT_SUITE: &str = "kubeguard-input";

/// The `junit` format (see the crate docs).
#[derive(Debug, Clone, Copy, Default)]
pub struct JunitReporter;

impl Reporter for JunitReporter {
    fn render(
        &self,
        report: &Report,
        opts: &RenderOptions,
        out: &mut dyn io::Write,
    ) -> io::Result<()> {
        let xml = build(report, opts.show_suppressed)
            .to_string()
            .map_err(other_error)?;
        out.write_all(xml.as_bytes())
    }
}

/// The findings of one (check, file, object) test case.
struct ObjectCase<'a> {
    /// The file path ("" without a location).
    path: &'a str,
    /// `Kind namespace/name`.
    object: String,
    active: Vec<&'a Finding>,
    suppressed: Vec<&'a Finding>,
}

/// Test cases of one check, in report order of their first finding.
#[derive(Default)]
struct CheckCases<'a> {
    cases: Vec<ObjectCase<'a>>,
    index: HashMap<(&'a str, String), usize>,
}

impl<'a> CheckCases<'a> {
    fn add(&mut self, f: &'a Finding) {
        let key = (
            f.location.as_ref().map_or("", |l| &*l.path),
            object_label(f),
        );
        let idx = match self.index.get(&key) {
            Some(&i) => i,
            None => {
                self.cases.push(ObjectCase {
                    path: key.0,
                    object: key.1.clone(),
                    active: Vec::new(),
                    suppressed: Vec::new(),
                });
                self.index.insert(key, self.cases.len() - 1);
                self.cases.len() - 1
            }
        };
        let case = &mut self.cases[idx];
        if f.suppressed.is_some() {
            case.suppressed.push(f);
        } else {
            case.active.push(f);
        }
    }
}

fn build(report: &Report, show_suppressed: bool) -> JunitReport {
    // Suites in the order of report.checks (sorted by name), then checks that produced findings
    // without being listed, by name.
    let mut order: Vec<&str> = report.checks.iter().map(|c| c.name.as_str()).collect();
    let mut by_check: BTreeMap<&str, CheckCases<'_>> = BTreeMap::new();
    for f in shown(report, show_suppressed) {
        by_check.entry(&f.check).or_default().add(f);
    }
    let mut extra: Vec<&str> = by_check
        .keys()
        .copied()
        .filter(|c| !order.contains(c))
        .collect();
    extra.sort_unstable();
    order.extend(extra);

    let mut junit = JunitReport::new("kubeguard");
    for check in order {
        let mut suite = TestSuite::new(check);
        if let Some(cases) = by_check.get(check) {
            for c in &cases.cases {
                if !c.active.is_empty() {
                    suite.add_test_case(failure_case(c.path, &c.object, &c.active));
                } else if let Some(first) = c.suppressed.first() {
                    suite.add_test_case(skipped_case(c.path, &c.object, first, &c.suppressed));
                }
            }
        }
        // A check without any (shown) finding passes.
        if suite.test_cases.is_empty() {
            let mut ok = TestCase::new("no findings", TestCaseStatus::success());
            ok.set_classname(check);
            suite.add_test_case(ok);
        }
        junit.add_test_suite(suite);
    }

    if !report.errors.is_empty() {
        let mut suite = TestSuite::new(INPUT_SUITE);
        for e in &report.errors {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
            status
                .set_message(e.message.as_str())
                .set_type("input-error")
                .set_description(e.to_string());
            let name = match (e.line, e.column) {
                (Some(l), Some(c)) => format!("{}:{l}:{c}", e.path),
                (Some(l), None) => format!("{}:{l}", e.path),
                _ => e.path.clone(),
            };
            let mut case = TestCase::new(name, status);
            case.set_classname(forward_slashes(&e.path));
            suite.add_test_case(case);
        }
        junit.add_test_suite(suite);
    }
    junit
}

/// `path:line:col: [severity] message (field)` for a failure's text.
fn describe(f: &Finding) -> String {
    let at = match &f.location {
        Some(l) => format!(
            "{}:{}:{}: ",
            forward_slashes(&l.path),
            l.start.line,
            l.start.column
        ),
        None => String::new(),
    };
    let field = if f.field.is_empty() {
        String::new()
    } else {
        format!(" (field: {})", f.field)
    };
    format!("{at}[{}] {}{field}", f.severity, f.message)
}

fn failure_case(path: &str, object: &str, findings: &[&Finding]) -> TestCase {
    let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
    let message = match findings {
        [one] => one.message.clone(),
        many => format!(
            "{} findings: {}",
            many.len(),
            many.iter()
                .map(|f| f.message.as_str())
                .collect::<Vec<_>>()
                .join("; ")
        ),
    };
    // The most severe finding gives the failure type.
    let severity = findings
        .iter()
        .map(|f| f.severity)
        .max()
        .map(|s| s.as_str())
        .unwrap_or("info");
    let description: Vec<String> = findings.iter().map(|f| describe(f)).collect();
    status
        .set_message(message)
        .set_type(severity)
        .set_description(description.join("\n"));
    let mut case = TestCase::new(object, status);
    if !path.is_empty() {
        case.set_classname(forward_slashes(path));
    }
    case
}

fn skipped_case(path: &str, object: &str, first: &Finding, findings: &[&Finding]) -> TestCase {
    let mut status = TestCaseStatus::skipped();
    let reason = first
        .suppressed
        .as_ref()
        .map_or(String::new(), |s| match &s.reason {
            Some(r) => format!("suppressed ({}): {r}", s.kind),
            None => format!("suppressed ({})", s.kind),
        });
    let description: Vec<String> = findings.iter().map(|f| describe(f)).collect();
    status
        .set_message(reason)
        .set_type("suppressed")
        .set_description(description.join("\n"));
    let mut case = TestCase::new(object, status);
    if !path.is_empty() {
        case.set_classname(forward_slashes(path));
    }
    case
}
