//! Secrets written inline in configuration files: where they are, so that findings point at
//! them and every output shows the files with their values masked. A secret's value is never
//! copied into a message.

use std::sync::Arc;

use kubeguard_source::{SourceFile, Span};

use crate::model::At;

/// A secret value in an input.
#[derive(Debug, Clone, PartialEq)]
pub struct Secret {
    /// Where it is.
    pub at: At,
    /// Its value's span (masked in outputs).
    pub span: Span,
    /// The display path of its file.
    pub path: Arc<str>,
    /// What it is (`registry password`), for messages.
    pub what: String,
}

/// `source` with the bytes of every span replaced by `*` (same length, so every location
/// stays valid). Spans outside the text or not on character boundaries are widened to them.
pub fn redact(source: &SourceFile, spans: &[Span]) -> Arc<SourceFile> {
    let text = source.text();
    let mut bytes = text.as_bytes().to_vec();
    for s in spans {
        let mut start = (s.start as usize).min(text.len());
        let mut end = (s.end as usize).min(text.len());
        while start > 0 && !text.is_char_boundary(start) {
            start -= 1;
        }
        while end < text.len() && !text.is_char_boundary(end) {
            end += 1;
        }
        if start >= end {
            continue;
        }
        // A block scalar's span runs into the next line's indentation: keep that.
        while end > start && text.as_bytes()[end - 1].is_ascii_whitespace() {
            end -= 1;
        }
        for b in &mut bytes[start..end] {
            if !matches!(*b, b'\n' | b'\r' | b'"' | b'\'') {
                *b = b'*';
            }
        }
    }
    // Only ASCII bytes replaced whole characters, so the text is still UTF-8.
    let masked = String::from_utf8(bytes).unwrap_or_else(|_| "*".repeat(text.len()));
    SourceFile::new(source.path(), masked)
}

/// Whether a value is a placeholder rather than a real secret (`<token>`, `${TOKEN}`, `changeme`
/// is not: it is a weak real value).
pub fn is_placeholder(value: &str) -> bool {
    let v = value.trim();
    v.is_empty()
        || (v.starts_with('<') && v.ends_with('>'))
        || (v.starts_with("${") && v.ends_with('}'))
        || (v.starts_with("{{") && v.ends_with("}}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_spans_keeping_lengths_and_lines() {
        let src = SourceFile::new("a.yml", "password: hunter2\nuser: me\nkey: \"héllo\"\n");
        let t = src.text();
        let start = t.find("hunter2").unwrap() as u32;
        let q = t.find("\"h").unwrap() as u32;
        let r = redact(
            &src,
            &[
                Span::new(start, start + 7),
                Span::new(q, q + 8),
                Span::new(999, 1000),
                Span::new(5, 2),
            ],
        );
        assert_eq!(r.text().len(), t.len());
        assert!(!r.text().contains("hunter2") && !r.text().contains("llo"));
        assert!(r.text().contains("user: me\n"));
        assert_eq!(r.text().lines().count(), 3);
        assert!(is_placeholder("<configure-some-token-here>") && !is_placeholder("boop"));
    }
}
