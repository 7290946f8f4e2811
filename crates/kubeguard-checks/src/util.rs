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
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            // C1 controls are not printable either: Go writes them as \u escapes.
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
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
        assert_eq!(go_quote("a\u{1}\u{7f}\u{85}"), "\"a\\x01\\x7f\\u0085\"");
        assert_eq!(go_quote_list(&["a", "b"]), "[\"a\" \"b\"]");
        assert_eq!(go_quote_list::<&str>(&[]), "[]");
        assert_eq!(
            go_map(&[("b".into(), "2".into()), ("a".into(), "1".into())]),
            "map[a:1 b:2]"
        );
    }
}

/// Label selectors exactly as `k8s.io/apimachinery` builds, validates, matches and prints them
/// (`metav1.LabelSelectorAsSelector`, `labels.Selector.String()`, `labels.Set.String()`, the
/// generated `LabelSelector.String()`), for messages identical to KubeLinter's.
pub mod k8s_labels {
    use std::collections::BTreeMap;

    use kubeguard_model::{Object, Requirement, Selector, WorkloadKind};
    use kubeguard_source::Node;

    use super::{go_quote, text};

    /// One `matchExpressions` entry as written.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Expr {
        /// `key`.
        pub key: String,
        /// `operator` (`In`, `NotIn`, `Exists`, `DoesNotExist`; anything else is an error).
        pub operator: String,
        /// `values`.
        pub values: Vec<String>,
    }

    /// A `metav1.LabelSelector` as written (non-nil).
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct LabelSelectorSpec {
        /// `matchLabels`.
        pub match_labels: Vec<(String, String)>,
        /// `matchExpressions`.
        pub match_expressions: Vec<Expr>,
    }

    impl LabelSelectorSpec {
        /// Reads a `LabelSelector` mapping.
        pub fn from_node(node: &Node) -> LabelSelectorSpec {
            let match_labels =
                kubeguard_model::string_map(node.get("matchLabels").and_then(Node::as_map));
            let match_expressions = node
                .get("matchExpressions")
                .and_then(Node::as_seq)
                .unwrap_or(&[])
                .iter()
                .map(|e| Expr {
                    key: text(e.get("key")),
                    operator: text(e.get("operator")),
                    values: e
                        .get("values")
                        .and_then(Node::as_seq)
                        .unwrap_or(&[])
                        .iter()
                        .map(|v| text(Some(v)))
                        .collect(),
                })
                .collect();
            LabelSelectorSpec {
                match_labels,
                match_expressions,
            }
        }

        /// `&LabelSelector{MatchLabels: m}` (Service and DeploymentConfig selectors).
        pub fn from_map(pairs: &[(String, String)]) -> LabelSelectorSpec {
            LabelSelectorSpec {
                match_labels: pairs.to_vec(),
                match_expressions: Vec::new(),
            }
        }

        /// Neither matchLabels nor matchExpressions.
        pub fn is_empty(&self) -> bool {
            self.match_labels.is_empty() && self.match_expressions.is_empty()
        }

        /// `LabelSelectorAsSelector` of this (non-nil) selector: an empty one matches
        /// everything; invalid keys, values or operators give apimachinery's error text.
        pub fn to_selector(&self) -> Result<Selector, String> {
            let mut reqs: Vec<(String, Requirement)> = Vec::new();
            let mut labels: Vec<&(String, String)> = self.match_labels.iter().collect();
            labels.sort();
            for (k, v) in labels {
                validate(k, "=", std::slice::from_ref(v))?;
                reqs.push((k.clone(), Requirement::Equals(k.clone(), v.clone())));
            }
            for e in &self.match_expressions {
                let (key, values) = (e.key.clone(), e.values.clone());
                let req = match e.operator.as_str() {
                    "In" => Requirement::In(key.clone(), values.clone()),
                    "NotIn" => Requirement::NotIn(key.clone(), values.clone()),
                    "Exists" => Requirement::Exists(key.clone()),
                    "DoesNotExist" => Requirement::DoesNotExist(key.clone()),
                    other => {
                        return Err(format!(
                            "{} is not a valid label selector operator",
                            go_quote(other)
                        ));
                    }
                };
                validate(&key, &e.operator, &values)?;
                reqs.push((key, req));
            }
            reqs.sort_by(|a, b| a.0.cmp(&b.0));
            Ok(Selector {
                requirements: reqs.into_iter().map(|(_, r)| r).collect(),
            })
        }

        /// The generated protobuf `String()` of `*LabelSelector` (what `%v` prints):
        /// `&LabelSelector{MatchLabels:map[string]string{k: v,},MatchExpressions:[]LabelSelectorRequirement{},}`.
        pub fn go_struct_string(&self) -> String {
            let mut labels: Vec<&(String, String)> = self.match_labels.iter().collect();
            labels.sort();
            let mut out = String::from("&LabelSelector{MatchLabels:map[string]string{");
            for (k, v) in labels {
                out.push_str(&format!("{k}: {v},"));
            }
            out.push_str("},MatchExpressions:[]LabelSelectorRequirement{");
            for e in &self.match_expressions {
                out.push_str(&format!(
                    "LabelSelectorRequirement{{Key:{},Operator:{},Values:[{}],}},",
                    e.key,
                    e.operator,
                    e.values.join(" ")
                ));
            }
            out.push_str("},}");
            out
        }
    }

    /// `LabelSelectorAsSelector` including the nil case: `Ok(None)` is `labels.Nothing()`
    /// (matches no label set, prints `""`).
    pub fn as_selector(spec: Option<&LabelSelectorSpec>) -> Result<Option<Selector>, String> {
        spec.map(LabelSelectorSpec::to_selector).transpose()
    }

    /// Whether a selector from [`as_selector`] matches a label set (`None` matches nothing).
    pub fn matches(sel: Option<&Selector>, labels: Option<&kubeguard_source::Map>) -> bool {
        sel.is_some_and(|s| s.matches(labels))
    }

    /// `labels.Selector.String()`: requirements sorted by key, joined by `,` (`""` for
    /// nothing and everything).
    pub fn selector_string(sel: Option<&Selector>) -> String {
        let Some(sel) = sel else { return String::new() };
        let vals = |vs: &[String]| {
            if vs.len() == 1 {
                vs[0].clone()
            } else {
                let mut v = vs.to_vec();
                v.sort();
                v.join(",")
            }
        };
        sel.requirements
            .iter()
            .map(|r| match r {
                Requirement::Equals(k, v) => format!("{k}={v}"),
                Requirement::In(k, vs) => format!("{k} in ({})", vals(vs)),
                Requirement::NotIn(k, vs) => format!("{k} notin ({})", vals(vs)),
                Requirement::Exists(k) => k.clone(),
                Requirement::DoesNotExist(k) => format!("!{k}"),
            })
            .collect::<Vec<_>>()
            .join(",")
    }

    /// `labels.ConvertSelectorToLabelsMap`: only `k=v,k=v` parses (keys and values trimmed, the
    /// last of a repeated key wins); anything else gives apimachinery's error text.
    pub fn labels_map(selector: &str) -> Result<BTreeMap<String, String>, String> {
        let mut map = BTreeMap::new();
        if selector.is_empty() {
            return Ok(map);
        }
        for label in selector.split(',') {
            let l: Vec<&str> = label.split('=').collect();
            if l.len() != 2 {
                return Err(format!("invalid selector: [{}]", l.join(" ")));
            }
            map.insert(l[0].trim().to_string(), l[1].trim().to_string());
        }
        Ok(map)
    }

    /// KubeLinter's `extract.Selector` of a workload, with the path of the selector field:
    /// `None` when the object has no `*LabelSelector` (not a workload, or a Pod,
    /// ReplicationController or PodTemplate); `Some((path, None))` for a nil selector. A
    /// DeploymentConfig's plain map is wrapped as `&LabelSelector{MatchLabels: m}` (never nil).
    pub fn workload_selector(obj: &Object) -> Option<(&'static str, Option<LabelSelectorSpec>)> {
        let label_selector = |path: &'static str| {
            let keys: Vec<&str> = path.split('.').collect();
            let node = obj.root.path(&keys).filter(|n| !n.is_null());
            (path, node.map(LabelSelectorSpec::from_node))
        };
        Some(match obj.workload_kind()? {
            WorkloadKind::Pod | WorkloadKind::ReplicationController | WorkloadKind::PodTemplate => {
                return None;
            }
            WorkloadKind::DeploymentConfig => {
                let map = obj.root.path(&["spec", "selector"]).and_then(Node::as_map);
                (
                    "spec.selector",
                    Some(LabelSelectorSpec::from_map(&kubeguard_model::string_map(
                        map,
                    ))),
                )
            }
            WorkloadKind::CronJob => label_selector("spec.jobTemplate.spec.selector"),
            _ => label_selector("spec.selector"),
        })
    }

    /// `labels.Set(m).String()`: `k=v` pairs sorted by key, joined by `,`.
    pub fn set_string(pairs: &[(String, String)]) -> String {
        let mut sorted: Vec<&(String, String)> = pairs.iter().collect();
        sorted.sort();
        sorted
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(",")
    }

    /// `labels.NewRequirement` validation, errors aggregated like `field.ErrorList.ToAggregate()`.
    fn validate(key: &str, op: &str, vals: &[String]) -> Result<(), String> {
        let mut errs: Vec<String> = Vec::new();
        let key_errs = qualified_name_errors(key);
        if !key_errs.is_empty() {
            errs.push(format!(
                "key: Invalid value: {}: {}",
                go_quote(key),
                key_errs.join("; ")
            ));
        }
        let go_slice = |vs: &[String]| {
            if vs.is_empty() {
                "[]string(nil)".to_string()
            } else {
                format!(
                    "[]string{{{}}}",
                    vs.iter()
                        .map(|v| go_quote(v))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }
        };
        match op {
            "In" | "NotIn" if vals.is_empty() => {
                errs.push(format!("values: Invalid value: {}: for 'in', 'notin' operators, values set can't be empty", go_slice(vals)));
            }
            "=" if vals.len() != 1 => {
                errs.push(format!("values: Invalid value: {}: exact-match compatibility requires one single value", go_slice(vals)));
            }
            "Exists" | "DoesNotExist" if !vals.is_empty() => {
                errs.push(format!("values: Invalid value: {}: values set must be empty for exists and does not exist", go_slice(vals)));
            }
            _ => {}
        }
        for (i, v) in vals.iter().enumerate() {
            let value_errs = label_value_errors(v);
            if !value_errs.is_empty() {
                errs.push(format!(
                    "values[{i}][{key}]: Invalid value: {}: {}",
                    go_quote(v),
                    value_errs.join("; ")
                ));
            }
        }
        let mut unique: Vec<String> = Vec::new();
        for e in errs {
            if !unique.contains(&e) {
                unique.push(e);
            }
        }
        match unique.len() {
            0 => Ok(()),
            1 => Err(unique.remove(0)),
            _ => Err(format!("[{}]", unique.join(", "))),
        }
    }

    const QUALIFIED_NAME_FMT: &str = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
    const QUALIFIED_NAME_ERR: &str = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
    const LABEL_VALUE_FMT: &str = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?";
    const LABEL_VALUE_ERR: &str = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
    const DNS1123_SUBDOMAIN_FMT: &str =
        "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
    const DNS1123_SUBDOMAIN_ERR: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";

    /// `validation.RegexError`: the message, examples when there are any, and the regex.
    pub(crate) fn regex_error(msg: &str, fmt: &str, examples: &[&str]) -> String {
        if examples.is_empty() {
            return format!("{msg} (regex used for validation is '{fmt}')");
        }
        let mut out = format!("{msg} (e.g. ");
        for (i, e) in examples.iter().enumerate() {
            if i > 0 {
                out.push_str(" or ");
            }
            out.push_str(&format!("'{e}', "));
        }
        out.push_str(&format!("regex used for validation is '{fmt}')"));
        out
    }

    /// `^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$`.
    fn is_qualified_name_part(s: &str) -> bool {
        let b = s.as_bytes();
        !b.is_empty()
            && b[0].is_ascii_alphanumeric()
            && b[b.len() - 1].is_ascii_alphanumeric()
            && b.iter()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
    }

    /// `^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`.
    fn is_dns1123_subdomain(s: &str) -> bool {
        let lower_alnum = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit();
        s.split('.').all(|label| {
            let b = label.as_bytes();
            !b.is_empty()
                && lower_alnum(&b[0])
                && lower_alnum(&b[b.len() - 1])
                && b.iter().all(|c| lower_alnum(c) || *c == b'-')
        })
    }

    /// `validation.IsQualifiedName`.
    pub fn qualified_name_errors(value: &str) -> Vec<String> {
        let mut errs = Vec::new();
        let parts: Vec<&str> = value.split('/').collect();
        let name = match parts.as_slice() {
            [name] => *name,
            [prefix, name] => {
                if prefix.is_empty() {
                    errs.push("prefix part must be non-empty".to_string());
                } else {
                    if prefix.len() > 253 {
                        errs.push("prefix part must be no more than 253 characters".to_string());
                    }
                    if !is_dns1123_subdomain(prefix) {
                        errs.push(format!(
                            "prefix part {}",
                            regex_error(
                                DNS1123_SUBDOMAIN_ERR,
                                DNS1123_SUBDOMAIN_FMT,
                                &["example.com"]
                            )
                        ));
                    }
                }
                *name
            }
            _ => {
                errs.push(format!(
                    "a qualified name {} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
                    regex_error(QUALIFIED_NAME_ERR, QUALIFIED_NAME_FMT, &["MyName", "my.name", "123-abc"])
                ));
                return errs;
            }
        };
        if name.is_empty() {
            errs.push("name part must be non-empty".to_string());
        } else if name.len() > 63 {
            errs.push("name part must be no more than 63 characters".to_string());
        }
        if !is_qualified_name_part(name) {
            errs.push(format!(
                "name part {}",
                regex_error(
                    QUALIFIED_NAME_ERR,
                    QUALIFIED_NAME_FMT,
                    &["MyName", "my.name", "123-abc"]
                )
            ));
        }
        errs
    }

    /// `validation.IsValidLabelValue`.
    pub fn label_value_errors(value: &str) -> Vec<String> {
        let mut errs = Vec::new();
        if value.len() > 63 {
            errs.push("must be no more than 63 characters".to_string());
        }
        if !value.is_empty() && !is_qualified_name_part(value) {
            errs.push(regex_error(
                LABEL_VALUE_ERR,
                LABEL_VALUE_FMT,
                &["MyValue", "my_value", "12345"],
            ));
        }
        errs
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        fn spec(labels: &[(&str, &str)], exprs: &[(&str, &str, &[&str])]) -> LabelSelectorSpec {
            LabelSelectorSpec {
                match_labels: labels
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
                match_expressions: exprs
                    .iter()
                    .map(|(k, o, vs)| Expr {
                        key: k.to_string(),
                        operator: o.to_string(),
                        values: vs.iter().map(|v| v.to_string()).collect(),
                    })
                    .collect(),
            }
        }

        #[test]
        fn strings_like_apimachinery() {
            let s = spec(
                &[("tier", "fe"), ("app", "web")],
                &[
                    ("env", "In", &["prod", "dev"]),
                    ("gone", "DoesNotExist", &[]),
                    ("b", "Exists", &[]),
                ],
            );
            let sel = s.to_selector().expect("valid");
            assert_eq!(
                selector_string(Some(&sel)),
                "app=web,b,env in (dev,prod),!gone,tier=fe"
            );
            assert_eq!(
                s.go_struct_string(),
                "&LabelSelector{MatchLabels:map[string]string{app: web,tier: fe,},MatchExpressions:[]LabelSelectorRequirement{LabelSelectorRequirement{Key:env,Operator:In,Values:[prod dev],},LabelSelectorRequirement{Key:gone,Operator:DoesNotExist,Values:[],},LabelSelectorRequirement{Key:b,Operator:Exists,Values:[],},},}"
            );
            assert_eq!(selector_string(None), "");
            assert_eq!(
                set_string(&[("b".into(), "2".into()), ("a".into(), "1".into())]),
                "a=1,b=2"
            );
            assert!(as_selector(None).expect("nil is valid").is_none());
            assert!(
                LabelSelectorSpec::default()
                    .to_selector()
                    .expect("empty")
                    .is_empty()
            );
        }

        #[test]
        fn label_maps_and_matching() {
            let sel = spec(
                &[("z", "1")],
                &[
                    ("tier", "In", &["web", "api"]),
                    ("gone", "DoesNotExist", &[]),
                ],
            )
            .to_selector()
            .expect("valid");
            assert_eq!(selector_string(Some(&sel)), "!gone,tier in (api,web),z=1");
            assert_eq!(
                labels_map(&selector_string(Some(&sel))).expect_err("not a map"),
                "invalid selector: [!gone]"
            );
            assert_eq!(
                labels_map("app in (a,b)").expect_err("not a map"),
                "invalid selector: [app in (a]"
            );
            assert!(labels_map("").expect("empty").is_empty());
            let labels = labels_map("app = web,tier=fe").expect("a map");
            assert_eq!(labels.get("app").map(String::as_str), Some("web"));
            let not_prod = spec(&[], &[("env", "NotIn", &["prod"])])
                .to_selector()
                .expect("valid");
            assert!(not_prod.matches_labels(&labels) && not_prod.matches_labels(&BTreeMap::new()));
            assert!(Selector::default().matches_labels(&labels));
            let web = spec(&[("app", "web")], &[]).to_selector().expect("valid");
            assert!(web.matches_labels(&labels) && !web.matches_labels(&BTreeMap::new()));
        }

        #[test]
        fn errors_like_apimachinery() {
            let e = spec(&[], &[("app", "Bogus", &[])])
                .to_selector()
                .expect_err("operator");
            assert_eq!(e, "\"Bogus\" is not a valid label selector operator");
            let e = spec(&[], &[("app", "In", &[])])
                .to_selector()
                .expect_err("empty in");
            assert_eq!(
                e,
                "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty"
            );
            let e = spec(&[], &[("app", "Exists", &["a", "b"])])
                .to_selector()
                .expect_err("exists with values");
            assert_eq!(
                e,
                "values: Invalid value: []string{\"a\", \"b\"}: values set must be empty for exists and does not exist"
            );
            let e = spec(&[("bad key", "v")], &[])
                .to_selector()
                .expect_err("key");
            assert_eq!(
                e,
                "key: Invalid value: \"bad key\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
            );
            let e = spec(&[("app", "-x")], &[])
                .to_selector()
                .expect_err("value");
            assert_eq!(
                e,
                "values[0][app]: Invalid value: \"-x\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
            );
            let e = spec(&[("Ex.com/a", "-x")], &[])
                .to_selector()
                .expect_err("both");
            assert!(
                e.starts_with(
                    "[key: Invalid value: \"Ex.com/a\": prefix part a lowercase RFC 1123 subdomain"
                ),
                "{e}"
            );
            assert!(
                e.contains(", values[0][Ex.com/a]: Invalid value: \"-x\""),
                "{e}"
            );
            assert!(spec(&[("example.com/app", "")], &[]).to_selector().is_ok());
        }
    }
}

/// KubeLinter's `extract.PodSpec` / `extract.PodTemplateSpec` for templates that report on the
/// pod spec as a whole: the pod spec node (when written) and its path in the object. A typed
/// workload without `spec.template` still has an (empty) pod spec in KubeLinter, so `Some((None,
/// path))` is returned for it; DeploymentConfig (a nil template pointer there), PodTemplate and
/// non-workloads give `None`.
pub fn kl_pod_spec(obj: &kubeguard_model::Object) -> Option<(Option<&Node>, &'static str)> {
    use kubeguard_model::WorkloadKind;
    if let Some(pod) = obj.pod_spec() {
        if obj.workload_kind() == Some(WorkloadKind::PodTemplate) {
            return None;
        }
        return Some((Some(pod.node), pod.path));
    }
    let path = match obj.workload_kind()? {
        WorkloadKind::Pod => "spec",
        WorkloadKind::CronJob => "spec.jobTemplate.spec.template.spec",
        WorkloadKind::PodTemplate | WorkloadKind::DeploymentConfig | WorkloadKind::Rollout => {
            return None;
        }
        _ => "spec.template.spec",
    };
    Some((None, path))
}

/// Where a workload's pod labels (the ones selectors match) are written: `metadata.labels` of
/// a Pod, the job template's pod template of a CronJob, `spec.template` otherwise.
pub fn pod_labels_path(obj: &kubeguard_model::Object) -> &'static str {
    use kubeguard_model::WorkloadKind;
    match obj.workload_kind() {
        Some(WorkloadKind::Pod) => "metadata.labels",
        Some(WorkloadKind::CronJob) => "spec.jobTemplate.spec.template.metadata.labels",
        _ => "spec.template.metadata.labels",
    }
}

/// Locates a dotted path from the object's root (the field, or its nearest existing parent).
pub fn locate_in(obj: &kubeguard_model::Object, path: &str) -> kubeguard_model::FieldRef {
    kubeguard_model::locate(&obj.root, "", &kubeguard_model::parse_path(path))
}

#[cfg(test)]
mod base64_tests {
    use super::go_base64_ok;
    use kubeguard_source::{Node, Span, Value};

    fn s(v: &str) -> Node {
        Node::new(Span::new(0, 0), Value::Str(v.into()))
    }

    #[test]
    fn go_base64() {
        for ok in ["", "cGFzc3dvcmQ=", "AAEC", "YWI=\n", "YQ=="] {
            assert!(go_base64_ok(&s(ok)), "{ok}");
        }
        for bad in ["abcbase64==", "not-base64!", "YQ", "Y===", "a=b="] {
            assert!(!go_base64_ok(&s(bad)), "{bad}");
        }
    }
}

/// Test helper: runs `template` with `params` over every object of `yaml` and returns the
/// messages, each prefixed with the object's name and the located field path.
#[cfg(test)]
pub fn run_template(
    template: &dyn kubeguard_engine::Template,
    params: serde_json::Value,
    yaml: &str,
) -> Vec<String> {
    let p = kubeguard_engine::Params::validate(template.params(), &params).expect("valid params");
    let check = template.instantiate(&p).expect("instantiate");
    let (objects, errors) = kubeguard_model::Object::parse_all("test.yaml", yaml);
    assert!(errors.is_empty(), "{errors:?}");
    let ctx = kubeguard_model::Context::new(objects);
    let mut out = Vec::new();
    for obj in &ctx.objects {
        let mut diags = Vec::new();
        check.check(&ctx, obj, &mut diags);
        for d in diags {
            out.push(format!("{}: {} @ {}", obj.name, d.message, d.field.path));
        }
    }
    out
}

/// Whether KubeLinter's `extract.PodTemplateSpec` finds a pod template in `obj`: every
/// workload kind (a typed object always has one, possibly empty) except a DeploymentConfig
/// whose `spec.template` pointer is missing or null, and except PodTemplates.
pub fn has_pod_template(obj: &kubeguard_model::Object) -> bool {
    use kubeguard_model::WorkloadKind;
    match obj.workload_kind() {
        None | Some(WorkloadKind::PodTemplate) => false,
        Some(WorkloadKind::DeploymentConfig) => obj
            .root
            .path(&["spec", "template"])
            .is_some_and(|t| !t.is_null()),
        Some(_) => true,
    }
}

/// Whether some object of `namespace` with a pod template (see [`has_pod_template`]) has
/// pod labels that `selector` matches: the "does this select anything" question of the
/// dangling-* checks.
pub fn selects_some_pod(
    ctx: &kubeguard_model::Context,
    namespace: Option<&str>,
    selector: &kubeguard_model::Selector,
) -> bool {
    ctx.pod_owners_matching(namespace, selector)
        .any(has_pod_template)
}

/// A string as Go's `encoding/json` writes it (HTML-safe escaping of `<`, `>`, `&`, and of
/// U+2028/U+2029).
pub fn go_json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `%v` of a `metav1.LabelSelector` value (not a pointer, so no generated `String()`):
/// `{map[k:v] [{key In [a b]}]}`.
pub fn go_label_selector_value(spec: &k8s_labels::LabelSelectorSpec) -> String {
    let exprs: Vec<String> = spec
        .match_expressions
        .iter()
        .map(|e| format!("{{{} {} [{}]}}", e.key, e.operator, e.values.join(" ")))
        .collect();
    format!("{{{} [{}]}}", go_map(&spec.match_labels), exprs.join(" "))
}

/// Whether Go's `encoding/json` accepts `node` as a `[]byte` field (Secret `data`, ConfigMap
/// `binaryData` values): null, or a string in standard padded base64 (`\r` and `\n` ignored).
/// KubeLinter drops objects with a value that fails this.
pub fn go_base64_ok(node: &Node) -> bool {
    if node.is_null() {
        return true;
    }
    let Some(s) = node.as_str() else {
        return false;
    };
    let bytes: Vec<u8> = s.bytes().filter(|b| *b != b'\r' && *b != b'\n').collect();
    if !bytes.len().is_multiple_of(4) {
        return false;
    }
    // Padding: at most two `=`, only at the end (`xx==`, `xxx=`).
    let body_len = bytes.iter().rposition(|b| *b != b'=').map_or(0, |i| i + 1);
    if bytes.len() - body_len > 2 {
        return false;
    }
    bytes[..body_len]
        .iter()
        .all(|b| b.is_ascii_alphanumeric() || *b == b'+' || *b == b'/')
}
