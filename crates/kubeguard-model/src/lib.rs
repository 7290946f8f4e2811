//! Kubernetes objects over the spanned YAML tree: identity ([`Object`]), typed views of pod
//! specs and containers with effective security settings ([`PodSpecView`], [`ContainerView`]),
//! label selectors, field location for findings, and the cross-object [`Context`] index.
//!
//! Pure: nothing here reads files, the clock or the network.

mod index;
mod locate;
mod object;
mod pod;
mod selector;

pub use index::Context;
pub use locate::{anchor_span, locate, parse_path, FieldRef, Seg};
pub use object::{NotAnObject, Object, WorkloadKind};
pub use pod::{entry_span, string_map, ContainerKind, ContainerView, Effective, Level, PodSpecView};
pub use selector::{Requirement, Selector};
