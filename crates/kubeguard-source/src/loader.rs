//! Multi-document YAML/JSON → spanned trees.
//!
//! A stream is first cut into documents at `---` / `...` lines (the only places a document can
//! end), so each document parses on its own: one broken document never loses the others, and
//! documents of one file can be parsed in parallel by the caller.

use std::borrow::Cow;
use std::collections::HashMap;

use granit_parser::{Event, Parser, ScalarStyle, Tag};

use crate::node::{Key, Map, Node, Value};
use crate::resolve::resolve_plain;
use crate::span::{LineIndex, Span};

/// Limits against hostile input.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Deepest nesting of collections in one document.
    pub max_depth: usize,
    /// Most nodes one document may create by expanding aliases (the copy kept of every
    /// anchored node counts too, so nested anchors cannot multiply memory either).
    pub max_alias_nodes: usize,
    /// Largest input accepted, in bytes.
    pub max_file_size: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 256,
            max_alias_nodes: 1_000_000,
            max_file_size: 50 * 1024 * 1024,
        }
    }
}

/// A non-fatal observation made while building the tree.
#[derive(Debug, Clone, PartialEq)]
pub enum LoadWarning {
    /// A mapping repeats a key; the last value wins.
    DuplicateKey {
        /// The key.
        key: String,
        /// The ignored earlier occurrence (its key).
        first: Span,
        /// The winning occurrence (its key).
        second: Span,
    },
}

/// One parsed document.
#[derive(Debug, Clone)]
pub struct Document {
    /// 0-based position of the document in its file.
    pub index: usize,
    /// The root node.
    pub root: Node,
    /// Warnings (duplicate keys).
    pub warnings: Vec<LoadWarning>,
}

/// Why a document could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct LoadError {
    /// 0-based position of the document in its file.
    pub index: usize,
    /// Where the problem is (byte offset into the file).
    pub offset: u32,
    /// What is wrong and what to do.
    pub message: String,
}

/// A byte range of a file holding (at most) one document, and the line it starts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chunk {
    /// First byte.
    pub start: u32,
    /// One past the last byte.
    pub end: u32,
    /// 1-based line of `start`.
    pub first_line: u32,
}

/// Cuts a stream into document chunks at lines that start with `---` or `...` followed by
/// a blank or the line end. Chunks holding only comments, blanks and directives are merged
/// into the next one; chunks that end up with no content at all are dropped.
pub fn split_documents(text: &str) -> Vec<Chunk> {
    let bytes = text.as_bytes();
    let mut chunks = Vec::new();
    let mut start = 0usize;
    let mut start_line = 1u32;
    let mut has_content = false;
    let mut line_no = 1u32;
    let mut pos = 0usize;
    while pos < bytes.len() {
        let eol = memchr::memchr(b'\n', &bytes[pos..]).map_or(bytes.len(), |i| pos + i);
        let line = &bytes[pos..eol];
        let marker = |m: &[u8]| {
            line.starts_with(m)
                && line
                    .get(3)
                    .is_none_or(|c| matches!(c, b' ' | b'\t' | b'\r'))
        };
        let next = (eol + 1).min(bytes.len());
        if marker(b"---") {
            if has_content {
                chunks.push(Chunk {
                    start: start as u32,
                    end: pos as u32,
                    first_line: start_line,
                });
                start = pos;
                start_line = line_no;
            }
            // An explicit start always begins a document, even an empty one.
            has_content = true;
        } else if marker(b"...") {
            if has_content {
                chunks.push(Chunk {
                    start: start as u32,
                    end: next as u32,
                    first_line: start_line,
                });
            }
            start = next;
            start_line = line_no + 1;
            has_content = false;
        } else if !has_content {
            let t = line.trim_ascii();
            if !(t.is_empty()
                || t.starts_with(b"#")
                || (t.starts_with(b"%") && line.starts_with(b"%")))
            {
                has_content = true;
            }
        }
        pos = next;
        if eol < bytes.len() {
            line_no += 1;
        }
    }
    if has_content && start < bytes.len() {
        chunks.push(Chunk {
            start: start as u32,
            end: bytes.len() as u32,
            first_line: start_line,
        });
    }
    chunks
}

/// Parses every document of `text` in order (sequentially). Callers that want parallelism use
/// [`split_documents`] and [`parse_chunk`] themselves.
pub fn parse_documents(text: &str, limits: &Limits) -> Vec<Result<Document, LoadError>> {
    let lines = LineIndex::new(text);
    split_documents(text)
        .iter()
        .enumerate()
        .map(|(i, c)| parse_chunk(text, &lines, *c, i, limits))
        .collect()
}

/// Parses one chunk of `text` as document number `index`. An empty document (a bare `---`)
/// gives a null root.
pub fn parse_chunk(
    text: &str,
    lines: &LineIndex,
    chunk: Chunk,
    index: usize,
    limits: &Limits,
) -> Result<Document, LoadError> {
    if text.len() as u64 > limits.max_file_size || u32::try_from(text.len()).is_err() {
        return Err(LoadError {
            index,
            offset: 0,
            message: format!(
                "input of {} bytes exceeds the limit of {} bytes",
                text.len(),
                limits.max_file_size.min(u64::from(u32::MAX))
            ),
        });
    }
    let Some(body) = text.get(chunk.start as usize..chunk.end as usize) else {
        return Err(LoadError {
            index,
            offset: 0,
            message: format!(
                "document chunk {}..{} is not a valid range of the input",
                chunk.start, chunk.end
            ),
        });
    };
    let mut builder = Builder {
        text,
        body,
        base: chunk.start,
        first_line: chunk.first_line,
        lines,
        ascii: body.is_ascii(),
        limits,
        index,
        stack: Vec::new(),
        anchors: HashMap::new(),
        alias_nodes: 0,
        warnings: Vec::new(),
        root: None,
        docs: 0,
    };
    let options = granit_parser::options! {
        // As libyaml (and so go-yaml, kubectl and the API server) does.
        block_scalar_eof_without_line_feed: true,
        flow_nesting_limit: limits.max_depth,
        block_nesting_limit: limits.max_depth,
    };
    let mut parser = Parser::new_from_str_with_options(body, options);
    loop {
        match parser.next_event() {
            None => break,
            Some(Ok((event, span))) => {
                let start = builder.offset(span.start);
                let end = builder.offset(span.end).max(start);
                if builder.event(event, Span::new(start, end))? {
                    break;
                }
            }
            Some(Err(e)) => {
                let m = e.marker();
                let offset = builder.offset(*m);
                return Err(builder.error(offset, scan_message(&e.info())));
            }
        }
    }
    let root = builder
        .root
        .take()
        .unwrap_or_else(|| Node::new(Span::empty(chunk.start), Value::Null));
    Ok(Document {
        index,
        root,
        warnings: builder.warnings,
    })
}

fn scan_message(info: &str) -> String {
    if info.contains("recursion limit") {
        return "nesting too deep for the YAML parser".into();
    }
    format!("invalid YAML: {info}")
}

fn with_helm_hint(mut msg: String, body: &str) -> String {
    if looks_like_helm(body) {
        msg.push_str(
            "; this looks like an unrendered Helm template: render it with `helm template` first",
        );
    }
    msg
}

/// Whether a text holds Go template actions typical of an unrendered Helm chart.
pub fn looks_like_helm(body: &str) -> bool {
    let Some(_) = memchr::memmem::find(body.as_bytes(), b"{{") else {
        return false;
    };
    [
        "{{-",
        "-}}",
        ".Values",
        ".Release",
        ".Chart",
        "{{ include",
        "{{ template",
        "{{ if",
        "{{ range",
        "{{- ",
    ]
    .iter()
    .any(|p| body.contains(p))
}

enum Frame {
    Seq {
        start: u32,
        anchor: usize,
        items: Vec<Node>,
    },
    Map {
        start: u32,
        anchor: usize,
        entries: Entries,
        key: Option<Key>,
        merges: Vec<Node>,
    },
}

/// Mapping entries under construction, with a key index once there are many of them, so
/// duplicate-key checks and merges stay linear on huge mappings.
#[derive(Default)]
struct Entries {
    list: Vec<(Key, Node)>,
    index: Option<HashMap<Cow<'static, str>, usize>>,
}

impl Entries {
    /// Entry count from which keys are looked up by hash rather than by a linear scan.
    const INDEX_FROM: usize = 32;

    fn position(&self, key: &str) -> Option<usize> {
        match &self.index {
            Some(index) => index.get(key).copied(),
            None => self.list.iter().position(|(k, _)| &*k.text == key),
        }
    }

    /// Appends an entry whose key is not present yet.
    fn push(&mut self, key: Key, node: Node) {
        if let Some(index) = &mut self.index {
            index.insert(key.text.clone(), self.list.len());
        }
        self.list.push((key, node));
        if self.index.is_none() && self.list.len() >= Self::INDEX_FROM {
            self.index = Some(
                self.list
                    .iter()
                    .enumerate()
                    .map(|(i, (k, _))| (k.text.clone(), i))
                    .collect(),
            );
        }
    }
}

/// A copy of an anchored node, with its node count and depth measured once.
struct Anchored {
    node: Node,
    size: usize,
    depth: usize,
}

struct Builder<'a> {
    text: &'a str,
    body: &'a str,
    base: u32,
    first_line: u32,
    lines: &'a LineIndex,
    ascii: bool,
    limits: &'a Limits,
    index: usize,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Anchored>,
    alias_nodes: usize,
    warnings: Vec<LoadWarning>,
    root: Option<Node>,
    docs: usize,
}

impl Builder<'_> {
    /// File byte offset of a parser marker (its byte offset when the parser gives one, else
    /// computed from its 1-based line and its column in characters, relative to the chunk).
    fn offset(&self, m: granit_parser::Marker) -> u32 {
        if let Some(b) = m.byte_offset() {
            return self.base + b.min(self.body.len()) as u32;
        }
        if self.ascii {
            return self.base + (m.index().min(self.body.len())) as u32;
        }
        let line = self.first_line + m.line().saturating_sub(1) as u32;
        let Some(line_start) = self.lines.line_start(line) else {
            return self.base + self.body.len() as u32;
        };
        let rest = &self.text[line_start as usize..];
        let col = rest
            .char_indices()
            .nth(m.col())
            .map_or(rest.len(), |(i, _)| i);
        let rest_line_end = memchr::memchr(b'\n', rest.as_bytes()).map_or(rest.len(), |i| i + 1);
        line_start + col.min(rest_line_end) as u32
    }

    fn error(&self, offset: u32, message: String) -> LoadError {
        LoadError {
            index: self.index,
            offset,
            message: with_helm_hint(message, self.body),
        }
    }

    /// Handles one event; returns `true` when the document is complete.
    fn event(&mut self, event: Event<'_>, span: Span) -> Result<bool, LoadError> {
        match event {
            Event::StreamStart => {}
            Event::StreamEnd => return Ok(true),
            // Anchor metadata, unresolved aliases and comments are opt-in events we leave off;
            // events added by future parser versions carry no data we need.
            Event::Anchor(..) | Event::UnresolvedAlias(_) => {}
            Event::DocumentStart(..) => {
                self.docs += 1;
                if self.docs > 1 {
                    return Err(self.error(span.start, "a second document in one chunk: separate documents with `---` at the start of a line".into()));
                }
            }
            Event::DocumentEnd => {}
            Event::Alias(id) => {
                let Some(anchored) = self.anchors.get(&id) else {
                    return Err(self.error(span.start, "alias refers to an unknown anchor".into()));
                };
                let (size, depth) = (anchored.size, anchored.depth);
                // An alias of a collection nests that collection here: chained aliases could
                // otherwise build trees deep enough to overflow the stack of recursive walks.
                if self.stack.len() + depth > self.limits.max_depth {
                    return Err(self.error(
                        span.start,
                        format!(
                            "nesting deeper than {} levels (through aliases)",
                            self.limits.max_depth
                        ),
                    ));
                }
                self.charge_copies(size, span.start)?;
                let node = self.anchors[&id].node.clone();
                self.push_value(node)?;
            }
            Event::Scalar(value, style, anchor, tag) => {
                // Fast path for mapping keys: no node, no allocation for well-known names.
                if anchor == 0
                    && tag.is_none()
                    && let Some(Frame::Map {
                        key: slot @ None, ..
                    }) = self.stack.last_mut()
                {
                    let typed = match style {
                        ScalarStyle::Plain => crate::resolve::resolve_plain_typed(&value),
                        _ => None,
                    };
                    *slot = Some(match typed {
                        None => Key::new(&value, span),
                        Some(Value::Null) => Key::new("null", span),
                        Some(v) => {
                            Key::new(&Node::new(span, v).scalar_text().unwrap_or_default(), span)
                        }
                    });
                    return Ok(false);
                }
                let v = scalar_value(value, style, tag.as_deref());
                let node = Node::new(span, v);
                if anchor != 0 {
                    self.anchor(anchor, &node)?;
                }
                self.push_value(node)?;
            }
            Event::SequenceStart(_, anchor, _) => {
                self.check_depth(span.start)?;
                self.stack.push(Frame::Seq {
                    start: span.start,
                    anchor,
                    items: Vec::new(),
                });
            }
            Event::MappingStart(_, anchor, _) => {
                self.check_depth(span.start)?;
                self.stack.push(Frame::Map {
                    start: span.start,
                    anchor,
                    entries: Entries::default(),
                    key: None,
                    merges: Vec::new(),
                });
            }
            Event::SequenceEnd => {
                let Some(Frame::Seq {
                    start,
                    anchor,
                    items,
                }) = self.stack.pop()
                else {
                    return Err(self.error(span.start, "unbalanced sequence end".into()));
                };
                let items = items.into_boxed_slice();
                let end = items.last().map_or(span.end, |n| n.span.end.max(span.end));
                let node = Node::new(Span::new(start, end.max(start)), Value::Seq(items));
                if anchor != 0 {
                    self.anchor(anchor, &node)?;
                }
                self.push_value(node)?;
            }
            Event::MappingEnd => {
                let Some(Frame::Map {
                    start,
                    anchor,
                    mut entries,
                    merges,
                    ..
                }) = self.stack.pop()
                else {
                    return Err(self.error(span.start, "unbalanced mapping end".into()));
                };
                let end = entries
                    .list
                    .iter()
                    .map(|(_, v)| v.span.end)
                    .max()
                    .unwrap_or(span.end)
                    .max(span.end);
                for source in merges {
                    merge_into(&mut entries, source);
                }
                let entries = entries.list.into_boxed_slice();
                let node = Node::new(
                    Span::new(start, end.max(start)),
                    Value::Map(Map { entries }),
                );
                if anchor != 0 {
                    self.anchor(anchor, &node)?;
                }
                self.push_value(node)?;
            }
            _ => {}
        }
        Ok(false)
    }

    /// Keeps a copy of an anchored node for its aliases, counting the copy against
    /// [`Limits::max_alias_nodes`].
    fn anchor(&mut self, id: usize, node: &Node) -> Result<(), LoadError> {
        let (size, depth) = size_and_depth(node);
        self.charge_copies(size, node.span.start)?;
        self.anchors.insert(
            id,
            Anchored {
                node: node.clone(),
                size,
                depth,
            },
        );
        Ok(())
    }

    /// Counts `nodes` copied nodes against [`Limits::max_alias_nodes`].
    fn charge_copies(&mut self, nodes: usize, at: u32) -> Result<(), LoadError> {
        self.alias_nodes = self.alias_nodes.saturating_add(nodes);
        if self.alias_nodes > self.limits.max_alias_nodes {
            return Err(self.error(
                at,
                format!(
                    "alias expansion exceeds the limit of {} nodes (a \"billion laughs\" input?)",
                    self.limits.max_alias_nodes
                ),
            ));
        }
        Ok(())
    }

    fn check_depth(&self, at: u32) -> Result<(), LoadError> {
        if self.stack.len() >= self.limits.max_depth {
            Err(self.error(
                at,
                format!("nesting deeper than {} levels", self.limits.max_depth),
            ))
        } else {
            Ok(())
        }
    }

    fn push_value(&mut self, node: Node) -> Result<(), LoadError> {
        match self.stack.last_mut() {
            None => {
                self.root = Some(node);
                Ok(())
            }
            Some(Frame::Seq { items, .. }) => {
                items.push(node);
                Ok(())
            }
            Some(Frame::Map {
                entries,
                key,
                merges,
                ..
            }) => match key.take() {
                None => {
                    let text: String = match &node.value {
                        Value::Str(s) => s.to_string(),
                        Value::Null => "null".into(),
                        Value::Seq(_) | Value::Map(_) => {
                            let at = node.span.start;
                            return Err(self.error(
                                at,
                                "a mapping key must be a scalar (Kubernetes objects are JSON)"
                                    .into(),
                            ));
                        }
                        _ => node.scalar_text().unwrap_or_default(),
                    };
                    // A plain `<<` is a merge key; a quoted one would be a string, but the
                    // tree cannot tell them apart any more, and Kubernetes objects never use `<<`.
                    *key = Some(Key::new(&text, node.span));
                    Ok(())
                }
                Some(k) => {
                    if &*k.text == "<<" && matches!(node.value, Value::Map(_) | Value::Seq(_)) {
                        match node.value {
                            Value::Seq(items) => {
                                // Earlier maps take precedence: merge them in order.
                                for item in items.into_vec() {
                                    if matches!(item.value, Value::Map(_)) {
                                        merges.push(item);
                                    }
                                }
                            }
                            _ => merges.push(node),
                        }
                        return Ok(());
                    }
                    if let Some(i) = entries.position(&k.text) {
                        let slot = &mut entries.list[i];
                        self.warnings.push(LoadWarning::DuplicateKey {
                            key: k.text.to_string(),
                            first: slot.0.span,
                            second: k.span,
                        });
                        *slot = (k, node);
                    } else {
                        entries.push(k, node);
                    }
                    Ok(())
                }
            },
        }
    }
}

/// Adds the entries of a merge source that the mapping does not define itself.
fn merge_into(entries: &mut Entries, source: Node) {
    if let Value::Map(m) = source.value {
        for (k, v) in m.entries.into_vec() {
            if entries.position(&k.text).is_none() {
                entries.push(k, v);
            }
        }
    }
}

/// Node count and nesting depth (collections on the deepest path) of a subtree, without
/// recursion.
fn size_and_depth(node: &Node) -> (usize, usize) {
    let (mut size, mut depth) = (0, 0);
    let mut stack = vec![(node, 0usize)];
    while let Some((n, d)) = stack.pop() {
        size += 1;
        match &n.value {
            Value::Seq(items) => {
                depth = depth.max(d + 1);
                stack.extend(items.iter().map(|i| (i, d + 1)));
            }
            Value::Map(m) => {
                depth = depth.max(d + 1);
                stack.extend(m.entries.iter().map(|(_, v)| (v, d + 1)));
            }
            _ => {}
        }
    }
    (size, depth)
}

fn scalar_value(value: Cow<'_, str>, style: ScalarStyle, tag: Option<&Tag>) -> Value {
    if let Some(tag) = tag
        && (tag.is_yaml_core_schema() || tag.handle() == "!!")
    {
        match tag.suffix() {
            "str" | "binary" | "timestamp" => return Value::Str(value.into()),
            "null" => return Value::Null,
            _ => return resolve_plain(&value),
        }
    }
    match style {
        ScalarStyle::Plain => resolve_plain(&value),
        _ => Value::Str(value.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn docs(text: &str) -> Vec<Result<Document, LoadError>> {
        parse_documents(text, &Limits::default())
    }

    fn one(text: &str) -> Node {
        let mut d = docs(text);
        assert_eq!(d.len(), 1, "{d:?}");
        d.remove(0).expect("parses").root
    }

    #[test]
    fn splits_documents() {
        let t = "# c\n---\na: 1\n---\n# only comment\n---\nb: 2\n...\n---\n";
        let chunks = split_documents(t);
        assert_eq!(chunks.len(), 4, "{chunks:?}");
        assert_eq!(chunks[0].first_line, 1);
        assert_eq!(chunks[1].first_line, 4);
        let d = docs(t);
        assert_eq!(d.len(), 4);
        assert!(d[1].as_ref().expect("ok").root.is_null());
        assert_eq!(
            d[2].as_ref()
                .expect("ok")
                .root
                .get("b")
                .and_then(Node::as_i64),
            Some(2)
        );
    }

    #[test]
    fn comment_only_stream_has_no_documents() {
        assert!(docs("# nothing\n\n# here\n").is_empty());
        assert!(docs("").is_empty());
    }

    #[test]
    fn spans_point_at_values() {
        let t = "a: 1\n---\nspec:\n  containers:\n  - name: x\n    securityContext:\n      privileged: true\n";
        let d = docs(t);
        let root = &d[1].as_ref().expect("ok").root;
        let c = &root
            .path(&["spec", "containers"])
            .and_then(Node::as_seq)
            .expect("seq")[0];
        let p = c.path(&["securityContext", "privileged"]).expect("p");
        assert_eq!(p.as_bool(), Some(true));
        assert_eq!(&t[p.span.start as usize..p.span.end as usize], "true");
        let idx = LineIndex::new(t);
        let lc = idx.line_col(t, p.span.start);
        assert_eq!((lc.line, lc.column), (7, 19));
        // The container map starts at `name`.
        assert_eq!(&t[c.span.start as usize..c.span.start as usize + 4], "name");
    }

    #[test]
    fn non_ascii_spans_are_bytes() {
        let t = "a: \"é\"\nb: ünï\nc: true\n";
        let root = one(t);
        let c = root.get("c").expect("c");
        assert_eq!(&t[c.span.start as usize..c.span.end as usize], "true");
        let b = root.get("b").expect("b");
        assert_eq!(&t[b.span.start as usize..b.span.end as usize], "ünï");
    }

    #[test]
    fn yaml11_scalars_in_documents() {
        let root = one("a: yes\nb: 0644\nc: 'yes'\nd: \"0644\"\ne: off\nf: |\n  yes\n");
        assert_eq!(root.get("a").and_then(Node::as_bool), Some(true));
        assert_eq!(root.get("b").and_then(Node::as_i64), Some(420));
        assert_eq!(root.get("c").and_then(Node::as_str), Some("yes"));
        assert_eq!(root.get("d").and_then(Node::as_str), Some("0644"));
        assert_eq!(root.get("e").and_then(Node::as_bool), Some(false));
        assert_eq!(root.get("f").and_then(Node::as_str), Some("yes\n"));
    }

    #[test]
    fn merge_keys_and_aliases() {
        let root =
            one("base: &b\n  x: 1\n  w: 2\nother: &o\n  z: 3\nd:\n  <<: [*b, *o]\n  w: 9\ne: *b\n");
        let d = root.get("d").expect("d");
        assert_eq!(d.get("x").and_then(Node::as_i64), Some(1));
        assert_eq!(d.get("w").and_then(Node::as_i64), Some(9));
        assert_eq!(d.get("z").and_then(Node::as_i64), Some(3));
        assert!(d.get("<<").is_none());
        assert_eq!(root.path(&["e", "w"]).and_then(Node::as_i64), Some(2));
        // go-yaml v2 resolves a plain `y` key to the boolean true, so JSON sees "true".
        assert!(one("y: 1\n").get("true").is_some());
    }

    #[test]
    fn duplicate_keys_last_wins_with_warning() {
        let d = docs("a: 1\nb: 2\na: 3\n").remove(0).expect("ok");
        assert_eq!(d.root.get("a").and_then(Node::as_i64), Some(3));
        assert_eq!(d.root.as_map().expect("map").len(), 2);
        assert!(
            matches!(&d.warnings[..], [LoadWarning::DuplicateKey { key, first, second }]
            if key == "a" && first.start == 0 && second.start == 10)
        );
    }

    #[test]
    fn broken_document_does_not_lose_others() {
        let d = docs("a: 1\n---\nb: [1, 2\nc: 3\n---\nd: 4\n");
        assert_eq!(d.len(), 3);
        assert!(d[0].is_ok());
        let err = d[1].as_ref().expect_err("broken");
        assert!(err.offset >= 5, "{err:?}");
        assert!(d[2].is_ok());
    }

    #[test]
    fn billion_laughs_is_refused() {
        let mut t = String::from(
            "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        let names = ["b", "c", "d", "e", "f", "g", "h", "i"];
        let mut prev = "a";
        for n in names {
            t.push_str(&format!("{n}: &{n} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"));
            prev = n;
        }
        let d = docs(&t);
        let err = d[0].as_ref().expect_err("refused");
        assert!(err.message.contains("alias expansion"), "{err:?}");
    }

    #[test]
    fn deep_nesting_is_refused() {
        let t = "[".repeat(10_000);
        let err = docs(&t).remove(0).expect_err("refused");
        assert!(err.message.contains("nesting"), "{err:?}");
        let t = "a:\n".to_string()
            + &(1..400)
                .map(|i| format!("{}k{i}:\n", " ".repeat(i)))
                .collect::<String>();
        let err = docs(&t).remove(0).expect_err("refused");
        assert!(err.message.contains("nesting"), "{err:?}");
    }

    #[test]
    fn json_documents() {
        let root = one("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"spec\":{\"a\":[1,true,null]}}");
        assert_eq!(root.get("kind").and_then(Node::as_str), Some("Pod"));
        let a = root
            .path(&["spec", "a"])
            .and_then(Node::as_seq)
            .expect("seq");
        assert_eq!(a.len(), 3);
        assert_eq!(a[1].as_bool(), Some(true));
    }

    #[test]
    fn helm_templates_are_named() {
        let d = docs("spec:\n  replicas: {{ .Values.replicas }}\n  {{- if .Values.x }}\n");
        let err = d[0].as_ref().expect_err("broken");
        assert!(err.message.contains("helm template"), "{err:?}");
    }

    #[test]
    fn crlf_input() {
        let t = "a: 1\r\nb:\r\n  c: true\r\n";
        let root = one(t);
        let c = root.path(&["b", "c"]).expect("c");
        assert_eq!(&t[c.span.start as usize..c.span.end as usize], "true");
    }
}
