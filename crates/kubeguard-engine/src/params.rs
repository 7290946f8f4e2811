//! Check parameters: validated against the template's [`ParamSpec`]s, case-insensitive names.

use std::collections::BTreeMap;

use serde_json::Value as Json;

use crate::matcher::Matcher;
use crate::template::{ParamKind, ParamSpec};

/// Validated parameters keyed by the template's canonical names.
#[derive(Debug, Clone, Default)]
pub struct Params {
    values: BTreeMap<&'static str, Json>,
}

impl Params {
    /// Validates `given` (a JSON object or null) against `specs`: unknown names, wrong types
    /// and missing required parameters are errors (all of them, one string each).
    pub fn validate(specs: &'static [ParamSpec], given: &Json) -> Result<Params, Vec<String>> {
        let mut errors = Vec::new();
        let mut values = BTreeMap::new();
        let empty = serde_json::Map::new();
        let obj = match given {
            Json::Object(o) => o,
            Json::Null => &empty,
            _ => return Err(vec!["params must be a mapping".into()]),
        };
        for (k, v) in obj {
            let Some(spec) = specs.iter().find(|s| s.name.eq_ignore_ascii_case(k)) else {
                let known: Vec<_> = specs.iter().map(|s| s.name).collect();
                errors.push(if known.is_empty() {
                    format!("unknown parameter `{k}`: this template takes no parameters")
                } else {
                    format!("unknown parameter `{k}` (known: {})", known.join(", "))
                });
                continue;
            };
            let ok = match spec.kind {
                ParamKind::String => v.is_string(),
                ParamKind::Integer => v.is_i64() || v.as_f64().is_some_and(|f| f.fract() == 0.0),
                ParamKind::Boolean => v.is_boolean(),
                ParamKind::StringList => {
                    v.as_array().is_some_and(|a| a.iter().all(Json::is_string))
                }
                ParamKind::StringMap => v
                    .as_object()
                    .is_some_and(|m| m.values().all(Json::is_string)),
            };
            if !ok {
                errors.push(format!("parameter `{}` must be {}", spec.name, spec.kind));
                continue;
            }
            if spec.regex {
                let strings: Vec<&str> = match v {
                    Json::String(s) => vec![s],
                    Json::Array(a) => a.iter().filter_map(Json::as_str).collect(),
                    _ => vec![],
                };
                for s in strings {
                    if let Err(e) = Matcher::new(s) {
                        errors.push(format!("parameter `{}`: {e}", spec.name));
                    }
                }
            }
            values.insert(spec.name, v.clone());
        }
        for spec in specs.iter().filter(|s| s.required) {
            if !values.contains_key(spec.name) {
                errors.push(format!("missing required parameter `{}`", spec.name));
            }
        }
        if errors.is_empty() {
            Ok(Params { values })
        } else {
            Err(errors)
        }
    }

    /// Raw value.
    pub fn get(&self, name: &str) -> Option<&Json> {
        self.values.get(name)
    }

    /// A string parameter.
    pub fn str(&self, name: &str) -> Option<&str> {
        self.get(name)?.as_str()
    }

    /// An integer parameter.
    pub fn int(&self, name: &str) -> Option<i64> {
        let v = self.get(name)?;
        v.as_i64().or_else(|| v.as_f64().map(|f| f as i64))
    }

    /// A boolean parameter.
    pub fn bool(&self, name: &str) -> Option<bool> {
        self.get(name)?.as_bool()
    }

    /// A string-list parameter (empty when absent).
    pub fn strings(&self, name: &str) -> Vec<String> {
        self.get(name)
            .and_then(Json::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// A string-map parameter (empty when absent).
    pub fn string_map(&self, name: &str) -> Vec<(String, String)> {
        self.get(name)
            .and_then(Json::as_object)
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// A regex parameter compiled (matches everything when absent or empty).
    pub fn matcher(&self, name: &str) -> Matcher {
        self.str(name)
            .and_then(|s| Matcher::new(s).ok())
            .unwrap_or_default()
    }

    /// A list of regexes compiled.
    pub fn matchers(&self, name: &str) -> Vec<Matcher> {
        self.strings(name)
            .iter()
            .filter_map(|s| Matcher::new(s).ok())
            .collect()
    }

    /// The parameters as a JSON object (for display).
    pub fn to_json(&self) -> Json {
        Json::Object(
            self.values
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    static SPECS: &[ParamSpec] = &[
        ParamSpec::new("blockList", ParamKind::StringList, "regexes").regex(),
        ParamSpec::new("minReplicas", ParamKind::Integer, "n"),
        ParamSpec::new("key", ParamKind::String, "k").required(),
    ];

    #[test]
    fn names_are_case_insensitive() {
        let p = Params::validate(SPECS, &json!({"BlockList": ["a"], "KEY": "x"})).expect("valid");
        assert_eq!(p.strings("blockList"), ["a"]);
        assert_eq!(p.str("key"), Some("x"));
    }

    #[test]
    fn errors_are_collected() {
        let e = Params::validate(
            SPECS,
            &json!({"bogus": 1, "minReplicas": "two", "blockList": ["("]}),
        )
        .expect_err("invalid");
        assert_eq!(e.len(), 4, "{e:?}");
        assert!(e.iter().any(|m| m.contains("unknown parameter `bogus`")));
        assert!(e.iter().any(|m| m.contains("must be integer")));
        assert!(
            e.iter()
                .any(|m| m.contains("missing required parameter `key`"))
        );
    }
}
