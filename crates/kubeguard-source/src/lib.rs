//! Source texts, byte spans, line index, and the spanned YAML loader with Kubernetes' YAML
//! semantics (sigs.k8s.io/yaml on go-yaml v2: YAML 1.1-like scalars, merge keys, last duplicate
//! key wins).
//!
//! The loader never panics on input: malformed documents become [`LoadError`]s located at a
//! line and column, and hostile inputs (alias bombs, deep nesting) hit [`Limits`].

mod file;
mod span;

pub use file::{Location, SourceFile};
pub use span::{LineCol, LineIndex, Span};

mod loader;
mod node;
mod resolve;

pub use loader::{
    Chunk, Document, Limits, LoadError, LoadWarning, looks_like_helm, parse_chunk, parse_documents,
    split_documents,
};
pub use node::{Key, Map, Node, Value, format_float};
pub use resolve::{resolve_plain, resolve_plain_typed};
