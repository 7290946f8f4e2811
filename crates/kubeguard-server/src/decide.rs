//! From an AdmissionReview to an admission decision. Pure and synchronous: the server runs it
//! under a deadline on a blocking thread, the tests call it directly.
//!
//! The object under review is serialised back to JSON and parsed by kubeguard-source (JSON is
//! YAML), so the very checks of `kubeguard lint` run on the very same spanned tree they see
//! in a manifest.

use std::sync::Arc;

use kube::core::admission::{AdmissionRequest, AdmissionResponse, AdmissionReview, Operation};
use kube::core::{DynamicObject, Status};
use kubeguard_engine::{RunOptions, Severity};
use kubeguard_model::{Context, Object};
use kubeguard_pss::Level;
use kubeguard_source::{Limits, SourceFile, parse_documents};

use crate::policy::Policy;
use crate::settings::{CONNECT_SUBRESOURCES, Mode, OnTimeout};

/// The AdmissionReview versions answered (each in its own version).
pub const API_VERSIONS: [&str; 2] = ["admission.k8s.io/v1", "admission.k8s.io/v1beta1"];

/// An admission request as the API server sends it.
pub type Request = AdmissionRequest<DynamicObject>;

/// Warnings longer than this are cut (the API server may truncate longer ones).
const MAX_WARNING_CHARS: usize = 256;
/// At most this many warnings per response (the rest are summarised in one more).
const MAX_WARNINGS: usize = 20;

/// Reads an AdmissionReview body. The error says what is wrong (for a 400 answer).
pub fn parse_review(body: &[u8]) -> Result<Request, String> {
    let review: AdmissionReview<DynamicObject> = serde_json::from_slice(body)
        .map_err(|e| format!("the body is not a valid AdmissionReview: {e}"))?;
    if review.types.kind != "AdmissionReview" {
        return Err(format!(
            "kind is `{}`, expected AdmissionReview",
            review.types.kind
        ));
    }
    if !API_VERSIONS.contains(&review.types.api_version.as_str()) {
        return Err(format!(
            "apiVersion `{}` is not supported (use admission.k8s.io/v1 or admission.k8s.io/v1beta1)",
            review.types.api_version
        ));
    }
    let req: Request = review
        .try_into()
        .map_err(|_| "the AdmissionReview has no request".to_string())?;
    if req.uid.is_empty() {
        return Err("request.uid is empty".into());
    }
    Ok(req)
}

/// What happened to a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Outcome {
    /// Checked; nothing enforced nor warned.
    Allowed,
    /// Checked; allowed with warnings.
    Warned,
    /// Checked; denied.
    Denied,
    /// Its namespace is exempt.
    Exempt,
    /// The break-glass annotation let it through unchecked.
    BreakGlass,
    /// Not a request the webhook checks (DELETE, status updates, objects being deleted).
    Skipped,
    /// Not decided in time (or the object could not be read): `onTimeout` applied.
    Unchecked,
}

impl Outcome {
    /// The name in logs and metrics.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Allowed => "allowed",
            Outcome::Warned => "warned",
            Outcome::Denied => "denied",
            Outcome::Exempt => "exempt",
            Outcome::BreakGlass => "break-glass",
            Outcome::Skipped => "skipped",
            Outcome::Unchecked => "unchecked",
        }
    }
}

/// One violated check (or Pod Security control, or denied connection).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The check's name (`pod-security-restricted` for namespace PSS enforcement,
    /// `pods/exec` and the like for connections).
    pub check: String,
    /// What it does to the request.
    pub mode: Mode,
    /// The check's severity (none for PSS controls and connections).
    pub severity: Option<Severity>,
    /// What is wrong.
    pub message: String,
    /// Dotted path of the field.
    pub field: String,
    /// How to fix it.
    pub remediation: Option<String>,
}

/// A decision: the response to send and what to log and count.
#[derive(Debug, Clone)]
pub struct Verdict {
    /// The AdmissionResponse (uid and apiVersion of the request).
    pub response: AdmissionResponse,
    /// What happened.
    pub outcome: Outcome,
    /// Every violation, whatever its mode.
    pub violations: Vec<Violation>,
    /// The request was a dry run: answered the same, but not an enforcement event.
    pub dry_run: bool,
    /// A word on why (exemptions, skips, break-glass reason).
    pub note: String,
}

impl Verdict {
    /// The response body (an AdmissionReview of the request's apiVersion).
    pub fn body(&self) -> Vec<u8> {
        // Serialising a plain struct of strings, bools and maps cannot fail.
        serde_json::to_vec(&self.response.clone().into_review()).unwrap_or_default()
    }
}

/// `kind namespace/name` of a request, for messages.
fn describe(req: &Request) -> String {
    let name = if req.name.is_empty() {
        req.object
            .as_ref()
            .and_then(|o| o.metadata.generate_name.clone())
            .map_or_else(|| "<unnamed>".to_string(), |g| format!("{g}*"))
    } else {
        req.name.clone()
    };
    match req.namespace.as_deref().filter(|n| !n.is_empty()) {
        Some(ns) => format!("{} {ns}/{name}", req.kind.kind),
        None => format!("{} {name}", req.kind.kind),
    }
}

fn verdict(req: &Request, outcome: Outcome, note: impl Into<String>) -> Verdict {
    Verdict {
        response: AdmissionResponse::from(req),
        outcome,
        violations: Vec::new(),
        dry_run: req.dry_run,
        note: note.into(),
    }
}

/// The answer when no decision could be made (deadline passed, object unreadable): allowed
/// with a warning, or denied, as `onTimeout` says.
pub fn unchecked(req: &Request, on_timeout: OnTimeout, why: &str) -> Verdict {
    let mut v = verdict(req, Outcome::Unchecked, why);
    match on_timeout {
        OnTimeout::Allow => {
            v.response.warnings = Some(vec![cut(&format!(
                "kubeguard: {} was not checked: {why}",
                describe(req)
            ))]);
        }
        OnTimeout::Deny => {
            v.response = v.response.deny(format!(
                "kubeguard could not check {}: {why}",
                describe(req)
            ));
            v.response.result.code = 403;
            v.response.result.reason = "Forbidden".into();
        }
    }
    v
}

/// Decides a request.
pub fn decide(policy: &Policy, req: &Request) -> Verdict {
    let settings = &policy.settings;
    let namespace = req.namespace.clone().unwrap_or_default();
    if !namespace.is_empty() && settings.is_exempt(&namespace) {
        return verdict(
            req,
            Outcome::Exempt,
            format!("namespace {namespace} is exempt"),
        );
    }
    match req.operation {
        Operation::Delete => return verdict(req, Outcome::Skipped, "DELETE is not checked"),
        Operation::Connect => return connect(policy, req, &namespace),
        Operation::Create | Operation::Update => {}
    }
    // A Pod's ephemeral containers are part of its spec (`kubectl debug` adds them):
    // they are checked. Other subresources (status, scale, binding, ...) are not.
    if let Some(sub) = req.sub_resource.as_deref().filter(|s| !s.is_empty())
        && sub != "ephemeralcontainers"
    {
        return verdict(
            req,
            Outcome::Skipped,
            format!("subresource {sub} is not checked"),
        );
    }
    let Some(object) = &req.object else {
        return verdict(req, Outcome::Skipped, "the request carries no object");
    };
    if object.metadata.deletion_timestamp.is_some() {
        // Finalizers being removed from an object on its way out: never block that.
        return verdict(req, Outcome::Skipped, "the object is being deleted");
    }
    let Some(mut obj) = to_object(object, settings.max_body_bytes) else {
        return unchecked(
            req,
            settings.on_timeout,
            "the object could not be read as a Kubernetes object",
        );
    };
    if obj.namespace.is_none() && !namespace.is_empty() {
        obj.namespace = Some(namespace.clone());
    }

    if let Some(key) = &settings.break_glass
        && let Some(reason) = break_glass(&obj, key)
    {
        let mut v = verdict(
            req,
            Outcome::BreakGlass,
            format!("break-glass annotation {key}: {reason}"),
        );
        v.response.warnings = Some(vec![cut(&format!(
            "kubeguard: break-glass annotation {key} is set on {}: checks skipped, and this is logged",
            describe(req)
        ))]);
        v.response
            .audit_annotations
            .insert("break-glass".into(), reason);
        return v;
    }

    let ctx = Context::new(vec![obj]);
    let obj = &ctx.objects[0];
    let mut violations: Vec<Violation> = policy
        .engine
        .run_object(&ctx, obj, &RunOptions::default())
        .into_iter()
        .filter(|f| f.suppressed.is_none())
        .map(|f| Violation {
            mode: settings.mode(&f.check, f.severity),
            check: f.check.to_string(),
            severity: Some(f.severity),
            message: f.message,
            field: f.field,
            remediation: f.remediation.map(|r| r.to_string()),
        })
        .collect();
    let ps = &settings.pod_security;
    let level = ps.level(obj.namespace.as_deref().unwrap_or("default"));
    if level != Level::Privileged
        && let Some(found) = kubeguard_pss::evaluate(obj, level, ps.version)
    {
        for v in found {
            violations.push(Violation {
                check: format!("pod-security-{level}"),
                mode: Mode::Enforce,
                severity: None,
                message: v.message,
                field: v.field,
                remediation: Some(format!(
                    "meet the Pod Security Standards {level} level (control {}) that serve.podSecurity sets for this namespace",
                    v.control.id()
                )),
            });
        }
    }
    respond(req, violations)
}

/// The response to a checked request with these violations.
fn respond(req: &Request, violations: Vec<Violation>) -> Verdict {
    let mut v = verdict(req, Outcome::Allowed, "");
    let enforced: Vec<&Violation> = violations
        .iter()
        .filter(|x| x.mode == Mode::Enforce)
        .collect();
    let warned: Vec<&Violation> = violations.iter().filter(|x| x.mode == Mode::Warn).collect();
    let audited: Vec<&str> = violations
        .iter()
        .filter(|x| x.mode == Mode::Audit)
        .map(|x| x.check.as_str())
        .collect();
    if !warned.is_empty() {
        let mut warnings: Vec<String> = warned
            .iter()
            .take(MAX_WARNINGS)
            .map(|w| {
                cut(&format!(
                    "kubeguard {} at {}: {}",
                    w.check, w.field, w.message
                ))
            })
            .collect();
        if warned.len() > MAX_WARNINGS {
            warnings.push(format!(
                "kubeguard: {} more warnings",
                warned.len() - MAX_WARNINGS
            ));
        }
        v.response.warnings = Some(warnings);
        v.outcome = Outcome::Warned;
    }
    if !audited.is_empty() {
        let mut names = audited.clone();
        names.sort_unstable();
        names.dedup();
        v.response
            .audit_annotations
            .insert("audit-violations".into(), names.join(","));
    }
    if !enforced.is_empty() {
        let mut msg = format!(
            "kubeguard denied {} ({} violation{}):",
            describe(req),
            enforced.len(),
            if enforced.len() == 1 { "" } else { "s" }
        );
        for e in &enforced {
            msg.push_str(&format!(
                "\n- {}: {} (field {})",
                e.check, e.message, e.field
            ));
            if let Some(r) = &e.remediation {
                msg.push_str(&format!("; fix: {}", r.trim()));
            }
        }
        v.response = v.response.deny(msg);
        v.response.result.code = 403;
        v.response.result.reason = "Forbidden".into();
        v.outcome = Outcome::Denied;
    }
    v.violations = violations;
    v
}

/// CONNECT requests: `pods/exec`, `pods/attach` and `pods/portforward` (the "exec into
/// container" technique of the threat matrix) are denied in the namespaces
/// `serve.connect.deny` lists.
fn connect(policy: &Policy, req: &Request, namespace: &str) -> Verdict {
    let sub = req.sub_resource.as_deref().unwrap_or_default();
    if req.resource.resource != "pods" || !CONNECT_SUBRESOURCES.contains(&sub) {
        return verdict(
            req,
            Outcome::Skipped,
            format!("CONNECT to {}/{sub} is not checked", req.resource.resource),
        );
    }
    if !policy.settings.connect_denied(namespace, sub) {
        return verdict(req, Outcome::Allowed, "");
    }
    let violation = Violation {
        check: format!("pods/{sub}"),
        mode: Mode::Enforce,
        severity: None,
        message: format!("pods/{sub} is denied in namespace {namespace}"),
        field: String::new(),
        remediation: Some(
            "use logs, metrics or an ephemeral debug container instead, or ask for an exemption (serve.connect.deny)".into(),
        ),
    };
    let mut v = verdict(req, Outcome::Denied, "");
    v.response = v.response.deny(format!(
        "kubeguard denied pods/{sub} on pod {namespace}/{}: {} (serve.connect.deny; threat matrix MS-TA9006 Exec into container, MITRE ATT&CK T1609)",
        req.name, violation.message
    ));
    v.response.result.code = 403;
    v.response.result.reason = "Forbidden".into();
    v.violations.push(violation);
    v
}

/// The object as the lint engine sees it: serialised to JSON, parsed by kubeguard-source.
fn to_object(object: &DynamicObject, max_bytes: usize) -> Option<Object> {
    let text = serde_json::to_string(object).ok()?;
    let limits = Limits {
        max_file_size: max_bytes as u64,
        ..Limits::default()
    };
    let doc = parse_documents(&text, &limits).into_iter().next()?.ok()?;
    let source = SourceFile::new("<admission request>", text);
    let path: Arc<str> = Arc::from("<admission request>");
    Object::from_document(&source, &path, doc)
        .0
        .into_iter()
        .next()
}

/// The break-glass reason, when the annotation is set (not empty, not `false`) on the object
/// or on its pod template (where it reaches the pods a controller creates).
fn break_glass(obj: &Object, key: &str) -> Option<String> {
    let set = |v: Option<String>| v.filter(|s| !s.trim().is_empty() && s.trim() != "false");
    set(obj.annotation(key)).or_else(|| {
        set(obj
            .pod_template_metadata()
            .and_then(|m| m.get("annotations"))
            .and_then(|a| a.get(key))
            .and_then(|v| v.scalar_text()))
    })
}

/// A warning cut to the length the API server keeps.
fn cut(s: &str) -> String {
    if s.chars().count() <= MAX_WARNING_CHARS {
        return s.to_string();
    }
    let mut out: String = s.chars().take(MAX_WARNING_CHARS - 3).collect();
    out.push_str("...");
    out
}

/// A status for errors: kept for symmetry with the API server's own.
pub fn bad_request(reason: &str) -> Status {
    Status::failure(reason, "BadRequest").with_code(400)
}
