//! The workload join and the escalation graph over the whole shared corpus of real manifests
//! (`../shared/corpus/real`, skipped when absent) loaded as one cluster: no panics, identical
//! results when computed twice and over freshly loaded objects, and every path ends at
//! cluster-admin. Timings are printed (`--nocapture`), not asserted.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use kubeguard_model::{Context, Object};
use kubeguard_rbac::escalation::Node;
use kubeguard_rbac::{Options, Rbac, escalation, workload_access};

fn corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/real");
    dir.is_dir().then_some(dir)
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            files(&p, out);
        } else if p
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| matches!(e, "yaml" | "yml"))
        {
            out.push(p);
        }
    }
}

fn load(dir: &Path) -> Vec<Object> {
    let mut paths = Vec::new();
    files(dir, &mut paths);
    let mut objects = Vec::new();
    for p in paths {
        let Ok(text) = std::fs::read_to_string(&p) else {
            continue;
        };
        let shown = p
            .strip_prefix(dir)
            .unwrap_or(&p)
            .to_string_lossy()
            .into_owned();
        objects.extend(Object::parse_all(&shown, &text).0);
    }
    objects
}

fn report(ctx: &Context) -> (String, usize, usize) {
    let rbac = Rbac::new(ctx, &Options::default());
    let mut out = String::new();
    let workloads = workload_access(ctx, &rbac);
    for w in &workloads {
        let _ = writeln!(
            out,
            "{} {}/{} sa={} token={} level={} sharing={}",
            w.object.kind,
            w.namespace,
            w.object.name,
            w.service_account,
            w.token_mounted,
            w.level.id(),
            w.sharing.len()
        );
    }
    let graph = escalation(ctx, &rbac);
    let mut reaching = 0;
    for (source, steps) in graph.paths() {
        let Some(steps) = steps else {
            let _ = writeln!(out, "{}: none", source.subject);
            continue;
        };
        reaching += 1;
        assert!(!steps.is_empty());
        assert_eq!(steps.last().map(|s| s.to), Some(&Node::ClusterAdmin));
        for pair in steps.windows(2) {
            assert_eq!(pair[0].to, pair[1].from, "steps chain");
        }
        let _ = writeln!(
            out,
            "{}: {}",
            source.subject,
            steps
                .iter()
                .map(|s| format!("{} {}", s.edge.via.id(), s.to.label()))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let _ = write!(out, "{}", graph.to_dot());
    (out, workloads.len(), reaching)
}

#[test]
fn corpus_workloads_and_escalation_are_deterministic() {
    let Some(dir) = corpus() else {
        eprintln!("note: ../shared/corpus/real is absent; skipping the escalation corpus test");
        return;
    };
    let ctx = Context::new(load(&dir));
    let started = Instant::now();
    let (first, workloads, reaching) = report(&ctx);
    let elapsed = started.elapsed();
    let (second, _, _) = report(&ctx);
    assert_eq!(first, second, "the report differs between two runs");
    let (third, _, _) = report(&Context::new(load(&dir)));
    assert_eq!(first, third);
    assert!(workloads > 0, "the corpus has workloads");
    eprintln!(
        "corpus: {} objects, {workloads} workloads, {reaching} subjects reach cluster-admin; join and escalation in {elapsed:?}",
        ctx.objects.len()
    );
}
