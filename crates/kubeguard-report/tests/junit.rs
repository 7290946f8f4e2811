//! The `junit` format, parsed back with quick-junit's reader.

mod common;

use common::*;
use kubeguard_engine::Report;
use kubeguard_report::{Format, INPUT_SUITE, RenderOptions};
use quick_junit::{NonSuccessKind, Report as Junit, TestCase, TestCaseStatus, TestSuite};

fn junit(report: &Report, opts: &RenderOptions) -> (String, Junit) {
    let xml = render_string(Format::Junit, report, opts);
    let parsed = Junit::deserialize_from_str(&xml).expect("the junit output parses back");
    (xml, parsed)
}

fn suite<'j>(j: &'j Junit, name: &str) -> &'j TestSuite {
    j.test_suites
        .iter()
        .find(|s| s.name.as_str() == name)
        .expect("the suite exists")
}

fn only_case(s: &TestSuite) -> &TestCase {
    assert_eq!(
        s.test_cases.len(),
        1,
        "suite {} has one case",
        s.name.as_str()
    );
    &s.test_cases[0]
}

#[test]
fn snapshot() {
    insta::assert_snapshot!("junit", junit(&sample_report(), &plain()).0);
}

#[test]
fn one_suite_per_check_then_the_input_suite() {
    let (xml, j) = junit(&sample_report(), &plain());
    assert!(
        xml.starts_with(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"kubeguard\""
        )
    );
    let names: Vec<&str> = j.test_suites.iter().map(|s| s.name.as_str()).collect();
    let mut expected: Vec<String> = sample_checks().iter().map(|c| c.name.clone()).collect();
    expected.push(INPUT_SUITE.to_owned());
    assert_eq!(names, expected);
    // 5 failing (check, object) pairs, 2 passing checks (read-only-root-fs, and run-as-non-root whose
    // only finding is suppressed), 1 input error.
    assert_eq!((j.tests, j.failures, j.errors, j.skipped), (8, 5, 1, 0));
}

#[test]
fn failing_case_names_object_and_file() {
    let (_, j) = junit(&sample_report(), &plain());
    let case = only_case(suite(&j, "privileged-container"));
    assert_eq!(case.name.as_str(), "Deployment default/web");
    assert_eq!(
        case.classname.as_ref().map(|c| c.as_str()),
        Some("k8s/web.yaml")
    );
    match &case.status {
        TestCaseStatus::NonSuccess {
            kind,
            message,
            ty,
            description,
            ..
        } => {
            assert_eq!(*kind, NonSuccessKind::Failure);
            assert_eq!(
                message.as_ref().map(|m| m.as_str()),
                Some("container \"web\" is privileged")
            );
            assert_eq!(ty.as_ref().map(|t| t.as_str()), Some("high"));
            assert_eq!(
                description.as_ref().map(|d| d.as_str()),
                Some(
                    "k8s/web.yaml:15:25: [high] container \"web\" is privileged (field: spec.template.spec.containers[0].securityContext.privileged)"
                )
            );
        }
        other => panic!("expected a failure, got {other:?}"),
    }
    // Without a location there is no classname and no position in the text.
    let case = only_case(suite(&j, "require-network-policy"));
    assert_eq!(case.name.as_str(), "Namespace prod");
    assert!(case.classname.is_none());
    match &case.status {
        TestCaseStatus::NonSuccess { description, .. } => {
            assert_eq!(
                description.as_ref().map(|d| d.as_str()),
                Some("[info] namespace \"prod\" has no NetworkPolicy")
            );
        }
        other => panic!("expected a failure, got {other:?}"),
    }
}

#[test]
fn checks_without_findings_pass() {
    let (_, j) = junit(&sample_report(), &plain());
    for check in ["read-only-root-fs", "run-as-non-root"] {
        let case = only_case(suite(&j, check));
        assert_eq!(case.name.as_str(), "no findings");
        assert!(
            matches!(case.status, TestCaseStatus::Success { .. }),
            "{check}"
        );
    }
}

#[test]
fn several_findings_of_one_object_make_one_case() {
    let mut report = sample_report();
    let mut second = report
        .findings
        .iter()
        .find(|f| &*f.check == "privileged-container")
        .expect("finding")
        .clone();
    second.message = "init container \"setup\" is privileged".into();
    second.field = "spec.template.spec.initContainers[0].securityContext.privileged".into();
    report.findings.push(second);
    report.finish();
    let (_, j) = junit(&report, &plain());
    let case = only_case(suite(&j, "privileged-container"));
    match &case.status {
        TestCaseStatus::NonSuccess {
            message,
            description,
            ..
        } => {
            assert_eq!(
                message.as_ref().map(|m| m.as_str()),
                Some(
                    "2 findings: container \"web\" is privileged; init container \"setup\" is privileged"
                )
            );
            assert_eq!(
                description.as_ref().map(|d| d.as_str().lines().count()),
                Some(2)
            );
        }
        other => panic!("expected a failure, got {other:?}"),
    }
}

#[test]
fn input_errors_are_errored_cases() {
    let (_, j) = junit(&sample_report(), &plain());
    let case = only_case(suite(&j, INPUT_SUITE));
    assert_eq!(case.name.as_str(), "k8s/bad.yaml:3:7");
    assert_eq!(
        case.classname.as_ref().map(|c| c.as_str()),
        Some("k8s/bad.yaml")
    );
    match &case.status {
        TestCaseStatus::NonSuccess { kind, message, .. } => {
            assert_eq!(*kind, NonSuccessKind::Error);
            assert_eq!(
                message.as_ref().map(|m| m.as_str()),
                Some("mapping values are not allowed in this context")
            );
        }
        other => panic!("expected an error, got {other:?}"),
    }
    let mut clean = sample_report();
    clean.errors.clear();
    clean.finish();
    let (_, j) = junit(&clean, &plain());
    assert!(j.test_suites.iter().all(|s| s.name.as_str() != INPUT_SUITE));
}

#[test]
fn suppressed_pairs_are_skipped_with_show_suppressed() {
    let (_, j) = junit(&sample_report(), &everything());
    let case = only_case(suite(&j, "run-as-non-root"));
    assert_eq!(case.name.as_str(), "Deployment default/web");
    match &case.status {
        TestCaseStatus::Skipped { message, ty, .. } => {
            assert_eq!(
                message.as_ref().map(|m| m.as_str()),
                Some("suppressed (comment): legacy image needs root")
            );
            assert_eq!(ty.as_ref().map(|t| t.as_str()), Some("suppressed"));
        }
        other => panic!("expected a skipped case, got {other:?}"),
    }
    assert_eq!(j.skipped, 1);
}

#[test]
fn xml_special_characters_round_trip() {
    let mut report = sample_report();
    for f in &mut report.findings {
        f.message = format!("<{}> & \"quotes\" ]]>", f.message);
    }
    let (xml, j) = junit(&report, &plain());
    assert!(!xml.contains("<container"), "markup is escaped");
    let case = only_case(suite(&j, "privileged-container"));
    match &case.status {
        TestCaseStatus::NonSuccess { message, .. } => {
            assert_eq!(
                message.as_ref().map(|m| m.as_str()),
                Some("<container \"web\" is privileged> & \"quotes\" ]]>")
            );
        }
        other => panic!("expected a failure, got {other:?}"),
    }
}
