//! Helpers shared by templates: Go-compatible formatting (`%q`, maps) for KubeLinter-identical
//! messages, and small iteration helpers.

use kubeguard_source::Node;

/// Formats a string like Go's `%q` (`strconv.Quote`).
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Formats a string list like Go's `%q` of a `[]string`: `["a" "b"]`.
pub fn go_quote_list<S: AsRef<str>>(items: &[S]) -> String {
    let parts: Vec<String> = items.iter().map(|s| go_quote(s.as_ref())).collect();
    format!("[{}]", parts.join(" "))
}

/// Formats pairs like Go's `%v` of a `map[string]string`: `map[k1:v1 k2:v2]`, keys sorted.
pub fn go_map(pairs: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = pairs.iter().collect();
    sorted.sort();
    let parts: Vec<String> = sorted.iter().map(|(k, v)| format!("{k}:{v}")).collect();
    format!("map[{}]", parts.join(" "))
}

/// The text of a scalar node, empty for anything else.
pub fn text(node: Option<&Node>) -> String {
    node.and_then(Node::scalar_text).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_formatting() {
        assert_eq!(go_quote("a\"b\\c\n"), "\"a\\\"b\\\\c\\n\"");
        assert_eq!(go_quote("é"), "\"é\"");
        assert_eq!(go_quote_list(&["a", "b"]), "[\"a\" \"b\"]");
        assert_eq!(go_quote_list::<&str>(&[]), "[]");
        assert_eq!(go_map(&[("b".into(), "2".into()), ("a".into(), "1".into())]), "map[a:1 b:2]");
    }
}
