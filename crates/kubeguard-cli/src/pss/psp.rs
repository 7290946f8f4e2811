//! The legacy PodSecurityPolicy part of `kubeguard pss`: when PodSecurityPolicy objects are
//! among the inputs, each one's permissive settings, its equivalent Pod Security Standards
//! level (with what blocks the next level and the caveats), the workloads RBAC lets use it,
//! and per namespace the Pod Security Admission labels that would replace the PSPs, with the
//! workloads those labels would reject or warn about.
//!
//! The analysis is `kubeguard_pss::psp`'s; this module turns its borrowed results into owned
//! reports (objects by index, so that Kustomize locations can be moved back to their source
//! files), and renders them as text and JSON (documented in `docs/pss.md`).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use annotate_snippets::{Element, Group, Level as Lvl};
use kubeguard_model::{Context, Object, Seg};
use kubeguard_pss::psp::{
    Equivalence, NamespaceMigration, PspFinding, SubjectMatch, UsablePsp, WorkloadCheck, audit,
    equivalent_level_at, is_pod_security_policy, migration_at, pod_security_policies, psp_users,
};
use kubeguard_pss::{Level, NamespaceLabels, Version, Violation};
use kubeguard_source::{Location, Node, SourceFile};
use serde_json::{Value as Json, json};

use super::{
    distinct_controls, field_present, frame, location_json, origin, parse_field, plural,
    psa_labels, sanitize, violation_json,
};
use crate::render::Remapper;

/// An object of the analyzed inputs, named and located.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectRef {
    /// Index of the object in the analyzed slice.
    pub index: usize,
    /// `apiVersion`.
    pub api_version: String,
    /// Kind.
    pub kind: String,
    /// `metadata.namespace`, `None` when absent.
    pub namespace: Option<String>,
    /// Name.
    pub name: String,
    /// Where the object is (its `kind:`).
    pub location: Option<Location>,
}

impl ObjectRef {
    fn new(index: usize, obj: &Object) -> ObjectRef {
        ObjectRef {
            index,
            api_version: obj.api_version.clone(),
            kind: obj.kind.clone(),
            namespace: obj.namespace.clone(),
            name: obj.name.clone(),
            location: object_location(obj),
        }
    }

    /// `Kind namespace/name` (or `Kind name`).
    pub fn label(&self) -> String {
        match &self.namespace {
            Some(ns) => format!("{} {ns}/{}", self.kind, self.name),
            None => format!("{} {}", self.kind, self.name),
        }
    }
}

/// One path by which a ServiceAccount may use a PSP.
#[derive(Debug, Clone)]
pub struct GrantReport {
    /// The RoleBinding or ClusterRoleBinding.
    pub binding: ObjectRef,
    /// How its subject matches the ServiceAccount.
    pub subject: SubjectMatch,
    /// Path of the subject in the binding (`subjects[0]`).
    pub subject_field: String,
    /// Where the subject is.
    pub subject_location: Option<Location>,
    /// The Role or ClusterRole the binding refers to.
    pub role: ObjectRef,
    /// The role holding the granting rule (`role`, or a ClusterRole it aggregates).
    pub rule_role: ObjectRef,
    /// Path of the rule in `rule_role` (`rules[0]`).
    pub rule_field: String,
    /// Where the rule is.
    pub rule_location: Option<Location>,
}

/// A workload whose ServiceAccount may use a PSP.
#[derive(Debug, Clone)]
pub struct UserReport {
    /// The workload.
    pub workload: ObjectRef,
    /// Its namespace (`default` when unset).
    pub namespace: String,
    /// Its ServiceAccount.
    pub service_account: String,
    /// Every grant letting it use the PSP.
    pub grants: Vec<GrantReport>,
}

/// One PodSecurityPolicy among the inputs.
#[derive(Debug, Clone)]
pub struct PspReport {
    /// The PodSecurityPolicy.
    pub object: ObjectRef,
    /// Every permissive setting.
    pub findings: Vec<PspFinding>,
    /// The fields of findings that are absent (located at a parent).
    pub missing: Vec<String>,
    /// The equivalent level at the report's policy version.
    pub equivalence: Equivalence,
    /// The workloads that may use it, in input order.
    pub users: Vec<UserReport>,
}

impl PspReport {
    /// The level above the equivalent one, whose blockers are the reasons it is not
    /// stricter (`None` at Restricted).
    pub fn next_level(&self) -> Option<Level> {
        match self.equivalence.level {
            Level::Privileged => Some(Level::Baseline),
            Level::Baseline => Some(Level::Restricted),
            Level::Restricted => None,
        }
    }
}

/// A PSP some workloads of a namespace may use.
#[derive(Debug, Clone)]
pub struct UsableReport {
    /// The PodSecurityPolicy.
    pub psp: ObjectRef,
    /// Its equivalent level.
    pub level: Level,
    /// The namespace's workloads that may use it.
    pub workloads: Vec<ObjectRef>,
}

/// A workload failing a suggested level.
#[derive(Debug, Clone)]
pub struct CheckReport {
    /// The workload.
    pub workload: ObjectRef,
    /// The strictest level it meets.
    pub highest: Level,
    /// The level it fails (the suggested `enforce`, or `warn`).
    pub level: Level,
    /// Its violations of that level.
    pub violations: Vec<Violation>,
}

/// The migration of one namespace from PodSecurityPolicies to Pod Security Admission labels.
#[derive(Debug, Clone)]
pub struct MigrationReport {
    /// The namespace (`default` for objects without one).
    pub namespace: String,
    /// Its Namespace object, when among the inputs.
    pub namespace_object: Option<ObjectRef>,
    /// The `pod-security.kubernetes.io/*` labels of that object as written.
    pub current: Vec<(String, String)>,
    /// Its workloads.
    pub workloads: Vec<ObjectRef>,
    /// The PSPs its workloads may use.
    pub psps: Vec<UsableReport>,
    /// The level of the most permissive of them; `None` when none is usable.
    pub psp_level: Option<Level>,
    /// Workloads no PSP is granted to.
    pub without_psp: Vec<ObjectRef>,
    /// The strictest level all its workloads meet.
    pub workloads_level: Level,
    /// The suggested `enforce` level.
    pub enforce: Level,
    /// The suggested `warn` and `audit` level.
    pub warn: Level,
    /// The suggested labels, in order.
    pub labels: Vec<(&'static str, String)>,
    /// Workloads the suggested `enforce` would reject.
    pub rejected: Vec<CheckReport>,
    /// Workloads the suggested `warn` would warn about.
    pub warned: Vec<CheckReport>,
}

fn object_location(o: &Object) -> Option<Location> {
    (!o.source.text().is_empty()).then(|| o.source.location(&o.path, o.anchor_span()))
}

/// The PSP reports and namespace migrations of `objects` at `version`; both empty when no
/// PodSecurityPolicy is among them.
pub fn analyze(objects: &[Object], version: Version) -> (Vec<PspReport>, Vec<MigrationReport>) {
    if !objects.iter().any(is_pod_security_policy) {
        return (Vec::new(), Vec::new());
    }
    let ctx = Context::new(objects.to_vec());
    let index: HashMap<*const Object, usize> = ctx
        .objects
        .iter()
        .enumerate()
        .map(|(i, o)| (std::ptr::from_ref(o), i))
        .collect();
    // Every object handed back by the analysis is one of the context's.
    let r = |o: &Object| {
        let i = index
            .get(&std::ptr::from_ref(o))
            .copied()
            .unwrap_or(usize::MAX);
        ObjectRef::new(i, o)
    };

    let psps = pod_security_policies(&ctx)
        .map(|p| {
            let findings = audit(p).findings;
            let missing = findings
                .iter()
                .filter(|f| !field_present(p, &f.field))
                .map(|f| f.field.clone())
                .collect();
            let users = psp_users(&ctx, p)
                .into_iter()
                .map(|u| UserReport {
                    workload: r(u.workload),
                    namespace: u.namespace,
                    service_account: u.service_account,
                    grants: u
                        .grants
                        .into_iter()
                        .map(|g| GrantReport {
                            binding: r(g.binding),
                            subject: g.subject,
                            subject_field: g.subject_field,
                            subject_location: g.subject_location,
                            role: r(g.role),
                            rule_role: r(g.rule_role),
                            rule_field: g.rule_field,
                            rule_location: g.rule_location,
                        })
                        .collect(),
                })
                .collect();
            PspReport {
                object: r(p),
                findings,
                missing,
                equivalence: equivalent_level_at(p, version),
                users,
            }
        })
        .collect();

    let refs = |os: &[&Object]| os.iter().map(|o| r(o)).collect::<Vec<_>>();
    let check = |c: WorkloadCheck<'_>, level: Level| CheckReport {
        workload: r(c.workload),
        highest: c.highest,
        level,
        violations: c.violations,
    };
    let migration = migration_at(&ctx, version)
        .into_iter()
        .map(|m: NamespaceMigration<'_>| {
            let namespace_object = ctx
                .named("Namespace", &m.namespace)
                .find(|o| NamespaceLabels::from_object(o).is_some());
            MigrationReport {
                current: namespace_object.map(psa_labels).unwrap_or_default(),
                namespace_object: namespace_object.map(r),
                workloads: refs(&m.workloads),
                psps: m
                    .psps
                    .iter()
                    .map(|u: &UsablePsp<'_>| UsableReport {
                        psp: r(u.psp),
                        level: u.equivalence.level,
                        workloads: refs(&u.workloads),
                    })
                    .collect(),
                psp_level: m.psp_level,
                without_psp: refs(&m.without_psp),
                workloads_level: m.workloads_level,
                enforce: m.enforce,
                warn: m.warn,
                labels: m.labels,
                rejected: m
                    .rejected
                    .into_iter()
                    .map(|c| check(c, m.enforce))
                    .collect(),
                warned: m.warned.into_iter().map(|c| check(c, m.warn)).collect(),
                namespace: m.namespace,
            }
        })
        .collect();
    (psps, migration)
}

// ---------------------------------------------------------------------------------------
// Kustomize locations

/// Moves locations on rendered Kustomize objects to their source files.
pub fn relocate(
    psps: &mut [PspReport],
    migration: &mut [MigrationReport],
    objects: &[Object],
    remapper: &mut Remapper<'_>,
    sources: &mut BTreeMap<Arc<str>, Arc<SourceFile>>,
) {
    let mut rl = Relocator {
        objects,
        remapper,
        sources,
    };
    for p in psps {
        rl.object(&mut p.object);
        let i = p.object.index;
        for f in &mut p.findings {
            rl.field(i, &f.field, &mut f.location);
        }
        for b in &mut p.equivalence.blockers {
            rl.field(i, &b.field, &mut b.location);
        }
        for c in &mut p.equivalence.caveats {
            rl.field(i, &c.field, &mut c.location);
        }
        for u in &mut p.users {
            rl.object(&mut u.workload);
            for g in &mut u.grants {
                rl.object(&mut g.binding);
                rl.object(&mut g.role);
                rl.object(&mut g.rule_role);
                rl.field(g.binding.index, &g.subject_field, &mut g.subject_location);
                rl.field(g.rule_role.index, &g.rule_field, &mut g.rule_location);
            }
        }
    }
    for m in migration {
        if let Some(n) = &mut m.namespace_object {
            rl.object(n);
        }
        let lists = [&mut m.workloads, &mut m.without_psp];
        for list in lists {
            list.iter_mut().for_each(|w| rl.object(w));
        }
        for u in &mut m.psps {
            rl.object(&mut u.psp);
            u.workloads.iter_mut().for_each(|w| rl.object(w));
        }
        for c in m.rejected.iter_mut().chain(m.warned.iter_mut()) {
            rl.object(&mut c.workload);
            for v in &mut c.violations {
                rl.field(c.workload.index, &v.field, &mut v.location);
            }
        }
    }
}

struct Relocator<'r, 'o> {
    objects: &'r [Object],
    remapper: &'r mut Remapper<'o>,
    sources: &'r mut BTreeMap<Arc<str>, Arc<SourceFile>>,
}

impl<'r> Relocator<'r, '_> {
    /// The object at `index` when it was rendered from a known source file.
    fn rendered(&self, index: usize) -> Option<&'r Object> {
        let objects: &'r [Object] = self.objects;
        objects.get(index).filter(|o| self.remapper.covers(&o.path))
    }

    fn object(&mut self, r: &mut ObjectRef) {
        let Some(obj) = self.rendered(r.index) else {
            return;
        };
        if let Some(l) = self.remapper.object(obj, self.sources) {
            r.location = Some(l);
        }
    }

    /// Moves the location of `field` of object `index`; a list item or map that the
    /// rendering wrote differently (keys sorted, flow lists as blocks) goes to its first
    /// scalar instead.
    fn field(&mut self, index: usize, field: &str, location: &mut Option<Location>) {
        let Some(obj) = self.rendered(index) else {
            return;
        };
        let moved = self.remapper.field(obj, field, self.sources).or_else(|| {
            let leaf = first_leaf(&obj.root, field)?;
            self.remapper.field(obj, &leaf, self.sources)
        });
        if let Some(l) = moved {
            *location = Some(l);
        }
    }
}

/// The path of the first scalar at or under `field` in `root` (the first key of maps, the
/// first item of lists); `None` when the field is absent or holds an empty collection.
fn first_leaf(root: &Node, field: &str) -> Option<String> {
    let mut node = root;
    for seg in parse_field(field)? {
        node = match seg {
            Seg::Key(k) => node.get(k)?,
            Seg::Index(i) => node.as_seq()?.get(i)?,
        };
    }
    let mut path = field.to_string();
    loop {
        if let Some(map) = node.as_map() {
            let (key, value) = map.iter().next()?;
            if key.contains(['.', '[', ']']) {
                path.push_str(&format!("[{key}]"));
            } else {
                path.push('.');
                path.push_str(key);
            }
            node = value;
        } else if let Some(items) = node.as_seq() {
            node = items.first()?;
            path.push_str("[0]");
        } else {
            return Some(path);
        }
    }
}

// ---------------------------------------------------------------------------------------
// JSON

fn object_json(r: &ObjectRef) -> Json {
    json!({
        "apiVersion": r.api_version,
        "kind": r.kind,
        "namespace": r.namespace,
        "name": r.name,
    })
}

fn ref_json(r: &ObjectRef) -> Json {
    json!({
        "object": object_json(r),
        "location": location_json(r.location.as_ref()),
    })
}

fn subject_json(s: &SubjectMatch, service_account: &str) -> Json {
    match s {
        SubjectMatch::ServiceAccount => json!({"kind": "ServiceAccount", "name": service_account}),
        SubjectMatch::User(name) => json!({"kind": "User", "name": name}),
        SubjectMatch::Group(name) => json!({"kind": "Group", "name": name}),
    }
}

/// The `podSecurityPolicies` array (see `docs/pss.md`).
pub fn psps_json(psps: &[PspReport]) -> Json {
    psps.iter()
        .map(|p| {
            let e = &p.equivalence;
            json!({
                "object": object_json(&p.object),
                "location": location_json(p.object.location.as_ref()),
                "level": e.level.as_str(),
                "findings": p.findings.iter().map(|f| json!({
                    "rule": f.rule.id(),
                    "message": f.message,
                    "field": f.field,
                    "location": location_json(f.location.as_ref()),
                })).collect::<Vec<_>>(),
                "blockers": e.blockers.iter().map(|b| json!({
                    "level": b.level().as_str(),
                    "control": b.control.id(),
                    "message": b.message,
                    "field": b.field,
                    "location": location_json(b.location.as_ref()),
                })).collect::<Vec<_>>(),
                "caveats": e.caveats.iter().map(|c| json!({
                    "control": c.control.id(),
                    "message": c.message,
                    "field": c.field,
                    "location": location_json(c.location.as_ref()),
                })).collect::<Vec<_>>(),
                "users": p.users.iter().map(|u| {
                    let mut o = ref_json(&u.workload);
                    o["serviceAccount"] = json!({"namespace": u.namespace, "name": u.service_account});
                    o["grants"] = u.grants.iter().map(|g| json!({
                        "binding": ref_json(&g.binding),
                        "subject": subject_json(&g.subject, &u.service_account),
                        "subjectField": g.subject_field,
                        "subjectLocation": location_json(g.subject_location.as_ref()),
                        "role": ref_json(&g.role),
                        "ruleRole": ref_json(&g.rule_role),
                        "ruleField": g.rule_field,
                        "ruleLocation": location_json(g.rule_location.as_ref()),
                    })).collect();
                    o
                }).collect::<Vec<_>>(),
            })
        })
        .collect()
}

fn check_json(c: &CheckReport) -> Json {
    let mut o = ref_json(&c.workload);
    o["level"] = json!(c.highest.as_str());
    o["fails"] = json!(c.level.as_str());
    o["controls"] = json!(distinct_controls(&c.violations));
    o["violations"] = c.violations.iter().map(violation_json).collect();
    o
}

/// The `migration` array (see `docs/pss.md`).
pub fn migration_json(migration: &[MigrationReport]) -> Json {
    migration
        .iter()
        .map(|m| {
            let labels = |ls: &mut dyn Iterator<Item = (&str, &str)>| -> Json {
                Json::Object(ls.map(|(k, v)| (k.to_string(), json!(v))).collect())
            };
            json!({
                "namespace": m.namespace,
                "namespaceFound": m.namespace_object.is_some(),
                "currentLabels": m.namespace_object.as_ref().map(|_| {
                    labels(&mut m.current.iter().map(|(k, v)| (k.as_str(), v.as_str())))
                }),
                "workloads": m.workloads.iter().map(object_json).collect::<Vec<_>>(),
                "psps": m.psps.iter().map(|u| json!({
                    "name": u.psp.name,
                    "level": u.level.as_str(),
                    "workloads": u.workloads.iter().map(object_json).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
                "pspLevel": m.psp_level.map(Level::as_str),
                "withoutPsp": m.without_psp.iter().map(object_json).collect::<Vec<_>>(),
                "workloadsLevel": m.workloads_level.as_str(),
                "labels": labels(&mut m.labels.iter().map(|(k, v)| (*k, v.as_str()))),
                "rejected": m.rejected.iter().map(check_json).collect::<Vec<_>>(),
                "warned": m.warned.iter().map(check_json).collect::<Vec<_>>(),
            })
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// Text

/// `path:line:col`, or empty without a location.
fn at(loc: Option<&Location>) -> String {
    loc.map(|l| format!("{}:{}:{}", l.path, l.start.line, l.start.column))
        .unwrap_or_default()
}

/// ` at path:line:col`, or empty.
fn at_suffix(loc: Option<&Location>) -> String {
    let s = at(loc);
    if s.is_empty() { s } else { format!(" at {s}") }
}

/// A located item: a code frame labelled `label` when the source is known, else the
/// location and a note; `= missing: field` when the frame shows a parent of the field.
fn located<'a>(
    label: String,
    location: Option<&'a Location>,
    missing: Option<&str>,
    sources: &'a BTreeMap<Arc<str>, Arc<SourceFile>>,
) -> Vec<Element<'a>> {
    let label = sanitize(&label);
    let mut out: Vec<Element<'a>> = Vec::new();
    match location {
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
    if let Some(field) = missing {
        out.push(
            Lvl::NOTE
                .with_name("missing")
                .message(sanitize(field))
                .into(),
        );
    }
    out
}

fn header_level(level: Level) -> Lvl<'static> {
    match level {
        Level::Privileged => Lvl::ERROR,
        Level::Baseline => Lvl::WARNING,
        Level::Restricted => Lvl::NOTE,
    }
}

fn grant_text(g: &GrantReport, service_account: &str) -> String {
    let subject = match &g.subject {
        SubjectMatch::ServiceAccount => format!("ServiceAccount {service_account}"),
        other => other.to_string(),
    };
    let rule = if g.rule_role.index == g.role.index {
        String::new()
    } else {
        format!(", aggregating {}", g.rule_role.label())
    };
    format!(
        "{} {} ({}{}) -> {}{} {}{}",
        g.binding.label(),
        g.subject_field,
        subject,
        at_suffix(g.subject_location.as_ref()),
        g.role.label(),
        rule,
        g.rule_field,
        at_suffix(g.rule_location.as_ref()),
    )
}

/// The annotate-snippets group of one PodSecurityPolicy.
pub fn psp_group<'a>(
    p: &'a PspReport,
    version: Version,
    sources: &'a BTreeMap<Arc<str>, Arc<SourceFile>>,
) -> Group<'a> {
    let e = &p.equivalence;
    let title = header_level(e.level)
        .with_name(e.level.as_str())
        .primary_title(sanitize(&p.object.label()));
    let mut elements: Vec<Element<'a>> = Vec::new();
    if let Some(loc) = &p.object.location {
        elements.push(origin(loc).into());
    }
    elements.push(
        Lvl::NOTE
            .no_name()
            .message(format!(
                "equivalent to {} at policy {version}: the strictest Pod Security Standards level every pod it admits meets",
                e.level
            ))
            .into(),
    );
    if p.findings.is_empty() {
        elements.push(Lvl::NOTE.no_name().message("no permissive setting").into());
    } else {
        elements.push(
            Lvl::NOTE
                .no_name()
                .message(format!(
                    "allows: {}",
                    plural(
                        p.findings.len(),
                        "permissive setting",
                        "permissive settings"
                    )
                ))
                .into(),
        );
        for f in &p.findings {
            let missing = p.missing.contains(&f.field).then_some(f.field.as_str());
            elements.extend(located(
                format!("{}: {}", f.rule, f.message),
                f.location.as_ref(),
                missing,
                sources,
            ));
        }
    }
    if let Some(next) = p.next_level() {
        for b in e.blockers.iter().filter(|b| b.level() == next) {
            elements.push(
                Lvl::NOTE
                    .with_name(format!("not {next}"))
                    .message(sanitize(&format!(
                        "{}/{}: {} ({}{})",
                        b.level(),
                        b.control.id(),
                        b.message,
                        b.field,
                        at_suffix(b.location.as_ref())
                    )))
                    .into(),
            );
        }
    }
    for c in &e.caveats {
        elements.push(
            Lvl::NOTE
                .with_name("caveat")
                .message(sanitize(&format!(
                    "{}: {} ({}{})",
                    c.control.id(),
                    c.message,
                    c.field,
                    at_suffix(c.location.as_ref())
                )))
                .into(),
        );
    }
    if p.users.is_empty() {
        elements.push(
            Lvl::NOTE
                .with_name("used by")
                .message("no workload among the inputs: no RBAC binding grants `use` of it to their ServiceAccounts")
                .into(),
        );
    }
    for u in &p.users {
        let grants: Vec<String> = u
            .grants
            .iter()
            .map(|g| grant_text(g, &u.service_account))
            .collect();
        elements.push(
            Lvl::NOTE
                .with_name("used by")
                .message(sanitize(&format!(
                    "{} (ServiceAccount {}/{}) through {}",
                    u.workload.label(),
                    u.namespace,
                    u.service_account,
                    grants.join("; ")
                )))
                .into(),
        );
    }
    title.elements(elements)
}

fn labels_text(refs: &[ObjectRef]) -> String {
    refs.iter()
        .map(ObjectRef::label)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The annotate-snippets group of one namespace's migration.
pub fn migration_group(m: &MigrationReport, version: Version) -> Group<'_> {
    let level = if m.rejected.is_empty() && m.enforce != Level::Privileged {
        Lvl::NOTE
    } else {
        Lvl::WARNING
    };
    let title = level
        .with_name("migration")
        .primary_title(sanitize(&format!("Namespace {}", m.namespace)));
    let mut elements: Vec<Element<'_>> = Vec::new();
    if let Some(loc) = m
        .namespace_object
        .as_ref()
        .and_then(|n| n.location.as_ref())
    {
        elements.push(origin(loc).into());
    }
    let note = |name: &'static str, text: String| -> Element<'_> {
        Lvl::NOTE.with_name(name).message(sanitize(&text)).into()
    };
    for u in &m.psps {
        elements.push(note(
            "psp",
            format!(
                "{} ({}) may be used by {}",
                u.psp.name,
                u.level,
                labels_text(&u.workloads)
            ),
        ));
    }
    if m.psps.is_empty() {
        elements.push(note(
            "psp",
            "no PodSecurityPolicy is granted to its workloads' ServiceAccounts".to_string(),
        ));
    } else if !m.without_psp.is_empty() {
        elements.push(note(
            "without psp",
            format!(
                "{}: no PodSecurityPolicy is granted to their ServiceAccounts (PodSecurityPolicy admission rejects their pods)",
                labels_text(&m.without_psp)
            ),
        ));
    }
    let why = match m.psp_level {
        Some(_) => "the level of the most permissive PodSecurityPolicy its workloads may use",
        None => "the level all its workloads meet",
    };
    let warn = if m.warn == m.enforce {
        String::new()
    } else {
        format!(", warn and audit {}", m.warn)
    };
    elements.push(note(
        "suggested",
        format!("enforce {}{warn} at policy {version} ({why})", m.enforce),
    ));
    let current = match &m.namespace_object {
        None => "the Namespace is not among the inputs".to_string(),
        Some(_) if m.current.is_empty() => "no pod-security.kubernetes.io labels".to_string(),
        Some(_) => m
            .current
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(" "),
    };
    elements.push(note("current", current));
    for c in &m.rejected {
        elements.push(
            Lvl::ERROR
                .with_name("rejected")
                .message(sanitize(&format!(
                    "{}{} (meets {}): enforce {}:{version} would reject its pods ({})",
                    c.workload.label(),
                    at_suffix(c.workload.location.as_ref()),
                    c.highest,
                    c.level,
                    distinct_controls(&c.violations).join(", ")
                )))
                .into(),
        );
    }
    for c in &m.warned {
        elements.push(note(
            "warned",
            format!(
                "{}{} (meets {}): warn {}:{version} would warn about its pods ({})",
                c.workload.label(),
                at_suffix(c.workload.location.as_ref()),
                c.highest,
                c.level,
                distinct_controls(&c.violations).join(", ")
            ),
        ));
    }
    let command = format!(
        "kubectl label --overwrite namespace {} {}",
        m.namespace,
        m.labels
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let help = if m.rejected.is_empty() {
        command
    } else {
        format!("fix the rejected workloads first, then: {command}")
    };
    elements.push(Lvl::HELP.message(sanitize(&help)).into());
    title.elements(elements)
}

/// `3 PodSecurityPolicies (1 restricted, 1 baseline, 1 privileged); the suggested labels
/// reject 1 workload`, for the summary line.
pub fn summary(psps: &[PspReport], migration: &[MigrationReport]) -> String {
    let count = |l: Level| psps.iter().filter(|p| p.equivalence.level == l).count();
    let rejected: usize = migration.iter().map(|m| m.rejected.len()).sum();
    format!(
        "{} ({} restricted, {} baseline, {} privileged); the suggested labels reject {}",
        plural(psps.len(), "PodSecurityPolicy", "PodSecurityPolicies"),
        count(Level::Restricted),
        count(Level::Baseline),
        count(Level::Privileged),
        plural(rejected, "workload", "workloads")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const INPUT: &str = "apiVersion: policy/v1beta1
kind: PodSecurityPolicy
metadata: {name: open}
spec:
  hostNetwork: true
  allowedUnsafeSysctls: [net.ipv4.tcp_keepalive_time]
  seLinux: {rule: RunAsAny}
  runAsUser: {rule: RunAsAny}
  volumes: ['*']
---
apiVersion: policy/v1beta1
kind: PodSecurityPolicy
metadata:
  name: keepalive
  annotations:
    apparmor.security.beta.kubernetes.io/allowedProfileNames: runtime/default
spec:
  seLinux: {rule: MustRunAs, seLinuxOptions: {}}
  runAsUser: {rule: RunAsAny}
  volumes: [configMap]
  allowedUnsafeSysctls: [net.ipv4.tcp_keepalive_time]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: use-all}
rules: [{apiGroups: [policy], resources: [podsecuritypolicies], verbs: [use]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: web-psp, namespace: shop}
roleRef: {kind: ClusterRole, name: use-all}
subjects: [{kind: ServiceAccount, name: web}]
---
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {pod-security.kubernetes.io/enforce: privileged}}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop}
spec:
  serviceAccountName: web
  containers: [{name: c, image: x}]
---
apiVersion: v1
kind: Pod
metadata: {name: other, namespace: tools}
spec:
  hostPID: true
  containers: [{name: c, image: x}]
";

    fn objects() -> Vec<Object> {
        let (objects, errors) = Object::parse_all("t.yaml", INPUT);
        assert!(errors.is_empty(), "{errors:?}");
        objects
    }

    #[test]
    fn nothing_without_psps() {
        let objs: Vec<Object> = objects()
            .into_iter()
            .filter(|o| o.kind != "PodSecurityPolicy")
            .collect();
        let (psps, migration) = analyze(&objs, Version::Latest);
        assert!(psps.is_empty() && migration.is_empty());
    }

    #[test]
    fn reports_hold_indices_locations_and_users() {
        let objs = objects();
        let (psps, migration) = analyze(&objs, Version::Latest);
        assert_eq!(psps.len(), 2);
        let open = &psps[0];
        assert_eq!(
            (open.object.index, open.object.label()),
            (0, "PodSecurityPolicy open".into())
        );
        assert_eq!(open.equivalence.level, Level::Privileged);
        let host_network = open
            .findings
            .iter()
            .find(|f| f.rule.id() == "psp-host-network")
            .expect("hostNetwork finding");
        let loc = host_network.location.as_ref().expect("located");
        assert_eq!((loc.start.line, loc.start.column), (5, 16));
        // Absent settings are located at their parent and listed as missing.
        assert!(
            open.missing
                .contains(&"spec.readOnlyRootFilesystem".to_string())
        );
        assert!(!open.missing.contains(&"spec.hostNetwork".to_string()));
        // The keepalive sysctl is safe from v1.29 only.
        assert_eq!(psps[1].equivalence.level, Level::Baseline);
        let (old, _) = analyze(&objs, Version::V(24));
        assert_eq!(old[1].equivalence.level, Level::Privileged);
        // RBAC: the RoleBinding in "shop" lets the web pod use both policies.
        assert_eq!(open.users.len(), 1);
        let u = &open.users[0];
        assert_eq!((u.workload.index, u.namespace.as_str()), (5, "shop"));
        let g = &u.grants[0];
        assert_eq!(
            (g.binding.index, g.role.index, g.rule_role.index),
            (3, 2, 2)
        );
        assert_eq!(
            (g.subject_field.as_str(), g.rule_field.as_str()),
            ("subjects[0]", "rules[0]")
        );
        let text = grant_text(g, &u.service_account);
        assert!(
            text.starts_with("RoleBinding shop/web-psp subjects[0] (ServiceAccount web at t.yaml:")
                && text.contains(") -> ClusterRole use-all rules[0] at t.yaml:"),
            "{text}"
        );

        let names: Vec<&str> = migration.iter().map(|m| m.namespace.as_str()).collect();
        assert_eq!(names, ["shop", "tools"]);
        let shop = &migration[0];
        assert_eq!(shop.psp_level, Some(Level::Privileged));
        assert_eq!(shop.namespace_object.as_ref().map(|n| n.index), Some(4));
        assert_eq!(
            shop.current,
            [(
                "pod-security.kubernetes.io/enforce".to_string(),
                "privileged".to_string()
            )]
        );
        // Enforce privileged (the open policy), warn baseline: the web pod meets baseline.
        assert_eq!(
            (shop.enforce, shop.warn),
            (Level::Privileged, Level::Baseline)
        );
        assert!(shop.rejected.is_empty() && shop.warned.is_empty());
        let tools = &migration[1];
        assert!(tools.namespace_object.is_none() && tools.psps.is_empty());
        assert_eq!(tools.without_psp.len(), 1);
        assert_eq!(tools.enforce, Level::Privileged);
        assert_eq!(
            summary(&psps, &migration),
            "2 PodSecurityPolicies (0 restricted, 1 baseline, 1 privileged); the suggested labels reject 0 workloads"
        );
    }

    #[test]
    fn first_leaf_descends_maps_and_lists() {
        let objs = objects();
        assert_eq!(
            first_leaf(&objs[3].root, "subjects[0]").as_deref(),
            Some("subjects[0].kind")
        );
        assert_eq!(
            first_leaf(&objs[2].root, "rules[0]").as_deref(),
            Some("rules[0].apiGroups[0]")
        );
        assert_eq!(
            first_leaf(&objs[4].root, "metadata.labels").as_deref(),
            Some("metadata.labels[pod-security.kubernetes.io/enforce]")
        );
        assert_eq!(
            first_leaf(&objs[0].root, "spec.hostNetwork").as_deref(),
            Some("spec.hostNetwork")
        );
        assert_eq!(first_leaf(&objs[0].root, "spec.hostPorts"), None);
        assert_eq!(first_leaf(&objs[0].root, "spec.volumes[3]"), None);
        assert_eq!(first_leaf(&objs[0].root, "spec[0"), None);
    }

    #[test]
    fn json_shape() {
        let objs = objects();
        let (psps, migration) = analyze(&objs, Version::Latest);
        let j = psps_json(&psps);
        let open = &j[0];
        assert_eq!(open["object"]["name"], "open");
        assert_eq!(open["level"], "privileged");
        assert_eq!(open["location"]["line"], 2);
        assert!(open["findings"].as_array().is_some_and(|f| {
            f.iter().any(|f| {
                f["rule"] == "psp-host-network"
                    && f["field"] == "spec.hostNetwork"
                    && f["location"]["line"] == 5
            })
        }));
        assert!(open["blockers"].as_array().is_some_and(|b| {
            b.iter()
                .any(|b| b["level"] == "baseline" && b["control"] == "hostNamespaces")
        }));
        let user = &open["users"][0];
        assert_eq!(user["object"]["name"], "web");
        assert_eq!(
            user["serviceAccount"],
            json!({"namespace": "shop", "name": "web"})
        );
        assert_eq!(
            user["grants"][0]["subject"],
            json!({"kind": "ServiceAccount", "name": "web"})
        );
        assert_eq!(
            user["grants"][0]["binding"]["object"]["kind"],
            "RoleBinding"
        );
        assert_eq!(user["grants"][0]["ruleField"], "rules[0]");

        let m = migration_json(&migration);
        assert_eq!(m[0]["namespace"], "shop");
        assert_eq!(m[0]["namespaceFound"], true);
        assert_eq!(
            m[0]["currentLabels"],
            json!({"pod-security.kubernetes.io/enforce": "privileged"})
        );
        assert_eq!(m[0]["pspLevel"], "privileged");
        assert_eq!(
            m[0]["labels"]["pod-security.kubernetes.io/warn"],
            "baseline"
        );
        assert_eq!(m[0]["psps"][0]["name"], "open");
        assert_eq!(m[1]["currentLabels"], Json::Null);
        assert_eq!(m[1]["pspLevel"], Json::Null);
        assert_eq!(m[1]["withoutPsp"][0]["name"], "other");
    }

    #[test]
    fn text_blocks() {
        let objs = objects();
        let (psps, migration) = analyze(&objs, Version::Latest);
        let sources: BTreeMap<Arc<str>, Arc<SourceFile>> =
            [(objs[0].path.clone(), objs[0].source.clone())].into();
        let renderer = annotate_snippets::Renderer::plain();
        let text = renderer.render(&[psp_group(&psps[0], Version::Latest, &sources)]);
        assert!(
            text.starts_with("privileged: PodSecurityPolicy open\n"),
            "{text}"
        );
        assert!(
            text.contains("psp-host-network: allows pods to use the host network"),
            "{text}"
        );
        assert!(
            text.contains("= not baseline: baseline/hostNamespaces: "),
            "{text}"
        );
        assert!(
            text.contains("= missing: spec.readOnlyRootFilesystem"),
            "{text}"
        );
        assert!(
            text.contains(
                "= used by: Pod shop/web (ServiceAccount shop/web) through RoleBinding shop/web-psp"
            ),
            "{text}"
        );
        let text = renderer.render(&[migration_group(&migration[1], Version::Latest)]);
        assert!(text.starts_with("migration: Namespace tools\n"), "{text}");
        assert!(
            text.contains("= current: the Namespace is not among the inputs"),
            "{text}"
        );
        assert!(
            text.contains("= warned: Pod tools/other at t.yaml:"),
            "{text}"
        );
        assert!(text.contains("help: kubectl label --overwrite namespace tools pod-security.kubernetes.io/enforce=privileged pod-security.kubernetes.io/enforce-version=latest"), "{text}");
    }
}
