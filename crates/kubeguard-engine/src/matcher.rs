//! KubeLinter-style string matchers: an unanchored regular expression (RE2 syntax), negated
//! by a leading `!`; the empty string matches anything.

use regex::Regex;

/// A compiled matcher.
#[derive(Debug, Clone, Default)]
pub struct Matcher {
    regex: Option<Regex>,
    negate: bool,
    source: String,
}

impl Matcher {
    /// Compiles `pattern`.
    pub fn new(pattern: &str) -> Result<Matcher, String> {
        let (negate, body) = match pattern.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, pattern),
        };
        let regex = if body.is_empty() {
            None
        } else {
            Some(
                Regex::new(body)
                    .map_err(|e| format!("invalid regular expression `{body}`: {e}"))?,
            )
        };
        Ok(Matcher {
            regex,
            negate,
            source: pattern.to_string(),
        })
    }

    /// Whether `s` matches.
    pub fn matches(&self, s: &str) -> bool {
        let hit = self.regex.as_ref().is_none_or(|r| r.is_match(s));
        hit != self.negate
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negation_and_empty() {
        let m = Matcher::new("^app$").expect("ok");
        assert!(m.matches("app") && !m.matches("apps"));
        let n = Matcher::new("!^app$").expect("ok");
        assert!(!n.matches("app") && n.matches("apps"));
        assert!(Matcher::new("").expect("ok").matches("anything"));
        assert!(Matcher::new("(").is_err());
        assert!(Matcher::new("sec").expect("ok").matches("my-secret"));
    }
}
