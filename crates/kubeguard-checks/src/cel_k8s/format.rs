//! The CEL `kubernetes.NamedFormat` type of the Kubernetes format library: named string
//! validations whose `validate(s)` returns the Kubernetes error messages (none when valid).
//!
//! The DNS formats use `k8s.io/apimachinery/pkg/util/validation` (length errors say
//! "characters"), `qualifiedName` and `labelValue` the newer `api/validate/content` package
//! (length errors say "bytes"); the `*Prefix` formats first replace a trailing `-` as
//! `maskTrailingDash` does (dropping the last two characters and appending `a`). `uri`, `uuid`,
//! `byte`, `date` and `datetime` are the OpenAPI formats of `kube-openapi`'s `strfmt`.

use std::sync::OnceLock;

use cel::objects::Opaque;
use regex::Regex;

use crate::util::k8s_labels::regex_error;

/// The formats, by the name `format.named()` and `format.<name>()` use.
pub const NAMES: [&str; 13] = [
    "dns1123Label",
    "dns1123Subdomain",
    "dns1035Label",
    "qualifiedName",
    "dns1123LabelPrefix",
    "dns1123SubdomainPrefix",
    "dns1035LabelPrefix",
    "labelValue",
    "uri",
    "uuid",
    "byte",
    "date",
    "datetime",
];

/// A named format (equal when the names are).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedFormat(pub &'static str);

impl Opaque for NamedFormat {
    fn runtime_type_name(&self) -> &str {
        super::FORMAT
    }
}

impl NamedFormat {
    /// The format called `name`.
    pub fn named(name: &str) -> Option<NamedFormat> {
        NAMES.iter().find(|n| **n == name).map(|n| NamedFormat(n))
    }

    /// The validation errors for `s`, empty when `s` is valid. A `*Prefix` format given `"-"`
    /// is an error, as the Go slicing it performs panics there.
    pub fn validate(&self, s: &str) -> Result<Vec<String>, String> {
        Ok(match self.0 {
            "dns1123Label" => dns1123_label(s),
            "dns1123Subdomain" => dns1123_subdomain(s, "characters"),
            "dns1035Label" => dns1035_label(s),
            "qualifiedName" => qualified_name(s),
            "dns1123LabelPrefix" => dns1123_label(&mask_trailing_dash(s)?),
            "dns1123SubdomainPrefix" => dns1123_subdomain(&mask_trailing_dash(s)?, "characters"),
            "dns1035LabelPrefix" => dns1035_label(&mask_trailing_dash(s)?),
            "labelValue" => label_value(s),
            "uri" => super::url::parse_request_uri(s).err().into_iter().collect(),
            "uuid" => failed(
                re(&UUID, UUID_RE).is_match(s),
                "does not match the UUID format",
            ),
            "byte" => failed(re(&BASE64, BASE64_RE).is_match(s), "invalid base64"),
            "date" => failed(is_date(s), "invalid date"),
            "datetime" => failed(is_datetime(s), "invalid datetime"),
            _ => Vec::new(),
        })
    }
}

fn failed(ok: bool, msg: &str) -> Vec<String> {
    if ok {
        Vec::new()
    } else {
        vec![msg.to_string()]
    }
}

const DNS1123_LABEL_FMT: &str = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const DNS1123_SUBDOMAIN_FMT: &str =
    r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
const DNS1035_LABEL_FMT: &str = "[a-z]([-a-z0-9]*[a-z0-9])?";
const LABEL_KEY_FMT: &str = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
const LABEL_VALUE_FMT: &str = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?";
const UUID_RE: &str = "(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$";
const BASE64_RE: &str =
    r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})$";
const TIME_RE: &str = r"^([0-9]{2}):([0-9]{2}):([0-9]{2})(.[0-9]+)?(z|([+-][0-9]{2}:[0-9]{2}))$";

static DNS1123_LABEL: OnceLock<Regex> = OnceLock::new();
static DNS1123_SUBDOMAIN: OnceLock<Regex> = OnceLock::new();
static DNS1035_LABEL: OnceLock<Regex> = OnceLock::new();
static LABEL_KEY: OnceLock<Regex> = OnceLock::new();
static LABEL_VALUE: OnceLock<Regex> = OnceLock::new();
static UUID: OnceLock<Regex> = OnceLock::new();
static BASE64: OnceLock<Regex> = OnceLock::new();
static TIME: OnceLock<Regex> = OnceLock::new();

/// The regex `pattern`, anchored when it is one of the `*_FMT` fragments.
fn re<'a>(cell: &'a OnceLock<Regex>, pattern: &str) -> &'a Regex {
    cell.get_or_init(|| {
        let anchored = if pattern.starts_with('^') || pattern.starts_with("(?i)^") {
            pattern.to_string()
        } else {
            format!("^{pattern}$")
        };
        // The patterns are constants known to compile.
        Regex::new(&anchored).unwrap_or_else(|_| Regex::new("^$").expect("empty regex"))
    })
}

fn max_len_error(n: usize, unit: &str) -> String {
    format!("must be no more than {n} {unit}")
}

/// `maskTrailingDash`.
fn mask_trailing_dash(s: &str) -> Result<String, String> {
    match s.strip_suffix('-') {
        None => Ok(s.to_string()),
        Some(_) if s.len() < 2 => {
            Err("internal error: runtime error: slice bounds out of range [:-1]".to_string())
        }
        // the byte before the dash may be the end of a multi-byte character
        Some(_) => Ok(format!(
            "{}a",
            String::from_utf8_lossy(&s.as_bytes()[..s.len() - 2])
        )),
    }
}

/// `validation.IsDNS1123Label`.
fn dns1123_label(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if s.len() > 63 {
        errs.push(max_len_error(63, "characters"));
    }
    if !re(&DNS1123_LABEL, DNS1123_LABEL_FMT).is_match(s) {
        if re(&DNS1123_SUBDOMAIN, DNS1123_SUBDOMAIN_FMT).is_match(s) {
            errs.push("must not contain dots".into());
        } else {
            errs.push(regex_error(
                "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
                DNS1123_LABEL_FMT,
                &["my-name", "123-abc"],
            ));
        }
    }
    errs
}

/// `IsDNS1123Subdomain`; `unit` is how the length error counts.
fn dns1123_subdomain(s: &str, unit: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if s.len() > 253 {
        errs.push(max_len_error(253, unit));
    }
    if !re(&DNS1123_SUBDOMAIN, DNS1123_SUBDOMAIN_FMT).is_match(s) {
        errs.push(regex_error(
            "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
            DNS1123_SUBDOMAIN_FMT,
            &["example.com"],
        ));
    }
    errs
}

/// `validation.IsDNS1035Label`.
fn dns1035_label(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if s.len() > 63 {
        errs.push(max_len_error(63, "characters"));
    }
    if !re(&DNS1035_LABEL, DNS1035_LABEL_FMT).is_match(s) {
        errs.push(regex_error(
            "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character",
            DNS1035_LABEL_FMT,
            &["my-name", "abc-123"],
        ));
    }
    errs
}

const LABEL_KEY_MSG: &str = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

/// `content.IsLabelKey` (what `IsQualifiedName` is).
fn qualified_name(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    let parts: Vec<&str> = s.split('/').collect();
    let name = match parts[..] {
        [name] => name,
        [prefix, name] => {
            if prefix.is_empty() {
                errs.push("prefix part must be non-empty".to_string());
            } else {
                errs.extend(
                    dns1123_subdomain(prefix, "bytes")
                        .into_iter()
                        .map(|m| format!("prefix part {m}")),
                );
            }
            name
        }
        _ => {
            return vec![format!(
                "a valid label key {} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
                regex_error(
                    LABEL_KEY_MSG,
                    LABEL_KEY_FMT,
                    &["MyName", "my.name", "123-abc"]
                )
            )];
        }
    };
    if name.is_empty() {
        errs.push("name part must be non-empty".into());
    } else if name.len() > 63 {
        errs.push(format!("name part {}", max_len_error(63, "bytes")));
    }
    if !re(&LABEL_KEY, LABEL_KEY_FMT).is_match(name) {
        errs.push(format!(
            "name part {}",
            regex_error(
                LABEL_KEY_MSG,
                LABEL_KEY_FMT,
                &["MyName", "my.name", "123-abc"]
            )
        ));
    }
    errs
}

/// `content.IsLabelValue`.
fn label_value(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if s.len() > 63 {
        errs.push(max_len_error(63, "bytes"));
    }
    if !re(&LABEL_VALUE, LABEL_VALUE_FMT).is_match(s) {
        errs.push(regex_error(
            "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
            LABEL_VALUE_FMT,
            &["MyValue", "my_value", "12345"],
        ));
    }
    errs
}

/// `time.Parse("2006-01-02", s)` succeeds: four-digit year, two-digit month 01-12, two-digit
/// day within the month.
pub fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    };
    let (Some(year), Some(month), Some(day)) = (digits(0..4), digits(5..7), digits(8..10)) else {
        return false;
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

/// `strfmt.IsDateTime`: lower-cased and split at `t`, a date, then `hh:mm:ss[.frac]` and `z`
/// or an offset, with hours up to 23 and minutes and seconds up to 59.
pub fn is_datetime(s: &str) -> bool {
    if s.len() < 4 {
        return false;
    }
    let lower = s.to_lowercase();
    let parts: Vec<&str> = lower.split('t').collect();
    if parts.len() < 2 || !is_date(parts[0]) {
        return false;
    }
    let Some(c) = re(&TIME, TIME_RE).captures(parts[1]) else {
        return false;
    };
    let part = |i: usize| c.get(i).map_or("", |m| m.as_str());
    part(1) <= "23" && part(2) <= "59" && part(3) <= "59"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(name: &str, s: &str) -> Vec<String> {
        NamedFormat::named(name).unwrap().validate(s).unwrap()
    }

    #[test]
    fn valid_examples() {
        for (name, s) in [
            ("dns1123Label", "my-label-name"),
            ("dns1123Subdomain", "apiextensions.k8s.io"),
            ("dns1035Label", "my-label-name"),
            ("qualifiedName", "apiextensions.k8s.io/v1beta1"),
            ("qualifiedName", "my.name"),
            ("dns1123LabelPrefix", "my-label-prefix-"),
            ("dns1123SubdomainPrefix", "mysubdomain.prefix.-"),
            ("dns1035LabelPrefix", "my-label-prefix-"),
            ("labelValue", "my-cool-label-Value"),
            ("labelValue", ""),
            ("uri", "http://example.com"),
            ("uuid", "123e4567-e89b-12d3-a456-426614174000"),
            ("uuid", "123E4567E89B12D3A456426614174000"),
            ("byte", "aGVsbG8="),
            ("date", "2021-01-01"),
            ("date", "2024-02-29"),
            ("datetime", "2021-01-01T00:00:00Z"),
            ("datetime", "2021-01-01t23:59:59.123+02:00"),
        ] {
            assert_eq!(v(name, s), Vec::<String>::new(), "{name} {s}");
        }
    }

    #[test]
    fn messages_are_kubernetes_ones() {
        assert_eq!(
            v("dns1123Label", "contains a space"),
            [
                "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
            ]
        );
        assert_eq!(v("dns1123Label", "a.b"), ["must not contain dots"]);
        assert_eq!(
            v("dns1123Label", &"a".repeat(64)),
            ["must be no more than 63 characters"]
        );
        assert_eq!(
            v("dns1123Subdomain", "contains a space"),
            [
                r"a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
            ]
        );
        assert_eq!(
            v("dns1035Label", "contains a space"),
            [
                "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"
            ]
        );
        assert_eq!(
            v("qualifiedName", "contains a space"),
            [
                "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
            ]
        );
        assert_eq!(v("qualifiedName", "/x"), ["prefix part must be non-empty"]);
        assert_eq!(v("qualifiedName", "a/b/c").len(), 1);
        assert_eq!(
            v("qualifiedName", "Example.com/x")[0].get(..12),
            Some("prefix part ")
        );
        assert_eq!(
            v("dns1123LabelPrefix", "contains a space-"),
            v("dns1123Label", "contains a space")
        );
        assert_eq!(
            v("labelValue", "my-cool-label-Value!!\n\n!!!"),
            [
                "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
            ]
        );
        assert_eq!(v("byte", "aGVsbG8"), ["invalid base64"]);
        assert_eq!(v("byte", ""), ["invalid base64"]);
        assert_eq!(v("uuid", "123e4567"), ["does not match the UUID format"]);
        assert_eq!(v("date", "2020-01-32"), ["invalid date"]);
        assert_eq!(v("date", "2023-02-29"), ["invalid date"]);
        assert_eq!(v("date", "2020-1-01"), ["invalid date"]);
        assert_eq!(v("datetime", "2020-01-32T00:00:00Z"), ["invalid datetime"]);
        assert_eq!(v("datetime", "2020-01-01T24:00:00Z"), ["invalid datetime"]);
        assert_eq!(v("datetime", "2020-01-01"), ["invalid datetime"]);
        assert_eq!(
            v("uri", "not a uri"),
            [r#"parse "not a uri": invalid URI for request"#]
        );
    }

    #[test]
    fn prefix_of_a_lone_dash_is_an_error() {
        assert!(
            NamedFormat::named("dns1123LabelPrefix")
                .unwrap()
                .validate("-")
                .is_err()
        );
        assert!(NamedFormat::named("nope").is_none());
    }
}
