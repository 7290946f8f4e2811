//! Template `dnsconfig-options`: pods without a given DNS resolver option.
//!
//! ## What it does
//! Reports a workload whose pod spec has no `dnsConfig` (absent or null), whose `dnsConfig`
//! has no `options` (absent or null; an empty list counts as present), or whose options have
//! no entry with `name` equal to `key` and `value` equal to `value` (exact comparisons). A
//! workload without a pod template counts as an empty pod spec (reported), except a
//! DeploymentConfig.
//!
//! ## Why is this bad?
//! The cluster default `ndots:5` makes every lookup of an external name try each search
//! domain first, multiplying DNS traffic and latency.
//!
//! ## Message
//! `Object does not define any DNSConfig rules.`, `Object does not define any DNSConfig
//! Options.` or `DNSConfig Options "<key>:<value>" not found.`, pointing at `dnsConfig`,
//! `dnsConfig.options` (or their nearest existing parent).

use kubeguard_engine::{CheckFn, Diagnostic, ParamKind, ParamSpec, Params, Template};
use kubeguard_model::{Context, Object};
use kubeguard_source::Node;

use crate::util::{kl_pod_spec, locate_in};

/// The template.
pub struct DnsConfigOptions;

/// Registered instance.
pub static TEMPLATE: DnsConfigOptions = DnsConfigOptions;

static PARAMS: &[ParamSpec] = &[
    ParamSpec::new(
        "key",
        ParamKind::String,
        "Name of the DNS option that must be set (compared exactly).",
    ),
    ParamSpec::new(
        "value",
        ParamKind::String,
        "Value the DNS option must have (compared exactly).",
    ),
];

impl Template for DnsConfigOptions {
    fn key(&self) -> &'static str {
        "dnsconfig-options"
    }
    fn name(&self) -> &'static str {
        "DnsConfig Options"
    }
    fn description(&self) -> &'static str {
        "Flag objects that don't have specified DNSConfig Options"
    }
    fn supported_kinds(&self) -> &'static [&'static str] {
        &["DeploymentLike"]
    }
    fn params(&self) -> &'static [ParamSpec] {
        PARAMS
    }
    fn instantiate(&self, params: &Params) -> Result<Box<dyn CheckFn>, String> {
        Ok(Box::new(DnsConfigOptionsCheck {
            key: params.str("key").unwrap_or_default().to_string(),
            value: params.str("value").unwrap_or_default().to_string(),
        }))
    }
}

struct DnsConfigOptionsCheck {
    key: String,
    value: String,
}

impl CheckFn for DnsConfigOptionsCheck {
    fn check(&self, _: &Context, obj: &Object, out: &mut Vec<Diagnostic>) {
        let Some((pod, path)) = kl_pod_spec(obj) else {
            return;
        };
        let Some(dns) = pod
            .and_then(|p| p.get("dnsConfig"))
            .filter(|n| !n.is_null())
        else {
            out.push(Diagnostic::new(
                "Object does not define any DNSConfig rules.",
                locate_in(obj, &format!("{path}.dnsConfig")),
            ));
            return;
        };
        let at = locate_in(obj, &format!("{path}.dnsConfig.options"));
        let Some(options) = dns.get("options").filter(|n| !n.is_null()) else {
            out.push(Diagnostic::new(
                "Object does not define any DNSConfig Options.",
                at,
            ));
            return;
        };
        let found = options.as_seq().unwrap_or(&[]).iter().any(|o| {
            o.get("name")
                .and_then(Node::scalar_text)
                .unwrap_or_default()
                == self.key
                && o.get("value")
                    .filter(|v| !v.is_null())
                    .and_then(Node::scalar_text)
                    .is_some_and(|v| v == self.value)
        });
        if !found {
            out.push(Diagnostic::new(
                format!(
                    "DNSConfig Options \"{}:{}\" not found.",
                    self.key, self.value
                ),
                at,
            ));
        }
    }
}
