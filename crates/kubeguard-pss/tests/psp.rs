//! The PodSecurityPolicy analysis over the fixtures of `tests/fixtures/psp/` (policies, RBAC
//! granting `use`, workloads in two namespaces) loaded as one context: audits, levels,
//! users and the namespace migration, snapshotted with their locations.

use std::fmt::Write as _;
use std::path::Path;

use kubeguard_model::{Context, Object};
use kubeguard_pss::psp::{
    self, audit, equivalent_level, equivalent_level_at, migration, migration_at, psp_users,
};
use kubeguard_pss::{Level, Version};
use kubeguard_source::Location;

fn context() -> Context {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/psp");
    let mut objects = Vec::new();
    for name in ["policies.yaml", "rbac.yaml", "workloads.yaml"] {
        let text = std::fs::read_to_string(dir.join(name)).expect("fixture is readable");
        let (found, errors) = Object::parse_all(name, &text);
        assert!(errors.is_empty(), "{name}: {errors:?}");
        objects.extend(found);
    }
    Context::new(objects)
}

fn at(location: &Option<Location>) -> String {
    location.as_ref().map_or("-".to_string(), |l| {
        format!("{}:{}:{}", l.path, l.start.line, l.start.column)
    })
}

fn policy<'a>(ctx: &'a Context, name: &str) -> &'a Object {
    psp::pod_security_policies(ctx)
        .find(|p| p.name == name)
        .expect("fixture policy")
}

#[test]
fn audits() {
    let ctx = context();
    let mut out = String::new();
    for p in psp::pod_security_policies(&ctx) {
        let a = audit(p);
        let _ = writeln!(out, "{} ({}) at {}", a.name, p.api_version, at(&a.location));
        for f in &a.findings {
            let _ = writeln!(
                out,
                "  {} [{}] {}\n    {}",
                at(&f.location),
                f.rule,
                f.field,
                f.message
            );
        }
    }
    insta::assert_snapshot!("audits", out);
}

#[test]
fn levels() {
    let ctx = context();
    let mut out = String::new();
    for p in psp::pod_security_policies(&ctx) {
        for version in [Version::Latest, Version::V(24)] {
            let e = equivalent_level_at(p, version);
            let _ = writeln!(out, "{} @ {version}: {}", p.name, e.level);
            for b in &e.blockers {
                let _ = writeln!(
                    out,
                    "  blocks {} [{}] {} {}\n    {}",
                    b.level(),
                    b.control,
                    at(&b.location),
                    b.field,
                    b.message
                );
            }
            for c in &e.caveats {
                let _ = writeln!(
                    out,
                    "  caveat [{}] {} {}\n    {}",
                    c.control,
                    at(&c.location),
                    c.field,
                    c.message
                );
            }
        }
    }
    insta::assert_snapshot!("levels", out);
}

#[test]
fn documented_examples_map_as_upstream_maps_them() {
    let ctx = context();
    assert_eq!(
        equivalent_level(policy(&ctx, "privileged")).level,
        Level::Privileged
    );
    let locked = equivalent_level(policy(&ctx, "restricted-selinux"));
    assert_eq!(locked.level, Level::Restricted, "{:?}", locked.blockers);
    // The documentation's "restricted" example leaves seLinux at RunAsAny, which upstream's
    // mapping places outside Baseline: it is Restricted in every other respect.
    let example = equivalent_level(policy(&ctx, "restricted"));
    assert_eq!(example.level, Level::Privileged);
    let controls: Vec<&str> = example.blockers.iter().map(|b| b.control.id()).collect();
    assert_eq!(controls, ["seLinuxOptions"]);
    let baseline = policy(&ctx, "baseline");
    assert_eq!(equivalent_level(baseline).level, Level::Baseline);
    // net.ipv4.tcp_keepalive_time joined the safe sysctls at v1.29.
    assert_eq!(
        equivalent_level_at(baseline, Version::V(28)).level,
        Level::Privileged
    );
}

#[test]
fn users() {
    let ctx = context();
    let mut out = String::new();
    for p in psp::pod_security_policies(&ctx) {
        let _ = writeln!(out, "{}:", p.name);
        for u in psp_users(&ctx, p) {
            let _ = writeln!(
                out,
                "  {} {}/{} (serviceaccount {})",
                u.workload.kind, u.namespace, u.workload.name, u.service_account
            );
            for g in &u.grants {
                let _ = writeln!(
                    out,
                    "    {} {} {} {} ({}) -> {} {} {} {}",
                    g.binding.kind,
                    g.binding.name,
                    g.subject_field,
                    at(&g.subject_location),
                    g.subject,
                    g.role.kind,
                    g.rule_role.name,
                    g.rule_field,
                    at(&g.rule_location)
                );
            }
        }
    }
    insta::assert_snapshot!("users", out);
}

#[test]
fn migrations() {
    let ctx = context();
    let mut out = String::new();
    for version in [Version::Latest, Version::V(24)] {
        let _ = writeln!(out, "== {version}");
        for m in migration_at(&ctx, version) {
            let names = |ws: &[&Object]| {
                ws.iter()
                    .map(|w| format!("{}/{}", w.kind, w.name))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let _ = writeln!(out, "namespace {}: {}", m.namespace, names(&m.workloads));
            for u in &m.psps {
                let _ = writeln!(
                    out,
                    "  psp {} ({}) used by {}",
                    u.psp.name,
                    u.equivalence.level,
                    names(&u.workloads)
                );
            }
            let _ = writeln!(
                out,
                "  psp level {:?}, workloads level {}, without psp [{}]",
                m.psp_level.map(|l| l.as_str()),
                m.workloads_level,
                names(&m.without_psp)
            );
            if let Some(c) = &m.current {
                let _ = writeln!(out, "  current enforce {:?}", c.enforce.map(|l| l.as_str()));
            }
            for (k, v) in &m.labels {
                let _ = writeln!(out, "  {k}: {v}");
            }
            for (what, list) in [("rejected", &m.rejected), ("warned", &m.warned)] {
                for w in list {
                    let _ = writeln!(
                        out,
                        "  {what} {}/{} (meets {})",
                        w.workload.kind, w.workload.name, w.highest
                    );
                    for v in &w.violations {
                        let _ =
                            writeln!(out, "    {} [{}] {}", at(&v.location), v.control, v.message);
                    }
                }
            }
        }
    }
    insta::assert_snapshot!("migrations", out);
    // The latest migration is the default one.
    let latest: Vec<String> = migration(&ctx).into_iter().map(|m| m.namespace).collect();
    assert_eq!(latest, ["monitoring", "shop"]);
}
