//! `kubeguard pss`: the Pod Security Standards level of every workload, every violation with
//! its location, and what the Pod Security Admission labels of the namespaces among the inputs
//! (over an optional admission configuration) would do with the workloads' pods.
//!
//! Inputs are read as `lint` reads them ([`crate::inputs::load`]: files, directories, stdin,
//! Kustomize and Helm rendering). The analysis ([`analyze`]) is pure; this module then moves
//! locations on rendered Kustomize objects back to their source files and renders text or
//! JSON (the format is documented in `docs/pss.md`). When PodSecurityPolicy objects are among
//! the inputs, [`psp`] adds their audit and the namespaces' migration to Pod Security
//! Admission labels.

pub mod psp;

use crate::json::location_json;
use kubeguard_report::sanitize;
use std::collections::{BTreeMap, HashMap};
use std::io::{self, IsTerminal, Write};
use std::path::Path;
use std::sync::Arc;

use annotate_snippets::renderer::DecorStyle;
use annotate_snippets::{AnnotationKind, Element, Group, Level as Lvl, Origin, Renderer, Snippet};
use anyhow::{Context as _, Result};
use kubeguard_engine::InputError;
use kubeguard_model::{Object, Seg, locate};
use kubeguard_pss::namespace::LABEL_PREFIX;
use kubeguard_pss::{
    AdmissionConfig, ConfigSource, Decision, Evaluation, Exemption, LabelProblem, Level,
    LevelVersion, Mode, NamespaceLabels, PodSecurityConfig, Policy, Version, Violation,
    evaluate_all, parse_config,
};
use kubeguard_source::{Limits, Location, SourceFile, parse_documents};
use serde_json::{Value as Json, json};

use crate::ExitStatus;
use crate::cli::{ColorChoice, PssArgs, PssFormat};
use crate::inputs::{LoadOptions, load};
use crate::render::Remapper;

/// What the analysis is run with.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// The policy version workloads are evaluated at.
    pub version: Version,
    /// The `PodSecurity` admission configuration, when one was given.
    pub config: Option<PodSecurityConfig>,
    /// The requesting user, for username exemptions.
    pub username: Option<String>,
}

/// The outcome of one admission mode for one workload.
#[derive(Debug, Clone)]
pub struct ModeOutcome {
    /// The mode.
    pub mode: Mode,
    /// Its level and version in the namespace.
    pub policy: LevelVersion,
    /// The violations at that level and version (empty: allowed).
    pub violations: Vec<Violation>,
}

impl ModeOutcome {
    /// Whether the pod is allowed (no violation).
    pub fn allowed(&self) -> bool {
        self.violations.is_empty()
    }

    /// The distinct controls violated, as `level/control`, in report order.
    pub fn controls(&self) -> Vec<String> {
        distinct_controls(&self.violations)
    }
}

/// The distinct controls of `violations`, as `level/control`, in order.
fn distinct_controls(violations: &[Violation]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for v in violations {
        let id = format!("{}/{}", v.level, v.control.id());
        if !out.contains(&id) {
            out.push(id);
        }
    }
    out
}

/// What Pod Security Admission would do with a workload's pods.
#[derive(Debug, Clone)]
pub struct Admission {
    /// The namespace (`default` when the object has none).
    pub namespace: String,
    /// Whether a Namespace object of that name is among the inputs (otherwise the
    /// configuration's defaults apply, as for a namespace without labels).
    pub namespace_found: bool,
    /// Set when the pod is not checked at all.
    pub exempt: Option<Exemption>,
    /// Enforce, audit and warn, in that order (empty when exempt).
    pub modes: Vec<ModeOutcome>,
}

impl Admission {
    /// The enforce outcome, unless exempt.
    pub fn enforce(&self) -> Option<&ModeOutcome> {
        self.modes.iter().find(|m| m.mode == Mode::Enforce)
    }

    /// Whether the namespace's enforce mode would reject the pods.
    pub fn rejected(&self) -> bool {
        self.enforce().is_some_and(|m| !m.allowed())
    }
}

/// One workload (a Pod or any object with a pod template).
#[derive(Debug, Clone)]
pub struct WorkloadReport {
    /// Index of the object in the analyzed slice.
    pub index: usize,
    /// `apiVersion`, `kind`, `namespace`, `name`.
    pub api_version: String,
    /// Kind.
    pub kind: String,
    /// `metadata.namespace`, `None` when absent.
    pub namespace: Option<String>,
    /// Name.
    pub name: String,
    /// Where the object is (its `kind:`).
    pub location: Option<Location>,
    /// The strictest level met.
    pub level: Level,
    /// Baseline and Restricted at the evaluated version.
    pub evaluation: Evaluation,
    /// Every violation of every level the workload fails: Baseline's, then Restricted's not
    /// already listed.
    pub violations: Vec<Violation>,
    /// How many of `violations` (the first ones) are Baseline's.
    pub baseline_violations: usize,
    /// The fields of violations that are absent (required fields, located at a parent).
    pub missing: Vec<String>,
    /// Admission by the workload's namespace, when its Namespace is among the inputs or an
    /// admission configuration was given.
    pub admission: Option<Admission>,
}

impl WorkloadReport {
    /// Whether the workload meets `level`.
    pub fn meets(&self, level: Level) -> bool {
        self.evaluation.allows(level)
    }

    /// `Kind namespace/name` (or `Kind name`).
    pub fn label(&self) -> String {
        match &self.namespace {
            Some(ns) => format!("{} {ns}/{}", self.kind, self.name),
            None => format!("{} {}", self.kind, self.name),
        }
    }
}

/// A problem with a Namespace's Pod Security Admission labels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamespaceProblem {
    /// `no-enforce-label`, `enforce-privileged`, `invalid-label`, `unknown-label` or
    /// `duplicate-namespace`.
    pub kind: &'static str,
    /// What is wrong.
    pub message: String,
    /// The label's path (`metadata.labels[pod-security.kubernetes.io/enforce]`).
    pub field: String,
    /// Where.
    pub location: Option<Location>,
}

/// One Namespace object among the inputs.
#[derive(Debug, Clone)]
pub struct NamespaceReport {
    /// Index of the object in the analyzed slice.
    pub index: usize,
    /// The namespace's name.
    pub name: String,
    /// Where the object is (its `kind:`).
    pub location: Option<Location>,
    /// The `pod-security.kubernetes.io/*` labels as written, in order.
    pub labels: Vec<(String, String)>,
    /// The effective policy: labels over the configured defaults (invalid values replaced
    /// as upstream does).
    pub policy: Policy,
    /// Why the namespace is exempt, if it is.
    pub exempt: Option<Exemption>,
    /// Workloads in it.
    pub workloads: usize,
    /// Workloads its enforce level would reject.
    pub rejected: usize,
    /// Problems with its labels.
    pub problems: Vec<NamespaceProblem>,
}

/// Everything `kubeguard pss` reports.
#[derive(Debug, Clone, Default)]
pub struct PssReport {
    /// The version workloads were evaluated at.
    pub version: Version,
    /// Workloads in input order.
    pub workloads: Vec<WorkloadReport>,
    /// Namespace objects in input order.
    pub namespaces: Vec<NamespaceReport>,
    /// PodSecurityPolicy objects in input order (empty when there are none).
    pub psps: Vec<psp::PspReport>,
    /// Per namespace with workloads, the migration from PodSecurityPolicies to Pod Security
    /// Admission labels (empty when no PodSecurityPolicy is among the inputs).
    pub migration: Vec<psp::MigrationReport>,
}

/// Evaluates every workload and Namespace among `objects`.
pub fn analyze(objects: &[Object], settings: &Settings) -> PssReport {
    let config = settings.config.clone().unwrap_or_default();
    let location = |o: &Object| {
        (!o.source.text().is_empty()).then(|| o.source.location(&o.path, o.anchor_span()))
    };
    // Namespaces: the first object of a name wins.
    let mut namespaces: Vec<NamespaceReport> = Vec::new();
    let mut labels_of: HashMap<String, (usize, NamespaceLabels)> = HashMap::new();
    for (index, obj) in objects.iter().enumerate() {
        let Some(labels) = NamespaceLabels::from_object(obj) else {
            continue;
        };
        let mut problems = Vec::new();
        if let Some(&(first, _)) = labels_of.get(&obj.name) {
            let at = location(&objects[first])
                .map(|l| format!(" ({}:{})", l.path, l.start.line))
                .unwrap_or_default();
            problems.push(NamespaceProblem {
                kind: "duplicate-namespace",
                message: format!(
                    "namespace {:?} is defined more than once; the first definition{at} is used",
                    obj.name
                ),
                field: String::new(),
                location: location(obj),
            });
        }
        let exempt = match config.decide(&obj.name, Some(&labels), None, None) {
            Decision::Exempt(e) => Some(e),
            Decision::Evaluate(_) => None,
        };
        let policy = config.namespace_policy(Some(&labels));
        problems.extend(label_problems(
            obj,
            &labels,
            &policy,
            &config,
            exempt.is_some(),
        ));
        namespaces.push(NamespaceReport {
            index,
            name: obj.name.clone(),
            location: location(obj),
            labels: psa_labels(obj),
            policy,
            exempt,
            workloads: 0,
            rejected: 0,
            problems,
        });
        labels_of.entry(obj.name.clone()).or_insert((index, labels));
    }

    let mut workloads = Vec::new();
    for (index, obj) in objects.iter().enumerate() {
        let Some(evaluation) = evaluate_all(obj, settings.version) else {
            continue;
        };
        let level = evaluation.highest_level();
        let mut violations: Vec<Violation> = Vec::new();
        let mut baseline_violations = 0;
        for failed in [Level::Baseline, Level::Restricted] {
            for v in evaluation.violations(failed) {
                if !violations.contains(v) {
                    violations.push(v.clone());
                }
            }
            if failed == Level::Baseline {
                baseline_violations = violations.len();
            }
        }
        let ns = obj.namespace_or_default();
        let labels = labels_of.get(ns).map(|(_, l)| l);
        let admission = (labels.is_some() || settings.config.is_some()).then(|| {
            admission(
                obj,
                &config,
                labels,
                settings.username.as_deref(),
                &evaluation,
            )
        });
        if let Some(a) = &admission
            && let Some(n) = namespaces.iter_mut().find(|n| n.name == a.namespace)
        {
            n.workloads += 1;
            n.rejected += usize::from(a.rejected());
        }
        let missing = violations
            .iter()
            .filter(|v| !field_present(obj, &v.field))
            .map(|v| v.field.clone())
            .collect();
        workloads.push(WorkloadReport {
            index,
            api_version: obj.api_version.clone(),
            kind: obj.kind.clone(),
            namespace: obj.namespace.clone(),
            name: obj.name.clone(),
            location: location(obj),
            level,
            evaluation,
            baseline_violations,
            violations,
            missing,
            admission,
        });
    }
    let (psps, migration) = psp::analyze(objects, settings.version);
    PssReport {
        version: settings.version,
        workloads,
        namespaces,
        psps,
        migration,
    }
}

/// The admission outcome of `obj` in its namespace.
fn admission(
    obj: &Object,
    config: &PodSecurityConfig,
    labels: Option<&NamespaceLabels>,
    username: Option<&str>,
    evaluated: &Evaluation,
) -> Admission {
    let namespace = obj.namespace_or_default().to_string();
    let runtime_class = obj
        .pod_spec()
        .and_then(|p| p.get("runtimeClassName"))
        .and_then(|n| n.scalar_text());
    let decision = config.decide(&namespace, labels, runtime_class.as_deref(), username);
    let mut out = Admission {
        namespace,
        namespace_found: labels.is_some(),
        exempt: None,
        modes: Vec::new(),
    };
    let policy = match decision {
        Decision::Exempt(e) => {
            out.exempt = Some(e);
            return out;
        }
        Decision::Evaluate(p) => p,
    };
    // Evaluations by version: the one already done, others once each.
    let mut by_version: Vec<Evaluation> = vec![evaluated.clone()];
    for mode in Mode::ALL {
        let lv = policy.get(mode);
        let violations = if lv.level == Level::Privileged {
            Vec::new()
        } else {
            let i = match by_version.iter().position(|e| e.version == lv.version) {
                Some(i) => i,
                None => match evaluate_all(obj, lv.version) {
                    Some(e) => {
                        by_version.push(e);
                        by_version.len() - 1
                    }
                    None => continue,
                },
            };
            by_version[i].violations(lv.level).to_vec()
        };
        out.modes.push(ModeOutcome {
            mode,
            policy: lv,
            violations,
        });
    }
    out
}

/// Whether `field` (`spec.containers[0].securityContext`, `metadata.annotations[a.b/c]`) is
/// present in `obj`.
fn field_present(obj: &Object, field: &str) -> bool {
    parse_field(field).is_some_and(|segs| locate(&obj.root, "", &segs).present)
}

/// The segments of a field path: dotted keys, bracketed parts are indices when numeric, map
/// keys otherwise. `None` for an unclosed bracket.
fn parse_field(field: &str) -> Option<Vec<Seg<'_>>> {
    let mut segs = Vec::new();
    let mut rest = field;
    while !rest.is_empty() {
        if let Some(inner) = rest.strip_prefix('[') {
            let end = inner.find(']')?;
            let key = &inner[..end];
            segs.push(match key.parse() {
                Ok(i) => Seg::Index(i),
                Err(_) => Seg::Key(key),
            });
            rest = &inner[end + 1..];
        } else {
            let rest_trimmed = rest.strip_prefix('.').unwrap_or(rest);
            let end = rest_trimmed.find(['.', '[']).unwrap_or(rest_trimmed.len());
            segs.push(Seg::Key(&rest_trimmed[..end]));
            rest = &rest_trimmed[end..];
        }
    }
    Some(segs)
}

/// The `pod-security.kubernetes.io/*` labels of a Namespace as written.
fn psa_labels(obj: &Object) -> Vec<(String, String)> {
    obj.labels()
        .map(|m| {
            m.iter()
                .filter(|(k, _)| k.starts_with(LABEL_PREFIX))
                .map(|(k, v)| {
                    let value = if v.is_null() {
                        String::new()
                    } else {
                        v.scalar_text().unwrap_or_default()
                    };
                    (k.to_string(), value)
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The problems with a Namespace's labels: invalid and unknown labels, a missing or
/// `privileged` enforce label (not reported for exempt namespaces).
fn label_problems(
    obj: &Object,
    labels: &NamespaceLabels,
    policy: &Policy,
    config: &PodSecurityConfig,
    exempt: bool,
) -> Vec<NamespaceProblem> {
    let mut out = Vec::new();
    for d in &labels.diagnostics {
        let (kind, message) = match &d.problem {
            LabelProblem::Invalid(_) => {
                let fallback = if d.label.ends_with("-version") {
                    "latest".to_string()
                } else {
                    Mode::ALL
                        .into_iter()
                        .find(|m| m.level_label() == d.label)
                        .map_or_else(String::new, |m| m.invalid_level_fallback().to_string())
                };
                (
                    "invalid-label",
                    format!("{d}; Pod Security Admission uses {fallback}"),
                )
            }
            LabelProblem::Unknown => ("unknown-label", d.to_string()),
        };
        out.push(NamespaceProblem {
            kind,
            message,
            field: d.field.clone(),
            location: d.location.clone(),
        });
    }
    if exempt {
        return out;
    }
    let label = Mode::Enforce.level_label();
    let field = format!("metadata.labels[{label}]");
    let at = |segs: &[Seg<'_>]| {
        let meta = obj.metadata()?;
        let f = locate(meta, "metadata", segs);
        (!obj.source.text().is_empty()).then(|| obj.source.location(&obj.path, f.span))
    };
    match labels.enforce {
        None => {
            let enforce = policy.enforce;
            let what = if config.defaults.enforce.level == Level::Privileged {
                format!("pods are admitted at {enforce} (nothing is enforced)")
            } else {
                format!("pods are admitted at the configured default {enforce}")
            };
            out.push(NamespaceProblem {
                kind: "no-enforce-label",
                message: format!("no {label} label: {what}"),
                field,
                location: at(&[Seg::Key("labels")]),
            });
        }
        Some(Level::Privileged) if labels.diagnostics.iter().all(|d| d.label != label) => {
            out.push(NamespaceProblem {
                kind: "enforce-privileged",
                message: format!("{label} is privileged: nothing is enforced"),
                field,
                location: at(&[Seg::Key("labels"), Seg::Key(label)]),
            });
        }
        _ => {}
    }
    out
}

/// Reads `--admission-config`: an AdmissionConfiguration (its PodSecurity plugin configuration
/// inline, or in the file its `path` names, relative to the configuration's directory) or a
/// bare PodSecurityConfiguration. Errors are `path:line:col: message` lines.
pub fn load_admission_config(path: &Path) -> Result<PodSecurityConfig, Vec<String>> {
    let config = parse_admission_file(path)?;
    let ConfigSource::File { path: file, .. } = &config.source else {
        return Ok(config.pod_security);
    };
    let target = path
        .parent()
        .map_or_else(|| Path::new(file).to_path_buf(), |dir| dir.join(file));
    let inner = parse_admission_file(&target)?;
    match inner.source {
        ConfigSource::Document => Ok(inner.pod_security),
        _ => Err(vec![format!(
            "{}: expected a PodSecurityConfiguration (named by the plugin path in {})",
            target.display(),
            path.display()
        )]),
    }
}

fn parse_admission_file(path: &Path) -> Result<AdmissionConfig, Vec<String>> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| vec![format!("{shown}: cannot read admission configuration: {e}")])?;
    let source = SourceFile::new(shown.clone(), text);
    let mut roots = Vec::new();
    for doc in parse_documents(source.text(), &Limits::default()) {
        match doc {
            Ok(d) if d.root.is_null() => {}
            Ok(d) => roots.push(d.root),
            Err(e) => {
                let lc = source.line_col(e.offset);
                return Err(vec![format!(
                    "{shown}:{}:{}: {}",
                    lc.line, lc.column, e.message
                )]);
            }
        }
    }
    let root = match roots.len() {
        1 => roots.remove(0),
        0 => {
            return Err(vec![format!(
                "{shown}: the admission configuration is empty"
            )]);
        }
        _ => {
            return Err(vec![format!(
                "{shown}: expected a single YAML document (an AdmissionConfiguration or a PodSecurityConfiguration)"
            )]);
        }
    };
    let path_arc: Arc<str> = Arc::from(shown.as_str());
    parse_config(&root, &source, &path_arc).map_err(|errors| {
        errors
            .iter()
            .map(|e| match &e.location {
                Some(l) => format!("{}:{}:{}: {e}", l.path, l.start.line, l.start.column),
                None => format!("{shown}: {e}"),
            })
            .collect()
    })
}

/// Runs `pss`.
pub fn run(args: &PssArgs) -> Result<ExitStatus> {
    let config = match &args.admission_config {
        Some(path) => match load_admission_config(path) {
            Ok(c) => Some(c),
            Err(errors) => {
                let mut err = anstream::stderr();
                for e in errors {
                    let _ = writeln!(err, "error: {e}");
                }
                return Ok(ExitStatus::Error);
            }
        },
        None => None,
    };
    let opts = LoadOptions::new(&args.input, &args.ignore_paths).map_err(anyhow::Error::msg)?;
    let mut loaded = load(&args.paths, &opts);
    let objects = loaded.take_objects();
    let mut sources = loaded.sources;
    if objects.is_empty() {
        let _ = writeln!(
            anstream::stderr(),
            "warning: no valid Kubernetes objects found"
        );
    }
    let settings = Settings {
        version: args.version,
        config,
        username: args.username.clone(),
    };
    let mut report = analyze(&objects, &settings);
    if !loaded.origins.is_empty() {
        relocate(
            &mut report,
            &objects,
            &mut Remapper::new(&loaded.origins),
            &mut sources,
        );
    }
    let mut errors = loaded.errors;
    errors.sort();
    let mut skipped = loaded.skipped;
    skipped.sort();

    let gate = args.level.map(|l| l.level());
    let to_terminal = std::io::stdout().is_terminal();
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let mut w = io::BufWriter::new(io::stdout().lock());
    let written = match args.format {
        PssFormat::Json => {
            let doc = to_json(&report, &errors, gate);
            serde_json::to_writer_pretty(&mut w, &doc)
                .map_err(io::Error::from)
                .and_then(|()| writeln!(w))
        }
        PssFormat::Text => {
            let text = TextOptions {
                color,
                gate,
                verbose: args.verbose,
            };
            render_text(&report, &errors, &skipped, &sources, &text, &mut w)
        }
    }
    .and_then(|()| w.flush());
    if let Err(e) = written
        && e.kind() != io::ErrorKind::BrokenPipe
    {
        return Err(e).context("writing to stdout");
    }
    Ok(status(&report, &errors, gate))
}

/// The exit status: errors first, then the `--level` gate.
pub fn status(report: &PssReport, errors: &[InputError], gate: Option<Level>) -> ExitStatus {
    if !errors.is_empty() {
        return ExitStatus::Error;
    }
    let Some(level) = gate else {
        return ExitStatus::Clean;
    };
    let fails = report
        .workloads
        .iter()
        .any(|w| !w.meets(level) || w.admission.as_ref().is_some_and(Admission::rejected));
    if fails {
        ExitStatus::Findings
    } else {
        ExitStatus::Clean
    }
}

/// Moves locations on rendered Kustomize objects to their source files where the field has
/// the same value there.
fn relocate(
    report: &mut PssReport,
    objects: &[Object],
    remapper: &mut Remapper<'_>,
    sources: &mut BTreeMap<Arc<str>, Arc<SourceFile>>,
) {
    for w in &mut report.workloads {
        let obj = &objects[w.index];
        if !remapper.covers(&obj.path) {
            continue;
        }
        relocate_violations(obj, &mut w.violations, remapper, sources);
        if let Some(a) = &mut w.admission {
            for m in &mut a.modes {
                relocate_violations(obj, &mut m.violations, remapper, sources);
            }
        }
        if let Some(l) = remapper.object(obj, sources) {
            w.location = Some(l);
        }
    }
    for n in &mut report.namespaces {
        let obj = &objects[n.index];
        if !remapper.covers(&obj.path) {
            continue;
        }
        for p in &mut n.problems {
            if let Some(l) = (!p.field.is_empty())
                .then(|| remapper.field(obj, &p.field, sources))
                .flatten()
            {
                p.location = Some(l);
            }
        }
        if let Some(l) = remapper.object(obj, sources) {
            n.location = Some(l);
        }
    }
    psp::relocate(
        &mut report.psps,
        &mut report.migration,
        objects,
        remapper,
        sources,
    );
}

fn relocate_violations(
    obj: &Object,
    violations: &mut [Violation],
    remapper: &mut Remapper<'_>,
    sources: &mut BTreeMap<Arc<str>, Arc<SourceFile>>,
) {
    for v in violations {
        if let Some(l) = remapper.field(obj, &v.field, sources) {
            v.location = Some(l);
        }
    }
}

// ---------------------------------------------------------------------------------------
// JSON

fn violation_json(v: &Violation) -> Json {
    json!({
        "level": v.level.as_str(),
        "control": v.control.id(),
        "message": v.message,
        "field": v.field,
        "location": location_json(v.location.as_ref()),
    })
}

fn level_version_json(lv: LevelVersion) -> Json {
    json!({ "level": lv.level.as_str(), "version": lv.version.to_string() })
}

fn admission_json(a: &Admission) -> Json {
    let mut o = serde_json::Map::new();
    o.insert("namespace".into(), json!(a.namespace));
    o.insert("namespaceFound".into(), json!(a.namespace_found));
    o.insert(
        "exempt".into(),
        a.exempt
            .as_ref()
            .map_or(Json::Null, |e| json!(e.to_string())),
    );
    for m in &a.modes {
        o.insert(
            m.mode.as_str().into(),
            json!({
                "level": m.policy.level.as_str(),
                "version": m.policy.version.to_string(),
                "allowed": m.allowed(),
                "controls": m.controls(),
            }),
        );
    }
    Json::Object(o)
}

/// The JSON document (see `docs/pss.md`).
pub fn to_json(report: &PssReport, errors: &[InputError], gate: Option<Level>) -> Json {
    let workloads: Vec<Json> = report
        .workloads
        .iter()
        .map(|w| {
            let mut o = serde_json::Map::new();
            o.insert(
                "object".into(),
                json!({
                    "apiVersion": w.api_version,
                    "kind": w.kind,
                    "namespace": w.namespace,
                    "name": w.name,
                }),
            );
            o.insert("location".into(), location_json(w.location.as_ref()));
            o.insert("level".into(), json!(w.level.as_str()));
            o.insert(
                "violations".into(),
                Json::Array(w.violations.iter().map(violation_json).collect()),
            );
            if let Some(a) = &w.admission {
                o.insert("admission".into(), admission_json(a));
            }
            Json::Object(o)
        })
        .collect();
    let namespaces: Vec<Json> = report
        .namespaces
        .iter()
        .map(|n| {
            json!({
                "name": n.name,
                "location": location_json(n.location.as_ref()),
                "labels": n.labels.iter().map(|(k, v)| (k.clone(), json!(v))).collect::<serde_json::Map<_, _>>(),
                "policy": {
                    "enforce": level_version_json(n.policy.enforce),
                    "audit": level_version_json(n.policy.audit),
                    "warn": level_version_json(n.policy.warn),
                },
                "exempt": n.exempt.as_ref().map(ToString::to_string),
                "workloads": n.workloads,
                "rejected": n.rejected,
                "problems": n.problems.iter().map(|p| json!({
                    "problem": p.kind,
                    "message": p.message,
                    "field": p.field,
                    "location": location_json(p.location.as_ref()),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let errors: Vec<Json> = errors
        .iter()
        .map(|e| {
            json!({
                "path": e.path,
                "line": e.line,
                "column": e.column,
                "message": e.message,
            })
        })
        .collect();
    let mut doc = serde_json::Map::new();
    doc.insert("version".into(), json!(1));
    doc.insert("policyVersion".into(), json!(report.version.to_string()));
    doc.insert("gate".into(), json!(gate.map(Level::as_str)));
    doc.insert("workloads".into(), Json::Array(workloads));
    doc.insert("namespaces".into(), Json::Array(namespaces));
    if !report.psps.is_empty() {
        doc.insert("podSecurityPolicies".into(), psp::psps_json(&report.psps));
        doc.insert("migration".into(), psp::migration_json(&report.migration));
    }
    doc.insert("errors".into(), Json::Array(errors));
    Json::Object(doc)
}

// ---------------------------------------------------------------------------------------
// Text

/// Options of the text format.
#[derive(Debug, Clone, Copy, Default)]
pub struct TextOptions {
    /// ANSI colours.
    pub color: bool,
    /// The `--level` gate, if any.
    pub gate: Option<Level>,
    /// List skipped inputs.
    pub verbose: bool,
}

/// The text format: one block per workload (violations as code frames, admission notes),
/// then namespace problems, PodSecurityPolicies and their migration by namespace, input
/// errors and a summary line.
pub fn render_text(
    report: &PssReport,
    errors: &[InputError],
    skipped: &[kubeguard_engine::Skipped],
    sources: &BTreeMap<Arc<str>, Arc<SourceFile>>,
    opts: &TextOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let renderer = if opts.color {
        Renderer::styled()
    } else {
        Renderer::plain()
    }
    .decor_style(DecorStyle::Ascii);
    for w in &report.workloads {
        let group = workload_group(w, sources, opts.gate);
        writeln!(out, "{}\n", renderer.render(&[group]))?;
    }
    for n in report.namespaces.iter().filter(|n| !n.problems.is_empty()) {
        let group = namespace_group(n, sources);
        writeln!(out, "{}\n", renderer.render(&[group]))?;
    }
    for p in &report.psps {
        let group = psp::psp_group(p, report.version, sources);
        writeln!(out, "{}\n", renderer.render(&[group]))?;
    }
    for m in &report.migration {
        let group = psp::migration_group(m, report.version);
        writeln!(out, "{}\n", renderer.render(&[group]))?;
    }
    for e in errors {
        writeln!(out, "error: {}", sanitize(&e.to_string()))?;
    }
    if !errors.is_empty() {
        writeln!(out)?;
    }
    if opts.verbose && !skipped.is_empty() {
        for s in skipped {
            writeln!(
                out,
                "skipped: {}: {}",
                sanitize(&s.path),
                sanitize(&s.reason)
            )?;
        }
        writeln!(out)?;
    }
    writeln!(out, "{}", summary_line(report, errors.len(), opts.gate))
}

/// `5 workloads at policy latest: 1 restricted, 2 baseline, 2 privileged; ...`.
pub fn summary_line(report: &PssReport, errors: usize, gate: Option<Level>) -> String {
    let ws = &report.workloads;
    let count = |l: Level| ws.iter().filter(|w| w.level == l).count();
    let mut s = format!(
        "{} at policy {}: {} restricted, {} baseline, {} privileged",
        plural(ws.len(), "workload", "workloads"),
        report.version,
        count(Level::Restricted),
        count(Level::Baseline),
        count(Level::Privileged)
    );
    if let Some(level) = gate {
        let failing = ws.iter().filter(|w| !w.meets(level)).count();
        s.push_str(&format!("; {failing} fail {level}"));
    }
    let rejected = ws
        .iter()
        .filter(|w| w.admission.as_ref().is_some_and(Admission::rejected))
        .count();
    if ws.iter().any(|w| w.admission.is_some()) {
        s.push_str(&format!(
            "; {rejected} rejected by their namespace's enforce level"
        ));
    }
    let problems: usize = report.namespaces.iter().map(|n| n.problems.len()).sum();
    if !report.namespaces.is_empty() {
        s.push_str(&format!(
            "; {} with {}",
            plural(report.namespaces.len(), "namespace", "namespaces"),
            plural(problems, "label problem", "label problems")
        ));
    }
    if !report.psps.is_empty() {
        s.push_str(&format!(
            "; {}",
            psp::summary(&report.psps, &report.migration)
        ));
    }
    s.push_str(&format!("; {}", plural(errors, "error", "errors")));
    s
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The annotate-snippets group of one workload.
fn workload_group<'a>(
    w: &'a WorkloadReport,
    sources: &'a BTreeMap<Arc<str>, Arc<SourceFile>>,
    gate: Option<Level>,
) -> Group<'a> {
    let rejected = w.admission.as_ref().is_some_and(Admission::rejected);
    let level = match gate {
        Some(g) if !w.meets(g) || rejected => Lvl::ERROR,
        Some(_) => Lvl::NOTE,
        None if rejected => Lvl::ERROR,
        None => match w.level {
            Level::Privileged => Lvl::ERROR,
            Level::Baseline => Lvl::WARNING,
            Level::Restricted => Lvl::NOTE,
        },
    };
    let title = level
        .with_name(w.level.as_str())
        .primary_title(sanitize(&w.label()));
    let mut elements: Vec<Element<'a>> = Vec::new();
    if let Some(loc) = &w.location {
        elements.push(origin(loc).into());
    }
    let (baseline, more) = w.violations.split_at(w.baseline_violations);
    if !baseline.is_empty() {
        elements.push(
            Lvl::NOTE
                .no_name()
                .message(format!(
                    "fails baseline: {}",
                    plural(baseline.len(), "violation", "violations")
                ))
                .into(),
        );
        for v in baseline {
            elements.extend(violation_elements(v, w.missing.contains(&v.field), sources));
        }
    }
    if !w.meets(Level::Restricted) {
        let text = if baseline.is_empty() {
            format!(
                "fails restricted: {}",
                plural(more.len(), "violation", "violations")
            )
        } else {
            format!(
                "fails restricted: the violations above and {} more",
                more.len()
            )
        };
        elements.push(Lvl::NOTE.no_name().message(text).into());
        for v in more {
            elements.extend(violation_elements(v, w.missing.contains(&v.field), sources));
        }
    }
    if let Some(a) = &w.admission {
        elements.extend(admission_elements(a));
    }
    title.elements(elements)
}

/// A code frame of one violation, labelled `level/control: message`, and the field when it
/// is missing (the frame then shows its nearest parent).
fn violation_elements<'a>(
    v: &'a Violation,
    missing: bool,
    sources: &'a BTreeMap<Arc<str>, Arc<SourceFile>>,
) -> Vec<Element<'a>> {
    let label = sanitize(&format!("{}/{}: {}", v.level, v.control.id(), v.message));
    let mut out: Vec<Element<'a>> = Vec::new();
    match &v.location {
        Some(loc) => match sources
            .get(&*loc.path)
            .and_then(|s| frame(s, loc, label.clone()))
        {
            Some(snippet) => out.push(snippet.into()),
            None => {
                out.push(origin(loc).into());
                out.push(Lvl::NOTE.no_name().message(label).into());
            }
        },
        None => out.push(Lvl::NOTE.no_name().message(label).into()),
    }
    if missing {
        out.push(
            Lvl::NOTE
                .with_name("missing")
                .message(sanitize(&v.field))
                .into(),
        );
    }
    out
}

/// Notes on what the namespace's admission modes do with the workload's pods.
fn admission_elements(a: &Admission) -> Vec<Element<'static>> {
    let ns = sanitize(&a.namespace);
    let whence = if a.namespace_found {
        String::new()
    } else {
        " (not among the inputs: the configured defaults apply)".to_string()
    };
    if let Some(e) = &a.exempt {
        return vec![
            Lvl::NOTE
                .with_name("admission")
                .message(format!("{}: not checked", sanitize(&e.to_string())))
                .into(),
        ];
    }
    let mut out = Vec::new();
    for m in &a.modes {
        let p = m.policy;
        let controls = m.controls().join(", ");
        let verb = match m.mode {
            Mode::Enforce => "enforces",
            Mode::Audit => "audits",
            Mode::Warn => "warns at",
        };
        let text = match (m.mode, m.allowed()) {
            (_, true) => format!("namespace {ns:?}{whence} {verb} {p}: allowed"),
            (Mode::Enforce, false) => {
                format!(
                    "namespace {ns:?}{whence} {verb} {p}: its pods would be rejected ({controls})"
                )
            }
            (Mode::Audit, false) => format!(
                "namespace {ns:?}{whence} {verb} {p}: violations would be recorded in the audit log ({controls})"
            ),
            (Mode::Warn, false) => {
                format!("namespace {ns:?}{whence} {verb} {p}: clients would be warned ({controls})")
            }
        };
        let level = if m.mode == Mode::Enforce && !m.allowed() {
            Lvl::ERROR.with_name("rejected")
        } else {
            Lvl::NOTE.with_name(m.mode.as_str())
        };
        if p.level == Level::Privileged && m.mode != Mode::Enforce {
            continue;
        }
        out.push(level.message(text).into());
    }
    out
}

/// The annotate-snippets group of a Namespace with label problems.
fn namespace_group<'a>(
    n: &'a NamespaceReport,
    sources: &'a BTreeMap<Arc<str>, Arc<SourceFile>>,
) -> Group<'a> {
    let invalid = n.problems.iter().any(|p| p.kind == "invalid-label");
    let level = if invalid { Lvl::ERROR } else { Lvl::WARNING };
    let title = level
        .with_name("namespace")
        .primary_title(sanitize(&format!("Namespace {}", n.name)));
    let mut elements: Vec<Element<'a>> = Vec::new();
    for p in &n.problems {
        let label = sanitize(&p.message);
        match &p.location {
            Some(loc) => match sources
                .get(&*loc.path)
                .and_then(|s| frame(s, loc, label.clone()))
            {
                Some(snippet) => elements.push(snippet.into()),
                None => {
                    elements.push(origin(loc).into());
                    elements.push(Lvl::NOTE.no_name().message(label).into());
                }
            },
            None => elements.push(Lvl::NOTE.no_name().message(label).into()),
        }
    }
    if let Some(e) = &n.exempt {
        elements.push(
            Lvl::NOTE
                .with_name("exempt")
                .message(sanitize(&e.to_string()))
                .into(),
        );
    }
    elements.push(
        Lvl::NOTE
            .with_name("policy")
            .message(format!(
                "enforce {}, audit {}, warn {}",
                n.policy.enforce, n.policy.audit, n.policy.warn
            ))
            .into(),
    );
    if n.policy.enforce.level == Level::Privileged && n.exempt.is_none() {
        elements.push(
            Lvl::HELP
                .message(format!(
                    "label it {}: baseline (or restricted) so that pods which could take over their node are rejected",
                    Mode::Enforce.level_label()
                ))
                .into(),
        );
    }
    title.elements(elements)
}

fn origin(loc: &Location) -> Origin<'_> {
    Origin::path(loc.path.as_ref())
        .line(loc.start.line as usize)
        .char_column(loc.start.column as usize)
}

/// The code frame of `loc`: its first line, the span (up to the end of that line) underlined
/// and labelled. `None` when the span does not fit the text.
fn frame<'a>(
    src: &'a SourceFile,
    loc: &'a Location,
    label: String,
) -> Option<Snippet<'a, annotate_snippets::Annotation<'a>>> {
    let text = src.text();
    let (start, end) = (loc.span.start as usize, loc.span.end as usize);
    if start > end
        || end > text.len()
        || !text.is_char_boundary(start)
        || !text.is_char_boundary(end)
    {
        return None;
    }
    let first = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let eol = text[start..].find('\n').map_or(text.len(), |i| start + i);
    if eol - first > 4096 {
        return None;
    }
    let end = end.min(eol);
    let line = src.line_col(loc.span.start).line as usize;
    Some(
        Snippet::source(&text[first..eol])
            .line_start(line)
            .path(loc.path.as_ref())
            .annotation(
                AnnotationKind::Primary
                    .span(start - first..end - first)
                    .label(label),
            ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn objects(text: &str) -> Vec<Object> {
        let (objects, errors) = Object::parse_all("t.yaml", text);
        assert!(errors.is_empty(), "{errors:?}");
        objects
    }

    fn config(text: &str) -> PodSecurityConfig {
        let source = SourceFile::new("ac.yaml", text);
        let root = parse_documents(source.text(), &Limits::default())
            .remove(0)
            .expect("parses")
            .root;
        parse_config(&root, &source, &Arc::from("ac.yaml"))
            .expect("valid")
            .pod_security
    }

    const NAMESPACES: &str = "apiVersion: v1
kind: Namespace
metadata:
  name: strict
  labels:
    pod-security.kubernetes.io/enforce: baseline
    pod-security.kubernetes.io/enforce-version: v1.18
    pod-security.kubernetes.io/warn: restricted
---
apiVersion: v1
kind: Namespace
metadata:
  name: open
---
apiVersion: v1
kind: Namespace
metadata:
  name: typo
  labels:
    pod-security.kubernetes.io/enforce: Baseline
    pod-security.kubernetes.io/audit-versoin: v1.2
---
apiVersion: v1
kind: Namespace
metadata:
  name: open
  labels: {pod-security.kubernetes.io/enforce: privileged}
";

    /// Unconfined seccomp: Baseline from v1.19 forbids it, v1.18 only looks at annotations.
    fn pod(name: &str, ns: &str, extra: &str) -> String {
        format!(
            "---\napiVersion: v1\nkind: Pod\nmetadata: {{name: {name}, namespace: {ns}}}\nspec:\n{extra}  securityContext:\n    seccompProfile: {{type: Unconfined}}\n  containers:\n  - name: c\n    image: x\n"
        )
    }

    #[test]
    fn levels_and_violations_of_failed_levels() {
        let text = format!(
            "{}{}",
            pod("p", "nowhere", "  hostIPC: true\n"),
            "---\napiVersion: v1\nkind: Service\nmetadata: {name: s}\n"
        );
        let objs = objects(&text);
        let r = analyze(&objs, &Settings::default());
        assert_eq!(r.workloads.len(), 1, "services are not workloads");
        let w = &r.workloads[0];
        assert_eq!(w.level, Level::Privileged);
        assert_eq!(w.label(), "Pod nowhere/p");
        // Baseline first, then the Restricted ones not already listed (hostIPC is in both).
        let ids: Vec<String> = w
            .violations
            .iter()
            .map(|v| format!("{}/{}", v.level, v.control))
            .collect();
        assert_eq!(w.baseline_violations, 2);
        assert_eq!(
            ids[..3],
            [
                "baseline/hostNamespaces",
                "baseline/seccompProfile_baseline",
                "restricted/allowPrivilegeEscalation"
            ]
        );
        assert_eq!(
            ids.iter()
                .filter(|i| *i == "baseline/hostNamespaces")
                .count(),
            1
        );
        // Missing fields are told apart from present ones.
        assert!(
            w.missing
                .contains(&"spec.containers[0].securityContext.allowPrivilegeEscalation".into())
        );
        assert!(!w.missing.contains(&"spec.hostIPC".into()));
        // No Namespace object and no configuration: nothing to say about admission.
        assert!(w.admission.is_none());
        // At v1.18 the seccomp field is not checked by Baseline.
        let old = analyze(
            &objs,
            &Settings {
                version: Version::V(18),
                ..Settings::default()
            },
        );
        assert_eq!(old.workloads[0].baseline_violations, 1);
    }

    #[test]
    fn namespaces_enforce_at_their_own_version() {
        let text = format!(
            "{NAMESPACES}{}{}",
            pod("a", "strict", ""),
            pod("b", "open", "")
        );
        let objs = objects(&text);
        let r = analyze(&objs, &Settings::default());
        let a = r.workloads[0].admission.as_ref().expect("namespace known");
        // Enforce baseline at v1.18: the seccomp field is not looked at, so allowed.
        let enforce = a.enforce().expect("not exempt");
        assert_eq!(enforce.policy.to_string(), "baseline:v1.18");
        assert!(enforce.allowed() && !a.rejected());
        // The evaluated version (latest) fails Baseline all the same.
        assert_eq!(r.workloads[0].level, Level::Privileged);
        let warn = &a.modes[2];
        assert_eq!((warn.mode, warn.allowed()), (Mode::Warn, false));
        // At Restricted, the Restricted seccomp control replaces the Baseline one.
        assert!(
            warn.controls()
                .contains(&"restricted/seccompProfile_restricted".into())
        );
        // "open" has no labels (the first definition wins): privileged, allowed.
        let b = r.workloads[1].admission.as_ref().expect("namespace known");
        assert!(!b.rejected());
        assert_eq!(b.enforce().map(|m| m.policy.level), Some(Level::Privileged));

        let ns: Vec<(&str, Vec<&str>)> = r
            .namespaces
            .iter()
            .map(|n| (n.name.as_str(), n.problems.iter().map(|p| p.kind).collect()))
            .collect();
        assert_eq!(
            ns,
            [
                ("strict", vec![]),
                ("open", vec!["no-enforce-label"]),
                ("typo", vec!["invalid-label", "unknown-label"]),
                ("open", vec!["duplicate-namespace", "enforce-privileged"]),
            ]
        );
        let typo = &r.namespaces[2];
        // An invalid enforce level fails closed, as upstream.
        assert_eq!(typo.policy.enforce.level, Level::Restricted);
        assert!(
            typo.problems[0]
                .message
                .ends_with("Pod Security Admission uses restricted")
        );
        let loc = typo.problems[0].location.as_ref().expect("located");
        assert_eq!((loc.start.line, loc.start.column), (20, 41));
        assert_eq!(
            typo.labels,
            [
                (
                    "pod-security.kubernetes.io/enforce".to_string(),
                    "Baseline".to_string()
                ),
                (
                    "pod-security.kubernetes.io/audit-versoin".to_string(),
                    "v1.2".to_string()
                )
            ]
        );
        assert_eq!(
            (r.namespaces[0].workloads, r.namespaces[0].rejected),
            (1, 0)
        );
        assert_eq!(r.namespaces[1].workloads, 1);
    }

    #[test]
    fn configuration_defaults_and_exemptions() {
        let cfg = config(
            "apiVersion: pod-security.admission.config.k8s.io/v1
kind: PodSecurityConfiguration
defaults: {enforce: baseline}
exemptions:
  namespaces: [kube-system]
  runtimeClasses: [kata]
  usernames: [admin]
",
        );
        let text = format!(
            "{NAMESPACES}{}{}{}{}",
            pod("unlabelled", "elsewhere", ""),
            pod("system", "kube-system", ""),
            pod("sandboxed", "elsewhere", "  runtimeClassName: kata\n"),
            pod("labelled", "strict", "")
        );
        let objs = objects(&text);
        let settings = Settings {
            config: Some(cfg),
            ..Settings::default()
        };
        let r = analyze(&objs, &settings);
        let adm = |i: usize| r.workloads[i].admission.clone().expect("configured");
        // A namespace that is not among the inputs gets the configured defaults.
        let a = adm(0);
        assert!(!a.namespace_found && a.rejected());
        assert_eq!(a.exempt, None);
        assert_eq!(
            adm(1).exempt,
            Some(Exemption::Namespace("kube-system".into()))
        );
        assert_eq!(adm(2).exempt, Some(Exemption::RuntimeClass("kata".into())));
        assert!(!adm(2).rejected());
        // Labels win over the defaults.
        assert!(adm(3).namespace_found && !adm(3).rejected());
        // The unlabelled namespace "open" is now admitted at the default baseline.
        let open = &r.namespaces[1];
        assert_eq!(open.policy.enforce.level, Level::Baseline);
        assert!(
            open.problems[0]
                .message
                .contains("configured default baseline:latest")
        );
        // As user "admin", nothing is checked.
        let as_admin = analyze(
            &objs,
            &Settings {
                username: Some("admin".into()),
                ..settings
            },
        );
        assert_eq!(
            as_admin.workloads[0]
                .admission
                .as_ref()
                .and_then(|a| a.exempt.clone()),
            Some(Exemption::Username("admin".into()))
        );
        assert_eq!(
            status(&as_admin, &[], Some(Level::Privileged)),
            ExitStatus::Clean
        );
    }

    #[test]
    fn gate_and_summary() {
        let text = format!("{NAMESPACES}{}", pod("a", "strict", ""));
        let objs = objects(&text);
        let r = analyze(&objs, &Settings::default());
        assert_eq!(status(&r, &[], None), ExitStatus::Clean);
        assert_eq!(status(&r, &[], Some(Level::Baseline)), ExitStatus::Findings);
        let error = InputError {
            path: "bad.yaml".into(),
            line: None,
            column: None,
            message: "cannot read".into(),
        };
        assert_eq!(
            status(&r, std::slice::from_ref(&error), Some(Level::Baseline)),
            ExitStatus::Error
        );
        assert_eq!(
            summary_line(&r, 1, Some(Level::Baseline)),
            "1 workload at policy latest: 0 restricted, 0 baseline, 1 privileged; 1 fail baseline; 0 rejected by their namespace's enforce level; 4 namespaces with 5 label problems; 1 error"
        );
        // A pod rejected by its namespace fails the gate even when it meets the gate's level.
        let rejected = format!(
            "{NAMESPACES}---\napiVersion: v1\nkind: Pod\nmetadata: {{name: r, namespace: typo}}\nspec:\n  containers: [{{name: c, image: x}}]\n"
        );
        let objs = objects(&rejected);
        let r = analyze(&objs, &Settings::default());
        assert!(r.workloads[0].meets(Level::Baseline));
        assert!(
            r.workloads[0]
                .admission
                .as_ref()
                .is_some_and(Admission::rejected)
        );
        assert_eq!(status(&r, &[], Some(Level::Baseline)), ExitStatus::Findings);
    }

    #[test]
    fn json_shape() {
        let text = format!("{NAMESPACES}{}", pod("a", "strict", ""));
        let objs = objects(&text);
        let r = analyze(&objs, &Settings::default());
        let j = to_json(&r, &[], Some(Level::Restricted));
        assert_eq!(j["version"], 1);
        assert_eq!(j["gate"], "restricted");
        let w = &j["workloads"][0];
        assert_eq!(
            w["object"],
            json!({"apiVersion": "v1", "kind": "Pod", "namespace": "strict", "name": "a"})
        );
        assert_eq!(w["level"], "privileged");
        assert_eq!(w["violations"][0]["control"], "seccompProfile_baseline");
        assert_eq!(w["violations"][0]["level"], "baseline");
        assert_eq!(w["violations"][0]["location"]["line"], 34);
        assert_eq!(w["admission"]["enforce"]["allowed"], true);
        assert_eq!(
            w["admission"]["warn"]["controls"],
            json!([
                "restricted/allowPrivilegeEscalation",
                "restricted/runAsNonRoot",
                "restricted/seccompProfile_restricted",
                "restricted/capabilities_restricted"
            ])
        );
        assert_eq!(w["admission"]["enforce"]["version"], "v1.18");
        assert_eq!(
            j["namespaces"][2]["problems"][0]["problem"],
            "invalid-label"
        );
        assert_eq!(
            j["namespaces"][0]["labels"]["pod-security.kubernetes.io/enforce"],
            "baseline"
        );
        assert_eq!(j["errors"], json!([]));
    }

    #[test]
    fn fields_with_map_keys_are_found() {
        let objs = objects(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations: {a.b/c: x}\nspec:\n  containers: [{name: c}]\n",
        );
        let o = &objs[0];
        assert!(field_present(o, "metadata.annotations[a.b/c]"));
        assert!(field_present(o, "spec.containers[0].name"));
        assert!(!field_present(o, "spec.containers[0].securityContext"));
        assert!(!field_present(o, "metadata.annotations[a.b/d]"));
        assert!(!field_present(o, "spec.containers[0"));
    }
}
