//! The `kube-linter-plain` format: KubeLinter's default `plain` output, line for line.
//!
//! ```text
//! KubeLinter <version>
//!
//! <path>: (object: <namespace>/<name> <group>/<version>, Kind=<Kind>) <message> (check: <check>, remediation: <remediation>)
//!
//! ```
//!
//! One line and one blank line per active finding; `<no namespace>` when the object has none;
//! the core group prints as `/v1, Kind=Pod` (Go's `GroupVersionKind.String()`). Without findings
//! the body is `No lint errors found!`. KubeLinter's closing `Error: found N lint errors` goes to
//! its stderr and is not part of this format. Colours are never used.

use std::io;

use kubeguard_engine::Report;

use crate::format::{RenderOptions, Reporter};
use crate::kube_linter_json::{check_remediation, group_version};

/// The `kube-linter-plain` format (see the module docs).
#[derive(Debug, Clone, Copy, Default)]
pub struct KubeLinterPlainReporter;

impl Reporter for KubeLinterPlainReporter {
    fn render(
        &self,
        report: &Report,
        opts: &RenderOptions,
        out: &mut dyn io::Write,
    ) -> io::Result<()> {
        writeln!(out, "KubeLinter {}", opts.tool_version)?;
        writeln!(out)?;
        let mut any = false;
        for f in report.active() {
            any = true;
            let (group, version) = group_version(&f.object.api_version);
            let path = f.location.as_ref().map_or("", |l| &*l.path);
            let ns = f
                .object
                .namespace
                .as_deref()
                .filter(|n| !n.is_empty())
                .unwrap_or("<no namespace>");
            writeln!(
                out,
                "{path}: (object: {ns}/{} {group}/{version}, Kind={}) {} (check: {}, remediation: {})",
                f.object.name,
                f.object.kind,
                f.message,
                f.check,
                check_remediation(report, f),
            )?;
            writeln!(out)?;
        }
        if !any {
            writeln!(out, "No lint errors found!")?;
        }
        Ok(())
    }
}
