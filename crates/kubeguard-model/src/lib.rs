//! Kubernetes objects over the spanned YAML tree: identity ([`Object`]), typed views of pod
//! specs and containers with effective security settings ([`PodSpecView`], [`ContainerView`]),
//! label selectors, field location for findings, and the cross-object [`Context`] index.
//!
//! Pure: nothing here reads files, the clock or the network.

mod index;
mod locate;
mod memo;
mod object;
mod pod;
mod selector;

pub use index::Context;
pub use locate::{FieldRef, Seg, anchor_span, locate, parse_path};
pub use memo::ObjectMemo;
pub use object::{NotAnObject, Object, WorkloadKind};
pub use pod::{
    ContainerKind, ContainerView, Effective, Level, PodSpecView, entry_span, string_map,
};
pub use selector::{Requirement, Selector};
