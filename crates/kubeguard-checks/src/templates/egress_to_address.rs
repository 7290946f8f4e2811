//! Template `egress-to-address`: workloads whose NetworkPolicies let them reach given IP
//! addresses (the cloud metadata service, for the built-in check).
//!
//! ## What it does
//! For a workload, takes the `networking.k8s.io/v1` NetworkPolicies of its namespace (absent
//! means `default`) that select its pods and isolate egress. With none, its pods may connect
//! anywhere: one finding at the pod template labels. Otherwise an address is reachable when an
//! egress rule of one of those policies allows it: the rule has no `to` (every destination) or
//! an `ipBlock` whose `cidr` contains the address and none of whose `except` ranges do, and the
//! rule's `ports` are absent or include the `port` parameter on TCP (a number, or a range with
//! `endPort`; named ports only name pod ports, so they never match an outside address). Each
//! allowing rule is reported once, at the rule, listing the addresses it lets through.
//!
//! ## Why is this bad?
//! The instance metadata service of every major cloud (169.254.169.254, and fd00:ec2::254 on
//! AWS over IPv6) hands out the node's cloud credentials to any process that can reach it. A
//! compromised pod that can reach it can act as the node in the cloud account.
//!
//! ## Messages
//! - `no NetworkPolicy isolates the egress of these pods: they may reach <addresses>`;
//! - `egress rule <i> of NetworkPolicy <name> allows <addresses>`.

use std::net::IpAddr;

use kubeguard_engine::{CheckFn, Diagnostic, ParamKind, ParamSpec, Params, Template};
use kubeguard_model::{Context, Object};
use kubeguard_source::Node;

use crate::netpol_facts::{Direction, peers, policies, rules};
use crate::util::{has_pod_template, locate_in, pod_labels_path};

/// The template.
pub struct EgressToAddress;

/// Registered instance.
pub static TEMPLATE: EgressToAddress = EgressToAddress;

static PARAMS: &[ParamSpec] = &[
    ParamSpec::new(
        "addresses",
        ParamKind::StringList,
        "The IP addresses (IPv4 or IPv6) that egress must not reach",
    )
    .required(),
    ParamSpec::new(
        "port",
        ParamKind::Integer,
        "The TCP port of the service at those addresses (0: any port counts)",
    ),
];

impl Template for EgressToAddress {
    fn key(&self) -> &'static str {
        "egress-to-address"
    }
    fn name(&self) -> &'static str {
        "Egress To Address"
    }
    fn description(&self) -> &'static str {
        "Flag workloads whose NetworkPolicies do not block egress to the given IP addresses"
    }
    fn supported_kinds(&self) -> &'static [&'static str] {
        &["DeploymentLike"]
    }
    fn params(&self) -> &'static [ParamSpec] {
        PARAMS
    }
    fn instantiate(&self, params: &Params) -> Result<Box<dyn CheckFn>, String> {
        let addresses = params
            .strings("addresses")
            .iter()
            .map(|a| {
                a.trim()
                    .parse::<IpAddr>()
                    .map_err(|_| format!("addresses: {a:?} is not an IP address"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        if addresses.is_empty() {
            return Err("addresses: at least one address is needed".into());
        }
        let port = params.int("port").unwrap_or(80);
        let port = u16::try_from(port).map_err(|_| format!("port {port} is out of range"))?;
        Ok(Box::new(Check { addresses, port }))
    }
}

struct Check {
    addresses: Vec<IpAddr>,
    port: u16,
}

fn contains(cidr: Option<&Node>, addr: IpAddr) -> bool {
    cidr.and_then(Node::scalar_text)
        .and_then(|c| c.trim().parse::<ipnet::IpNet>().ok())
        .is_some_and(|n| n.contains(&addr))
}

impl Check {
    /// Whether the peer admits `addr`.
    fn peer_allows(peer: &Node, addr: IpAddr) -> bool {
        let Some(block) = peer.get("ipBlock") else {
            return false;
        };
        contains(block.get("cidr"), addr)
            && !block
                .get("except")
                .and_then(Node::as_seq)
                .unwrap_or(&[])
                .iter()
                .any(|e| contains(Some(e), addr))
    }

    /// Whether the rule's ports include the service's port on TCP.
    fn ports_allow(&self, rule: &Node) -> bool {
        let Some(ports) = rule
            .get("ports")
            .and_then(Node::as_seq)
            .filter(|p| !p.is_empty())
        else {
            return true;
        };
        self.port == 0
            || ports.iter().any(|p| {
                let tcp = p
                    .get("protocol")
                    .and_then(Node::as_str)
                    .is_none_or(|proto| proto == "TCP");
                let Some(port) = p.get("port").filter(|n| !n.is_null()) else {
                    return tcp; // every port of the protocol
                };
                let Some(lo) = port.as_i64() else {
                    return false; // a named port
                };
                let hi = p.get("endPort").and_then(Node::as_i64).unwrap_or(lo);
                tcp && (lo..=hi).contains(&i64::from(self.port))
            })
    }

    fn list(addresses: &[IpAddr]) -> String {
        addresses
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl CheckFn for Check {
    fn check(&self, ctx: &Context, obj: &Object, out: &mut Vec<Diagnostic>) {
        if !has_pod_template(obj) {
            return;
        }
        let all = policies(ctx);
        let mut isolated = false;
        for p in all
            .in_namespace(obj.namespace_or_default())
            .iter()
            .filter(|p| p.egress && p.selects(obj))
        {
            isolated = true;
            let np = p.object(ctx);
            for (i, rule) in rules(np, Direction::Egress) {
                if !self.ports_allow(rule) {
                    continue;
                }
                let allowed: Vec<IpAddr> = self
                    .addresses
                    .iter()
                    .copied()
                    .filter(|&a| {
                        peers(rule, Direction::Egress)
                            .is_none_or(|ps| ps.iter().any(|peer| Self::peer_allows(peer, a)))
                    })
                    .collect();
                if !allowed.is_empty() {
                    out.push(Diagnostic::new(
                        format!(
                            "egress rule {i} of NetworkPolicy {:?} allows {}",
                            np.name,
                            Self::list(&allowed)
                        ),
                        locate_in(obj, pod_labels_path(obj)),
                    ));
                }
            }
        }
        if !isolated {
            out.push(Diagnostic::new(
                format!(
                    "no NetworkPolicy isolates the egress of these pods: they may reach {}",
                    Self::list(&self.addresses)
                ),
                locate_in(obj, pod_labels_path(obj)),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::run_template;
    use serde_json::json;

    const WORKLOAD: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w, namespace: shop}\nspec: {template: {metadata: {labels: {app: w}}}}\n";

    fn run(policy_spec: &str) -> Vec<String> {
        let policy = if policy_spec.is_empty() {
            String::new()
        } else {
            format!(
                "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: np, namespace: shop}}\nspec:\n  podSelector: {{matchLabels: {{app: w}}}}\n  policyTypes: [Egress]\n{policy_spec}"
            )
        };
        run_template(
            &TEMPLATE,
            json!({"addresses": ["169.254.169.254", "fd00:ec2::254"]}),
            &format!("{WORKLOAD}{policy}"),
        )
    }

    #[test]
    fn unisolated_pods_reach_everything() {
        assert_eq!(
            run(""),
            [
                "w: no NetworkPolicy isolates the egress of these pods: they may reach 169.254.169.254, fd00:ec2::254 @ spec.template.metadata.labels"
            ]
        );
    }

    #[test]
    fn rules_that_allow_the_address() {
        assert_eq!(
            run(
                "  egress:\n  - to: [{ipBlock: {cidr: 0.0.0.0/0}}]\n  - ports: [{port: 80}]\n  - ports: [{port: 53, protocol: UDP}]\n  - to: [{ipBlock: {cidr: '::/0', except: ['fd00::/8']}}]\n  - to: [{ipBlock: {cidr: 169.254.0.0/16}}]\n    ports: [{port: 1, endPort: 1024}]"
            ),
            [
                "w: egress rule 0 of NetworkPolicy \"np\" allows 169.254.169.254 @ spec.template.metadata.labels",
                "w: egress rule 1 of NetworkPolicy \"np\" allows 169.254.169.254, fd00:ec2::254 @ spec.template.metadata.labels",
                "w: egress rule 4 of NetworkPolicy \"np\" allows 169.254.169.254 @ spec.template.metadata.labels",
            ]
        );
    }

    #[test]
    fn blocked_by_except_or_narrow_rules() {
        assert!(run("  egress:\n  - to: [{ipBlock: {cidr: 0.0.0.0/0, except: [169.254.169.254/32]}}]\n  - to: [{podSelector: {}}]\n  - ports: [{port: http}]").is_empty());
        assert!(run("  egress: []").is_empty());
    }

    #[test]
    fn rejects_bad_addresses() {
        let p = Params::validate(PARAMS, &json!({"addresses": ["metadata"]})).expect("params");
        assert!(TEMPLATE.instantiate(&p).is_err());
    }
}
