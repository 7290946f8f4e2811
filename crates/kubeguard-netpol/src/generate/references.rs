//! Service references in text: the values of `env`, `args`, `command` and ConfigMap keys.
//!
//! A reference is a host, optionally with a scheme (`http://`, `jdbc:postgresql://`),
//! user info, a port (number or name) and a path, found in a word of the text. Words are cut at
//! white space and at `"'`,;()[]{}<>|`; in a word, the parts after `=` or `:` that start with a
//! letter are candidates too (`--addr=cart:7070`, `key:cart`).
//!
//! A bare host (one DNS label, no scheme, no port) is ambiguous with ordinary words, so it
//! only counts when it is the whole value, follows `=` or `:` in its word, or follows a word
//! ending in `=` or `:` (`host: redis`, `host = redis`). Qualified forms (`svc.ns`, with a port
//! or a scheme) count anywhere.

/// A network address found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    /// Lower-cased host without a trailing dot.
    pub host: String,
    /// The port, when given.
    pub port: Option<PortRef>,
    /// The scheme, lower-cased, when given (`http`, `jdbc:postgresql`).
    pub scheme: Option<String>,
    /// Byte range of the reference in the text (for the evidence).
    pub start: usize,
    /// End of the reference (exclusive).
    pub end: usize,
}

/// A port written in a reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PortRef {
    /// A port number.
    Number(u16),
    /// A port name (`svc:http`).
    Name(String),
}

impl Address {
    /// The port a client uses by default for the scheme, when it has a well-known one.
    pub fn scheme_port(&self) -> Option<u16> {
        match self.scheme.as_deref()? {
            "http" | "ws" => Some(80),
            "https" | "wss" => Some(443),
            _ => None,
        }
    }
}

const WORD_BREAKS: &[char] = &[
    '"', '\'', '`', ',', ';', '(', ')', '[', ']', '{', '}', '<', '>', '|',
];

/// Longest word searched (a URL longer than this is not a Service reference; the bound
/// keeps the search linear in the text).
const MAX_WORD: usize = 4096;
/// Most candidates tried in one word.
const MAX_CANDIDATES: usize = 16;

/// Every address in `text`, in order.
pub fn addresses(text: &str) -> Vec<Address> {
    let whole = text.trim();
    let mut out = Vec::new();
    let mut prev_word_assigns = false;
    for (start, word) in words(text) {
        if word.len() > MAX_WORD {
            prev_word_assigns = false;
            continue;
        }
        let mut in_word: Vec<Address> = Vec::new();
        let mut cands = vec![(start, word, false)];
        let mut prev = None;
        for (i, c) in word.char_indices() {
            if i > 0
                && c.is_ascii_alphabetic()
                && matches!(prev, Some('=' | ':'))
                && cands.len() < MAX_CANDIDATES
            {
                cands.push((start + i, &word[i..], true));
            }
            prev = Some(c);
        }
        for (cstart, cand, after_sep) in cands {
            let Some(mut a) = parse(cand) else { continue };
            let bare = a.scheme.is_none() && a.port.is_none() && !a.host.contains('.');
            if bare && !(after_sep || prev_word_assigns || cand == whole) {
                continue;
            }
            a.start += cstart;
            a.end += cstart;
            if !in_word
                .iter()
                .any(|o: &Address| o.host == a.host && o.port == a.port && o.end == a.end)
            {
                in_word.push(a);
            }
        }
        out.append(&mut in_word);
        prev_word_assigns = word.ends_with('=') || word.ends_with(':');
    }
    out
}

/// The words of `text` with their byte offsets.
fn words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        let brk = c.is_whitespace() || WORD_BREAKS.contains(&c);
        match (brk, start) {
            (true, Some(s)) => {
                out.push((s, &text[s..i]));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, &text[s..]));
    }
    out.into_iter()
}

/// Parses one candidate: `[scheme://][userinfo@]host[:port][/path|?query|#fragment]`, with
/// an opaque form `scheme:host[:port]` not accepted (too ambiguous with `key:value`).
pub fn parse(cand: &str) -> Option<Address> {
    let (scheme, rest, offset) = match cand.find("://") {
        Some(i) => {
            let s = &cand[..i];
            let ok = s.starts_with(|c: char| c.is_ascii_alphabetic())
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.' | ':'));
            if !ok {
                return None;
            }
            (Some(s.to_ascii_lowercase()), &cand[i + 3..], i + 3)
        }
        None => (None, cand, 0),
    };
    let auth_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..auth_end];
    let (auth_start, hostport) = match authority.rfind('@') {
        Some(i) => (i + 1, &authority[i + 1..]),
        None => (0, authority),
    };
    if hostport.starts_with('[') {
        return None; // IPv6 literal
    }
    let (host, port) = match hostport.split_once(':') {
        Some((h, p)) => (h, Some(parse_port(p)?)),
        None => (hostport, None),
    };
    let host = host.strip_suffix('.').unwrap_or(host).to_ascii_lowercase();
    if !is_dns1123_subdomain(&host) || host.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    let start = offset + auth_start;
    Some(Address {
        host,
        port,
        scheme,
        start,
        end: offset + auth_end,
    })
}

fn parse_port(p: &str) -> Option<PortRef> {
    if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) {
        return p
            .parse::<u16>()
            .ok()
            .filter(|n| *n > 0)
            .map(PortRef::Number);
    }
    // IANA service name: 1-15 of [a-z0-9-], with a letter, no leading/trailing/double '-'.
    let ok = (1..=15).contains(&p.len())
        && p.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && p.bytes().any(|b| b.is_ascii_lowercase())
        && !p.starts_with('-')
        && !p.ends_with('-')
        && !p.contains("--");
    ok.then(|| PortRef::Name(p.to_string()))
}

/// RFC 1123 subdomain as Kubernetes validates it: at most 253 characters, dot-separated labels
/// of `[a-z0-9]([-a-z0-9]*[a-z0-9])?`.
pub fn is_dns1123_subdomain(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 253
        && s.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && l.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hosts(text: &str) -> Vec<(String, Option<PortRef>)> {
        addresses(text)
            .into_iter()
            .map(|a| (a.host, a.port))
            .collect()
    }

    #[test]
    fn forms_of_service_addresses() {
        let n = |h: &str, p: u16| (h.to_string(), Some(PortRef::Number(p)));
        assert_eq!(hosts("cart"), [("cart".to_string(), None)]);
        assert_eq!(hosts("cart:7070"), [n("cart", 7070)]);
        assert_eq!(hosts("cart.shop"), [("cart.shop".to_string(), None)]);
        assert_eq!(
            hosts("cart.shop.svc.cluster.local:7070"),
            [n("cart.shop.svc.cluster.local", 7070)]
        );
        assert_eq!(
            hosts("http://user:pw@Cart.Shop.svc.cluster.local.:8080/api?x=1#f"),
            [n("cart.shop.svc.cluster.local", 8080)]
        );
        assert_eq!(hosts("jdbc:postgresql://db:5432/orders"), [n("db", 5432)]);
        assert_eq!(hosts("redis://:secret@redis:6379/0"), [n("redis", 6379)]);
        // `x:name` also reads as `key:value`: both candidates are kept (only names of
        // Services match).
        assert_eq!(
            hosts("grpc://cart:grpc"),
            [
                ("cart".to_string(), Some(PortRef::Name("grpc".into()))),
                ("grpc".to_string(), None)
            ]
        );
    }

    #[test]
    fn addresses_inside_longer_texts() {
        let n = |h: &str, p: u16| (h.to_string(), Some(PortRef::Number(p)));
        assert_eq!(hosts("--addr=cart:7070"), [n("cart", 7070)]);
        assert_eq!(hosts("--cache=redis"), [("redis".to_string(), None)]);
        assert_eq!(hosts("server-addr=my-server:5000"), [n("my-server", 5000)]);
        assert_eq!(
            hosts("upstream api { server api.backend:8080; }\nproxy_pass http://web/;"),
            [n("api.backend", 8080), ("web".to_string(), None)]
        );
        assert_eq!(
            hosts("mongodb://a:27017,b:27018/db"),
            [n("a", 27017), n("b", 27018)]
        );
        // Bare names in prose are not references; after `key:` / `key =` they are.
        assert_eq!(hosts("echo frontend started"), []);
        assert_eq!(
            hosts("host: redis\nport = 6379"),
            [("redis".to_string(), None)]
        );
        assert_eq!(hosts("host = redis"), [("redis".to_string(), None)]);
    }

    #[test]
    fn non_addresses() {
        for t in [
            "",
            "8080",
            "10.0.0.1:80",
            "Hello World",
            "cart:99999",
            "cart:-x",
            "my_server:5000",
            "/usr/bin/app",
            "http://[::1]:80/",
            "a..b",
        ] {
            assert_eq!(hosts(t), [], "{t:?}");
        }
        // Ports must be valid numbers or IANA names.
        assert_eq!(parse("cart:0"), None);
        assert_eq!(parse("cart:Http"), None);
        assert_eq!(parse("cart:a--b"), None);
    }

    #[test]
    fn long_texts_stay_linear() {
        let long = format!("{} cart:1", "a:".repeat(100_000));
        assert_eq!(
            hosts(&long),
            [("cart".to_string(), Some(PortRef::Number(1)))]
        );
        let many = "x:7 ".repeat(50_000);
        assert_eq!(addresses(&many).len(), 50_000);
    }

    #[test]
    fn spans_and_schemes() {
        let text = "URL=https://api.backend/v1";
        let a = &addresses(text)[0];
        assert_eq!(&text[a.start..a.end], "api.backend");
        assert_eq!(a.scheme.as_deref(), Some("https"));
        assert_eq!(a.scheme_port(), Some(443));
        assert_eq!(parse("cart").and_then(|a| a.scheme_port()), None);
    }
}
