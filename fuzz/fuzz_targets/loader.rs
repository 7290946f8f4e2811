//! Feeds arbitrary bytes (as lossy UTF-8) through the YAML loader: `split_documents`, then
//! `parse_chunk` on every chunk (with the default limits and with tight ones), then
//! `Node::to_json` and `Node::size` on every loaded document.
//!
//! Invariants (the same as `crates/kubeguard-source/tests/never_panics.rs`):
//! - nothing panics, overflows the stack or hangs (libFuzzer's `-timeout`, `-rss_limit_mb`);
//! - chunks are ordered, non-overlapping, non-empty, inside the text, on character boundaries,
//!   and `first_line` is the 1-based line of their start;
//! - every `LoadError` has its document's index and an offset inside the text on a character
//!   boundary;
//! - every node and key span of a loaded document is inside the text, not reversed, and on
//!   character boundaries.
#![no_main]

use kubeguard_source::{
    Limits, LineIndex, LoadError, Node, Span, Value, parse_chunk, split_documents,
};
use libfuzzer_sys::fuzz_target;

fn check_span(text: &str, span: Span, what: &str) {
    let (s, e) = (span.start as usize, span.end as usize);
    assert!(s <= e, "{what} span {span:?} is reversed");
    assert!(
        e <= text.len(),
        "{what} span {span:?} ends past the text ({})",
        text.len()
    );
    assert!(
        text.is_char_boundary(s) && text.is_char_boundary(e),
        "{what} span {span:?} splits a character"
    );
}

fn check_tree(text: &str, root: &Node) -> usize {
    let mut depth = 0;
    let mut stack = vec![(root, 0)];
    while let Some((node, d)) = stack.pop() {
        check_span(text, node.span, "node");
        match &node.value {
            Value::Seq(items) => {
                depth = depth.max(d + 1);
                stack.extend(items.iter().map(|n| (n, d + 1)));
            }
            Value::Map(m) => {
                depth = depth.max(d + 1);
                for (k, v) in &m.entries {
                    check_span(text, k.span, "key");
                    stack.push((v, d + 1));
                }
            }
            _ => {}
        }
    }
    depth
}

fn check_error(text: &str, index: usize, e: &LoadError) {
    assert_eq!(e.index, index);
    let o = e.offset as usize;
    assert!(o <= text.len(), "error offset {o} past the text: {e:?}");
    assert!(
        text.is_char_boundary(o),
        "error offset {o} splits a character: {e:?}"
    );
    assert!(!e.message.is_empty());
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let text: &str = &text;
    let chunks = split_documents(text);
    let mut prev_end = 0;
    let mut line = 1;
    for c in &chunks {
        assert!(c.start < c.end, "empty chunk {c:?}");
        assert!(
            c.start >= prev_end,
            "chunks overlap or are unordered: {chunks:?}"
        );
        check_span(text, Span::new(c.start, c.end), "chunk");
        line += memchr_count(&text.as_bytes()[prev_end as usize..c.start as usize]);
        assert_eq!(c.first_line as usize, line, "first_line of {c:?}");
        line += memchr_count(&text.as_bytes()[c.start as usize..c.end as usize]);
        prev_end = c.end;
    }
    let lines = LineIndex::new(text);
    let tight = Limits {
        max_depth: 3,
        max_alias_nodes: 40,
        max_file_size: 1 << 20,
    };
    for limits in [Limits::default(), tight] {
        for (i, c) in chunks.iter().enumerate() {
            match parse_chunk(text, &lines, *c, i, &limits) {
                Ok(doc) => {
                    assert_eq!(doc.index, i);
                    let depth = check_tree(text, &doc.root);
                    assert!(depth <= limits.max_depth, "depth {depth} > {limits:?}");
                    assert!(doc.root.size() >= 1);
                    let json = doc.root.to_json();
                    assert!(!json.is_empty());
                }
                Err(e) => check_error(text, i, &e),
            }
        }
    }
});

fn memchr_count(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n').count()
}
