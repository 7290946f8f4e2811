//! The CEL `kubernetes.URL` type: a URL split as Go's `net/url` does, which the Kubernetes URL
//! library and the `uri` named format use (`url.ParseRequestURI` to validate, `url.Parse` for
//! the parts). The error texts are Go's (`parse "x": invalid URI for request`).

use std::collections::HashMap;

use cel::objects::Opaque;

use crate::util::go_quote;

/// The parts of a parsed URL the CEL functions read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Url {
    pub scheme: String,
    opaque: String,
    /// Host with optional port, unescaped, IPv6 literals in brackets.
    pub host: String,
    /// The decoded path (bytes, as Go strings are).
    path: Vec<u8>,
    /// The path as written when it differs from the default encoding of `path`.
    raw_path: String,
    pub raw_query: String,
    force_query: bool,
}

impl Opaque for Url {
    fn runtime_type_name(&self) -> &str {
        super::URL
    }
}

impl Url {
    /// The Kubernetes `url()`: `ParseRequestURI` must accept the text, and the parts are those
    /// of `Parse` (which first cuts off the fragment).
    pub fn parse(s: &str) -> Result<Url, String> {
        let wrap = |e: String| format!("URL parse error during conversion from string: {e}");
        parse_request_uri(s).map_err(wrap)?;
        let (u, frag) = s.split_once('#').unwrap_or((s, ""));
        let url = parse(u, false).map_err(|e| wrap(go_error(u, &e)))?;
        if !frag.is_empty() {
            unescape(frag.as_bytes(), Mode::Fragment).map_err(|e| wrap(go_error(s, &e)))?;
        }
        Ok(url)
    }

    /// `URL.Hostname()`.
    pub fn hostname(&self) -> String {
        split_host_port(&self.host).0.to_string()
    }

    /// `URL.Port()`.
    pub fn port(&self) -> String {
        split_host_port(&self.host).1.to_string()
    }

    /// `URL.EscapedPath()`.
    pub fn escaped_path(&self) -> String {
        if !self.raw_path.is_empty()
            && valid_encoded(self.raw_path.as_bytes(), Mode::Path)
            && unescape(self.raw_path.as_bytes(), Mode::Path).is_ok_and(|p| p == self.path)
        {
            return self.raw_path.clone();
        }
        if self.path == b"*" {
            return "*".into();
        }
        escape(&self.path, Mode::Path)
    }

    /// `URL.Query()`: the query's keys and values, unescaped; malformed pairs are dropped.
    pub fn query(&self) -> HashMap<String, Vec<String>> {
        let mut m: HashMap<String, Vec<String>> = HashMap::new();
        for pair in self.raw_query.split('&') {
            if pair.is_empty() || pair.contains(';') {
                continue;
            }
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let (Ok(k), Ok(v)) = (
                unescape(k.as_bytes(), Mode::QueryComponent),
                unescape(v.as_bytes(), Mode::QueryComponent),
            ) else {
                continue;
            };
            m.entry(lossy(k)).or_default().push(lossy(v));
        }
        m
    }
}

/// `url.ParseRequestURI`, with Go's error text.
pub fn parse_request_uri(s: &str) -> Result<(), String> {
    parse(s, true).map(|_| ()).map_err(|e| go_error(s, &e))
}

/// `url.Error.Error()`: `parse "<url>": <err>`.
fn go_error(url: &str, err: &str) -> String {
    format!("parse {}: {err}", go_quote(url))
}

fn lossy(b: Vec<u8>) -> String {
    String::from_utf8(b).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Path,
    Host,
    Zone,
    UserPassword,
    QueryComponent,
    Fragment,
}

/// `shouldEscape`.
fn should_escape(c: u8, mode: Mode) -> bool {
    if c.is_ascii_alphanumeric() {
        return false;
    }
    if matches!(mode, Mode::Host | Mode::Zone)
        && matches!(
            c,
            b'!' | b'$'
                | b'&'
                | b'\''
                | b'('
                | b')'
                | b'*'
                | b'+'
                | b','
                | b';'
                | b'='
                | b':'
                | b'['
                | b']'
                | b'<'
                | b'>'
                | b'"'
        )
    {
        return false;
    }
    match c {
        b'-' | b'_' | b'.' | b'~' => return false,
        b'$' | b'&' | b'+' | b',' | b'/' | b':' | b';' | b'=' | b'?' | b'@' => match mode {
            Mode::Path => return c == b'?',
            Mode::UserPassword => return matches!(c, b'@' | b'/' | b'?' | b':'),
            Mode::QueryComponent => return true,
            Mode::Fragment => return false,
            Mode::Host | Mode::Zone => {}
        },
        _ => {}
    }
    if mode == Mode::Fragment && matches!(c, b'!' | b'(' | b')' | b'*') {
        return false;
    }
    true
}

fn unhex(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        b'A'..=b'F' => c - b'A' + 10,
        _ => 0,
    }
}

fn escape_error(s: &[u8]) -> String {
    format!(
        "invalid URL escape {}",
        go_quote(&String::from_utf8_lossy(s))
    )
}

/// `unescape`.
fn unescape(s: &[u8], mode: Mode) -> Result<Vec<u8>, String> {
    let mut i = 0;
    while i < s.len() {
        match s[i] {
            b'%' => {
                if i + 2 >= s.len()
                    || !s[i + 1].is_ascii_hexdigit()
                    || !s[i + 2].is_ascii_hexdigit()
                {
                    let end = (i + 3).min(s.len());
                    return Err(escape_error(&s[i..end]));
                }
                if mode == Mode::Host && unhex(s[i + 1]) < 8 && &s[i..i + 3] != b"%25" {
                    return Err(escape_error(&s[i..i + 3]));
                }
                if mode == Mode::Zone {
                    let v = unhex(s[i + 1]) << 4 | unhex(s[i + 2]);
                    if &s[i..i + 3] != b"%25" && v != b' ' && should_escape(v, Mode::Host) {
                        return Err(escape_error(&s[i..i + 3]));
                    }
                }
                i += 3;
            }
            c => {
                if matches!(mode, Mode::Host | Mode::Zone) && c < 0x80 && should_escape(c, mode) {
                    return Err(format!(
                        "invalid character {} in host name",
                        go_quote(&(c as char).to_string())
                    ));
                }
                i += 1;
            }
        }
    }
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        match s[i] {
            b'%' => {
                out.push(unhex(s[i + 1]) << 4 | unhex(s[i + 2]));
                i += 3;
            }
            b'+' if mode == Mode::QueryComponent => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    Ok(out)
}

/// `escape`.
fn escape(s: &[u8], mode: Mode) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(s.len());
    for &c in s {
        if c == b' ' && mode == Mode::QueryComponent {
            out.push('+');
        } else if should_escape(c, mode) {
            out.push('%');
            out.push(HEX[usize::from(c >> 4)] as char);
            out.push(HEX[usize::from(c & 15)] as char);
        } else {
            out.push(c as char);
        }
    }
    out
}

/// `validEncoded`.
fn valid_encoded(s: &[u8], mode: Mode) -> bool {
    s.iter().all(|&c| {
        matches!(
            c,
            b'!' | b'$'
                | b'&'
                | b'\''
                | b'('
                | b')'
                | b'*'
                | b'+'
                | b','
                | b';'
                | b'='
                | b':'
                | b'@'
                | b'['
                | b']'
                | b'%'
        ) || !should_escape(c, mode)
    })
}

/// `validOptionalPort`: empty, or `:` and digits.
fn valid_optional_port(port: &str) -> bool {
    port.is_empty()
        || port
            .strip_prefix(':')
            .is_some_and(|p| p.bytes().all(|b| b.is_ascii_digit()))
}

/// `splitHostPort`.
fn split_host_port(host_port: &str) -> (&str, &str) {
    let mut host = host_port;
    let mut port = "";
    if let Some(colon) = host.rfind(':')
        && valid_optional_port(&host[colon..])
    {
        port = &host[colon + 1..];
        host = &host[..colon];
    }
    if host.starts_with('[') && host.ends_with(']') && host.len() >= 2 {
        host = &host[1..host.len() - 1];
    }
    (host, port)
}

/// `getScheme`.
fn get_scheme(raw: &str) -> Result<(&str, &str), String> {
    for (i, c) in raw.bytes().enumerate() {
        match c {
            b'a'..=b'z' | b'A'..=b'Z' => {}
            b'0'..=b'9' | b'+' | b'-' | b'.' => {
                if i == 0 {
                    return Ok(("", raw));
                }
            }
            b':' => {
                if i == 0 {
                    return Err("missing protocol scheme".into());
                }
                return Ok((&raw[..i], &raw[i + 1..]));
            }
            _ => return Ok(("", raw)),
        }
    }
    Ok(("", raw))
}

/// `parse(rawURL, viaRequest)`.
fn parse(raw: &str, via_request: bool) -> Result<Url, String> {
    if raw.bytes().any(|b| b < b' ' || b == 0x7f) {
        return Err("net/url: invalid control character in URL".into());
    }
    if raw.is_empty() && via_request {
        return Err("empty url".into());
    }
    let mut url = Url::default();
    if raw == "*" {
        url.path = b"*".to_vec();
        return Ok(url);
    }
    let (scheme, mut rest) = get_scheme(raw)?;
    url.scheme = scheme.to_ascii_lowercase();
    if rest.ends_with('?') && rest.matches('?').count() == 1 {
        url.force_query = true;
        rest = &rest[..rest.len() - 1];
    } else if let Some((r, q)) = rest.split_once('?') {
        url.raw_query = q.to_string();
        rest = r;
    }
    if !rest.starts_with('/') {
        if !url.scheme.is_empty() {
            url.opaque = rest.to_string();
            return Ok(url);
        }
        if via_request {
            return Err("invalid URI for request".into());
        }
        let segment = rest.split('/').next().unwrap_or_default();
        if segment.contains(':') {
            return Err("first path segment in URL cannot contain colon".into());
        }
    }
    if (!url.scheme.is_empty() || !via_request && !rest.starts_with("///"))
        && rest.starts_with("//")
    {
        let mut authority = &rest[2..];
        rest = "";
        if let Some(i) = authority.find('/') {
            rest = &authority[i..];
            authority = &authority[..i];
        }
        url.host = parse_authority(authority)?;
    }
    let path = unescape(rest.as_bytes(), Mode::Path)?;
    if escape(&path, Mode::Path) != rest {
        url.raw_path = rest.to_string();
    }
    url.path = path;
    Ok(url)
}

/// `parseAuthority`: the host; the user information is only validated.
fn parse_authority(authority: &str) -> Result<String, String> {
    let at = authority.rfind('@');
    let host = parse_host(match at {
        Some(i) => &authority[i + 1..],
        None => authority,
    })?;
    if let Some(i) = at {
        let userinfo = &authority[..i];
        let valid = userinfo.chars().all(|c| {
            c.is_ascii_alphanumeric()
                || matches!(
                    c,
                    '-' | '.'
                        | '_'
                        | ':'
                        | '~'
                        | '!'
                        | '$'
                        | '&'
                        | '\''
                        | '('
                        | ')'
                        | '*'
                        | '+'
                        | ','
                        | ';'
                        | '='
                        | '%'
                        | '@'
                )
        });
        if !valid {
            return Err("net/url: invalid userinfo".into());
        }
        let (user, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
        unescape(user.as_bytes(), Mode::UserPassword)?;
        unescape(password.as_bytes(), Mode::UserPassword)?;
    }
    Ok(host)
}

/// `parseHost`.
fn parse_host(host: &str) -> Result<String, String> {
    if host.starts_with('[') {
        let i = host.rfind(']').ok_or("missing ']' in host")?;
        let colon_port = &host[i + 1..];
        if !valid_optional_port(colon_port) {
            return Err(format!("invalid port {} after host", go_quote(colon_port)));
        }
        if let Some(zone) = host[..i].find("%25") {
            let h1 = unescape(&host.as_bytes()[..zone], Mode::Host)?;
            let h2 = unescape(&host.as_bytes()[zone..i], Mode::Zone)?;
            let h3 = unescape(&host.as_bytes()[i..], Mode::Host)?;
            return Ok(lossy([h1, h2, h3].concat()));
        }
    } else if let Some(i) = host.rfind(':') {
        let colon_port = &host[i..];
        if !valid_optional_port(colon_port) {
            return Err(format!("invalid port {} after host", go_quote(colon_port)));
        }
    }
    unescape(host.as_bytes(), Mode::Host).map(lossy)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str) -> Url {
        Url::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn request_uri_validation() {
        for ok in [
            "https://user:pass@example.com:80/path?query=val#fragment",
            "/absolute-path",
            "http://example.com",
            "https://example.com/path with spaces/",
            "mailto:someone@example.com",
            "*",
        ] {
            assert_eq!(parse_request_uri(ok), Ok(()), "{ok}");
        }
        assert_eq!(
            parse_request_uri("https://a:b:c/"),
            Err(r#"parse "https://a:b:c/": invalid port ":c" after host"#.into())
        );
        assert_eq!(
            parse_request_uri("../relative-path"),
            Err(r#"parse "../relative-path": invalid URI for request"#.into())
        );
        assert_eq!(parse_request_uri(""), Err(r#"parse "": empty url"#.into()));
        assert_eq!(
            parse_request_uri(":x"),
            Err(r#"parse ":x": missing protocol scheme"#.into())
        );
        assert_eq!(
            parse_request_uri("http://a b/"),
            Err(r#"parse "http://a b/": invalid character " " in host name"#.into())
        );
        assert_eq!(
            parse_request_uri("/a%zzb"),
            Err(r#"parse "/a%zzb": invalid URL escape "%zz""#.into())
        );
        assert_eq!(
            parse_request_uri("/a\nb"),
            Err(r#"parse "/a\nb": net/url: invalid control character in URL"#.into())
        );
        assert_eq!(
            parse_request_uri("http://us er@x/"),
            Err(r#"parse "http://us er@x/": net/url: invalid userinfo"#.into())
        );
        assert!(parse_request_uri("http://[::1/").is_err());
    }

    #[test]
    fn parts() {
        let x = u("https://user@Example.com:8443/a/b?x=1#f");
        assert_eq!(x.scheme, "https");
        assert_eq!(x.host, "Example.com:8443");
        assert_eq!(x.hostname(), "Example.com");
        assert_eq!(x.port(), "8443");
        assert_eq!(x.escaped_path(), "/a/b");
        assert_eq!(u("HTTPS://x/").scheme, "https", "scheme is lower-cased");
        let v6 = u("https://[::1]:80/");
        assert_eq!(
            (v6.host.as_str(), v6.hostname().as_str(), v6.port().as_str()),
            ("[::1]:80", "::1", "80")
        );
        assert_eq!(u("https://[::1]/").hostname(), "::1");
        assert_eq!(u("/path").host, "");
        assert_eq!(u("https://example.com").escaped_path(), "");
        assert_eq!(
            u("https://example.com/path with spaces/").escaped_path(),
            "/path%20with%20spaces/"
        );
        assert_eq!(
            u("https://example.com/a%2Fb").escaped_path(),
            "/a%2Fb",
            "raw path kept"
        );
    }

    #[test]
    fn queries() {
        let q = u("https://example.com/path?k1=a&k2=b&k2=c").query();
        assert_eq!(q["k1"], ["a"]);
        assert_eq!(q["k2"], ["b", "c"]);
        let q = u("https://example.com/path?key with spaces=value with spaces").query();
        assert_eq!(q["key with spaces"], ["value with spaces"]);
        let q = u("https://example.com/p?a=%41+b&bad=%zz&semi=1;2&&flag").query();
        assert_eq!(q["a"], ["A b"]);
        assert_eq!(q["flag"], [""]);
        assert!(!q.contains_key("bad") && !q.contains_key("semi"));
        assert!(u("https://example.com/path?").query().is_empty());
        assert!(u("https://example.com/path").query().is_empty());
    }

    #[test]
    fn quoting() {
        assert_eq!(go_quote("a\"b\\c\td\u{1}é"), "\"a\\\"b\\\\c\\td\\x01é\"");
    }
}
