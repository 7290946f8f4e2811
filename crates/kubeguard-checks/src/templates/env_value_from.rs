//! Template `env-value-from`: environment variables referring to Secrets or ConfigMaps that
//! are not part of the linted manifests.
//!
//! ## What it does
//! Gathers every `v1` Secret and ConfigMap of the lint context by name (namespaces are not
//! compared; a later object of the same name wins; like KubeLinter, which fails to load them,
//! a Secret whose `data` or a ConfigMap whose `binaryData` holds a value that is not valid
//! base64 is left out) with their keys (`data` and `stringData`
//! for Secrets, `data` and `binaryData` for ConfigMaps). Then, for every container (init,
//! regular, ephemeral) and every `env` entry, in order, checks `valueFrom.secretKeyRef` and
//! then `valueFrom.configMapKeyRef`: a reference with `optional: true`, or whose name matches
//! one of `ignoredSecrets` / `ignoredConfigMaps` (unanchored regular expressions), is skipped;
//! otherwise an unknown object name, or a key the object does not have, is reported.
//!
//! ## Why is this bad?
//! A pod whose mandatory env reference cannot be resolved never starts
//! (`CreateContainerConfigError`).
//!
//! ## Message
//! `The container "<c>" is referring to an unknown secret "<name>"` (or `config map`), or
//! `The container "<c>" is referring to an unknown key "<key>" in secret "<name>"`, pointing
//! at the reference's `name` or `key`.

use kubeguard_engine::{CheckFn, Diagnostic, ParamKind, ParamSpec, Params, Template};
use kubeguard_model::{Context, Object};
use kubeguard_source::Node;
use regex::Regex;

use crate::util::{go_base64_ok, go_quote, text};

/// The template.
pub struct EnvValueFrom;

/// Registered instance.
pub static TEMPLATE: EnvValueFrom = EnvValueFrom;

static PARAMS: &[ParamSpec] = &[
    ParamSpec::new(
        "ignoredSecrets",
        ParamKind::StringList,
        "Regular expressions (unanchored) of Secret names not to check.",
    ),
    ParamSpec::new(
        "ignoredConfigMaps",
        ParamKind::StringList,
        "Regular expressions (unanchored) of ConfigMap names not to check.",
    ),
];

impl Template for EnvValueFrom {
    fn key(&self) -> &'static str {
        "env-value-from"
    }
    fn name(&self) -> &'static str {
        "Env references"
    }
    fn description(&self) -> &'static str {
        "Flag resources which use env variables from secrets/configmaps not included in the release"
    }
    fn supported_kinds(&self) -> &'static [&'static str] {
        &["DeploymentLike"]
    }
    fn params(&self) -> &'static [ParamSpec] {
        PARAMS
    }
    fn instantiate(&self, params: &Params) -> Result<Box<dyn CheckFn>, String> {
        let compile = |name: &str| {
            params
                .strings(name)
                .iter()
                .map(|r| Regex::new(r).map_err(|e| format!("invalid regex {r}: {e}")))
                .collect::<Result<Vec<_>, _>>()
        };
        Ok(Box::new(EnvValueFromCheck {
            ignored_secrets: compile("ignoredSecrets")?,
            ignored_config_maps: compile("ignoredConfigMaps")?,
        }))
    }
}

struct EnvValueFromCheck {
    ignored_secrets: Vec<Regex>,
    ignored_config_maps: Vec<Regex>,
}

/// Keys of the `v1` object of one kind named `name` in the context (the last one wins, as in
/// KubeLinter's name-keyed map; namespaces are not compared). Objects with a value of the
/// base64 field (`binary`) that KubeLinter cannot decode are not loaded by it, so skipped.
fn keys_of(
    ctx: &Context,
    kind: &str,
    fields: [&str; 2],
    binary: &str,
    name: &str,
) -> Option<Vec<String>> {
    ctx.of_kind(kind)
        .filter(|o| o.api_version == "v1" && o.name == name)
        .filter(|o| {
            o.root
                .get(binary)
                .and_then(Node::as_map)
                .is_none_or(|m| m.iter().all(|(_, v)| go_base64_ok(v)))
        })
        .last()
        .map(|o| {
            fields
                .iter()
                .filter_map(|f| o.root.get(f).and_then(Node::as_map))
                .flat_map(|m| m.iter().map(|(k, _)| k.to_string()))
                .collect()
        })
}

impl CheckFn for EnvValueFromCheck {
    fn check(&self, ctx: &Context, obj: &Object, out: &mut Vec<Diagnostic>) {
        let Some(pod) = obj.pod_spec() else { return };
        for c in pod.all_containers() {
            for (j, env) in c.env() {
                let Some(value_from) = env.get("valueFrom").filter(|v| !v.is_null()) else {
                    continue;
                };
                for (field, what, ignored, kind, fields, binary) in [
                    (
                        "secretKeyRef",
                        "secret",
                        &self.ignored_secrets,
                        "Secret",
                        ["data", "stringData"],
                        "data",
                    ),
                    (
                        "configMapKeyRef",
                        "config map",
                        &self.ignored_config_maps,
                        "ConfigMap",
                        ["data", "binaryData"],
                        "binaryData",
                    ),
                ] {
                    let Some(r) = value_from.get(field).filter(|v| !v.is_null()) else {
                        continue;
                    };
                    if r.get("optional").and_then(Node::as_bool) == Some(true) {
                        continue;
                    }
                    let name = text(r.get("name"));
                    if ignored.iter().any(|re| re.is_match(&name)) {
                        continue;
                    }
                    let at = |leaf: &str| c.locate(&format!("env[{j}].valueFrom.{field}.{leaf}"));
                    match keys_of(ctx, kind, fields, binary, &name) {
                        None => out.push(Diagnostic::in_container(
                            &c,
                            format!(
                                "The container {} is referring to an unknown {what} {}",
                                go_quote(c.name()),
                                go_quote(&name)
                            ),
                            at("name"),
                        )),
                        Some(keys) => {
                            let key = text(r.get("key"));
                            if !keys.contains(&key) {
                                out.push(Diagnostic::in_container(
                                    &c,
                                    format!(
                                        "The container {} is referring to an unknown key {} in {what} {}",
                                        go_quote(c.name()),
                                        go_quote(&key),
                                        go_quote(&name)
                                    ),
                                    at("key"),
                                ));
                            }
                        }
                    }
                }
            }
        }
    }
}
