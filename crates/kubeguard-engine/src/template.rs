//! Templates: check logic written in Rust, parameterised, shared by built-in and custom checks.

use std::fmt;

use kubeguard_model::{ContainerView, Context, FieldRef, Object};

use crate::params::Params;

/// The type of a template parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamKind {
    /// A string.
    String,
    /// An integer.
    Integer,
    /// A boolean.
    Boolean,
    /// A list of strings.
    StringList,
    /// A map of strings to strings.
    StringMap,
}

impl fmt::Display for ParamKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ParamKind::String => "string",
            ParamKind::Integer => "integer",
            ParamKind::Boolean => "boolean",
            ParamKind::StringList => "array<string>",
            ParamKind::StringMap => "map<string,string>",
        })
    }
}

/// One parameter a template accepts.
#[derive(Debug, Clone, Copy)]
pub struct ParamSpec {
    /// Name (matched case-insensitively, as KubeLinter does).
    pub name: &'static str,
    /// Type.
    pub kind: ParamKind,
    /// Whether it must be given.
    pub required: bool,
    /// What it means.
    pub description: &'static str,
    /// Whether string values are regular expressions (RE2 syntax, unanchored; a leading `!` negates).
    pub regex: bool,
}

impl ParamSpec {
    /// An optional parameter.
    pub const fn new(name: &'static str, kind: ParamKind, description: &'static str) -> Self {
        ParamSpec {
            name,
            kind,
            required: false,
            description,
            regex: false,
        }
    }

    /// Marks it required.
    pub const fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// Marks its strings as regular expressions.
    pub const fn regex(mut self) -> Self {
        self.regex = true;
        self
    }
}

/// What a check reports about one object, before the engine turns it into a [`crate::Finding`].
#[derive(Debug, Clone)]
pub struct Diagnostic {
    /// The message.
    pub message: String,
    /// The offending field (or its nearest existing parent).
    pub field: FieldRef,
    /// The container concerned, if any (for `kubeguard.io/ignore: check@container`).
    pub container: Option<String>,
}

impl Diagnostic {
    /// A diagnostic on a field.
    pub fn new(message: impl Into<String>, field: FieldRef) -> Self {
        Diagnostic {
            message: message.into(),
            field,
            container: None,
        }
    }

    /// A diagnostic on a field of a container.
    pub fn in_container(
        c: &ContainerView<'_>,
        message: impl Into<String>,
        field: FieldRef,
    ) -> Self {
        Diagnostic {
            message: message.into(),
            field,
            container: Some(c.name().to_string()),
        }
    }

    /// A diagnostic about the object as a whole (points at its `kind:`).
    pub fn on_object(obj: &Object, message: impl Into<String>) -> Self {
        Diagnostic {
            message: message.into(),
            field: FieldRef {
                path: String::new(),
                span: obj.anchor_span(),
                present: true,
            },
            container: None,
        }
    }
}

/// Instantiated check logic: parameters bound, regexes compiled once.
pub trait CheckFn: Send + Sync {
    /// Examines one object of a lint context and pushes diagnostics.
    fn check(&self, ctx: &Context, obj: &Object, out: &mut Vec<Diagnostic>);

    /// What the check passed over so far in this run, for the summary (e.g. objects
    /// `schema-validation` had no schema for). Empty by default.
    fn notes(&self) -> Vec<String> {
        Vec::new()
    }
}

/// A template: named, documented, parameterised check logic.
pub trait Template: Send + Sync {
    /// Key used in check definitions (`privileged`).
    fn key(&self) -> &'static str;
    /// Human-readable name.
    fn name(&self) -> &'static str;
    /// What checks built from it detect.
    fn description(&self) -> &'static str;
    /// Object kinds it supports by default (`DeploymentLike`, `Service`, `Any`, ...).
    fn supported_kinds(&self) -> &'static [&'static str];
    /// Parameters.
    fn params(&self) -> &'static [ParamSpec];
    /// Binds parameters (already validated against [`Template::params`]).
    fn instantiate(&self, params: &Params) -> Result<Box<dyn CheckFn>, String>;
}
