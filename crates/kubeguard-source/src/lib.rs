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
    looks_like_helm, parse_chunk, parse_documents, split_documents, Chunk, Document, Limits, LoadError, LoadWarning,
};
pub use node::{format_float, Key, Map, Node, Value};
pub use resolve::resolve_plain;
