//! Regression tests for hostile inputs: sizes that used to make the loader quadratic, alias
//! tricks that used to overflow the stack or multiply memory, and chunks that used to panic.
//! None of these tests asserts a time: they only have to finish within the test run.

use kubeguard_source::{
    Chunk, Limits, LineIndex, LoadWarning, Node, Value, parse_chunk, parse_documents,
};

fn one(text: &str) -> kubeguard_source::Document {
    let mut docs = parse_documents(text, &Limits::default());
    assert_eq!(docs.len(), 1);
    docs.remove(0).expect("loads")
}

/// Duplicate-key checks scanned every earlier key: 200k keys took minutes.
#[test]
fn huge_mapping_parses() {
    let n = 200_000;
    let text: String = (0..n).map(|i| format!("k{i}: {i}\n")).collect();
    let doc = one(&text);
    let map = doc.root.as_map().expect("map");
    assert_eq!(map.len(), n);
    assert_eq!(map.entries[n - 1].0.text.as_ref(), format!("k{}", n - 1));
    assert_eq!(map.get("k12345").and_then(Node::as_i64), Some(12345));
    assert!(doc.warnings.is_empty());
}

/// Above the size where keys are hashed, duplicates still keep the first position, the last
/// value, and warn once per repetition.
#[test]
fn duplicates_in_large_mappings_keep_order_and_last_wins() {
    let mut text: String = (0..100).map(|i| format!("k{i}: a{i}\n")).collect();
    text.push_str("k3: b3\nk99: b99\nk3: c3\n");
    let doc = one(&text);
    let map = doc.root.as_map().expect("map");
    assert_eq!(map.len(), 100);
    let keys: Vec<&str> = map.iter().map(|(k, _)| k).collect();
    let expected: Vec<String> = (0..100).map(|i| format!("k{i}")).collect();
    assert_eq!(keys, expected);
    assert_eq!(map.get("k3").and_then(Node::as_str), Some("c3"));
    assert_eq!(map.get("k99").and_then(Node::as_str), Some("b99"));
    assert_eq!(doc.warnings.len(), 3);
    let LoadWarning::DuplicateKey { key, first, second } = &doc.warnings[2];
    assert_eq!(key, "k3");
    assert_eq!(&text[first.start as usize..first.end as usize], "k3");
    assert!(second.start > first.start);
}

/// Merges checked every key of the target for every merged key: quadratic in the map size.
#[test]
fn huge_merges_parse_with_merge_precedence() {
    let n = 50_000;
    let mut text = String::from("a: &a\n");
    for i in 0..n {
        text.push_str(&format!("  k{i}: a\n"));
    }
    text.push_str("b: &b\n");
    for i in 0..n {
        text.push_str(&format!("  m{i}: b\n"));
    }
    text.push_str("  k7: b\n");
    text.push_str("c:\n  <<: [*a, *b]\n  k1: own\n");
    for i in 0..n {
        text.push_str(&format!("  c{i}: c\n"));
    }
    let doc = one(&text);
    let c = doc.root.get("c").and_then(Node::as_map).expect("c");
    assert_eq!(c.len(), 3 * n);
    // Own keys win over merged ones, earlier merge sources over later ones.
    assert_eq!(c.get("k1").and_then(Node::as_str), Some("own"));
    assert_eq!(c.get("k7").and_then(Node::as_str), Some("a"));
    assert_eq!(c.get("m9").and_then(Node::as_str), Some("b"));
    assert!(c.get("<<").is_none());
    // Own keys first, then merged ones in source order.
    assert_eq!(c.entries[0].0.text.as_ref(), "k1");
    assert_eq!(c.entries[n + 1].0.text.as_ref(), "k0");
}

/// Each alias of a deep anchor nested it deeper: a chain of aliases built trees deep enough to
/// overflow the stack of `Clone`, `Drop` and `to_json`.
#[test]
fn aliases_cannot_nest_past_the_depth_limit() {
    let mut text = String::from("a0: &a0 1\n");
    for i in 1..=80 {
        let open = "[".repeat(200);
        let close = "]".repeat(200);
        text.push_str(&format!("a{i}: &a{i} {open}*a{} {close}\n", i - 1));
    }
    let err = parse_documents(&text, &Limits::default())
        .remove(0)
        .expect_err("refused");
    assert!(err.message.contains("nesting deeper"), "{err:?}");
    // The alias that would exceed the limit is where the error is.
    assert_eq!(&text[err.offset as usize..err.offset as usize + 4], "*a1 ");
}

#[test]
fn aliases_up_to_the_depth_limit_load() {
    let limits = Limits::default();
    let half = limits.max_depth / 2;
    let text = format!(
        "- &x {}1{}\n- {}*x{}\n",
        "[".repeat(half),
        "]".repeat(half),
        "[".repeat(half - 1),
        "]".repeat(half - 1),
    );
    let mut docs = parse_documents(&text, &limits);
    let root = docs.remove(0).expect("loads").root;
    let json = root.to_json();
    assert_eq!(json.matches('[').count(), 1 + half + (half - 1) + half);
    let copy = root.clone();
    assert_eq!(copy, root);
}

/// Every anchor kept a full copy of its node, so anchors nested in anchors multiplied memory
/// (200 nested anchors around 20k items made 4M copied nodes, unbounded by any limit).
#[test]
fn nested_anchor_copies_count_against_the_alias_limit() {
    let depth = 200;
    let mut text: String = (0..depth).map(|i| format!("&x{i} [")).collect();
    text.push_str(&"0,".repeat(20_000));
    text.push('0');
    text.push_str(&"]".repeat(depth));
    let err = parse_documents(&text, &Limits::default())
        .remove(0)
        .expect_err("refused");
    assert!(err.message.contains("alias expansion"), "{err:?}");
    // A few anchors on a normal manifest are fine.
    one("a: &a {x: [1, 2]}\nb: &b [*a, *a]\nc: *b\n");
}

#[test]
fn invalid_chunks_are_errors_not_panics() {
    let text = "a: é\n";
    let lines = LineIndex::new(text);
    let limits = Limits::default();
    for (start, end) in [(0, 99), (5, 2), (4, 6), (0, 4), (0, 6)] {
        let chunk = Chunk {
            start,
            end,
            first_line: 1,
        };
        match parse_chunk(text, &lines, chunk, 0, &limits) {
            Ok(doc) => assert_eq!((start, end), (0, 6), "{doc:?}"),
            Err(e) => {
                assert_ne!((start, end), (0, 6), "{e:?}");
                assert_eq!(e.offset, 0);
            }
        }
    }
}

#[test]
fn max_file_size_is_enforced() {
    let limits = Limits {
        max_file_size: 10,
        ..Limits::default()
    };
    let text = "a: 1\nb: 2\nc: 3\n";
    let docs = parse_documents(text, &limits);
    assert_eq!(docs.len(), 1);
    let err = docs[0].as_ref().expect_err("too large");
    assert!(
        err.message.contains("exceeds the limit of 10 bytes"),
        "{err:?}"
    );
}

/// Offsets of non-ASCII text used to be recomputed from the start of the line for every event:
/// quadratic on a long line.
#[test]
fn long_non_ascii_lines_load() {
    let text = format!("[{}\"é\"]", "\"é\",".repeat(200_000));
    let doc = one(&text);
    let items = doc.root.as_seq().expect("seq");
    assert_eq!(items.len(), 200_001);
    let last = &items[200_000];
    assert_eq!(
        &text[last.span.start as usize..last.span.end as usize],
        "\"é\""
    );
    assert!(matches!(&last.value, Value::Str(s) if &**s == "é"));
}

/// What the fuzz target found in the pre-fix loader within ~430 executions (with its tight
/// limits): an alias of a nested anchor, used inside a collection, made a tree deeper than
/// `max_depth`.
#[test]
fn alias_nesting_respects_tight_limits() {
    let limits = Limits {
        max_depth: 3,
        ..Limits::default()
    };
    let text = "a: &a [[1]]\nb: [*a]\n";
    let err = parse_documents(text, &limits)
        .remove(0)
        .expect_err("refused");
    assert!(err.message.contains("through aliases"), "{err:?}");
    assert_eq!(&text[err.offset as usize..err.offset as usize + 2], "*a");
    // The same alias one level up fits.
    assert!(parse_documents("a: &a [[1]]\nb: *a\n", &limits)[0].is_ok());
}
