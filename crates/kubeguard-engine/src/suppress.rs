//! Suppression: KubeLinter's ignore annotations, kubeguard's `kubeguard.io/ignore` annotation
//! (object or pod template, optionally per container), `# kubeguard:ignore` comments on or
//! above the offending line (with an optional `until=YYYY-MM-DD`), and config exclusions.

use globset::{Glob, GlobMatcher};
use kubeguard_model::Object;
use kubeguard_source::Node;

use crate::config::Exclusion;
use crate::finding::Suppression;

/// The annotation kubeguard reads: `check[@container][,check[@container]...]` (`all` for every check).
pub const IGNORE_ANNOTATION: &str = "kubeguard.io/ignore";
/// The annotation holding the reason for `kubeguard.io/ignore`.
pub const IGNORE_REASON_ANNOTATION: &str = "kubeguard.io/ignore-reason";
/// The comment marker.
pub const COMMENT_MARKER: &str = "kubeguard:ignore";

/// Outcome of looking for a suppression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Not suppressed.
    None,
    /// Suppressed.
    Suppressed(Suppression),
    /// A comment would have suppressed it, but its `until` date has passed.
    Expired(String),
}

/// Config exclusions compiled once.
#[derive(Debug, Default)]
pub struct Exclusions {
    rules: Vec<(Exclusion, Vec<GlobMatcher>, Vec<GlobMatcher>)>,
}

impl Exclusions {
    /// Compiles exclusions; invalid globs are returned as errors.
    pub fn new(list: &[Exclusion]) -> Result<Exclusions, String> {
        let compile = |pats: &[String]| -> Result<Vec<GlobMatcher>, String> {
            pats.iter()
                .map(|p| {
                    Glob::new(p)
                        .map(|g| g.compile_matcher())
                        .map_err(|e| format!("invalid glob `{p}`: {e}"))
                })
                .collect()
        };
        let rules = list
            .iter()
            .map(|e| Ok((e.clone(), compile(&e.namespaces)?, compile(&e.names)?)))
            .collect::<Result<_, String>>()?;
        Ok(Exclusions { rules })
    }

    /// The first exclusion covering `check` on `obj`.
    pub fn find(&self, check: &str, obj: &Object) -> Option<Suppression> {
        let ns = obj.namespace.as_deref().unwrap_or("");
        self.rules.iter().find_map(|(e, nss, names)| {
            let hit = (e.checks.is_empty() || e.checks.iter().any(|c| c == check))
                && (nss.is_empty() || nss.iter().any(|g| g.is_match(ns)))
                && (names.is_empty() || names.iter().any(|g| g.is_match(&obj.name)))
                && (e.kinds.is_empty() || e.kinds.iter().any(|k| k == &obj.kind));
            hit.then(|| Suppression {
                kind: "config",
                source: describe(e),
                reason: e.reason.clone(),
            })
        })
    }
}

fn describe(e: &Exclusion) -> String {
    let mut parts = Vec::new();
    for (label, v) in [
        ("checks", &e.checks),
        ("namespaces", &e.namespaces),
        ("names", &e.names),
        ("kinds", &e.kinds),
    ] {
        if !v.is_empty() {
            parts.push(format!("{label}={}", v.join(",")));
        }
    }
    format!("exclusion {}", parts.join(" "))
}

/// Looks for an annotation suppressing `check` (optionally for `container`) on `obj`.
pub fn by_annotation(obj: &Object, check: &str, container: Option<&str>) -> Option<Suppression> {
    if let Some(ann) = obj.annotations() {
        let key = format!("ignore-check.kube-linter.io/{check}");
        if let Some(v) = ann.get(&key) {
            return Some(Suppression {
                kind: "annotation",
                source: key,
                reason: v.scalar_text().filter(|s| !s.is_empty()),
            });
        }
        if let Some(v) = ann.get("kube-linter.io/ignore-all") {
            return Some(Suppression {
                kind: "annotation",
                source: "kube-linter.io/ignore-all".into(),
                reason: v.scalar_text().filter(|s| !s.is_empty()),
            });
        }
    }
    let metas = [obj.metadata(), obj.pod_template_metadata()];
    for meta in metas.into_iter().flatten() {
        let Some(ann) = meta.get("annotations") else {
            continue;
        };
        let Some(value) = ann.get(IGNORE_ANNOTATION).and_then(Node::scalar_text) else {
            continue;
        };
        for item in value.split(',').map(str::trim) {
            let (name, only) = match item.split_once('@') {
                Some((n, c)) => (n.trim(), Some(c.trim())),
                None => (item, None),
            };
            let name_hit = name == check || name == "all";
            let container_hit = match only {
                None => true,
                Some(c) => container == Some(c),
            };
            if name_hit && container_hit {
                return Some(Suppression {
                    kind: "annotation",
                    source: format!("{IGNORE_ANNOTATION}: {item}"),
                    reason: ann
                        .get(IGNORE_REASON_ANNOTATION)
                        .and_then(Node::scalar_text),
                });
            }
        }
    }
    None
}

/// Looks for a `# kubeguard:ignore <checks> [until=YYYY-MM-DD] <reason>` comment on line
/// `line` of `text`, or in the run of comment lines directly above it. `today` is an ISO date
/// (`YYYY-MM-DD`) given by the caller (the engine never reads the clock).
pub fn by_comment(obj: &Object, line: u32, check: &str, today: Option<&str>) -> Verdict {
    let text = obj.source.text();
    let lines = obj.source.lines();
    let mut l = line;
    let mut first = true;
    while l >= 1 {
        let Some(content) = lines.line_text(text, l) else {
            break;
        };
        let is_comment_line = content.trim_start().starts_with('#');
        if !first && !is_comment_line {
            break;
        }
        if let Some(v) = parse_comment(content, check, today) {
            return v;
        }
        first = false;
        l -= 1;
    }
    Verdict::None
}

fn parse_comment(line: &str, check: &str, today: Option<&str>) -> Option<Verdict> {
    let hash = line.find('#')?;
    let comment = line[hash + 1..].trim_start();
    let rest = comment.strip_prefix(COMMENT_MARKER)?;
    if !rest.is_empty() && !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let mut words = rest.split_whitespace();
    let checks = words.next()?;
    if !checks.split(',').any(|c| c == check || c == "all") {
        return None;
    }
    let mut until = None;
    let mut reason_words = Vec::new();
    for w in words {
        match w.strip_prefix("until=") {
            Some(d) if until.is_none() => until = Some(d.to_string()),
            _ => reason_words.push(w),
        }
    }
    if let (Some(u), Some(t)) = (&until, today)
        && u.as_str() < t
    {
        return Some(Verdict::Expired(u.clone()));
    }
    let reason = (!reason_words.is_empty()).then(|| reason_words.join(" "));
    Some(Verdict::Suppressed(Suppression {
        kind: "comment",
        source: comment.trim_end().to_string(),
        reason,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(text: &str) -> Object {
        Object::parse_all("t.yaml", text).0.remove(0)
    }

    #[test]
    fn annotations() {
        let o = object(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n  annotations:\n    ignore-check.kube-linter.io/latest-tag: pinned by digest elsewhere\nspec:\n  template:\n    metadata:\n      annotations:\n        kubeguard.io/ignore: run-as-non-root@init, host-network\n        kubeguard.io/ignore-reason: legacy\n",
        );
        let s = by_annotation(&o, "latest-tag", None).expect("suppressed");
        assert_eq!(s.reason.as_deref(), Some("pinned by digest elsewhere"));
        assert!(by_annotation(&o, "host-network", None).is_some());
        assert!(by_annotation(&o, "run-as-non-root", Some("init")).is_some());
        assert!(by_annotation(&o, "run-as-non-root", Some("web")).is_none());
        assert!(by_annotation(&o, "privileged-container", None).is_none());
        let all = object(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations: {kube-linter.io/ignore-all: \"\"}\n",
        );
        assert!(by_annotation(&all, "anything", None).is_some());
    }

    #[test]
    fn comments_with_dates() {
        let t = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  # kubeguard:ignore host-network until=2026-01-01 needs node ports\n  hostNetwork: true\n  hostPID: true # kubeguard:ignore host-pid,host-ipc debugging agent\n  # kubeguard:ignore privileged-container\n  # another comment\n  hostIPC: true\n";
        let o = object(t);
        assert!(
            matches!(by_comment(&o, 7, "host-network", Some("2025-12-31")), Verdict::Suppressed(s) if s.reason.as_deref() == Some("needs node ports"))
        );
        assert_eq!(
            by_comment(&o, 7, "host-network", Some("2026-01-02")),
            Verdict::Expired("2026-01-01".into())
        );
        assert!(matches!(
            by_comment(&o, 8, "host-pid", None),
            Verdict::Suppressed(_)
        ));
        assert!(matches!(
            by_comment(&o, 11, "privileged-container", None),
            Verdict::Suppressed(_)
        ));
        assert_eq!(by_comment(&o, 11, "host-ipc", None), Verdict::None);
        assert_eq!(by_comment(&o, 4, "host-network", None), Verdict::None);
    }
}
