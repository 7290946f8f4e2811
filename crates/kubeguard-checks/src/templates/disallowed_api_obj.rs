//! Template `disallowed-api-obj`: objects of a disallowed API group, version or kind.
//!
//! ## What it does
//! Reports every object (of any kind, custom resources included) whose API group, version and
//! kind all match the `group`, `version` and `kind` parameters. Each is an unanchored regular
//! expression (a leading `!` negates it; empty matches anything); the core group is `""`.
//! Note that `extensions` therefore also matches `apiextensions.k8s.io`.
//!
//! ## Why is this bad?
//! Removed or deprecated API versions fail to apply on current clusters, and conversions may
//! silently drop fields.
//!
//! ## Message
//! `disallowed API object found: <group>/<version>, Kind=<kind>`, pointing at `apiVersion`.

use kubeguard_engine::{CheckFn, Diagnostic, Matcher, ParamKind, ParamSpec, Params, Template};
use kubeguard_model::{Context, Object, Seg, locate};

/// The template.
pub struct DisallowedApiObj;

/// Registered instance.
pub static TEMPLATE: DisallowedApiObj = DisallowedApiObj;

static PARAMS: &[ParamSpec] = &[
    ParamSpec::new("group", ParamKind::String, "The disallowed object group.").regex(),
    ParamSpec::new(
        "version",
        ParamKind::String,
        "The disallowed object API version.",
    )
    .regex(),
    ParamSpec::new("kind", ParamKind::String, "The disallowed kind.").regex(),
];

impl Template for DisallowedApiObj {
    fn key(&self) -> &'static str {
        "disallowed-api-obj"
    }
    fn name(&self) -> &'static str {
        "Disallowed API Objects"
    }
    fn description(&self) -> &'static str {
        "Flag disallowed API object kinds"
    }
    fn supported_kinds(&self) -> &'static [&'static str] {
        &["Any"]
    }
    fn params(&self) -> &'static [ParamSpec] {
        PARAMS
    }
    fn instantiate(&self, params: &Params) -> Result<Box<dyn CheckFn>, String> {
        let compile = |name: &str| {
            Matcher::new(params.str(name).unwrap_or_default())
                .map_err(|e| format!("invalid {name}: {e}"))
        };
        Ok(Box::new(DisallowedCheck {
            group: compile("group")?,
            version: compile("version")?,
            kind: compile("kind")?,
        }))
    }
}

struct DisallowedCheck {
    group: Matcher,
    version: Matcher,
    kind: Matcher,
}

impl CheckFn for DisallowedCheck {
    fn check(&self, _: &Context, obj: &Object, out: &mut Vec<Diagnostic>) {
        let (group, version) = (obj.group(), obj.version());
        if self.group.matches(group)
            && self.version.matches(version)
            && self.kind.matches(&obj.kind)
        {
            out.push(Diagnostic::new(
                format!(
                    "disallowed API object found: {group}/{version}, Kind={}",
                    obj.kind
                ),
                locate(&obj.root, "", &[Seg::Key("apiVersion")]),
            ));
        }
    }
}
