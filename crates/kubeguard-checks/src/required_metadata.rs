//! The logic shared by the `required-label` and `required-annotation` templates: an object
//! must carry at least one label (or annotation) whose key and value match KubeLinter string
//! matchers.

use kubeguard_engine::{CheckFn, Diagnostic, Matcher, ParamSpec, Params, Template};
use kubeguard_model::{Context, Object};

use crate::util::{locate_in, text};

/// Which metadata map a [`RequiredMetadata`] template reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetadataMap {
    /// `metadata.labels`.
    Labels,
    /// `metadata.annotations`.
    Annotations,
}

/// A template requiring a matching entry in one of the object's own metadata maps.
#[derive(Debug, Clone, Copy)]
pub struct RequiredMetadata {
    /// Template key.
    pub key: &'static str,
    /// Human-readable name.
    pub name: &'static str,
    /// What it detects.
    pub description: &'static str,
    /// Parameters (`key`, `value`), documented for this map.
    pub params: &'static [ParamSpec],
    /// The map read.
    pub map: MetadataMap,
}

impl MetadataMap {
    fn noun(self) -> &'static str {
        match self {
            MetadataMap::Labels => "label",
            MetadataMap::Annotations => "annotation",
        }
    }

    fn field(self) -> &'static str {
        match self {
            MetadataMap::Labels => "metadata.labels",
            MetadataMap::Annotations => "metadata.annotations",
        }
    }
}

impl Template for RequiredMetadata {
    fn key(&self) -> &'static str {
        self.key
    }
    fn name(&self) -> &'static str {
        self.name
    }
    fn description(&self) -> &'static str {
        self.description
    }
    fn supported_kinds(&self) -> &'static [&'static str] {
        &["Any"]
    }
    fn params(&self) -> &'static [ParamSpec] {
        self.params
    }
    fn instantiate(&self, params: &Params) -> Result<Box<dyn CheckFn>, String> {
        let key = params.str("key").unwrap_or_default().to_string();
        let value = params.str("value").unwrap_or_default().to_string();
        Ok(Box::new(RequiredMetadataCheck {
            key_matcher: Matcher::new(&key)?,
            value_matcher: Matcher::new(&value)?,
            message: format!(
                "no {} matching \"{key}={}\" found",
                self.map.noun(),
                if value.is_empty() { "<any>" } else { &value }
            ),
            map: self.map,
        }))
    }
}

struct RequiredMetadataCheck {
    key_matcher: Matcher,
    value_matcher: Matcher,
    message: String,
    map: MetadataMap,
}

impl CheckFn for RequiredMetadataCheck {
    fn check(&self, _: &Context, obj: &Object, out: &mut Vec<Diagnostic>) {
        let entries = match self.map {
            MetadataMap::Labels => obj.labels(),
            MetadataMap::Annotations => obj.annotations(),
        };
        let found = entries.is_some_and(|m| {
            m.iter().any(|(k, v)| {
                self.key_matcher.matches(k) && self.value_matcher.matches(&text(Some(v)))
            })
        });
        if !found {
            out.push(Diagnostic::new(
                self.message.clone(),
                locate_in(obj, self.map.field()),
            ));
        }
    }
}
