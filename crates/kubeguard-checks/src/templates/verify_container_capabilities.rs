//! Template `verify-container-capabilities`: containers that add forbidden capabilities or do
//! not drop them.
//!
//! ## What it does
//! Only containers (init, regular, ephemeral) whose own `securityContext.capabilities` is set
//! (even `{}`) are examined; without it nothing is reported. For each forbidden capability
//! (an unanchored regular expression, `!` negates; `NET_RAW` also matches `CAP_NET_RAW`, not
//! `net_raw`):
//! - every `add` entry it matches, or that is `all` in any case, is reported;
//! - unless a `drop` entry matches it or is `all` in any case, the drop list is reported.
//!
//! All ADD findings of a container come before its DROP findings. With
//! `forbiddenCapabilities: [all]` alone, every added capability not matched by an `exceptions`
//! entry is reported, and a drop list without `all` is reported. `exceptions` is only allowed
//! in that mode and must not contain `all`.
//!
//! ## Why is this bad?
//! Capabilities such as NET_RAW (raw sockets: packet forging, ARP and DNS spoofing) are granted
//! by most runtimes by default and rarely needed; dropping them shrinks what a compromised
//! container can do.
//!
//! ## Messages
//! `container "<c>" has ADD capability: "<cap>", which matched with the forbidden capability for containers`,
//! `container "<c>" has DROP capabilities: ["<cap>" ...], but does not drop capability "<forbidden>" which is required`,
//! `container "<c>" has ADD capability: "<cap>", but no capabilities should be added at all and this capability is not included in the exceptions list`,
//! `container "<c>" has DROP capabilities: [...], but in fact all capabilities are required to be dropped`;
//! pointing at the `add` entry, or at the `drop` list (or `capabilities` when it has none).

use kubeguard_engine::{CheckFn, Diagnostic, Matcher, ParamKind, ParamSpec, Params, Template};
use kubeguard_model::{ContainerView, Context, Object};
use kubeguard_source::Node;

use crate::util::{go_quote, go_quote_list};

/// The template.
pub struct VerifyContainerCapabilities;

/// Registered instance.
pub static TEMPLATE: VerifyContainerCapabilities = VerifyContainerCapabilities;

static PARAMS: &[ParamSpec] = &[
    ParamSpec::new(
        "forbiddenCapabilities",
        ParamKind::StringList,
        "Capabilities that must not be added and must be dropped (regular expressions), or just `all`.",
    )
    .regex(),
    ParamSpec::new("exceptions", ParamKind::StringList, "Capabilities that may be added when forbiddenCapabilities is `all`.").regex(),
];

/// `^(?i)all$`: the reserved capability name.
fn is_all(cap: &str) -> bool {
    cap.eq_ignore_ascii_case("all")
}

impl Template for VerifyContainerCapabilities {
    fn key(&self) -> &'static str {
        "verify-container-capabilities"
    }
    fn name(&self) -> &'static str {
        "Verify container capabilities"
    }
    fn description(&self) -> &'static str {
        "Flag containers that do not match capabilities requirements"
    }
    fn supported_kinds(&self) -> &'static [&'static str] {
        &["DeploymentLike"]
    }
    fn params(&self) -> &'static [ParamSpec] {
        PARAMS
    }
    fn instantiate(&self, params: &Params) -> Result<Box<dyn CheckFn>, String> {
        let forbidden = params.strings("forbiddenCapabilities");
        let exceptions = params.strings("exceptions");
        let forbid_all = if forbidden.iter().any(|c| is_all(c)) {
            if forbidden.len() != 1 {
                return Err(format!(
                    "forbidden capabilities specified contains \"all\", but it also contains other capabilities: {}. please make sure that it only contains \"all\"",
                    go_quote_list(&forbidden)
                ));
            }
            true
        } else {
            false
        };
        if !forbid_all && !exceptions.is_empty() {
            return Err("for verifying container capabilities, \"Exceptions\" list should only be filled when \"all\" capabilities specified in the forbidden list".into());
        }
        if exceptions.iter().any(|c| is_all(c)) {
            return Err("capabilities exceptions list should not contain \"all\"".into());
        }
        let compile = |list: &[String]| -> Result<Vec<(String, Matcher)>, String> {
            let mut out: Vec<(String, Matcher)> = Vec::new();
            for cap in list {
                // KubeLinter keys its matchers by the capability text: duplicates count once.
                if out.iter().any(|(c, _)| c == cap) {
                    continue;
                }
                let m = Matcher::new(cap).map_err(|e| {
                    format!("checking container capabilities. invalid capability: {cap}: {e}")
                })?;
                out.push((cap.clone(), m));
            }
            Ok(out)
        };
        let (forbidden, exceptions) = if forbid_all {
            (Vec::new(), compile(&exceptions)?)
        } else {
            (compile(&forbidden)?, Vec::new())
        };
        Ok(Box::new(CapabilitiesCheck {
            forbid_all,
            forbidden,
            exceptions,
        }))
    }
}

struct CapabilitiesCheck {
    forbid_all: bool,
    forbidden: Vec<(String, Matcher)>,
    exceptions: Vec<(String, Matcher)>,
}

/// The entries of `capabilities.<list>` with their indices (Go decodes a null entry as "").
fn entries(caps: &Node, list: &str) -> Vec<(usize, String)> {
    caps.get(list)
        .and_then(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .enumerate()
        .map(|(i, n)| (i, n.scalar_text().unwrap_or_default()))
        .collect()
}

impl CapabilitiesCheck {
    fn check_container(&self, c: &ContainerView<'_>, caps: &Node, out: &mut Vec<Diagnostic>) {
        let name = go_quote(c.name());
        let add = entries(caps, "add");
        let drop = entries(caps, "drop");
        let drop_names: Vec<&str> = drop.iter().map(|(_, s)| s.as_str()).collect();
        let add_field = |i: usize| c.locate(&format!("securityContext.capabilities.add[{i}]"));
        let drop_field = || c.locate("securityContext.capabilities.drop");
        if self.forbid_all {
            for (i, cap) in &add {
                if !self.exceptions.iter().any(|(_, m)| m.matches(cap)) {
                    out.push(Diagnostic::in_container(
                        c,
                        format!(
                            "container {name} has ADD capability: {}, but no capabilities should be added at all and this capability is not included in the exceptions list",
                            go_quote(cap)
                        ),
                        add_field(*i),
                    ));
                }
            }
            if !drop_names.iter().any(|d| is_all(d)) {
                out.push(Diagnostic::in_container(
                    c,
                    format!(
                        "container {name} has DROP capabilities: {}, but in fact all capabilities are required to be dropped",
                        go_quote_list(&drop_names)
                    ),
                    drop_field(),
                ));
            }
            return;
        }
        for (_, m) in &self.forbidden {
            for (i, cap) in &add {
                if m.matches(cap) || is_all(cap) {
                    out.push(Diagnostic::in_container(
                        c,
                        format!("container {name} has ADD capability: {}, which matched with the forbidden capability for containers", go_quote(cap)),
                        add_field(*i),
                    ));
                }
            }
        }
        for (forbidden, m) in &self.forbidden {
            if !drop_names.iter().any(|d| m.matches(d) || is_all(d)) {
                out.push(Diagnostic::in_container(
                    c,
                    format!(
                        "container {name} has DROP capabilities: {}, but does not drop capability {} which is required",
                        go_quote_list(&drop_names),
                        go_quote(forbidden)
                    ),
                    drop_field(),
                ));
            }
        }
    }
}

impl CheckFn for CapabilitiesCheck {
    fn check(&self, _: &Context, obj: &Object, out: &mut Vec<Diagnostic>) {
        let Some(pod) = obj.pod_spec() else { return };
        for c in pod.all_containers() {
            // No security context or no capabilities stanza: the container is not examined.
            if let Some(caps) = c.sc("capabilities") {
                self.check_container(&c, caps, out);
            }
        }
    }
}
