//! The check engine: findings, check metadata, templates, configuration, suppression, runner.

pub mod check;
pub mod finding;
pub mod report;

pub use check::CheckMeta;
pub use finding::{Finding, InputError, ObjectRef, References, Severity, Suppression};
pub use report::{Report, Skipped, Summary};
