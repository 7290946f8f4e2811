//! The check engine: findings, check metadata, templates and parameters, configuration,
//! suppression, and the runner that applies enabled checks to lint contexts.
//!
//! Pure: the engine never reads files, the clock or the network. The CLI and the webhook
//! hand it parsed objects and options (such as today's date).

pub mod check;
pub mod config;
pub mod date;
pub mod engine;
pub mod finding;
pub mod matcher;
pub mod params;
pub mod report;
pub mod suppress;
pub mod template;

pub use check::CheckMeta;
pub use config::{CheckSpec, Config, ConfigError, Errors};
pub use date::civil_from_days;
pub use engine::{Check, Engine, RunOptions, Scope, Templates, build_check, object_ref};
pub use finding::{Finding, InputError, ObjectRef, References, Severity, Suppression};
pub use matcher::Matcher;
pub use params::Params;
pub use report::{Report, Skipped, Summary};
pub use template::{CheckFn, Diagnostic, ParamKind, ParamSpec, Template};
