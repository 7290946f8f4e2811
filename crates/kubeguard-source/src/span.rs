//! Byte spans and the line index that turns them into 1-based lines and columns.

/// A half-open byte range `start..end` into a [`SourceFile`](crate::SourceFile)'s text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Span {
    /// First byte of the span.
    pub start: u32,
    /// One past the last byte of the span.
    pub end: u32,
}

impl Span {
    /// A span from `start` to `end` (bytes).
    pub const fn new(start: u32, end: u32) -> Self {
        Span { start, end }
    }

    /// An empty span at `offset`.
    pub const fn empty(offset: u32) -> Self {
        Span {
            start: offset,
            end: offset,
        }
    }

    /// Length in bytes.
    pub const fn len(&self) -> u32 {
        self.end.saturating_sub(self.start)
    }

    /// Whether the span covers no byte.
    pub const fn is_empty(&self) -> bool {
        self.end <= self.start
    }

    /// The smallest span covering both.
    pub fn cover(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

/// A 1-based line and column. Columns count Unicode scalar values (characters), not bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LineCol {
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
}

/// Start offsets of every line of a text, for offset → line/column look-ups by binary search.
///
/// Handles `\n` and `\r\n` line ends; a byte-order mark counts as part of line 1.
///
/// ```
/// use kubeguard_source::{LineIndex, LineCol};
/// let text = "a: 1\r\nbé: 2\n";
/// let idx = LineIndex::new(text);
/// assert_eq!(idx.line_col(text, 6), LineCol { line: 2, column: 1 });
/// // `:` after the two-byte `é` is the third character of line 2.
/// assert_eq!(idx.line_col(text, 9), LineCol { line: 2, column: 3 });
/// assert_eq!(idx.line_count(), 3);
/// ```
#[derive(Debug, Clone, Default)]
pub struct LineIndex {
    starts: Vec<u32>,
}

impl LineIndex {
    /// Builds the index of `text`.
    pub fn new(text: &str) -> Self {
        let mut starts = Vec::with_capacity(text.len() / 32 + 1);
        starts.push(0);
        for pos in memchr::memchr_iter(b'\n', text.as_bytes()) {
            starts.push(pos as u32 + 1);
        }
        LineIndex { starts }
    }

    /// Number of lines (a trailing newline opens an empty last line).
    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// Byte offset where 1-based `line` starts, if the line exists.
    pub fn line_start(&self, line: u32) -> Option<u32> {
        self.starts.get((line as usize).checked_sub(1)?).copied()
    }

    /// 0-based line number holding `offset`.
    fn line_of(&self, offset: u32) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    /// 1-based line and column of byte `offset` in `text` (clamped to the text).
    pub fn line_col(&self, text: &str, offset: u32) -> LineCol {
        let offset = offset.min(text.len() as u32);
        let line = self.line_of(offset);
        let start = self.starts[line] as usize;
        let mut end = offset as usize;
        while end > start && !text.is_char_boundary(end) {
            end -= 1;
        }
        let column = text[start..end].chars().count() as u32 + 1;
        LineCol {
            line: line as u32 + 1,
            column,
        }
    }

    /// The text of 1-based `line` without its line end.
    pub fn line_text<'t>(&self, text: &'t str, line: u32) -> Option<&'t str> {
        let i = (line as usize).checked_sub(1)?;
        let start = *self.starts.get(i)? as usize;
        let end = self.starts.get(i + 1).map_or(text.len(), |&e| e as usize);
        let s = text.get(start..end)?;
        Some(s.trim_end_matches('\n').trim_end_matches('\r'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns() {
        let text = "ab\ncd\n\nef";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_count(), 4);
        assert_eq!(idx.line_col(text, 0), LineCol { line: 1, column: 1 });
        assert_eq!(idx.line_col(text, 4), LineCol { line: 2, column: 2 });
        assert_eq!(idx.line_col(text, 6), LineCol { line: 3, column: 1 });
        assert_eq!(idx.line_col(text, 8), LineCol { line: 4, column: 2 });
        assert_eq!(idx.line_col(text, 999), LineCol { line: 4, column: 3 });
        assert_eq!(idx.line_text(text, 2), Some("cd"));
        assert_eq!(idx.line_text(text, 9), None);
    }

    #[test]
    fn crlf_and_bom() {
        let text = "\u{feff}a: 1\r\nb: 2\r\n";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_text(text, 1), Some("\u{feff}a: 1"));
        assert_eq!(idx.line_col(text, 9), LineCol { line: 2, column: 1 });
    }

    #[test]
    fn span_cover() {
        assert_eq!(Span::new(3, 5).cover(Span::new(1, 4)), Span::new(1, 5));
        assert!(Span::empty(3).is_empty());
        assert_eq!(Span::new(2, 9).len(), 7);
    }
}
