//! The workload join and the escalation graph over the whole shared corpus of real manifests
//! (`../shared/corpus/real`, skipped when absent) loaded as one cluster: no panics, identical
//! results when computed twice and over freshly loaded objects, and every path ends at
//! cluster-admin. Timings are printed (`--nocapture`), not asserted.

use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

use kubeguard_model::{Context, Object};
use kubeguard_rbac::escalation::Node;
use kubeguard_rbac::{Options, Rbac, escalation, workload_access};

mod common;

use common::corpus;

fn load(dir: &Path) -> Vec<Object> {
    common::load(dir, |_| true)
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
