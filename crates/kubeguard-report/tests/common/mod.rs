//! The shared sample report of the reporter tests.
//!
//! Two source files with findings: `k8s/web.yaml` (a Deployment whose image line has multi-byte
//! characters before the flagged span, a privileged container and a comment-suppressed finding)
//! and `k8s/db.yaml` (a Pod without namespace, with a critical and a multi-line finding); one
//! finding without a location (a custom check on a Namespace); one input error; one skipped file.
#![allow(dead_code)] // Each test binary uses a different part of this module.

use std::sync::Arc;

use kubeguard_engine::{
    CheckMeta, Finding, InputError, ObjectRef, References, Report, Severity, Skipped, Suppression,
};
use kubeguard_report::{Format, RenderOptions, render};
use kubeguard_source::{SourceFile, Span};

pub const WEB_YAML: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
  annotations:
    owner: "équipe-plateforme"
spec:
  template:
    spec:
      containers:
        - name: web
          image: "registry.example/équipe/wéb:latest"
          securityContext:
            privileged: true
            runAsUser: 0 # kubeguard:ignore run-as-non-root -- legacy image needs root
"#;

pub const DB_YAML: &str = "apiVersion: v1
kind: Pod
metadata:
  name: db
spec:
  hostNetwork: true
  containers:
    - name: postgres
      image: postgres:16
";

/// The byte span of the `nth` (0-based) occurrence of `needle` in `text`.
pub fn span_of(text: &str, needle: &str, nth: usize) -> Span {
    let (start, _) = text
        .match_indices(needle)
        .nth(nth)
        .expect("needle occurs in the sample text");
    Span::new(start as u32, (start + needle.len()) as u32)
}

fn refs(cis: &[&str], mitre: &[&str], pss: &[&str]) -> References {
    let v = |xs: &[&str]| xs.iter().map(|s| s.to_string()).collect();
    References {
        cis: v(cis),
        mitre: v(mitre),
        pss: v(pss),
    }
}

#[allow(clippy::too_many_arguments)]
fn meta(
    name: &str,
    severity: Severity,
    category: &str,
    description: &str,
    rationale: &str,
    remediation: &str,
    references: References,
    builtin: bool,
) -> Arc<CheckMeta> {
    Arc::new(CheckMeta {
        name: name.into(),
        template: name.into(),
        severity,
        category: category.into(),
        description: description.into(),
        rationale: rationale.into(),
        remediation: remediation.into(),
        references,
        enabled_by_default: true,
        object_kinds: vec!["DeploymentLike".into()],
        params: serde_json::Value::Null,
        builtin,
        example: None,
        use_instead: None,
    })
}

fn object(api_version: &str, kind: &str, namespace: Option<&str>, name: &str) -> ObjectRef {
    ObjectRef {
        api_version: api_version.into(),
        kind: kind.into(),
        namespace: namespace.map(Into::into),
        name: name.into(),
    }
}

/// The checks that ran, sorted by name as the engine sorts them.
pub fn sample_checks() -> Vec<Arc<CheckMeta>> {
    vec![
        meta(
            "host-network",
            Severity::Critical,
            "security",
            "Pods that share the host's network namespace.",
            "A pod on the host network sees all node traffic and can reach node-local services.",
            "Remove `hostNetwork: true`.",
            refs(&["5.2.5"], &["MS-TA9009"], &["baseline/host-namespaces"]),
            true,
        ),
        meta(
            "latest-tag",
            Severity::Medium,
            "best-practice",
            "Images with the `latest` tag or no tag.",
            "A mutable tag makes deployments unreproducible and can pull unreviewed code.",
            "Pin the image to a version tag or a digest.",
            refs(&[], &[], &[]),
            true,
        ),
        meta(
            "privileged-container",
            Severity::High,
            "security",
            "Containers running in privileged mode.",
            "A privileged container has all capabilities and device access: it is root on the node.",
            "Set `securityContext.privileged: false`.",
            refs(&["5.2.2"], &["MS-TA9018"], &["baseline/privileged"]),
            true,
        ),
        meta(
            "read-only-root-fs",
            Severity::Low,
            "security",
            "Containers with a writable root filesystem.",
            "A read-only root filesystem stops attackers from installing tools.",
            "Set `securityContext.readOnlyRootFilesystem: true`.",
            refs(&[], &[], &[]),
            true,
        ),
        meta(
            "require-network-policy",
            Severity::Info,
            "best-practice",
            "Namespaces without a NetworkPolicy.",
            "Without a policy every pod accepts traffic from everywhere.",
            "Add a default-deny NetworkPolicy to the namespace.",
            refs(&["5.3.2"], &[], &[]),
            false,
        ),
        meta(
            "resource-limits",
            Severity::Low,
            "reliability",
            "Containers without CPU and memory limits.",
            "A container without limits can starve its neighbours.",
            "Set `resources.limits.cpu` and `resources.limits.memory`.",
            refs(&[], &[], &[]),
            true,
        ),
        meta(
            "run-as-non-root",
            Severity::Medium,
            "security",
            "Containers that may run as root.",
            "Root in a container is one kernel bug away from root on the node.",
            "Set `runAsNonRoot: true` and a non-zero `runAsUser`.",
            refs(&["5.2.6"], &[], &["restricted/running-as-non-root"]),
            true,
        ),
    ]
}

/// The shared sample report, `finish()`ed like the engine does.
pub fn sample_report() -> Report {
    let web_path: Arc<str> = Arc::from("k8s/web.yaml");
    let db_path: Arc<str> = Arc::from("k8s/db.yaml");
    let web = SourceFile::new(&*web_path, WEB_YAML);
    let db = SourceFile::new(&*db_path, DB_YAML);
    let checks = sample_checks();
    let refs_of = |name: &str| {
        Arc::new(
            checks
                .iter()
                .find(|c| c.name == name)
                .expect("sample check exists")
                .references
                .clone(),
        )
    };

    let deployment = object("apps/v1", "Deployment", Some("default"), "web");
    let pod = object("v1", "Pod", None, "db");
    let container = "spec.template.spec.containers[0]";

    let findings = vec![
        Finding {
            check: "privileged-container".into(),
            severity: Severity::High,
            message: "container \"web\" is privileged".into(),
            remediation: Some("Set `securityContext.privileged: false` on container \"web\".".into()),
            object: deployment.clone().into(),
            location: Some(web.location(&web_path, span_of(WEB_YAML, "true", 0))),
            field: format!("{container}.securityContext.privileged"),
            references: refs_of("privileged-container"),
            suppressed: None,
        },
        Finding {
            check: "latest-tag".into(),
            severity: Severity::Medium,
            message: "container \"web\" uses image \"registry.example/équipe/wéb:latest\" with the mutable tag `latest`".into(),
            remediation: None, // falls back to the check's remediation
            object: deployment.clone().into(),
            location: Some(web.location(&web_path, span_of(WEB_YAML, "latest", 0))),
            field: format!("{container}.image"),
            references: refs_of("latest-tag"),
            suppressed: None,
        },
        Finding {
            check: "run-as-non-root".into(),
            severity: Severity::Medium,
            message: "container \"web\" runs as user 0 (root)".into(),
            remediation: None,
            object: deployment.clone().into(),
            location: Some(web.location(&web_path, {
                let s = span_of(WEB_YAML, "0 # kubeguard", 0);
                Span::new(s.start, s.start + 1)
            })),
            field: format!("{container}.securityContext.runAsUser"),
            references: refs_of("run-as-non-root"),
            suppressed: Some(Box::new(Suppression {
                kind: "comment",
                source: "kubeguard:ignore run-as-non-root -- legacy image needs root".into(),
                reason: Some("legacy image needs root".into()),
            })),
        },
        Finding {
            check: "host-network".into(),
            severity: Severity::Critical,
            message: "pod shares the host's network namespace".into(),
            remediation: Some("Remove `hostNetwork: true`.".into()),
            object: pod.clone().into(),
            location: Some(db.location(&db_path, span_of(DB_YAML, "hostNetwork: true", 0))),
            field: "spec.hostNetwork".into(),
            references: refs_of("host-network"),
            suppressed: None,
        },
        Finding {
            check: "resource-limits".into(),
            severity: Severity::Low,
            message: "container \"postgres\" has no CPU and memory limits".into(),
            remediation: Some("Set `resources.limits.cpu` and `resources.limits.memory`.".into()),
            object: pod.clone().into(),
            location: Some(db.location(&db_path, span_of(DB_YAML, "name: postgres\n      image: postgres:16", 0))),
            field: "spec.containers[0]".into(),
            references: refs_of("resource-limits"),
            suppressed: None,
        },
        Finding {
            check: "require-network-policy".into(),
            severity: Severity::Info,
            message: "namespace \"prod\" has no NetworkPolicy".into(),
            remediation: None,
            object: object("v1", "Namespace", None, "prod").into(),
            location: None,
            field: String::new(),
            references: refs_of("require-network-policy"),
            suppressed: None,
        },
    ];

    let mut report = Report {
        findings,
        errors: vec![InputError {
            path: "k8s/bad.yaml".into(),
            line: Some(3),
            column: Some(7),
            message: "mapping values are not allowed in this context".into(),
        }],
        skipped: vec![Skipped {
            path: "k8s/kustomization.yaml".into(),
            reason: "not a Kubernetes object (no apiVersion/kind)".into(),
        }],
        checks,
        sources: [(web_path, web), (db_path, db)].into_iter().collect(),
        summary: Default::default(),
    };
    report.summary.files = 4;
    report.summary.documents = 4;
    report.summary.objects = 3;
    report.finish();
    report
}

/// The output of `format` as a string.
pub fn render_string(format: Format, report: &Report, opts: &RenderOptions) -> String {
    let mut out = Vec::new();
    render(format, report, opts, &mut out).expect("rendering to a Vec cannot fail");
    String::from_utf8(out).expect("reporters write UTF-8")
}

/// Replaces the tool version (which changes every release) by `[version]` in JSON outputs.
pub fn redact_version(s: &str, opts: &RenderOptions) -> String {
    let v = opts.tool_version;
    s.replace(
        &format!("\"version\": \"{v}\""),
        "\"version\": \"[version]\"",
    )
    .replace(
        &format!("\"semanticVersion\": \"{v}\""),
        "\"semanticVersion\": \"[version]\"",
    )
}

/// Options with every flag off (and the real tool version).
pub fn plain() -> RenderOptions {
    RenderOptions::default()
}

/// Options showing suppressed findings and skipped inputs.
pub fn everything() -> RenderOptions {
    RenderOptions {
        show_suppressed: true,
        verbose: true,
        ..RenderOptions::default()
    }
}
