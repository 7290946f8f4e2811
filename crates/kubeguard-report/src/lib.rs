//! Reporters: turn a finished [`Report`] into one of seven output formats.
//!
//! Every format is a [`Reporter`]; [`render`] picks the reporter of a [`Format`] and writes to any
//! [`std::io::Write`]. All formats are deterministic: the same report and options give the same
//! bytes (findings come sorted from the engine; nothing depends on time, hashing order or the
//! machine). Suppressed findings are left out unless [`RenderOptions::show_suppressed`] is set
//! (SARIF is the exception, see below).
//!
//! # `text` (default)
//!
//! For humans, in the style of rustc and ruff: one block per finding with a header
//! `high[privileged-container]: container "web" is privileged`, the `--> path:line:col` origin,
//! a code frame of the offending source lines with the span underlined (drawn by
//! `annotate-snippets`), then `= object:`, `= field:` and `= help:` notes. A finding without a
//! location, or whose source text is not in [`Report::sources`], is printed without a frame (with
//! only the `-->` line when the location is known). Suppressed findings (with `show_suppressed`)
//! carry a `= suppressed (comment|annotation|config): <reason>` note. Then come the input errors
//! (`error: path:line:col: message`), the skipped inputs with [`RenderOptions::verbose`], and a
//! final summary line:
//!
//! ```text
//! Found 7 findings (3 high, 4 medium) in 38 objects from 12 files; 1 suppressed, 2 skipped, 0 errors
//! ```
//!
//! Colours (ANSI) are used only when [`RenderOptions::color`] is set; the caller decides from the
//! terminal and `NO_COLOR`.
//!
//! # `json`
//!
//! A versioned, documented contract for scripts (`"version": 1`): tool, summary counters,
//! findings with object, location (1-based lines, 1-based character columns, exclusive end
//! column), field path and references, and input errors. Pretty-printed with a trailing newline.
//! The full contract, field by field, with ordering and stability rules, is in
//! `docs/json-format.md`.
//!
//! # `sarif`
//!
//! SARIF 2.1.0 for code-scanning platforms (GitHub code scanning, Azure DevOps, IDE viewers).
//! One run; `tool.driver.rules` describe the checks that ran (description, rationale,
//! remediation, help URI, default level, severity, category and reference tags); each finding is a
//! result with `ruleId`/`ruleIndex`, a level (critical/high → `error`, medium → `warning`,
//! low/info → `note`), a physical location (relative paths stay relative URIs, with forward
//! slashes) with a region in Unicode code points (`columnKind: unicodeCodePoints`), a logical
//! location for the object (`Kind/namespace/name`) and a `partialFingerprints` entry that hashes
//! check, object and field — not the location — so alerts survive edits that move lines.
//! Suppressed findings are always included, marked with SARIF `suppressions` (`inSource` for
//! comments and annotations, `external` for the config file), because SARIF consumers hide them
//! themselves. Input errors become `toolExecutionNotifications` of the invocation, whose
//! `executionSuccessful` is false when there are any.
//!
//! # `junit`
//!
//! JUnit XML for CI test dashboards: one `<testsuite>` per check that ran, one failing
//! `<testcase>` per (check, object) pair with findings (name `Kind namespace/name`, classname the
//! file path, the failure text listing every finding with its location), a passing `no findings`
//! test case for a check without findings, and a `kubeguard-input` suite with one errored test
//! case per input error. With `show_suppressed`, suppressed pairs appear as skipped test cases.
//!
//! # `github`
//!
//! GitHub Actions workflow commands, one line per active finding, which GitHub shows as
//! annotations on the pull request:
//!
//! ```text
//! ::error file=k8s/web.yaml,line=21,col=25,endLine=21,endColumn=29,title=privileged-container::container "web" is privileged
//! ```
//!
//! critical/high → `::error`, medium → `::warning`, low/info → `::notice`; values are escaped
//! per the workflow-command rules. Input errors are `::error` lines too.
//!
//! # `kube-linter-json` and `kube-linter-plain`
//!
//! KubeLinter's own `json` and `plain` report shapes, for scripts and CI steps written against
//! KubeLinter: no line numbers, the check's remediation, `Reports: null` / `No lint errors
//! found!` when clean. `CheckEndTime` comes from [`RenderOptions::check_end_time`] (Go's zero
//! time when unset) so the output stays deterministic. See [`KubeLinterJsonReporter`] and
//! [`KubeLinterPlainReporter`].

mod format;
mod github;
mod json;
mod junit;
mod kube_linter_json;
mod kube_linter_plain;
mod sarif;
mod text;
mod util;

pub use format::{Format, ParseFormatError, RenderOptions, Reporter, render};
pub use github::{GithubReporter, escape_data, escape_property};
pub use json::{JSON_FORMAT_VERSION, JsonReporter};
pub use junit::{INPUT_SUITE, JunitReporter};
pub use kube_linter_json::{GO_ZERO_TIME, KubeLinterJsonReporter};
pub use kube_linter_plain::KubeLinterPlainReporter;
pub use sarif::{FINGERPRINT_KEY, SarifReporter, fingerprint, path_to_uri};
pub use text::{TextReporter, sanitize, summary_line};

// Re-exported so that callers and tests need not name the engine crate for the input type.
pub use kubeguard_engine::Report;
