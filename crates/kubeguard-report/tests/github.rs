//! The `github` format (workflow commands).

mod common;

use common::*;
use kubeguard_report::Format;

#[test]
fn snapshot() {
    insta::assert_snapshot!(
        "github",
        render_string(Format::Github, &sample_report(), &plain())
    );
}

#[test]
fn one_line_per_active_finding_then_errors() {
    let out = render_string(Format::Github, &sample_report(), &plain());
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines.len(),
        6,
        "5 active findings and 1 input error:\n{out}"
    );
    assert!(lines.contains(
        &"::error file=k8s/web.yaml,line=15,col=25,endLine=15,endColumn=29,title=privileged-container::container \"web\" is privileged"
    ));
    assert!(lines.contains(&"::error file=k8s/db.yaml,line=6,col=3,endLine=6,endColumn=20,title=host-network::pod shares the host's network namespace"));
    assert!(lines.iter().any(|l| l.starts_with(
        "::warning file=k8s/web.yaml,line=13,col=47,endLine=13,endColumn=53,title=latest-tag::"
    )));
    assert!(lines.iter().any(|l| l.starts_with(
        "::notice file=k8s/db.yaml,line=8,col=7,endLine=9,endColumn=25,title=resource-limits::"
    )));
    assert!(lines.contains(
        &"::notice title=require-network-policy::namespace \"prod\" has no NetworkPolicy"
    ));
    assert_eq!(
        *lines.last().expect("a line"),
        "::error file=k8s/bad.yaml,line=3,col=7,title=kubeguard input error::mapping values are not allowed in this context"
    );
    assert!(out.ends_with('\n'));
}

#[test]
fn suppressed_findings_never_annotate() {
    let out = render_string(Format::Github, &sample_report(), &everything());
    assert!(!out.contains("run-as-non-root"));
}

#[test]
fn values_are_escaped() {
    let mut report = sample_report();
    for f in &mut report.findings {
        f.message = format!("{} (100%)\nsecond line\r", f.message);
        if let Some(l) = f.location.as_mut() {
            l.path = format!("dir,with:odd/{}", l.path).into();
        }
    }
    let out = render_string(Format::Github, &report, &plain());
    let line = out
        .lines()
        .find(|l| l.contains("title=privileged-container"))
        .expect("line");
    assert_eq!(
        line,
        "::error file=dir%2Cwith%3Aodd/k8s/web.yaml,line=15,col=25,endLine=15,endColumn=29,title=privileged-container::container \"web\" is privileged (100%25)%0Asecond line%0D"
    );
    assert_eq!(
        out.lines().count(),
        6,
        "escaped newlines keep one command per line"
    );
}
