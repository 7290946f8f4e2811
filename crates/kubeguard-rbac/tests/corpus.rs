//! Every RBAC object of the shared corpus of real manifests (`../shared/corpus/real`, skipped
//! when absent) loaded as one cluster: no panics, and the full report (diagnostics, every
//! subject's merged permissions, who-can for a set of sensitive requests) is identical when
//! computed twice. Timings are printed (`--nocapture`), not asserted.

use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

use kubeguard_model::{Context, Object};
use kubeguard_rbac::{Discovery, Options, Rbac, Request, Scope, binding_kind, role_kind};

mod common;

use common::corpus;

/// The RBAC objects (and CustomResourceDefinitions, for resource names) of the corpus.
fn load(dir: &Path) -> Vec<Object> {
    common::load(dir, |o| {
        role_kind(o).is_some() || binding_kind(o).is_some() || o.kind == "CustomResourceDefinition"
    })
}

const QUERIES: &[(&str, &str)] = &[
    ("get", "secrets"),
    ("list", "secrets"),
    ("create", "pods"),
    ("create", "pods/exec"),
    ("*", "*"),
    ("escalate", "clusterroles"),
    ("bind", "clusterroles"),
    ("impersonate", "users"),
    ("create", "serviceaccounts/token"),
    ("get", "nodes/proxy"),
    ("update", "mutatingwebhookconfigurations"),
    ("get", "/metrics"),
];

fn report(ctx: &Context) -> (String, usize) {
    let rbac = Rbac::new(ctx, &Options::default());
    let discovery = Discovery::with_objects(&ctx.objects);
    let mut out = String::new();
    for d in rbac.diagnostics() {
        let line = d.location.as_ref().map_or(0, |l| l.start.line);
        let _ = writeln!(
            out,
            "{} {}:{line} {}",
            d.kind.id(),
            d.object.path,
            d.message
        );
    }
    let subjects = rbac.subjects();
    for s in &subjects {
        let p = rbac.permissions(&s.identity());
        let _ = writeln!(out, "{s}: {} cluster-wide", p.cluster.len());
        for x in &p.cluster {
            let _ = writeln!(
                out,
                "  {} {:?} x{}",
                x.target.display_resource(),
                x.verbs,
                x.grants.len()
            );
        }
        for (ns, ps) in &p.namespaces {
            let _ = writeln!(out, "  in {ns}: {}", ps.len());
        }
    }
    for (verb, target) in QUERIES {
        for scope in [Scope::Cluster, Scope::AnyNamespace] {
            let req = Request::parse(verb, target, "", scope, &discovery)
                .expect("valid")
                .request;
            let who = rbac.who_can(&req);
            let _ = writeln!(out, "who-can {req}: {}", who.len());
            for s in who {
                for g in &s.grants {
                    let at = g.rule.location.as_ref().map_or(0, |l| l.start.line);
                    let _ = writeln!(
                        out,
                        "  {} {} {}:{at}",
                        s.subject,
                        g.binding.label(),
                        g.rule_role.object.path
                    );
                }
            }
        }
    }
    (out, subjects.len())
}

#[test]
fn corpus_rbac_is_deterministic() {
    let Some(dir) = corpus() else {
        eprintln!("note: ../shared/corpus/real is absent; skipping the RBAC corpus test");
        return;
    };
    let started = Instant::now();
    let objects = load(&dir);
    let loaded = started.elapsed();
    let count = objects.len();
    let ctx = Context::new(objects);
    let started = Instant::now();
    let (first, subjects) = report(&ctx);
    let elapsed = started.elapsed();
    let (second, _) = report(&ctx);
    assert_eq!(first, second, "the report differs between two runs");
    // A second context over freshly loaded objects gives the same answers too.
    let (third, _) = report(&Context::new(load(&dir)));
    assert_eq!(first, third);
    let started = Instant::now();
    let rbac = Rbac::new(&ctx, &Options::default());
    let resolved = started.elapsed();
    assert!(rbac.roles().len() + rbac.bindings().len() > 0);
    assert!(count > 0, "the corpus has RBAC objects");
    eprintln!(
        "corpus RBAC: {count} objects read in {loaded:?}; resolved in {resolved:?}; report over {subjects} subjects ({} lines) in {elapsed:?}",
        first.lines().count()
    );
}
