//! A loaded source file: its display path, its text and its line index.

use std::sync::{Arc, OnceLock};

use crate::span::{LineCol, LineIndex, Span};

/// One input text (a file, stdin, or a rendered template), shared cheaply with `Arc`.
#[derive(Debug)]
pub struct SourceFile {
    path: String,
    text: String,
    lines: OnceLock<LineIndex>,
}

/// A resolved location: path plus 1-based start and end line/column.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    /// Path as given by the user (relative stays relative).
    pub path: Arc<str>,
    /// Start line/column (1-based).
    pub start: LineCol,
    /// End line/column (1-based, exclusive column).
    pub end: LineCol,
    /// The byte span in the file.
    pub span: Span,
}

impl SourceFile {
    /// A new source with a display `path` and its `text`.
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> Arc<Self> {
        Arc::new(SourceFile {
            path: path.into(),
            text: text.into(),
            lines: OnceLock::new(),
        })
    }

    /// The display path.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The full text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The line index, built on first use.
    pub fn lines(&self) -> &LineIndex {
        self.lines.get_or_init(|| LineIndex::new(&self.text))
    }

    /// 1-based line/column of a byte offset.
    pub fn line_col(&self, offset: u32) -> LineCol {
        self.lines().line_col(&self.text, offset)
    }

    /// Resolves a span to a [`Location`] sharing `path`.
    pub fn location(&self, path: &Arc<str>, span: Span) -> Location {
        Location {
            path: path.clone(),
            start: self.line_col(span.start),
            end: self.line_col(span.end),
            span,
        }
    }

    /// The text of a span (empty if the span is out of range or splits a character).
    pub fn slice(&self, span: Span) -> &str {
        self.text
            .get(span.start as usize..span.end as usize)
            .unwrap_or("")
    }
}
