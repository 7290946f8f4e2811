//! `kubeguard rbac`: RBAC questions answered as the API server's authorizer (and `kubectl auth
//! can-i`) would answer them against the objects among the inputs, every answer with the
//! binding and rule granting it (file:line:column).
//!
//! - `who-can VERB RESOURCE[/SUBRESOURCE] [-n NS | -A] [--name NAME] PATHS...`
//! - `can-i --as SUBJECT VERB RESOURCE[/SUBRESOURCE] [-n NS | -A] [--name NAME] PATHS...`
//!   (exit 0 yes, 1 no, 2 errors)
//! - `permissions SUBJECT [-n NS] PATHS...`
//! - `workloads [-n NS] PATHS...`: each workload's ServiceAccount, token mount and permission
//!   level
//! - `escalation [--all] PATHS...` (`--format dot` too): shortest paths to cluster-admin
//!
//! Inputs are read as `lint` reads them ([`crate::inputs::load`]) and all objects form one
//! cluster. The analysis is `kubeguard-rbac`'s; this module renders it as text or JSON (the
//! format is documented in `docs/rbac.md`) and moves locations on rendered Kustomize objects
//! back to their source files.

use crate::json::location_json;
use std::collections::BTreeMap;
use std::io::{self, Write};
use std::sync::Arc;

use anyhow::{Context as _, Result};
use clap::{Args, Subcommand, ValueEnum};
use kubeguard_engine::InputError;
use kubeguard_model::{Context, Object};
use kubeguard_rbac::escalation::{Node as EscalationNode, Source as EscalationSource, Step};
use kubeguard_rbac::{
    Binding, Diagnostic, Discovery, Grant, Identity, Options, Permission, Permissions, Rbac,
    Request, Role, Scope, Subject, SubjectGrants, Target, TokenSource, WorkloadAccess, escalation,
    workload_access,
};
use kubeguard_source::{Location, SourceFile};
use serde_json::{Value as Json, json};

use crate::ExitStatus;
use crate::cli::InputArgs;
use crate::inputs::{LoadOptions, load};
use crate::render::{Origins, Remapper};
use crate::svg::dot_to_svg;

/// `rbac` sub-commands.
#[derive(Debug, Subcommand)]
pub enum RbacCommand {
    /// Which subjects (users, groups, ServiceAccounts named by bindings) can do VERB on
    /// RESOURCE, with the binding and rule granting each.
    WhoCan(WhoCanArgs),
    /// Whether a subject can do VERB on RESOURCE: prints yes or no, and the grants; exits 0
    /// for yes, 1 for no, 2 for input errors.
    CanI(CanIArgs),
    /// The effective permissions of a subject, merged per resource (as `kubectl auth can-i
    /// --list`), cluster-wide and per namespace, with the grants of each.
    Permissions(PermissionsArgs),
    /// Every workload with its ServiceAccount (`default` when unset), whether its API token
    /// is mounted, and the permission level of that token (none, namespace-read,
    /// namespace-write, cluster-read, cluster-write, cluster-admin-equivalent).
    Workloads(WorkloadsArgs),
    /// Escalation paths: the shortest path from every workload's ServiceAccount and every
    /// User and Group to cluster-admin, through the identities their permissions let them
    /// obtain (text, json, or the whole graph as dot).
    Escalation(EscalationArgs),
}

/// Formats of `rbac` answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum RbacFormat {
    /// Text with file:line:column of bindings and rules.
    #[default]
    Text,
    /// JSON (docs/rbac.md).
    Json,
    /// Graphviz DOT (`escalation` only).
    Dot,
    /// SVG, laid out in-process from the DOT graph (`escalation` only; no Graphviz needed).
    Svg,
}

/// What every `rbac` sub-command reads.
#[derive(Debug, Args)]
pub struct RbacInput {
    /// Skip paths matching these globs (`**` supported).
    #[arg(long, value_delimiter = ',', value_name = "GLOB")]
    pub ignore_paths: Vec<String>,

    /// Do not add Kubernetes' bootstrap roles (`cluster-admin`, `admin`, `edit`, `view`,
    /// `system:*`, the kube-system Roles): bindings to them then grant nothing.
    #[arg(long)]
    pub no_builtin_roles: bool,

    /// Output format.
    #[arg(long, value_enum, default_value_t = RbacFormat::Text)]
    pub format: RbacFormat,

    /// Also list what grants nothing (bindings to missing roles, invalid subjects,
    /// duplicates) and skipped files.
    #[arg(short, long)]
    pub verbose: bool,

    /// How inputs are read and rendered.
    #[command(flatten)]
    pub input: InputArgs,
}

/// Arguments of `rbac who-can`.
#[derive(Debug, Args)]
#[command(
    disable_version_flag = true,
    mut_arg("namespace", |a| a.short('n').help(NAMESPACE_HELP)),
)]
pub struct WhoCanArgs {
    /// The verb: get, list, watch, create, update, patch, delete, deletecollection,
    /// impersonate, bind, escalate, use, approve, `*`, ...
    pub verb: String,

    /// RESOURCE[/SUBRESOURCE] (`pods`, `pods/exec`, `deployments.apps/scale`,
    /// `widgets.example.com`, `*`), or a non-resource URL starting with `/`.
    pub resource: String,

    /// Files, directories (searched recursively) or `-` for standard input.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<String>,

    /// Ask in every namespace: ClusterRoleBindings and the RoleBindings of all namespaces
    /// (each grant shows where it applies).
    #[arg(short = 'A', long, conflicts_with = "namespace")]
    pub all_namespaces: bool,

    /// The object's name (rules with `resourceNames` grant only named objects).
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,

    /// Inputs and output.
    #[command(flatten)]
    pub common: RbacInput,
}

/// Arguments of `rbac can-i`.
#[derive(Debug, Args)]
#[command(
    disable_version_flag = true,
    mut_arg("namespace", |a| a.short('n').help(NAMESPACE_HELP)),
)]
pub struct CanIArgs {
    /// The subject: `user:NAME`, `group:NAME`, `serviceaccount:NAMESPACE:NAME` (or
    /// `system:serviceaccount:NAMESPACE:NAME`).
    #[arg(long = "as", value_name = "SUBJECT", value_parser = parse_subject)]
    pub subject: Subject,

    /// More groups the subject is in (repeatable), as `kubectl --as-group`.
    #[arg(long = "as-group", value_name = "GROUP")]
    pub groups: Vec<String>,

    /// The verb.
    pub verb: String,

    /// RESOURCE[/SUBRESOURCE], or a non-resource URL starting with `/`.
    pub resource: String,

    /// Files, directories (searched recursively) or `-` for standard input.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<String>,

    /// Ask whether it is allowed in some namespace (the RoleBindings of every namespace
    /// count; each grant shows where it applies).
    #[arg(short = 'A', long, conflicts_with = "namespace")]
    pub all_namespaces: bool,

    /// The object's name.
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,

    /// Print nothing; only the exit code answers.
    #[arg(short, long)]
    pub quiet: bool,

    /// Inputs and output.
    #[command(flatten)]
    pub common: RbacInput,
}

/// Arguments of `rbac permissions`.
#[derive(Debug, Args)]
#[command(
    disable_version_flag = true,
    mut_arg("namespace", |a| a.short('n').help(
        "Show the cluster-wide permissions and those of this namespace only (also passed to `helm template --namespace` for charts)"
    )),
)]
pub struct PermissionsArgs {
    /// The subject: `user:NAME`, `group:NAME`, `serviceaccount:NAMESPACE:NAME`.
    #[arg(value_parser = parse_subject)]
    pub subject: Subject,

    /// Files, directories (searched recursively) or `-` for standard input.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<String>,

    /// More groups the subject is in (repeatable).
    #[arg(long = "as-group", value_name = "GROUP")]
    pub groups: Vec<String>,

    /// Inputs and output.
    #[command(flatten)]
    pub common: RbacInput,
}

/// Arguments of `rbac workloads`.
#[derive(Debug, Args)]
#[command(
    disable_version_flag = true,
    mut_arg("namespace", |a| a.short('n').help(
        "List the workloads of this namespace only (also passed to `helm template --namespace` for charts)"
    )),
)]
pub struct WorkloadsArgs {
    /// Files, directories (searched recursively) or `-` for standard input.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<String>,

    /// Inputs and output.
    #[command(flatten)]
    pub common: RbacInput,
}

/// Arguments of `rbac escalation`.
#[derive(Debug, Args)]
#[command(disable_version_flag = true)]
pub struct EscalationArgs {
    /// Files, directories (searched recursively) or `-` for standard input.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<String>,

    /// Also list the subjects that cannot reach cluster-admin (text).
    #[arg(long)]
    pub all: bool,

    /// Inputs and output.
    #[command(flatten)]
    pub common: RbacInput,
}

const NAMESPACE_HELP: &str = "Ask in this namespace: ClusterRoleBindings and the RoleBindings of NS (default: cluster-wide, ClusterRoleBindings only); also passed to `helm template --namespace` for charts";

fn parse_subject(s: &str) -> Result<Subject, String> {
    Subject::parse(s).map_err(|e| e.to_string())
}

/// Runs an `rbac` sub-command.
pub fn run(cmd: &RbacCommand) -> Result<ExitStatus> {
    let common = match cmd {
        RbacCommand::WhoCan(a) => &a.common,
        RbacCommand::CanI(a) => &a.common,
        RbacCommand::Permissions(a) => &a.common,
        RbacCommand::Workloads(a) => &a.common,
        RbacCommand::Escalation(a) => &a.common,
    };
    if matches!(common.format, RbacFormat::Dot | RbacFormat::Svg)
        && !matches!(cmd, RbacCommand::Escalation(_))
    {
        anyhow::bail!("--format dot and svg are only available for `kubeguard rbac escalation`");
    }
    match cmd {
        RbacCommand::Escalation(a) => escalation_cmd(a),
        RbacCommand::WhoCan(a) => who_can(a),
        RbacCommand::CanI(a) => can_i(a),
        RbacCommand::Permissions(a) => permissions(a),
        RbacCommand::Workloads(a) => workloads(a),
    }
}

/// The inputs, read.
struct Inputs {
    ctx: Context,
    errors: Vec<InputError>,
    skipped: Vec<String>,
    origins: Origins,
}

fn read(paths: &[String], common: &RbacInput) -> Result<Inputs> {
    let opts = LoadOptions::new(&common.input, &common.ignore_paths).map_err(anyhow::Error::msg)?;
    let mut loaded = load(paths, &opts);
    let objects = loaded.take_objects();
    let mut errors = loaded.errors;
    errors.sort();
    let mut skipped: Vec<String> = loaded
        .skipped
        .iter()
        .map(|s| format!("{}: {}", s.path, s.reason))
        .collect();
    skipped.sort();
    Ok(Inputs {
        ctx: Context::new(objects),
        errors,
        skipped,
        origins: loaded.origins,
    })
}

fn scope(namespace: Option<&str>, all: bool) -> Scope {
    match (namespace, all) {
        (_, true) => Scope::AnyNamespace,
        (Some(ns), false) => Scope::Namespace(ns.to_string()),
        (None, false) => Scope::Cluster,
    }
}

fn identity(subject: &Subject, groups: &[String]) -> Identity {
    subject.identity().with_groups(groups.iter().cloned())
}

fn request(
    verb: &str,
    resource: &str,
    name: Option<&str>,
    scope: Scope,
    discovery: &Discovery,
) -> Result<(Request, Vec<String>)> {
    let parsed = Request::parse(verb, resource, name.unwrap_or(""), scope, discovery)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok((parsed.request, parsed.warnings))
}

/// Writes `text` to stdout, ignoring a closed pipe.
fn emit(text: &str) -> Result<()> {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(e).context("writing to stdout"),
        _ => Ok(()),
    }
}

/// Warnings about the request, on stderr (before the answer).
fn warn(warnings: &[String]) {
    let mut err = anstream::stderr();
    for w in warnings {
        let _ = writeln!(err, "warning: {}", sanitize(w));
    }
}

/// Diagnostics (or their count), skipped files and input errors, on stderr (after the
/// answer).
fn notes(diagnostics: &[Diagnostic<'_>], inputs: &Inputs, locate: &mut Locator<'_>, verbose: bool) {
    let mut err = anstream::stderr();
    if verbose {
        for d in diagnostics {
            let at = locate
                .field(d.object, &d.field, d.location.as_ref())
                .map(|l| format!("{}:{}:{}: ", l.path, l.start.line, l.start.column))
                .unwrap_or_default();
            let _ = writeln!(err, "note[{}]: {at}{}", d.kind.id(), sanitize(&d.message));
        }
        for s in &inputs.skipped {
            let _ = writeln!(err, "skipped: {}", sanitize(s));
        }
    } else if !diagnostics.is_empty() {
        let _ = writeln!(
            err,
            "note: {} RBAC {} (bindings that grant nothing, subjects that match nobody, duplicates); --verbose lists them",
            diagnostics.len(),
            if diagnostics.len() == 1 {
                "note"
            } else {
                "notes"
            }
        );
    }
    if inputs.ctx.objects.is_empty() {
        let _ = writeln!(err, "warning: no valid Kubernetes objects found");
    }
    for e in &inputs.errors {
        let _ = writeln!(err, "error: {}", sanitize(&e.to_string()));
    }
}

fn who_can(args: &WhoCanArgs) -> Result<ExitStatus> {
    let inputs = read(&args.paths, &args.common)?;
    let rbac = Rbac::new(&inputs.ctx, &options(&args.common));
    let discovery = Discovery::with_objects(&inputs.ctx.objects);
    let (req, warnings) = request(
        &args.verb,
        &args.resource,
        args.name.as_deref(),
        scope(args.common.input.namespace.as_deref(), args.all_namespaces),
        &discovery,
    )?;
    let who = rbac.who_can(&req);
    let mut locate = Locator::new(&inputs.origins);
    warn(&warnings);
    let text = match args.common.format {
        RbacFormat::Json => {
            let mut doc = serde_json::Map::new();
            doc.insert("version".into(), json!(1));
            doc.insert("request".into(), request_json(&req));
            doc.insert(
                "subjects".into(),
                Json::Array(
                    who.iter()
                        .map(|s| subject_grants_json(s, &mut locate))
                        .collect(),
                ),
            );
            finish_json(doc, &warnings, &rbac, &inputs, &mut locate)
        }
        RbacFormat::Text | RbacFormat::Dot | RbacFormat::Svg => {
            who_can_text(&req, &who, &mut locate)
        }
    };
    emit(&text)?;
    notes(
        rbac.diagnostics(),
        &inputs,
        &mut locate,
        args.common.verbose,
    );
    Ok(error_status(&inputs).unwrap_or(ExitStatus::Clean))
}

fn can_i(args: &CanIArgs) -> Result<ExitStatus> {
    let inputs = read(&args.paths, &args.common)?;
    let rbac = Rbac::new(&inputs.ctx, &options(&args.common));
    let discovery = Discovery::with_objects(&inputs.ctx.objects);
    let (req, warnings) = request(
        &args.verb,
        &args.resource,
        args.name.as_deref(),
        scope(args.common.input.namespace.as_deref(), args.all_namespaces),
        &discovery,
    )?;
    let id = identity(&args.subject, &args.groups);
    let grants = rbac.can_i(&id, &req);
    let mut locate = Locator::new(&inputs.origins);
    if !args.quiet {
        warn(&warnings);
        let text = match args.common.format {
            RbacFormat::Json => {
                let mut doc = serde_json::Map::new();
                doc.insert("version".into(), json!(1));
                doc.insert("allowed".into(), json!(!grants.is_empty()));
                doc.insert("subject".into(), subject_json(&args.subject));
                doc.insert("identity".into(), identity_json(&id));
                doc.insert("request".into(), request_json(&req));
                doc.insert(
                    "grants".into(),
                    Json::Array(grants.iter().map(|g| grant_json(g, &mut locate)).collect()),
                );
                finish_json(doc, &warnings, &rbac, &inputs, &mut locate)
            }
            RbacFormat::Text | RbacFormat::Dot | RbacFormat::Svg => {
                can_i_text(&grants, &mut locate)
            }
        };
        emit(&text)?;
        notes(
            rbac.diagnostics(),
            &inputs,
            &mut locate,
            args.common.verbose,
        );
    }
    Ok(error_status(&inputs).unwrap_or(if grants.is_empty() {
        ExitStatus::Findings
    } else {
        ExitStatus::Clean
    }))
}

fn permissions(args: &PermissionsArgs) -> Result<ExitStatus> {
    let inputs = read(&args.paths, &args.common)?;
    let rbac = Rbac::new(&inputs.ctx, &options(&args.common));
    let id = identity(&args.subject, &args.groups);
    let mut perms = rbac.permissions(&id);
    if let Some(ns) = &args.common.input.namespace {
        perms.namespaces.retain(|n, _| n == ns);
    }
    let mut locate = Locator::new(&inputs.origins);
    let text = match args.common.format {
        RbacFormat::Json => {
            let mut doc = serde_json::Map::new();
            doc.insert("version".into(), json!(1));
            doc.insert("subject".into(), subject_json(&args.subject));
            doc.insert("identity".into(), identity_json(&id));
            doc.insert(
                "clusterWide".into(),
                Json::Array(
                    perms
                        .cluster
                        .iter()
                        .map(|p| permission_json(p, &mut locate))
                        .collect(),
                ),
            );
            doc.insert(
                "namespaces".into(),
                Json::Object(
                    perms
                        .namespaces
                        .iter()
                        .map(|(ns, ps)| {
                            (
                                ns.clone(),
                                Json::Array(
                                    ps.iter().map(|p| permission_json(p, &mut locate)).collect(),
                                ),
                            )
                        })
                        .collect(),
                ),
            );
            finish_json(doc, &[], &rbac, &inputs, &mut locate)
        }
        RbacFormat::Text | RbacFormat::Dot | RbacFormat::Svg => {
            permissions_text(&args.subject, &perms, &mut locate)
        }
    };
    emit(&text)?;
    notes(
        rbac.diagnostics(),
        &inputs,
        &mut locate,
        args.common.verbose,
    );
    Ok(error_status(&inputs).unwrap_or(ExitStatus::Clean))
}

fn workloads(args: &WorkloadsArgs) -> Result<ExitStatus> {
    let inputs = read(&args.paths, &args.common)?;
    let rbac = Rbac::new(&inputs.ctx, &options(&args.common));
    let all = workload_access(&inputs.ctx, &rbac);
    let shown: Vec<usize> = (0..all.len())
        .filter(|&i| {
            args.common
                .input
                .namespace
                .as_deref()
                .is_none_or(|ns| all[i].namespace == ns)
        })
        .collect();
    let mut locate = Locator::new(&inputs.origins);
    let text = match args.common.format {
        RbacFormat::Json => {
            let mut doc = serde_json::Map::new();
            doc.insert("version".into(), json!(1));
            doc.insert(
                "workloads".into(),
                Json::Array(
                    shown
                        .iter()
                        .map(|&i| workload_json(&all, i, &mut locate))
                        .collect(),
                ),
            );
            finish_json(doc, &[], &rbac, &inputs, &mut locate)
        }
        RbacFormat::Text | RbacFormat::Dot | RbacFormat::Svg => {
            workloads_text(&all, &shown, &mut locate)
        }
    };
    emit(&text)?;
    notes(
        rbac.diagnostics(),
        &inputs,
        &mut locate,
        args.common.verbose,
    );
    Ok(error_status(&inputs).unwrap_or(ExitStatus::Clean))
}

/// `Deployment shop/web`.
fn workload_label(w: &WorkloadAccess<'_>) -> String {
    format!("{} {}/{}", w.object.kind, w.namespace, w.object.name)
}

fn object_location(obj: &Object, locate: &mut Locator<'_>) -> Option<Location> {
    let computed =
        (!obj.source.text().is_empty()).then(|| obj.source.location(&obj.path, obj.anchor_span()));
    locate.field(obj, "", computed.as_ref())
}

fn token_text(w: &WorkloadAccess<'_>) -> String {
    let by = match w.token_source {
        TokenSource::PodSpec => "set in the pod spec",
        TokenSource::ServiceAccount => "set on the ServiceAccount",
        TokenSource::Default => "Kubernetes' default",
    };
    if w.token_mounted {
        format!("token mounted ({by})")
    } else {
        format!("token not mounted ({by})")
    }
}

fn workloads_text(all: &[WorkloadAccess<'_>], shown: &[usize], locate: &mut Locator<'_>) -> String {
    use std::fmt::Write as _;
    let mut out = format!("{}:\n", plural(shown.len(), "workload", "workloads"));
    for &i in shown {
        let w = &all[i];
        out.push('\n');
        let _ = writeln!(
            out,
            "{} at {}",
            sanitize(&workload_label(w)),
            at(object_location(w.object, locate).as_ref())
        );
        let how = if w.explicit {
            "named"
        } else {
            "default: no serviceAccountName"
        };
        let found = if w.service_account_object.is_some() {
            ""
        } else {
            ", not among the inputs"
        };
        let _ = writeln!(
            out,
            "  ServiceAccount {}/{} ({how}{found}), {}",
            sanitize(&w.namespace),
            sanitize(&w.service_account),
            token_text(w)
        );
        match &w.level_source {
            Some(s) => {
                let _ = writeln!(
                    out,
                    "  level {}: {} at {}",
                    w.level.id(),
                    sanitize(&s.binding),
                    at(s.binding_location.as_ref())
                );
                let _ = writeln!(
                    out,
                    "    {} at {}",
                    sanitize(&s.rule),
                    at(s.rule_location.as_ref())
                );
            }
            None => {
                let _ = writeln!(
                    out,
                    "  level {}: no binding grants it anything",
                    w.level.id()
                );
            }
        }
        let others: Vec<String> = w
            .sharing
            .iter()
            .filter(|&&j| j != i)
            .filter_map(|&j| all.get(j))
            .map(|o| sanitize(&format!("{} {}", o.object.kind, o.object.name)))
            .collect();
        if !others.is_empty() {
            let _ = writeln!(
                out,
                "  shares its ServiceAccount with {}",
                others.join(", ")
            );
        }
    }
    out
}

fn workload_json(all: &[WorkloadAccess<'_>], i: usize, locate: &mut Locator<'_>) -> Json {
    let w = &all[i];
    let field_location = (!w.object.source.text().is_empty()).then(|| {
        w.object
            .source
            .location(&w.object.path, w.service_account_field.span)
    });
    json!({
        "kind": w.object.kind,
        "namespace": w.namespace,
        "name": w.object.name,
        "location": location_json(object_location(w.object, locate).as_ref()),
        "serviceAccount": {
            "name": w.service_account,
            "explicit": w.explicit,
            "found": w.service_account_object.is_some(),
            "field": w.service_account_field.path,
            "location": location_json(
                locate
                    .field(w.object, &w.service_account_field.path, field_location.as_ref())
                    .as_ref()
            ),
        },
        "tokenMounted": w.token_mounted,
        "tokenSource": w.token_source.id(),
        "level": w.level.id(),
        "levelGrant": w.level_source.as_ref().map(|s| json!({
            "binding": s.binding,
            "bindingLocation": location_json(s.binding_location.as_ref()),
            "rule": s.rule,
            "ruleLocation": location_json(s.rule_location.as_ref()),
        })),
        "rules": w.rules,
        "sharedWith": w
            .sharing
            .iter()
            .filter(|&&j| j != i)
            .filter_map(|&j| all.get(j))
            .map(|o| json!({"kind": o.object.kind, "name": o.object.name}))
            .collect::<Vec<_>>(),
    })
}

fn escalation_cmd(args: &EscalationArgs) -> Result<ExitStatus> {
    let inputs = read(&args.paths, &args.common)?;
    let rbac = Rbac::new(&inputs.ctx, &options(&args.common));
    let graph = escalation(&inputs.ctx, &rbac);
    let paths = graph.paths();
    let mut locate = Locator::new(&inputs.origins);
    let text = match args.common.format {
        RbacFormat::Dot => graph.to_dot(),
        RbacFormat::Svg => dot_to_svg(&graph.to_dot(), "escalation graph")?,
        RbacFormat::Json => {
            let mut doc = serde_json::Map::new();
            doc.insert("version".into(), json!(1));
            doc.insert(
                "paths".into(),
                Json::Array(
                    paths
                        .iter()
                        .map(|(source, steps)| {
                            json!({
                                "subject": subject_json(&source.subject),
                                "workloads": source.workloads,
                                "reachesClusterAdmin": steps.is_some(),
                                "steps": steps.as_ref().map(|steps| steps.iter().map(step_json).collect::<Vec<_>>()),
                            })
                        })
                        .collect(),
                ),
            );
            finish_json(doc, &[], &rbac, &inputs, &mut locate)
        }
        RbacFormat::Text => escalation_text(&paths, args.all),
    };
    emit(&text)?;
    notes(
        rbac.diagnostics(),
        &inputs,
        &mut locate,
        args.common.verbose,
    );
    Ok(error_status(&inputs).unwrap_or(ExitStatus::Clean))
}

fn node_json(n: &EscalationNode) -> Json {
    match n {
        EscalationNode::Subject(s) => {
            let mut v = subject_json(s);
            v["node"] = json!("subject");
            v
        }
        EscalationNode::NamespaceAccounts(ns) => {
            json!({"node": "namespace-serviceaccounts", "namespace": ns})
        }
        EscalationNode::AllAccounts => json!({"node": "all-serviceaccounts"}),
        EscalationNode::ClusterAdmin => json!({"node": "cluster-admin"}),
    }
}

fn step_json(step: &Step<'_>) -> Json {
    json!({
        "from": node_json(step.from),
        "to": node_json(step.to),
        "via": step.edge.via.id(),
        "grant": step.edge.grant.as_ref().map(|g| json!({
            "binding": g.binding,
            "bindingLocation": location_json(g.binding_location.as_ref()),
            "rule": g.rule,
            "ruleLocation": location_json(g.rule_location.as_ref()),
        })),
    })
}

fn escalation_text(paths: &[(&EscalationSource, Option<Vec<Step<'_>>>)], all: bool) -> String {
    use std::fmt::Write as _;
    let reaching = paths.iter().filter(|(_, p)| p.is_some()).count();
    let mut out = format!(
        "{reaching} of {} can reach cluster-admin:\n",
        plural(paths.len(), "subject", "subjects")
    );
    for (source, steps) in paths {
        let Some(steps) = steps else {
            if all {
                let _ = writeln!(
                    out,
                    "\n{}: cannot reach cluster-admin",
                    sanitize(&source.subject.to_string())
                );
            }
            continue;
        };
        let _ = write!(out, "\n{}", sanitize(&source.subject.to_string()));
        if !source.workloads.is_empty() {
            let _ = write!(out, " (run by {})", sanitize(&source.workloads.join(", ")));
        }
        let _ = writeln!(out, ": {}", plural(steps.len(), "step", "steps"));
        for step in steps {
            let _ = writeln!(
                out,
                "  {} -> {}: {}",
                sanitize(&step.from.label()),
                sanitize(&step.to.label()),
                step.edge.via.describe()
            );
            if let Some(g) = &step.edge.grant {
                let _ = writeln!(
                    out,
                    "    {} at {} -> {} at {}",
                    sanitize(&g.binding),
                    at(g.binding_location.as_ref()),
                    sanitize(&g.rule),
                    at(g.rule_location.as_ref())
                );
            }
        }
    }
    out
}

fn options(common: &RbacInput) -> Options {
    Options {
        builtin_roles: !common.no_builtin_roles,
    }
}

fn error_status(inputs: &Inputs) -> Option<ExitStatus> {
    (!inputs.errors.is_empty()).then_some(ExitStatus::Error)
}

// ---------------------------------------------------------------------------------------
// Locations

/// Locations of objects' fields, moved to the Kustomize source files they were rendered
/// from when the field has the same value there.
struct Locator<'o> {
    remapper: Remapper<'o>,
    sources: BTreeMap<Arc<str>, Arc<SourceFile>>,
}

impl<'o> Locator<'o> {
    fn new(origins: &'o Origins) -> Self {
        Locator {
            remapper: Remapper::new(origins),
            sources: BTreeMap::new(),
        }
    }

    /// Where `field` of `obj` is (`computed` is its location in the object's own file).
    fn field(
        &mut self,
        obj: &Object,
        field: &str,
        computed: Option<&Location>,
    ) -> Option<Location> {
        if self.remapper.covers(&obj.path) {
            let moved = if field.is_empty() {
                self.remapper.object(obj, &mut self.sources)
            } else {
                self.remapper.field(obj, field, &mut self.sources)
            };
            if moved.is_some() {
                return moved;
            }
        }
        computed.cloned()
    }

    fn binding(&mut self, b: &Binding<'_>) -> Option<Location> {
        self.field(b.object, "", b.location.as_ref())
    }

    fn role(&mut self, r: &Role<'_>) -> Option<Location> {
        self.field(r.object, "", r.location.as_ref())
    }

    fn subject(&mut self, g: &Grant<'_>) -> Option<Location> {
        self.field(
            g.binding.object,
            &g.subject.field,
            g.subject.location.as_ref(),
        )
    }

    fn rule(&mut self, g: &Grant<'_>) -> Option<Location> {
        self.field(g.rule_role.object, &g.rule.field, g.rule.location.as_ref())
    }
}

fn at(l: Option<&Location>) -> String {
    l.map_or_else(
        || "(no location)".to_string(),
        |l| format!("{}:{}:{}", l.path, l.start.line, l.start.column),
    )
}

// ---------------------------------------------------------------------------------------
// Text

/// Makes a line of text from manifests safe to print on a terminal: control characters
/// (escape sequences, line breaks inside names) are replaced; a final line break is kept.
fn sanitize(s: &str) -> String {
    let (body, end) = s.strip_suffix('\n').map_or((s, ""), |b| (b, "\n"));
    let mut out: String = body
        .chars()
        .map(|c| {
            if c.is_control() && c != '\t' {
                '\u{fffd}'
            } else {
                c
            }
        })
        .collect();
    out.push_str(end);
    out
}

/// The two lines of a grant: the binding (and its subject entry), then the rule.
fn grant_text(out: &mut String, g: &Grant<'_>, locate: &mut Locator<'_>, indent: &str) {
    let binding_at = at(locate.binding(g.binding).as_ref());
    let subject_at = locate
        .subject(g)
        .map(|l| format!(", {} at line {}", g.subject.field, l.start.line))
        .unwrap_or_default();
    let scope = match g.namespace {
        Some(ns) => format!("in namespace {ns}"),
        None => "in every namespace and cluster-wide".to_string(),
    };
    out.push_str(&sanitize(&format!(
        "{indent}{} ({scope}) at {binding_at}{subject_at}\n",
        g.binding.label()
    )));
    let via = if g.rule_role.id == g.role.id {
        String::new()
    } else {
        format!(", aggregated from {}", g.rule_role.label())
    };
    let builtin = if g.rule_role.builtin {
        " (Kubernetes bootstrap role)"
    } else {
        ""
    };
    out.push_str(&sanitize(&format!(
        "{indent}  {}{via} {} at {}{builtin}\n",
        g.role.label(),
        g.rule.field,
        at(locate.rule(g).as_ref()),
    )));
}

fn who_can_text(req: &Request, who: &[SubjectGrants<'_>], locate: &mut Locator<'_>) -> String {
    let mut out = String::new();
    if who.is_empty() {
        out.push_str(&sanitize(&format!("nobody can {req}\n")));
        return out;
    }
    out.push_str(&sanitize(&format!(
        "{} can {req}:\n",
        plural(who.len(), "subject", "subjects")
    )));
    for s in who {
        out.push('\n');
        out.push_str(&sanitize(&format!("{}\n", s.subject)));
        for g in &s.grants {
            grant_text(&mut out, g, locate, "  ");
        }
    }
    out
}

fn can_i_text(grants: &[Grant<'_>], locate: &mut Locator<'_>) -> String {
    let mut out = String::new();
    if grants.is_empty() {
        out.push_str("no\n");
        return out;
    }
    out.push_str("yes\n");
    for g in grants {
        grant_text(&mut out, g, locate, "  ");
    }
    out
}

fn permissions_text(subject: &Subject, p: &Permissions<'_>, locate: &mut Locator<'_>) -> String {
    let mut out = String::new();
    let user = p
        .identity
        .user
        .as_deref()
        .map(|u| format!("user {u}, "))
        .unwrap_or_default();
    out.push_str(&sanitize(&format!(
        "{subject} ({user}groups {})\n",
        p.identity.groups.join(", ")
    )));
    let section =
        |out: &mut String, title: &str, ps: &[Permission<'_>], locate: &mut Locator<'_>| {
            out.push('\n');
            out.push_str(&sanitize(title));
            out.push('\n');
            if ps.is_empty() {
                out.push_str("  (nothing)\n");
                return;
            }
            permission_table(out, ps, locate);
        };
    section(
        &mut out,
        "Cluster-wide (ClusterRoleBindings; they apply in every namespace too):",
        &p.cluster,
        locate,
    );
    for (ns, ps) in &p.namespaces {
        section(
            &mut out,
            &format!("Namespace {ns} (RoleBindings; in addition to the cluster-wide permissions):"),
            ps,
            locate,
        );
    }
    out
}

/// kubectl's table (Resources, Non-Resource URLs, Resource Names, Verbs), each row followed by
/// the grants of it.
fn permission_table(out: &mut String, ps: &[Permission<'_>], locate: &mut Locator<'_>) {
    let rows: Vec<[String; 4]> = ps
        .iter()
        .map(|p| {
            let (resource, url, name) = match &p.target {
                Target::Resource { resource_name, .. } => (
                    p.target.display_resource(),
                    "[]".to_string(),
                    resource_name
                        .as_ref()
                        .map_or_else(|| "[]".to_string(), |n| format!("[{n}]")),
                ),
                Target::NonResourceUrl(u) => (String::new(), format!("[{u}]"), "[]".to_string()),
            };
            [resource, url, name, format!("[{}]", p.verbs.join(" "))]
        })
        .collect();
    let header = ["Resources", "Non-Resource URLs", "Resource Names", "Verbs"];
    let mut widths = header.map(str::len);
    for r in &rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cells: [&str; 4]| {
        let mut s = String::from("  ");
        for (i, c) in cells.iter().enumerate() {
            if i == 3 {
                s.push_str(c);
            } else {
                s.push_str(&format!("{c:<w$}   ", w = widths[i]));
            }
        }
        s.push('\n');
        s
    };
    out.push_str(&line(header));
    for (p, r) in ps.iter().zip(&rows) {
        out.push_str(&sanitize(&line([&r[0], &r[1], &r[2], &r[3]])));
        for g in &p.grants {
            grant_text(out, g, locate, "      ");
        }
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

// ---------------------------------------------------------------------------------------
// JSON

fn subject_json(s: &Subject) -> Json {
    json!({"kind": s.kind(), "namespace": s.namespace(), "name": s.name()})
}

fn identity_json(id: &Identity) -> Json {
    json!({"user": id.user, "groups": id.groups})
}

fn scope_json(scope: &Scope) -> (Json, Json) {
    match scope {
        Scope::Cluster => (json!("cluster"), Json::Null),
        Scope::Namespace(ns) => (json!("namespace"), json!(ns)),
        Scope::AnyNamespace => (json!("anyNamespace"), Json::Null),
    }
}

fn request_json(req: &Request) -> Json {
    match req {
        Request::Resource(r) => {
            let (scope, namespace) = scope_json(&r.scope);
            json!({
                "verb": r.verb,
                "apiGroup": r.api_group,
                "resource": r.resource,
                "subresource": r.subresource,
                "name": r.name,
                "scope": scope,
                "namespace": namespace,
            })
        }
        Request::NonResource(r) => json!({
            "verb": r.verb,
            "nonResourceURL": r.path,
            "scope": "cluster",
            "namespace": null,
        }),
    }
}

fn grant_json(g: &Grant<'_>, locate: &mut Locator<'_>) -> Json {
    json!({
        "binding": g.binding.name,
        "bindingKind": g.binding.kind.as_str(),
        "bindingNamespace": g.binding.namespace,
        "role": g.role.name,
        "roleKind": g.role.kind.as_str(),
        "roleNamespace": g.role.namespace,
        "location": location_json(locate.binding(g.binding).as_ref()),
        "namespace": g.namespace,
        "subject": {
            "field": g.subject.field,
            "kind": g.subject.kind,
            "name": g.subject.name,
            "namespace": (!g.subject.namespace.is_empty()).then_some(&g.subject.namespace),
            "location": location_json(locate.subject(g).as_ref()),
        },
        "rule": {
            "role": g.rule_role.name,
            "roleKind": g.rule_role.kind.as_str(),
            "roleNamespace": g.rule_role.namespace,
            "builtin": g.rule_role.builtin,
            "field": g.rule.field,
            "location": location_json(locate.rule(g).as_ref()),
            "roleLocation": location_json(locate.role(g.rule_role).as_ref()),
            "apiGroups": g.rule.policy.api_groups,
            "resources": g.rule.policy.resources,
            "resourceNames": g.rule.policy.resource_names,
            "nonResourceURLs": g.rule.policy.non_resource_urls,
            "verbs": g.rule.policy.verbs,
        },
    })
}

fn subject_grants_json(s: &SubjectGrants<'_>, locate: &mut Locator<'_>) -> Json {
    json!({
        "kind": s.subject.kind(),
        "namespace": s.subject.namespace(),
        "name": s.subject.name(),
        "grants": s.grants.iter().map(|g| grant_json(g, locate)).collect::<Vec<_>>(),
    })
}

fn permission_json(p: &Permission<'_>, locate: &mut Locator<'_>) -> Json {
    let (api_group, resource, resource_name, url) = match &p.target {
        Target::Resource {
            api_group,
            resource,
            resource_name,
        } => (
            json!(api_group),
            json!(resource),
            json!(resource_name),
            Json::Null,
        ),
        Target::NonResourceUrl(u) => (Json::Null, Json::Null, Json::Null, json!(u)),
    };
    json!({
        "apiGroup": api_group,
        "resource": resource,
        "resourceName": resource_name,
        "nonResourceURL": url,
        "verbs": p.verbs,
        "grants": p.grants.iter().map(|g| grant_json(g, locate)).collect::<Vec<_>>(),
    })
}

fn diagnostic_json(d: &Diagnostic<'_>, locate: &mut Locator<'_>) -> Json {
    json!({
        "kind": d.kind.id(),
        "message": d.message,
        "object": {
            "apiVersion": d.object.api_version,
            "kind": d.object.kind,
            "namespace": d.object.namespace,
            "name": d.object.name,
        },
        "field": d.field,
        "location": location_json(locate.field(d.object, &d.field, d.location.as_ref()).as_ref()),
    })
}

/// Adds warnings, diagnostics and errors, and serializes.
fn finish_json(
    mut doc: serde_json::Map<String, Json>,
    warnings: &[String],
    rbac: &Rbac<'_>,
    inputs: &Inputs,
    locate: &mut Locator<'_>,
) -> String {
    doc.insert("warnings".into(), json!(warnings));
    doc.insert(
        "diagnostics".into(),
        Json::Array(
            rbac.diagnostics()
                .iter()
                .map(|d| diagnostic_json(d, locate))
                .collect(),
        ),
    );
    doc.insert(
        "errors".into(),
        Json::Array(
            inputs
                .errors
                .iter()
                .map(|e| {
                    json!({
                        "path": e.path,
                        "line": e.line,
                        "column": e.column,
                        "message": e.message,
                    })
                })
                .collect(),
        ),
    );
    let mut text = serde_json::to_string_pretty(&Json::Object(doc)).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context(text: &str) -> Context {
        let (objects, errors) = Object::parse_all("rbac.yaml", text);
        assert!(errors.is_empty(), "{errors:?}");
        Context::new(objects)
    }

    const OBJECTS: &str = "apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: exec, namespace: shop}
rules:
- {apiGroups: [''], resources: [pods/exec], verbs: [create]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: debuggers, namespace: shop}
roleRef: {kind: Role, name: exec}
subjects:
- {kind: ServiceAccount, name: tools}
";

    #[test]
    fn texts_and_json_of_a_grant() {
        let ctx = context(OBJECTS);
        let rbac = Rbac::new(&ctx, &Options::default());
        let discovery = Discovery::builtin();
        let (req, warnings) = request(
            "create",
            "pods/exec",
            None,
            Scope::Namespace("shop".into()),
            &discovery,
        )
        .expect("valid");
        assert!(warnings.is_empty());
        let origins = Origins::default();
        let mut locate = Locator::new(&origins);
        let who = rbac.who_can(&req);
        assert_eq!(
            who_can_text(&req, &who, &mut locate),
            "1 subject can create pods/exec in namespace shop:\n\nServiceAccount shop/tools\n  RoleBinding shop/debuggers (in namespace shop) at rbac.yaml:8:1, subjects[0] at line 12\n    Role shop/exec rules[0] at rbac.yaml:5:4\n"
        );
        let j = subject_grants_json(&who[0], &mut locate);
        assert_eq!(j["kind"], "ServiceAccount");
        assert_eq!(j["namespace"], "shop");
        assert_eq!(j["grants"][0]["binding"], "debuggers");
        assert_eq!(j["grants"][0]["role"], "exec");
        assert_eq!(j["grants"][0]["location"]["path"], "rbac.yaml");
        assert_eq!(j["grants"][0]["location"]["line"], 8);
        assert_eq!(j["grants"][0]["rule"]["location"]["line"], 5);
        assert_eq!(j["grants"][0]["subject"]["namespace"], Json::Null);
        let none = rbac.who_can(
            &request("delete", "pods", None, Scope::Cluster, &discovery)
                .expect("valid")
                .0,
        );
        assert_eq!(
            who_can_text(&req, &none, &mut locate),
            "nobody can create pods/exec in namespace shop\n"
        );
        assert_eq!(can_i_text(&[], &mut locate), "no\n");
        assert!(
            can_i_text(&who[0].grants, &mut locate)
                .starts_with("yes\n  RoleBinding shop/debuggers")
        );
        assert_eq!(
            request_json(&req),
            json!({"verb": "create", "apiGroup": "", "resource": "pods", "subresource": "exec", "name": "", "scope": "namespace", "namespace": "shop"})
        );
    }

    #[test]
    fn permission_tables() {
        let ctx = context(OBJECTS);
        let rbac = Rbac::new(&ctx, &Options::default());
        let sa = Subject::parse("sa:shop:tools").expect("subject");
        let p = rbac.permissions(&sa.identity());
        let origins = Origins::default();
        let mut locate = Locator::new(&origins);
        let text = permissions_text(&sa, &p, &mut locate);
        assert_eq!(
            text,
            "ServiceAccount shop/tools (user system:serviceaccount:shop:tools, groups system:serviceaccounts, system:serviceaccounts:shop, system:authenticated)\n\nCluster-wide (ClusterRoleBindings; they apply in every namespace too):\n  (nothing)\n\nNamespace shop (RoleBindings; in addition to the cluster-wide permissions):\n  Resources   Non-Resource URLs   Resource Names   Verbs\n  pods/exec   []                  []               [create]\n      RoleBinding shop/debuggers (in namespace shop) at rbac.yaml:8:1, subjects[0] at line 12\n        Role shop/exec rules[0] at rbac.yaml:5:4\n"
        );
        assert_eq!(sanitize("a\u{1b}[31mb"), "a\u{fffd}[31mb");
        assert_eq!(sanitize("a\nb\n"), "a\u{fffd}b\n");
    }
}
