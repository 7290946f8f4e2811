//! Template `sorted-keys`: mapping keys not in alphabetical order.
//!
//! ## What it does
//! Reads the object's mappings in document order and reports each mapping whose keys are not in
//! byte-wise ascending order (one finding per mapping). With `recursive`, it descends into
//! every value and sequence item written in place; values given by an alias (`*name`) are not
//! descended into, as KubeLinter's YAML AST walk does not. A merge key (`<<: *base`) counts as
//! a key named `<<` at the place it is written, and the keys it merges in do not count.
//!
//! ## Why is this bad?
//! It is not a defect of the workload: it is a style rule for teams that keep manifests sorted
//! so that diffs and reviews stay small and keys are easy to find.
//!
//! ## Message
//! `Keys are not sorted at <path>. Expected order: [<sorted keys>], got: [<keys>]` (`root` for
//! the top level, `a.b[0].c` below), pointing at the first key out of place.
//!
//! A document that repeats a key in some mapping is skipped, as KubeLinter's YAML parser
//! rejects it.
//!
//! ## Known gaps
//! The items of a `List` are each checked on their own mapping (paths relative to the item),
//! where KubeLinter checks the whole `List` document once per item (`items[1].metadata`, ...).
//! Keys are spelled as Kubernetes reads them (`y` and `yes` are `true`, `0x10` is `16`), where
//! KubeLinter's YAML 1.2 parser keeps the text as written.

use std::fmt::Write as _;

use kubeguard_engine::{CheckFn, Diagnostic, ParamKind, ParamSpec, Params, Template};
use kubeguard_model::{Context, FieldRef, Object};
use kubeguard_source::{Key, LoadWarning, Node, Span, Value};

/// The template.
pub struct SortedKeys;

/// Registered instance.
pub static TEMPLATE: SortedKeys = SortedKeys;

static PARAMS: &[ParamSpec] = &[ParamSpec::new(
    "recursive",
    ParamKind::Boolean,
    "Whether to check nested mappings and sequence items too, not only the top-level keys",
)];

impl Template for SortedKeys {
    fn key(&self) -> &'static str {
        "sorted-keys"
    }
    fn name(&self) -> &'static str {
        "Sorted Keys"
    }
    fn description(&self) -> &'static str {
        "Flag YAML keys that are not sorted in alphabetical order"
    }
    fn supported_kinds(&self) -> &'static [&'static str] {
        &["Any"]
    }
    fn params(&self) -> &'static [ParamSpec] {
        PARAMS
    }
    fn instantiate(&self, params: &Params) -> Result<Box<dyn CheckFn>, String> {
        Ok(Box::new(Check {
            recursive: params.bool("recursive").unwrap_or(false),
        }))
    }
}

struct Check {
    recursive: bool,
}

/// The source text and whether it has merge keys worth looking for.
struct Source<'a> {
    text: &'a str,
    has_merges: bool,
}

impl CheckFn for Check {
    fn check(&self, _ctx: &Context, obj: &Object, out: &mut Vec<Diagnostic>) {
        // KubeLinter's YAML AST parser rejects a document with a repeated key, and the check
        // then skips the object.
        if obj
            .warnings
            .iter()
            .any(|w| matches!(w, LoadWarning::DuplicateKey { .. }))
        {
            return;
        }
        let text = obj.source.text();
        let root = obj.root.span;
        let has_merges = text
            .get(root.start as usize..root.end as usize)
            .is_some_and(|s| s.contains("<<"));
        let src = Source { text, has_merges };
        self.check_node(&src, &obj.root, &mut String::new(), out);
    }
}

/// How many entries of the mapping `node` are written in it: the loader appends merged-in
/// entries after them, and those point at keys written elsewhere (before this mapping, or
/// inside one of its values).
/// Appends `items` separated by `, `.
fn join_into<'a>(out: &mut String, items: impl Iterator<Item = &'a str>) {
    for (i, item) in items.enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(item);
    }
}

fn is_collection(node: &Node) -> bool {
    matches!(node.value, Value::Map(_) | Value::Seq(_))
}

fn explicit_count(node: &Node, entries: &[(Key, Node)]) -> usize {
    let mut prev: Option<&(Key, Node)> = None;
    for (i, entry) in entries.iter().enumerate() {
        let start = entry.0.span.start;
        let inside = start >= node.span.start && start < node.span.end.max(node.span.start + 1);
        let after_prev = prev.is_none_or(|(k, v)| {
            start > k.span.start && !(v.span.start <= start && start < v.span.end)
        });
        if !inside || !after_prev {
            return i;
        }
        prev = Some(entry);
    }
    entries.len()
}

/// Byte offsets of the `<<` keys written in the block mapping `node`, whose explicit keys are
/// `explicit`.
fn merge_key_offsets(src: &Source<'_>, node: &Node, explicit: &[(Key, Node)]) -> Vec<u32> {
    let text = src.text;
    let map_start = node.span.start as usize;
    if !src.has_merges {
        return Vec::new();
    }
    if text.as_bytes().get(map_start) == Some(&b'{') {
        return flow_merge_key_offsets(text, map_start);
    }
    let first = explicit
        .first()
        .map_or(map_start, |(k, _)| k.span.start as usize);
    let column = |offset: usize| offset - text[..offset].rfind('\n').map_or(0, |p| p + 1);
    let key_col = column(first);
    let mut offsets = Vec::new();
    let mut line_start = text[..map_start].rfind('\n').map_or(0, |p| p + 1);
    let mut first_line = true;
    while line_start < text.len() {
        let line_end = text[line_start..]
            .find('\n')
            .map_or(text.len(), |p| line_start + p);
        let line = &text[line_start..line_end];
        let indent = line.len() - line.trim_start_matches(' ').len();
        let rest = line.trim_start_matches(' ');
        let blank = rest.is_empty() || rest.starts_with('#');
        if !first_line
            && !blank
            && (indent < key_col || line.starts_with("---") || line.starts_with("..."))
        {
            break;
        }
        // `get` rather than indexing: the first line may hold other text before the column.
        if let (false, Some(before), Some(at)) = (blank, line.get(..key_col), line.get(key_col..)) {
            let lead_ok = if first_line {
                before.bytes().all(|b| b == b' ' || b == b'-')
            } else {
                indent == key_col
            };
            if lead_ok
                && let Some(after) = at.strip_prefix("<<")
                && after.trim_start_matches(' ').starts_with(':')
            {
                offsets.push((line_start + key_col) as u32);
            }
        }
        first_line = false;
        line_start = line_end + 1;
    }
    offsets
}

/// Byte offsets of the `<<` keys of the flow mapping starting at `start` (`{`): entries at
/// nesting depth 1, outside quoted strings.
fn flow_merge_key_offsets(text: &str, start: usize) -> Vec<u32> {
    let bytes = text.as_bytes();
    let mut offsets = Vec::new();
    let mut depth = 0usize;
    let mut entry_start = true;
    let mut i = start;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'{' | b'[' => {
                depth += 1;
                entry_start = b == b'{' && depth == 1;
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    break;
                }
            }
            b',' if depth == 1 => entry_start = true,
            b'"' | b'\'' => {
                // Skip the quoted scalar ('' escapes a single quote, \ escapes in double quotes).
                i += 1;
                while i < bytes.len() && bytes[i] != b {
                    if b == b'"' && bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                entry_start = false;
            }
            b' ' | b'\t' | b'\r' | b'\n' => {}
            _ => {
                if entry_start
                    && depth == 1
                    && text
                        .get(i..)
                        .and_then(|t| t.strip_prefix("<<"))
                        .is_some_and(|t| {
                            t.trim_start_matches([' ', '\t', '\r', '\n'])
                                .starts_with(':')
                        })
                {
                    offsets.push(i as u32);
                }
                entry_start = false;
            }
        }
        i += 1;
    }
    offsets
}

impl Check {
    /// Checks `node` (at `path`, which is restored before returning) and, when recursive, the
    /// collections under it. One path buffer serves the whole walk: scalars, most of a tree,
    /// cost no allocation.
    fn check_node(
        &self,
        src: &Source<'_>,
        node: &Node,
        path: &mut String,
        out: &mut Vec<Diagnostic>,
    ) {
        match &node.value {
            Value::Map(m) => {
                let explicit = &m.entries[..explicit_count(node, &m.entries)];
                // Fast path: without merge keys, keys in order need no further work.
                let in_order =
                    !src.has_merges && explicit.windows(2).all(|w| w[0].0.text <= w[1].0.text);
                if !in_order {
                    self.report_order(src, node, explicit, path, out);
                }
                if self.recursive {
                    for (k, v) in explicit {
                        // A value written as an alias points at the anchored node, before the key.
                        if v.span.start < k.span.end || !is_collection(v) {
                            continue;
                        }
                        let len = path.len();
                        if !path.is_empty() {
                            path.push('.');
                        }
                        path.push_str(&k.text);
                        self.check_node(src, v, path, out);
                        path.truncate(len);
                    }
                }
            }
            Value::Seq(items) if self.recursive => {
                for (i, item) in items.iter().enumerate() {
                    if item.span.start < node.span.start || !is_collection(item) {
                        continue;
                    }
                    let len = path.len();
                    let _ = write!(path, "[{i}]");
                    self.check_node(src, item, path, out);
                    path.truncate(len);
                }
            }
            _ => {}
        }
    }

    /// Reports the first out-of-order key of a mapping, merge keys included.
    fn report_order(
        &self,
        src: &Source<'_>,
        node: &Node,
        explicit: &[(Key, Node)],
        path: &str,
        out: &mut Vec<Diagnostic>,
    ) {
        {
            {
                let mut keys: Vec<(u32, &str, Span)> = explicit
                    .iter()
                    .map(|(k, _)| (k.span.start, &*k.text, k.span))
                    .collect();
                for off in merge_key_offsets(src, node, explicit) {
                    if !keys.iter().any(|(o, _, _)| *o == off) {
                        keys.push((off, "<<", Span::new(off, off + 2)));
                    }
                }
                keys.sort_by_key(|(o, _, _)| *o);
                let mut sorted: Vec<&str> = keys.iter().map(|(_, k, _)| *k).collect();
                sorted.sort_unstable();
                if let Some(i) = (0..keys.len()).find(|&i| keys[i].1 != sorted[i]) {
                    let location = if path.is_empty() { "root" } else { path };
                    let names: usize = sorted.iter().map(|k| k.len() + 2).sum();
                    let mut message = String::with_capacity(64 + location.len() + 2 * names);
                    message.push_str("Keys are not sorted at ");
                    message.push_str(location);
                    message.push_str(". Expected order: [");
                    join_into(&mut message, sorted.iter().copied());
                    message.push_str("], got: [");
                    join_into(&mut message, keys.iter().map(|(_, k, _)| *k));
                    message.push(']');
                    out.push(Diagnostic::new(
                        message,
                        FieldRef {
                            path: path.to_string(),
                            span: keys[i].2,
                            present: true,
                        },
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::run_template;
    use serde_json::json;

    fn run(yaml: &str) -> Vec<String> {
        run_template(&TEMPLATE, json!({"recursive": true}), yaml)
    }

    #[test]
    fn merge_keys_count_where_written_and_merged_keys_do_not() {
        let yaml = "apiVersion: v1\ndata:\n  base: &base\n    timeout: a\n    retries: b\n  svc:\n    <<: *base\n    endpoint: c\n    auth: d\n  zz:\n    <<: *base\n    a: 1\nkind: ConfigMap\nmetadata:\n  name: m\n";
        assert_eq!(
            run(yaml),
            [
                "m: Keys are not sorted at data.base. Expected order: [retries, timeout], got: [timeout, retries] @ data.base",
                "m: Keys are not sorted at data.svc. Expected order: [<<, auth, endpoint], got: [<<, endpoint, auth] @ data.svc",
            ]
        );
    }

    #[test]
    fn merge_in_sequence_item_and_alias_values() {
        let yaml = "apiVersion: v1\nkind: Pod\nmetadata:\n  labels: &l\n    b: 1\n    a: 2\n  name: p\nspec:\n  containers:\n  - &c\n    image: x\n    name: a\n  - <<: *c\n    name: b\n    image: y\n  - *c\n  x: *l\n";
        assert_eq!(
            run(yaml),
            [
                "p: Keys are not sorted at metadata.labels. Expected order: [a, b], got: [b, a] @ metadata.labels",
                "p: Keys are not sorted at spec.containers[1]. Expected order: [<<, image, name], got: [<<, name, image] @ spec.containers[1]",
            ]
        );
    }

    #[test]
    fn merge_keys_in_flow_mappings() {
        let yaml = "apiVersion: v1\ndata:\n  a: &a {q: 1}\n  e: {<<: *a, z: 1}\n  f: {z: \"{<<: x}\", <<: *a}\nkind: ConfigMap\nmetadata:\n  name: m\n";
        assert_eq!(
            run(yaml),
            ["m: Keys are not sorted at data.f. Expected order: [<<, z], got: [z, <<] @ data.f"]
        );
    }

    #[test]
    fn non_recursive_checks_the_top_level_only() {
        let unsorted = "kind: Pod\napiVersion: v1\nmetadata:\n  name: p\n  a: 1\n";
        assert_eq!(
            run_template(&TEMPLATE, json!({}), unsorted),
            [
                "p: Keys are not sorted at root. Expected order: [apiVersion, kind, metadata], got: [kind, apiVersion, metadata] @ "
            ]
        );
    }
}
