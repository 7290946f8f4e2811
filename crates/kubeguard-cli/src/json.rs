//! JSON pieces shared by the `pss` and `rbac` reports.

use kubeguard_source::Location;
use serde_json::{Value as Json, json};

/// A location as every kubeguard JSON output writes it (`path`, 1-based `line` and `column`,
/// `end_line`, `end_column`), or `null`.
pub fn location_json(l: Option<&Location>) -> Json {
    match l {
        Some(l) => json!({
            "path": &*l.path,
            "line": l.start.line,
            "column": l.start.column,
            "end_line": l.end.line,
            "end_column": l.end.column,
        }),
        None => Json::Null,
    }
}
