//! The templates, one file each (`src/templates/<key with underscores>.rs`), each defining
//! `pub(crate) static TEMPLATE`. The list below is generated from the directory by build.rs.

include!(concat!(env!("OUT_DIR"), "/templates.rs"));
