//! The runner: resolves which checks are enabled, then runs them over lint contexts.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use kubeguard_model::{Context, Object};
use rayon::prelude::*;

use crate::check::CheckMeta;
use crate::config::{CheckSpec, Config, ConfigError};
use crate::finding::{Finding, ObjectRef, References};
use crate::params::Params;
use crate::suppress::{COMMENT_MARKER, Exclusions, Verdict, by_annotation, by_comment};
use crate::template::{CheckFn, Diagnostic, Template};

/// Object kinds a check applies to.
#[derive(Debug, Clone)]
pub struct Scope {
    kinds: Vec<String>,
}

impl Scope {
    /// A scope over KubeLinter's object-kind names (`Any`, `DeploymentLike`, `JobLike`, or a kind).
    pub fn new(kinds: Vec<String>) -> Scope {
        Scope { kinds }
    }

    /// Whether the scope covers `obj`.
    pub fn matches(&self, obj: &Object) -> bool {
        self.kinds.iter().any(|k| match k.as_str() {
            "Any" => true,
            "DeploymentLike" => obj.is_deployment_like(),
            "JobLike" => obj.group() == "batch" && (obj.kind == "Job" || obj.kind == "CronJob"),
            kind => kind == obj.kind,
        })
    }
}

/// An enabled check: metadata, scope and bound logic.
pub struct Check {
    /// Metadata.
    pub meta: Arc<CheckMeta>,
    scope: Scope,
    logic: Box<dyn CheckFn>,
    remediation: Option<Arc<str>>,
    references: Arc<References>,
    name: Arc<str>,
}

impl std::fmt::Debug for Check {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Check")
            .field("name", &self.meta.name)
            .finish()
    }
}

/// Template registry, keyed by template key.
pub type Templates = BTreeMap<&'static str, &'static dyn Template>;

/// Builds a check from its spec.
pub fn build_check(
    spec: &CheckSpec,
    templates: &Templates,
    builtin: bool,
    config: &Config,
) -> Result<Check, Vec<String>> {
    let Some(template) = templates.get(spec.template.as_str()) else {
        return Err(vec![format!(
            "check `{}`: unknown template `{}`",
            spec.name, spec.template
        )]);
    };
    let mut params = spec.params.clone();
    if let Some(over) = config.params.get(&spec.name) {
        if let (serde_json::Value::Object(base), serde_json::Value::Object(o)) = (&mut params, over)
        {
            for (k, v) in o {
                base.insert(k.clone(), v.clone());
            }
        } else {
            params = over.clone();
        }
    }
    let bound = Params::validate(template.params(), &params).map_err(|es| {
        es.into_iter()
            .map(|e| format!("check `{}`: {e}", spec.name))
            .collect::<Vec<_>>()
    })?;
    let logic = template
        .instantiate(&bound)
        .map_err(|e| vec![format!("check `{}`: {e}", spec.name)])?;
    let kinds = if spec.object_kinds.is_empty() {
        template
            .supported_kinds()
            .iter()
            .map(|s| s.to_string())
            .collect()
    } else {
        spec.object_kinds.clone()
    };
    let severity = config
        .severity
        .get(&spec.name)
        .copied()
        .unwrap_or(spec.severity);
    let meta = CheckMeta {
        name: spec.name.clone(),
        template: spec.template.clone(),
        severity,
        category: spec.category.clone(),
        description: spec.description.clone(),
        rationale: spec.rationale.clone(),
        remediation: spec.remediation.clone(),
        references: spec.references.clone(),
        enabled_by_default: spec.enabled_by_default,
        object_kinds: kinds.clone(),
        params: bound.to_json(),
        builtin,
        example: spec.example.clone(),
        use_instead: spec.use_instead.clone(),
    };
    Ok(Check {
        remediation: (!spec.remediation.is_empty()).then(|| Arc::from(spec.remediation.as_str())),
        references: Arc::new(spec.references.clone()),
        name: Arc::from(spec.name.as_str()),
        meta: Arc::new(meta),
        scope: Scope::new(kinds),
        logic,
    })
}

/// Options of a run that come from outside the core.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Today as `YYYY-MM-DD`, for `until=` dates of suppression comments.
    pub today: Option<String>,
}

/// The enabled checks, ready to run.
#[derive(Debug)]
pub struct Engine {
    checks: Vec<Check>,
    exclusions: Exclusions,
}

impl Engine {
    /// Resolves the enabled checks as KubeLinter does: the defaults (unless
    /// `doNotAutoAddDefaults`), all built-ins with `addAllBuiltIn`, every custom check, plus
    /// `include`, minus `exclude` (which always wins). Unknown names are errors.
    pub fn new(
        templates: &Templates,
        builtins: &[CheckSpec],
        config: &Config,
    ) -> Result<Engine, Vec<ConfigError>> {
        let mut errors = Vec::new();
        let cfg_path = config
            .source
            .as_ref()
            .map_or_else(|| "<flags>".to_string(), |s| s.path().to_string());
        let err = |message: String| ConfigError {
            path: cfg_path.clone(),
            line: 0,
            column: 0,
            message,
        };
        let mut by_name: HashMap<&str, (&CheckSpec, bool)> = HashMap::new();
        for spec in builtins {
            by_name.insert(&spec.name, (spec, true));
        }
        for spec in &config.custom_checks {
            if by_name.insert(&spec.name, (spec, false)).is_some() {
                let lc = spec.origin.0.line_col(spec.origin.1.start);
                errors.push(ConfigError {
                    path: spec.origin.0.path().to_string(),
                    line: lc.line,
                    column: lc.column,
                    message: format!("check `{}` is defined twice (custom check names must be unique and differ from built-ins)", spec.name),
                });
            }
        }
        let mut enabled: Vec<&str> = Vec::new();
        for spec in builtins {
            if (spec.enabled_by_default && !config.do_not_auto_add_defaults)
                || config.add_all_builtin
            {
                enabled.push(&spec.name);
            }
        }
        enabled.extend(config.custom_checks.iter().map(|c| c.name.as_str()));
        for name in &config.include {
            if by_name.contains_key(name.as_str()) {
                enabled.push(name);
            } else {
                errors.push(err(format!(
                    "included check `{name}` does not exist (see `kubeguard checks list`)"
                )));
            }
        }
        for name in &config.exclude {
            if !by_name.contains_key(name.as_str()) {
                errors.push(err(format!(
                    "excluded check `{name}` does not exist (see `kubeguard checks list`)"
                )));
            }
        }
        for name in config.severity.keys().chain(config.params.keys()) {
            if !by_name.contains_key(name.as_str()) {
                errors.push(err(format!("configured check `{name}` does not exist")));
            }
        }
        enabled.retain(|n| !config.exclude.iter().any(|e| e == n));
        enabled.sort_unstable();
        enabled.dedup();
        let mut checks = Vec::new();
        for name in enabled {
            let (spec, builtin) = by_name[name];
            match build_check(spec, templates, builtin, config) {
                Ok(c) => checks.push(c),
                Err(es) => {
                    let lc = spec.origin.0.line_col(spec.origin.1.start);
                    for message in es {
                        errors.push(ConfigError {
                            path: spec.origin.0.path().to_string(),
                            line: lc.line,
                            column: lc.column,
                            message,
                        });
                    }
                }
            }
        }
        let exclusions = match Exclusions::new(&config.exclusions) {
            Ok(e) => e,
            Err(m) => {
                errors.push(err(m));
                Exclusions::default()
            }
        };
        if errors.is_empty() {
            Ok(Engine { checks, exclusions })
        } else {
            Err(errors)
        }
    }

    /// The enabled checks, sorted by name.
    pub fn checks(&self) -> impl Iterator<Item = &Arc<CheckMeta>> {
        self.checks.iter().map(|c| &c.meta)
    }

    /// The notes of the enabled checks (see [`CheckFn::notes`]), each as `<check>: <note>`, in
    /// check order.
    pub fn notes(&self) -> Vec<String> {
        self.checks
            .iter()
            .flat_map(|c| {
                c.logic
                    .notes()
                    .into_iter()
                    .map(move |n| format!("{}: {n}", c.meta.name))
            })
            .collect()
    }

    /// Runs every enabled check on every object of `ctx`, objects in parallel. Findings
    /// come back in object order, then check order; suppressed ones are flagged, not dropped.
    pub fn run(&self, ctx: &Context, opts: &RunOptions) -> Vec<Finding> {
        // Which sources hold suppression comments at all, scanned once per file rather than
        // looked for around every finding.
        let mut commented: HashMap<usize, bool> = HashMap::new();
        for o in &ctx.objects {
            commented
                .entry(Arc::as_ptr(&o.source) as usize)
                .or_insert_with(|| o.source.text().contains(COMMENT_MARKER));
        }
        ctx.objects
            .par_iter()
            .with_min_len(16)
            .flat_map_iter(|obj| {
                let has_comments = commented
                    .get(&(Arc::as_ptr(&obj.source) as usize))
                    .copied()
                    .unwrap_or(true);
                self.run_checks(ctx, obj, opts, has_comments)
            })
            .collect()
    }

    /// Runs the checks on one object.
    pub fn run_object(&self, ctx: &Context, obj: &Object, opts: &RunOptions) -> Vec<Finding> {
        self.run_checks(ctx, obj, opts, true)
    }

    fn run_checks(
        &self,
        ctx: &Context,
        obj: &Object,
        opts: &RunOptions,
        has_comments: bool,
    ) -> Vec<Finding> {
        let mut out = Vec::new();
        let mut diags = Vec::new();
        let mut object: Option<Arc<ObjectRef>> = None;
        let annotated = obj.annotations().is_some()
            || obj
                .pod_template_metadata()
                .and_then(|m| m.get("annotations"))
                .is_some();
        for check in &self.checks {
            if !check.scope.matches(obj) {
                continue;
            }
            diags.clear();
            check.logic.check(ctx, obj, &mut diags);
            for d in diags.drain(..) {
                let object = object
                    .get_or_insert_with(|| Arc::new(object_ref(obj)))
                    .clone();
                out.push(self.finding(check, obj, object, d, opts, annotated, has_comments));
            }
        }
        out
    }

    #[allow(clippy::too_many_arguments)]
    fn finding(
        &self,
        check: &Check,
        obj: &Object,
        object: Arc<ObjectRef>,
        d: Diagnostic,
        opts: &RunOptions,
        annotated: bool,
        has_comments: bool,
    ) -> Finding {
        let location =
            (!obj.source.text().is_empty()).then(|| obj.source.location(&obj.path, d.field.span));
        let mut message = d.message;
        let mut suppressed = if annotated {
            by_annotation(obj, &check.meta.name, d.container.as_deref())
        } else {
            None
        };
        if suppressed.is_none()
            && has_comments
            && let Some(loc) = &location
        {
            match by_comment(obj, loc.start.line, &check.meta.name, opts.today.as_deref()) {
                Verdict::Suppressed(s) => suppressed = Some(s),
                Verdict::Expired(date) => {
                    message.push_str(&format!(" (a kubeguard:ignore comment expired on {date})"));
                }
                Verdict::None => {}
            }
        }
        if suppressed.is_none() {
            suppressed = self.exclusions.find(&check.meta.name, obj);
        }
        Finding {
            check: check.name.clone(),
            severity: check.meta.severity,
            message,
            remediation: check.remediation.clone(),
            object,
            location,
            field: d.field.path,
            references: check.references.clone(),
            suppressed: suppressed.map(Box::new),
        }
    }
}

/// The identity of an object as findings carry it.
pub fn object_ref(obj: &Object) -> ObjectRef {
    ObjectRef {
        api_version: obj.api_version.clone(),
        kind: obj.kind.clone(),
        namespace: obj.namespace.clone(),
        name: obj.name.clone(),
    }
}
