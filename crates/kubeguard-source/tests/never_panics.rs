//! Property tests: the loader never panics, and every offset it reports is a valid position
//! of the input (inside the text, on a character boundary).
//!
//! The same invariants are checked by the cargo-fuzz target in `fuzz/fuzz_targets/loader.rs`
//! (see `docs/fuzzing.md`); these run in a few seconds with `cargo test`.

use kubeguard_source::{
    Limits, LineIndex, LoadError, Node, Span, Value, parse_chunk, parse_documents, split_documents,
};
use proptest::prelude::*;

/// Asserts that `span` is a valid, non-reversed byte range of `text` on character boundaries.
fn check_span(text: &str, span: Span, what: &str) {
    let (s, e) = (span.start as usize, span.end as usize);
    assert!(s <= e, "{what} span {span:?} is reversed in {text:?}");
    assert!(
        e <= text.len(),
        "{what} span {span:?} ends past the text {text:?}"
    );
    assert!(
        text.is_char_boundary(s) && text.is_char_boundary(e),
        "{what} span {span:?} splits a character in {text:?}"
    );
}

/// Checks every node and key span of a tree, without recursion; returns its depth.
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

fn check_error(text: &str, e: &LoadError) {
    let o = e.offset as usize;
    assert!(
        o <= text.len(),
        "error offset {o} past the text: {e:?} {text:?}"
    );
    assert!(
        text.is_char_boundary(o),
        "error offset {o} splits a character: {e:?} {text:?}"
    );
    assert!(!e.message.is_empty());
}

/// Splits, parses every chunk and checks all invariants.
fn check(text: &str) {
    let chunks = split_documents(text);
    let mut prev_end = 0;
    for c in &chunks {
        assert!(c.start < c.end, "empty chunk {c:?} in {text:?}");
        assert!(
            c.start >= prev_end,
            "chunks overlap or are unordered: {chunks:?}"
        );
        assert!(c.end as usize <= text.len(), "chunk {c:?} past the text");
        check_span(text, Span::new(c.start, c.end), "chunk");
        let line = 1 + text.as_bytes()[..c.start as usize]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        assert_eq!(
            c.first_line as usize, line,
            "chunk {c:?} first_line in {text:?}"
        );
        prev_end = c.end;
    }
    let lines = LineIndex::new(text);
    // The default limits, and tight ones so that the limit paths run too.
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
                    assert!(depth <= limits.max_depth, "depth {depth} in {text:?}");
                    assert!(doc.root.size() >= 1);
                    assert!(!doc.root.to_json().is_empty());
                }
                Err(e) => {
                    assert_eq!(e.index, i);
                    check_error(text, &e);
                }
            }
        }
    }
    let limits = Limits::default();
    assert_eq!(parse_documents(text, &limits).len(), chunks.len());
}

/// YAML-ish text built from fragments that exercise the grammar's corners.
fn yamlish() -> impl Strategy<Value = String> {
    let fragment = prop_oneof![
        Just("- ".to_string()),
        Just(": ".to_string()),
        Just(":".to_string()),
        Just("{".to_string()),
        Just("}".to_string()),
        Just("[".to_string()),
        Just("]".to_string()),
        Just(", ".to_string()),
        Just("? ".to_string()),
        Just("&a ".to_string()),
        Just("&b ".to_string()),
        Just("*a".to_string()),
        Just("*b".to_string()),
        Just("<<: ".to_string()),
        Just("---\n".to_string()),
        Just("--- ".to_string()),
        Just("...\n".to_string()),
        Just("\"".to_string()),
        Just("'".to_string()),
        Just("\"é\\u00e9\\x41\\\n\"".to_string()),
        Just("|".to_string()),
        Just("|-\n".to_string()),
        Just(">".to_string()),
        Just(">+2\n".to_string()),
        Just("\t".to_string()),
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just("\r".to_string()),
        Just("# c\n".to_string()),
        Just("!!str ".to_string()),
        Just("!!int ".to_string()),
        Just("!t ".to_string()),
        Just("%YAML 1.1\n".to_string()),
        Just("%TAG ! tag:x,2000:\n".to_string()),
        Just("\u{feff}".to_string()),
        Just("é".to_string()),
        Just("日本".to_string()),
        Just("😀".to_string()),
        Just("\u{85}\u{2028}".to_string()),
        Just("{{ .Values.x }}".to_string()),
        Just("0x1F".to_string()),
        Just("0644".to_string()),
        Just("1e3".to_string()),
        Just("~".to_string()),
        Just("yes".to_string()),
        "[a-z]{1,6}",
        (0usize..40).prop_map(|n| format!("\n{}", " ".repeat(n))),
        (1usize..12).prop_map(|n| "[".repeat(n)),
        (1usize..12).prop_map(|n| "- ".repeat(n)),
        (0usize..12).prop_map(|n| format!("{}k: ", "  ".repeat(n))),
    ];
    prop::collection::vec(fragment, 0..60).prop_map(|v| v.concat())
}

/// A generated YAML tree, rendered in block style (flow style for some leaves).
#[derive(Debug, Clone)]
enum Yaml {
    Scalar(&'static str),
    Alias(u8),
    Anchored(u8, Box<Yaml>),
    Seq(Vec<Yaml>),
    Map(Vec<(&'static str, Yaml)>),
}

const SCALARS: &[&str] = &[
    "v",
    "1",
    "0644",
    "-0x1F",
    "1.5e3",
    "yes",
    "~",
    "null",
    "\"quoted é \\t \\u00e9\"",
    "'single ''é'''",
    "日本語",
    "[1, {a: b}, \"c\"]",
    "{x: 1, y: [2, 3]}",
    "[]",
    "{}",
    "!!str 5",
    "2024-01-01",
    "|\n  line one é\n  line two",
    ">-\n  folded\n  text",
    "a b c # comment",
];

const KEYS: &[&str] = &["a", "b", "name", "é", "\"q k\"", "1", "y", "<<", "k"];

fn tree() -> impl Strategy<Value = Yaml> {
    let leaf = prop_oneof![
        4 => prop::sample::select(SCALARS).prop_map(Yaml::Scalar),
        1 => (0u8..4).prop_map(Yaml::Alias),
    ];
    leaf.prop_recursive(5, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Yaml::Seq),
            prop::collection::vec((prop::sample::select(KEYS), inner.clone()), 0..6)
                .prop_map(Yaml::Map),
            ((0u8..4), inner).prop_map(|(n, y)| Yaml::Anchored(n, Box::new(y))),
        ]
    })
}

/// Renders `y` as a value following a `key: `, a `- ` or the document start. Aliases refer to
/// anchors defined earlier in the document when there are some (`defined`).
fn render(y: &Yaml, indent: usize, defined: &mut [bool; 4], out: &mut String) {
    let pad = " ".repeat(indent);
    match y {
        Yaml::Scalar(s) => {
            // Block scalar lines are indented relative to the parent.
            out.push_str(&s.replace('\n', &format!("\n{pad}")));
            out.push('\n');
        }
        Yaml::Alias(n) => match (0..4)
            .map(|i| (usize::from(*n) + i) % 4)
            .find(|&i| defined[i])
        {
            Some(i) => out.push_str(&format!("*a{i}\n")),
            None => out.push_str("v\n"),
        },
        Yaml::Anchored(n, inner) => {
            out.push_str(&format!("&a{n} "));
            render(inner, indent, defined, out);
            defined[usize::from(*n)] = true;
        }
        Yaml::Seq(items) if items.is_empty() => out.push_str("[]\n"),
        Yaml::Map(entries) if entries.is_empty() => out.push_str("{}\n"),
        Yaml::Seq(items) => {
            out.push('\n');
            for item in items {
                out.push_str(&format!("{pad}- "));
                render(item, indent + 2, defined, out);
            }
        }
        Yaml::Map(entries) => {
            out.push('\n');
            for (k, v) in entries {
                out.push_str(&format!("{pad}{k}: "));
                render(v, indent + 2, defined, out);
            }
        }
    }
}

/// Well-formed documents more often than the fragment soup (so deeper loader paths run:
/// anchors, aliases, merges, duplicate keys), sometimes with one fragment spliced in.
fn structured() -> impl Strategy<Value = String> {
    let docs = prop::collection::vec(tree(), 1..4);
    let splice = prop::option::weighted(0.3, (any::<prop::sample::Index>(), yamlish()));
    (docs, splice).prop_map(|(docs, splice)| {
        let mut text = String::new();
        for d in &docs {
            text.push_str("---\n");
            let mut body = String::new();
            render(d, 0, &mut [false; 4], &mut body);
            text.push_str(body.trim_start_matches('\n'));
        }
        if let Some((at, fragment)) = splice {
            let mut pos = at.index(text.len() + 1);
            while !text.is_char_boundary(pos) {
                pos -= 1;
            }
            text.insert_str(pos, &fragment);
        }
        text
    })
}

/// 1000 cases per property (a few seconds in a debug build) unless `PROPTEST_CASES` asks for
/// more; failures are reported, not persisted to a regressions file.
fn config() -> ProptestConfig {
    let mut config = ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = 1000;
    }
    config
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        check(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn yamlish_fragments(text in yamlish()) {
        check(&text);
    }

    #[test]
    fn structured_documents(text in structured()) {
        check(&text);
    }
}

#[test]
fn deep_indentation_and_long_lines() {
    let deep: String = (0..300)
        .map(|i| format!("{}k{i}:\n", " ".repeat(i)))
        .collect();
    check(&deep);
    let long = format!("a: {}\n", "é".repeat(200_000));
    check(&long);
    let flow = format!("[{}]", "\"é\",".repeat(50_000));
    check(&flow);
}

/// The structured generator must mostly produce loadable documents, or it tests little more
/// than the fragment soup does.
#[test]
fn structured_documents_mostly_load() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let (mut ok, mut total) = (0, 0);
    for _ in 0..200 {
        let text = structured().new_tree(&mut runner).expect("tree").current();
        for d in parse_documents(&text, &Limits::default()) {
            total += 1;
            ok += usize::from(d.is_ok());
        }
    }
    assert!(
        ok * 2 > total,
        "only {ok} of {total} generated documents load"
    );
}
