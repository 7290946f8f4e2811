//! Helpers shared by the reporters.

use std::io;

use kubeguard_engine::{CheckMeta, Finding, Report, Severity};

/// The findings a format shows: active ones, plus suppressed ones when `show_suppressed`.
pub(crate) fn shown(report: &Report, show_suppressed: bool) -> impl Iterator<Item = &Finding> {
    report
        .findings
        .iter()
        .filter(move |f| show_suppressed || f.suppressed.is_none())
}

/// The metadata of the check named `name`, if it ran.
pub(crate) fn check_meta<'r>(report: &'r Report, name: &str) -> Option<&'r CheckMeta> {
    report.checks.iter().map(|c| &**c).find(|c| c.name == name)
}

/// The remediation of a finding, falling back to its check's.
pub(crate) fn remediation<'r>(report: &'r Report, f: &'r Finding) -> Option<&'r str> {
    match &f.remediation {
        Some(r) => Some(r),
        None => check_meta(report, &f.check)
            .map(|c| c.remediation.as_str())
            .filter(|r| !r.is_empty()),
    }
}

/// The count of unsuppressed findings of `sev` in the summary (0 when absent).
pub(crate) fn severity_count(report: &Report, sev: Severity) -> usize {
    report
        .summary
        .by_severity
        .get(sev.as_str())
        .copied()
        .unwrap_or(0)
}

/// `1 file`, `2 files`.
pub(crate) fn plural(n: usize, singular: &str, plural: &str) -> String {
    format!("{n} {}", if n == 1 { singular } else { plural })
}

/// A path with `\` turned into `/`.
pub(crate) fn forward_slashes(path: &str) -> String {
    path.replace('\\', "/")
}

/// Maps a serializer error to an I/O error (serializer errors that are not I/O are bugs).
pub(crate) fn other_error(e: impl std::error::Error + Send + Sync + 'static) -> io::Error {
    io::Error::other(e)
}

/// `Kind namespace/name` (or `Kind name` without a namespace): how objects are named in output.
pub(crate) fn object_label(f: &Finding) -> String {
    f.object.to_string()
}

/// `Kind/namespace/name` (or `Kind/name`): the fully qualified logical name of an object.
pub(crate) fn object_qualified_name(f: &Finding) -> String {
    match &f.object.namespace {
        Some(ns) => format!("{}/{}/{}", f.object.kind, ns, f.object.name),
        None => format!("{}/{}", f.object.kind, f.object.name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plurals() {
        assert_eq!(plural(1, "file", "files"), "1 file");
        assert_eq!(plural(0, "file", "files"), "0 files");
        assert_eq!(plural(2, "finding", "findings"), "2 findings");
    }

    #[test]
    fn slashes() {
        assert_eq!(forward_slashes(r"k8s\prod\web.yaml"), "k8s/prod/web.yaml");
    }
}
