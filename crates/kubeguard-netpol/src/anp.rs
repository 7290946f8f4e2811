//! AdminNetworkPolicy and BaselineAdminNetworkPolicy (`policy.networking.k8s.io/v1alpha1`):
//! cluster-scoped policies whose rules are read as written (no implicit isolation), evaluated
//! before (ANP) and after (BANP) the NetworkPolicies.

use kubeguard_model::{Object, Selector};
use kubeguard_source::Node;

use crate::conns::Protocol;
use crate::ip::IpRange;
use crate::model::{Labels, Workload};

/// The action of an admin rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Allow the traffic; lower layers cannot deny it.
    Allow,
    /// Deny the traffic; lower layers cannot allow it.
    Deny,
    /// Delegate the decision to the NetworkPolicies (or the BANP). ANP only.
    Pass,
}

impl Action {
    fn parse(s: &str) -> Option<Action> {
        match s.trim() {
            "Allow" => Some(Action::Allow),
            "Deny" => Some(Action::Deny),
            "Pass" => Some(Action::Pass),
            _ => None,
        }
    }

    /// The API spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Allow => "Allow",
            Action::Deny => "Deny",
            Action::Pass => "Pass",
        }
    }
}

/// Pods selected by a namespace selector and a pod selector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AdminSelector {
    /// `namespaces`: every pod of the matching namespaces.
    Namespaces(Selector),
    /// `pods`: pods matching `pods` in namespaces matching `namespaces`.
    Pods {
        /// `namespaceSelector`.
        namespaces: Selector,
        /// `podSelector`.
        pods: Selector,
    },
    /// Invalid (no field, both fields, a bad selector) or unsupported (`nodes`): matches
    /// nothing.
    Nothing,
}

impl AdminSelector {
    /// Whether a pod with `labels` in a namespace with `ns_labels` is selected.
    pub fn matches(&self, ns_labels: &Labels, labels: &Labels) -> bool {
        match self {
            AdminSelector::Namespaces(ns) => ns.matches_labels(ns_labels),
            AdminSelector::Pods { namespaces, pods } => {
                namespaces.matches_labels(ns_labels) && pods.matches_labels(labels)
            }
            AdminSelector::Nothing => false,
        }
    }
}

/// A peer of an admin rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AdminPeer {
    /// Pods (by `namespaces` or `pods`).
    Pods(AdminSelector),
    /// `networks` (egress only): external address ranges.
    Networks(Vec<IpRange>),
}

/// One port entry of an admin rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AdminPort {
    /// `portRange` or `portNumber` (`lo == hi`).
    Range(Protocol, u16, u16),
    /// `namedPort`: resolved against the destination pod's container ports (any protocol).
    Named(String),
}

/// One admin rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminRule {
    /// `name`.
    pub name: String,
    /// `action`.
    pub action: Action,
    /// `from` / `to`.
    pub peers: Vec<AdminPeer>,
    /// `ports`; `None` when absent (every port).
    pub ports: Option<Vec<AdminPort>>,
    /// 1-based line of the rule in its file, when known.
    pub line: Option<u32>,
}

impl AdminRule {
    /// Whether the rule's peers select a pod.
    pub fn selects_pod(&self, ns_labels: &Labels, w: &Workload) -> bool {
        self.peers.iter().any(|p| match p {
            AdminPeer::Pods(s) => s.matches(ns_labels, &w.labels),
            AdminPeer::Networks(_) => false,
        })
    }

    /// Whether the rule's peers select the external range `r` (it lies inside a network).
    pub fn selects_range(&self, r: &IpRange) -> bool {
        self.peers.iter().any(|p| match p {
            AdminPeer::Networks(ns) => ns.iter().any(|n| n.contains(r)),
            AdminPeer::Pods(_) => false,
        })
    }

    /// Whether the rule uses a named port.
    pub fn has_named_port(&self) -> bool {
        self.ports
            .iter()
            .flatten()
            .any(|p| matches!(p, AdminPort::Named(_)))
    }
}

/// An AdminNetworkPolicy or the BaselineAdminNetworkPolicy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminPolicy {
    /// `metadata.name`.
    pub name: String,
    /// Whether this is the BaselineAdminNetworkPolicy.
    pub baseline: bool,
    /// `spec.priority` (ANP; 0 for the BANP).
    pub priority: i64,
    /// `spec.subject`.
    pub subject: AdminSelector,
    /// Ingress rules in order (the first matching rule decides).
    pub ingress: Vec<AdminRule>,
    /// Egress rules in order.
    pub egress: Vec<AdminRule>,
    /// Path of the file the policy comes from.
    pub path: String,
}

impl AdminPolicy {
    /// `[ANP] name` or `[BANP] name`.
    pub fn display(&self) -> String {
        if self.baseline {
            format!("[BANP] {}", self.name)
        } else {
            format!("[ANP] {}", self.name)
        }
    }

    /// Whether the policy applies to pod `w` (in a namespace with `ns_labels`) for a
    /// direction: its subject selects the pod and it has rules of that direction.
    pub fn selects(&self, ns_labels: &Labels, w: &Workload, ingress: bool) -> bool {
        let rules = if ingress { &self.ingress } else { &self.egress };
        !rules.is_empty() && self.subject.matches(ns_labels, &w.labels)
    }
}

fn selector(node: &Node) -> Option<Selector> {
    if node.is_null() {
        return Some(Selector::default());
    }
    Selector::from_label_selector(node)
}

fn admin_selector(node: Option<&Node>) -> AdminSelector {
    let Some(node) = node else {
        return AdminSelector::Nothing;
    };
    match (node.get("namespaces"), node.get("pods")) {
        (Some(ns), None) => selector(ns).map_or(AdminSelector::Nothing, AdminSelector::Namespaces),
        (None, Some(p)) => {
            let ns = p
                .get("namespaceSelector")
                .map_or(Some(Selector::default()), selector);
            let pods = p
                .get("podSelector")
                .map_or(Some(Selector::default()), selector);
            match (ns, pods) {
                (Some(namespaces), Some(pods)) => AdminSelector::Pods { namespaces, pods },
                _ => AdminSelector::Nothing,
            }
        }
        _ => AdminSelector::Nothing,
    }
}

fn peer(node: &Node) -> AdminPeer {
    if let Some(nets) = node.get("networks") {
        if node.get("namespaces").is_none() && node.get("pods").is_none() {
            return AdminPeer::Networks(
                nets.as_seq()
                    .unwrap_or(&[])
                    .iter()
                    .filter_map(|n| n.as_str().and_then(IpRange::parse_cidr))
                    .collect(),
            );
        }
        return AdminPeer::Pods(AdminSelector::Nothing);
    }
    AdminPeer::Pods(admin_selector(Some(node)))
}

fn protocol(node: Option<&Node>) -> Option<Protocol> {
    match node.and_then(Node::as_str) {
        None | Some("") => Some(Protocol::Tcp),
        Some(s) => Protocol::parse(s),
    }
}

fn port_num(node: Option<&Node>) -> Option<u16> {
    node.and_then(Node::as_i64)
        .and_then(|v| u16::try_from(v).ok())
        .filter(|p| *p >= 1)
}

fn ports(node: Option<&Node>) -> Option<Vec<AdminPort>> {
    let seq = node?.as_seq().unwrap_or(&[]);
    let mut out = Vec::new();
    for p in seq {
        let fields = ["portNumber", "namedPort", "portRange"]
            .iter()
            .filter(|k| p.get(k).is_some())
            .count();
        if fields != 1 {
            continue;
        }
        if let Some(n) = p.get("portNumber") {
            if let (Some(proto), Some(port)) =
                (protocol(n.get("protocol")), port_num(n.get("port")))
            {
                out.push(AdminPort::Range(proto, port, port));
            }
        } else if let Some(n) = p.get("namedPort").and_then(Node::as_str) {
            out.push(AdminPort::Named(n.to_string()));
        } else if let Some(r) = p.get("portRange")
            && let (Some(proto), Some(lo), Some(hi)) = (
                protocol(r.get("protocol")),
                port_num(r.get("start")),
                port_num(r.get("end")),
            )
            && lo <= hi
        {
            out.push(AdminPort::Range(proto, lo, hi));
        }
    }
    Some(out)
}

fn rules(obj: &Object, node: Option<&Node>, peers_key: &str, baseline: bool) -> Vec<AdminRule> {
    let mut out = Vec::new();
    for r in node.and_then(Node::as_seq).unwrap_or(&[]) {
        let Some(action) = r
            .get("action")
            .and_then(Node::as_str)
            .and_then(Action::parse)
        else {
            continue;
        };
        if baseline && action == Action::Pass {
            continue;
        }
        let line = Some(obj.source.line_col(r.span.start).line);
        out.push(AdminRule {
            name: r
                .get("name")
                .and_then(Node::scalar_text)
                .unwrap_or_default(),
            action,
            peers: r
                .get(peers_key)
                .and_then(Node::as_seq)
                .unwrap_or(&[])
                .iter()
                .map(peer)
                .collect(),
            ports: ports(r.get("ports")),
            line,
        });
    }
    out
}

/// Reads an AdminNetworkPolicy or BaselineAdminNetworkPolicy.
pub fn admin_policy_of(obj: &Object) -> Option<AdminPolicy> {
    let baseline = match obj.kind.as_str() {
        "AdminNetworkPolicy" => false,
        "BaselineAdminNetworkPolicy" => true,
        _ => return None,
    };
    if obj.group() != "policy.networking.k8s.io" {
        return None;
    }
    let spec = obj.spec();
    let get = |k: &str| spec.and_then(|s| s.get(k));
    Some(AdminPolicy {
        name: obj.name.clone(),
        baseline,
        priority: get("priority").and_then(Node::as_i64).unwrap_or(0),
        subject: admin_selector(get("subject")),
        ingress: rules(obj, get("ingress"), "from", baseline),
        egress: rules(obj, get("egress"), "to", baseline),
        path: obj.path.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::objects_from_text;

    fn anp(spec: &str) -> AdminPolicy {
        let text = format!(
            "apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\nmetadata: {{name: a}}\nspec:\n{spec}"
        );
        objects_from_text("a.yaml", &text)
            .first()
            .and_then(admin_policy_of)
            .expect("an ANP")
    }

    #[test]
    fn rules_peers_and_ports() {
        let p = anp(
            "  priority: 3\n  subject: {pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: a}}}}\n  egress:\n  - name: r1\n    action: Deny\n    to: [{networks: [10.0.0.0/8]}, {namespaces: {}}, {pods: {podSelector: {}}, namespaces: {}}]\n    ports:\n    - portNumber: {port: 53, protocol: UDP}\n    - namedPort: web\n    - portRange: {start: 100, end: 200}\n    - portRange: {start: 300, end: 200}\n    - {portNumber: {port: 1}, namedPort: x}\n  - {name: r2, action: Ok, to: [{namespaces: {}}]}\n  - {name: r3, action: Pass, to: [{namespaces: {}}]}\n",
        );
        assert_eq!(p.priority, 3);
        assert!(!p.baseline);
        assert_eq!(p.display(), "[ANP] a");
        // The rule with an unknown action is dropped.
        let names: Vec<&str> = p.egress.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["r1", "r3"]);
        let r = &p.egress[0];
        assert_eq!(r.action, Action::Deny);
        assert_eq!(r.line, Some(8));
        assert_eq!(
            r.ports,
            Some(vec![
                AdminPort::Range(Protocol::Udp, 53, 53),
                AdminPort::Named("web".into()),
                AdminPort::Range(Protocol::Tcp, 100, 200),
            ])
        );
        assert!(matches!(r.peers[0], AdminPeer::Networks(ref n) if n.len() == 1));
        // A peer setting both fields matches nothing.
        assert_eq!(r.peers[2], AdminPeer::Pods(AdminSelector::Nothing));
        let ip = IpRange::parse_cidr("10.1.0.0/16").expect("cidr");
        assert!(r.selects_range(&ip));
        assert!(r.has_named_port());
    }

    #[test]
    fn baseline_has_no_pass() {
        let text = "apiVersion: policy.networking.k8s.io/v1alpha1\nkind: BaselineAdminNetworkPolicy\nmetadata: {name: default}\nspec:\n  subject: {namespaces: {}}\n  ingress:\n  - {name: p, action: Pass, from: [{namespaces: {}}]}\n  - {name: d, action: Deny, from: [{namespaces: {}}]}\n";
        let p = objects_from_text("b.yaml", text)
            .first()
            .and_then(admin_policy_of)
            .expect("a BANP");
        assert!(p.baseline);
        assert_eq!(p.ingress.len(), 1);
        assert_eq!(p.ingress[0].action, Action::Deny);
        let w = Workload {
            namespace: "n".into(),
            name: "w".into(),
            kind: "Pod".into(),
            labels: Labels::new(),
            ports: Vec::new(),
            container_ports: Vec::new(),
            secondary_refs: Vec::new(),
            secondary_ips: Vec::new(),
            ips: Vec::new(),
        };
        assert!(p.selects(&Labels::new(), &w, true));
        assert!(!p.selects(&Labels::new(), &w, false), "no egress rule");
    }
}
