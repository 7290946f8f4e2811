//! Prometheus metrics in the text exposition format (version 0.0.4), written by hand: a few
//! counters and one histogram need no client library.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::decide::Verdict;

/// Upper bounds of the latency histogram, in seconds.
const BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0,
];

/// A latency histogram (seconds).
#[derive(Debug, Default)]
struct Histogram {
    counts: [AtomicU64; BUCKETS.len()],
    count: AtomicU64,
    /// Sum in nanoseconds.
    sum_nanos: AtomicU64,
}

impl Histogram {
    fn observe(&self, d: Duration) {
        let secs = d.as_secs_f64();
        if let Some(i) = BUCKETS.iter().position(|b| secs <= *b) {
            self.counts[i].fetch_add(1, Ordering::Relaxed);
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        self.sum_nanos.fetch_add(
            u64::try_from(d.as_nanos()).unwrap_or(u64::MAX),
            Ordering::Relaxed,
        );
    }
}

/// Counters keyed by their rendered label set.
#[derive(Debug, Default)]
struct Counter(Mutex<BTreeMap<String, u64>>);

impl Counter {
    fn add(&self, labels: String) {
        if let Ok(mut m) = self.0.lock() {
            *m.entry(labels).or_insert(0) += 1;
        }
    }

    fn render(&self, out: &mut String, name: &str, help: &str) {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} counter");
        if let Ok(m) = self.0.lock() {
            for (labels, v) in m.iter() {
                let _ = writeln!(out, "{name}{labels} {v}");
            }
        }
    }
}

/// Escapes a label value.
fn esc(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// The webhook's metrics.
#[derive(Debug, Default)]
pub struct Metrics {
    http: Counter,
    reviews: Counter,
    decisions: Counter,
    config_reloads: Counter,
    tls_reloads: Counter,
    latency: Histogram,
}

impl Metrics {
    /// Counts an HTTP answer of `path` with `code`.
    pub fn http(&self, path: &str, code: u16) {
        self.http
            .add(format!("{{path=\"{}\",code=\"{code}\"}}", esc(path)));
    }

    /// Counts a decided review. Dry-run requests are counted as reviews (with
    /// `dry_run="true"`) but their violations are not enforcement events: they do not count
    /// in the decisions metric.
    pub fn review(&self, v: &Verdict, operation: &str, elapsed: Duration) {
        self.reviews.add(format!(
            "{{operation=\"{}\",outcome=\"{}\",dry_run=\"{}\"}}",
            esc(operation),
            v.outcome.as_str(),
            v.dry_run
        ));
        if !v.dry_run {
            for x in &v.violations {
                self.decisions.add(format!(
                    "{{check=\"{}\",mode=\"{}\"}}",
                    esc(&x.check),
                    x.mode.as_str()
                ));
            }
        }
        self.latency.observe(elapsed);
    }

    /// Counts a configuration reload attempt.
    pub fn config_reload(&self, ok: bool) {
        self.config_reloads.add(format!(
            "{{result=\"{}\"}}",
            if ok { "success" } else { "failure" }
        ));
    }

    /// Counts a TLS certificate reload attempt.
    pub fn tls_reload(&self, ok: bool) {
        self.tls_reloads.add(format!(
            "{{result=\"{}\"}}",
            if ok { "success" } else { "failure" }
        ));
    }

    /// The exposition text.
    pub fn render(&self) -> String {
        let mut out = String::with_capacity(4096);
        self.http.render(
            &mut out,
            "kubeguard_http_requests_total",
            "HTTP requests answered, by path and status code.",
        );
        self.reviews.render(
            &mut out,
            "kubeguard_admission_reviews_total",
            "AdmissionReviews answered, by operation, outcome and dry run.",
        );
        self.decisions.render(
            &mut out,
            "kubeguard_admission_decisions_total",
            "Violations acted on, by check and mode (enforce, warn, audit); dry runs are not counted.",
        );
        let name = "kubeguard_admission_duration_seconds";
        let _ = writeln!(
            out,
            "# HELP {name} Time from the request headers to the answer.\n# TYPE {name} histogram"
        );
        let mut cumulative = 0;
        for (i, b) in BUCKETS.iter().enumerate() {
            cumulative += self.latency.counts[i].load(Ordering::Relaxed);
            let _ = writeln!(out, "{name}_bucket{{le=\"{b}\"}} {cumulative}");
        }
        let count = self.latency.count.load(Ordering::Relaxed);
        let _ = writeln!(out, "{name}_bucket{{le=\"+Inf\"}} {count}");
        let _ = writeln!(
            out,
            "{name}_sum {}",
            self.latency.sum_nanos.load(Ordering::Relaxed) as f64 / 1e9
        );
        let _ = writeln!(out, "{name}_count {count}");
        self.config_reloads.render(
            &mut out,
            "kubeguard_config_reloads_total",
            "Configuration reloads, by result (a failed reload keeps the previous configuration).",
        );
        self.tls_reloads.render(
            &mut out,
            "kubeguard_tls_reloads_total",
            "TLS certificate reloads, by result (a failed reload keeps the previous certificate).",
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exposition_text() {
        let m = Metrics::default();
        m.http("/validate", 200);
        m.http("/validate", 200);
        m.http("/validate", 400);
        m.config_reload(true);
        m.config_reload(false);
        m.latency.observe(Duration::from_micros(700));
        m.latency.observe(Duration::from_millis(3));
        let text = m.render();
        assert!(
            text.contains("kubeguard_http_requests_total{path=\"/validate\",code=\"200\"} 2\n")
        );
        assert!(
            text.contains("kubeguard_http_requests_total{path=\"/validate\",code=\"400\"} 1\n")
        );
        assert!(text.contains("kubeguard_admission_duration_seconds_bucket{le=\"0.0005\"} 0\n"));
        assert!(text.contains("kubeguard_admission_duration_seconds_bucket{le=\"0.001\"} 1\n"));
        assert!(text.contains("kubeguard_admission_duration_seconds_bucket{le=\"0.003\"} 2\n"));
        assert!(text.contains("kubeguard_admission_duration_seconds_bucket{le=\"+Inf\"} 2\n"));
        assert!(text.contains("kubeguard_admission_duration_seconds_count 2\n"));
        assert!(text.contains("kubeguard_config_reloads_total{result=\"failure\"} 1\n"));
        assert!(text.contains("# TYPE kubeguard_admission_duration_seconds histogram\n"));
    }

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(esc("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
