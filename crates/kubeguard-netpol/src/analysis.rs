//! Allowed connections: egress allowed by the source ∩ ingress allowed by the destination,
//! each direction decided by the three policy layers (AdminNetworkPolicies, then
//! NetworkPolicies, then the BaselineAdminNetworkPolicy).
//!
//! Per direction, for the pod the direction is about (the *subject*: the destination for
//! ingress, the source for egress) and the other end:
//!
//! 1. The ANPs selecting the subject with rules of that direction are walked by priority,
//!    their rules in order; the first rule matching the other end decides each connection
//!    (Allow, Deny or Pass). Connections no rule matches are passed.
//! 2. Passed connections are decided by the NetworkPolicies when at least one selects the
//!    subject for that direction (allowed iff some rule allows them), else by the BANP
//!    (denied iff its first matching rule denies them), else allowed.
//!
//! Rule peers are precomputed per rule as sets of workloads, so a pair costs a few bit
//! tests per policy that selects its subject.

use std::collections::{BTreeMap, HashMap};

use crate::anp::{Action, AdminPolicy, AdminPort, AdminRule};
use crate::conns::ConnSet;
use crate::ingress::{INGRESS_CONTROLLER, INGRESS_CONTROLLER_NAMESPACE, INGRESS_CONTROLLER_POD};
use crate::ip::{IpRange, partition};
use crate::model::{
    Cluster, Labels, NAMESPACE_NAME_LABEL, NetworkPolicy, Peer, PortSpec, Rule, Workload,
};
use crate::networks::PrimaryNetwork;

/// One end of a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint<'a> {
    /// A workload of the cluster.
    Workload(&'a Workload),
    /// An address range outside the cluster.
    External(IpRange),
    /// The ingress controller (reaching workloads through Ingress / Route objects).
    IngressController,
}

impl Endpoint<'_> {
    /// netpol-analyzer's name: `ns/name[Kind]`, `a.b.c.d-e.f.g.h[External]` or
    /// `{ingress-controller}`.
    pub fn display(&self) -> String {
        match self {
            Endpoint::Workload(w) => w.display(),
            Endpoint::External(r) => format!("{r}[External]"),
            Endpoint::IngressController => INGRESS_CONTROLLER.to_string(),
        }
    }
}

/// An allowed connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connection {
    /// Source name.
    pub src: String,
    /// Destination name.
    pub dst: String,
    /// Allowed connections (never empty).
    pub conns: ConnSet,
}

/// A traffic direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Into the subject pod.
    Ingress,
    /// Out of the subject pod.
    Egress,
}

impl Direction {
    /// `ingress` / `egress`.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Ingress => "ingress",
            Direction::Egress => "egress",
        }
    }

    /// Parses `ingress` / `egress` (any case).
    pub fn parse(s: &str) -> Option<Direction> {
        match s.to_ascii_lowercase().as_str() {
            "ingress" => Some(Direction::Ingress),
            "egress" => Some(Direction::Egress),
            _ => None,
        }
    }
}

/// Which layer a decision comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layer {
    /// An AdminNetworkPolicy rule.
    Admin,
    /// A NetworkPolicy (a rule, or its implicit deny).
    NetworkPolicy,
    /// The BaselineAdminNetworkPolicy.
    Baseline,
    /// No policy applies: allowed by default.
    Default,
    /// The Ingress / Route objects exposing the workload to the ingress controller.
    IngressObjects,
}

/// What a decision does with its connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// Allowed (for this direction).
    Allowed,
    /// Denied.
    Denied,
    /// Passed by an AdminNetworkPolicy to the NetworkPolicies / the baseline, whose
    /// decision follows.
    Passed,
}

impl Verdict {
    /// `allowed`, `denied`, `passed`.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Allowed => "allowed",
            Verdict::Denied => "denied",
            Verdict::Passed => "passed",
        }
    }
}

/// Why some connections between two endpoints are allowed, denied or passed in one
/// direction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    /// Direction of the decision.
    pub direction: Direction,
    /// What the decision does.
    pub verdict: Verdict,
    /// Whether the connections are allowed (`verdict == Allowed`).
    pub allowed: bool,
    /// The connections decided.
    pub conns: ConnSet,
    /// Layer of the decision.
    pub layer: Layer,
    /// `NetworkPolicy`, `AdminNetworkPolicy`, `BaselineAdminNetworkPolicy`, or the kinds of
    /// the exposing objects (`Route`, `Ingress`).
    pub policy_kind: Option<String>,
    /// `ns/name` of a NetworkPolicy, `name` of an admin policy, or the `Kind ns/name` list of
    /// the exposing objects.
    pub policy: Option<String>,
    /// 0-based index of the rule in its list (`ingress` or `egress`), `None` for an
    /// implicit decision.
    pub rule: Option<usize>,
    /// Name of the (B)ANP rule.
    pub rule_name: Option<String>,
    /// The file of the policy.
    pub path: Option<String>,
    /// 1-based line of the rule (or of the policy for an implicit decision).
    pub line: Option<u32>,
}

impl Reason {
    /// A one-line description in netpol-analyzer's wording, e.g. `[ingress] allowed TCP 80:
    /// NetworkPolicy 'ns/p' allows connections by Ingress rule #1 (p.yaml:12)`.
    pub fn describe(&self) -> String {
        let dir = match self.direction {
            Direction::Ingress => "Ingress",
            Direction::Egress => "Egress",
        };
        let verb = match self.verdict {
            Verdict::Allowed => "allows",
            Verdict::Denied => "denies",
            Verdict::Passed => "passes",
        };
        let kind = self.policy_kind.as_deref().unwrap_or("");
        let name = self.policy.as_deref().unwrap_or("");
        let why = match (self.layer, self.rule) {
            (Layer::Default, _) => "the system default (Allow all)".to_string(),
            (Layer::IngressObjects, _) if self.allowed => format!("exposed by {name}"),
            (Layer::IngressObjects, _) => format!("not exposed by {name}"),
            (Layer::NetworkPolicy, Some(i)) => {
                format!(
                    "{kind} '{name}' {verb} connections by {dir} rule #{}",
                    i + 1
                )
            }
            (Layer::NetworkPolicy, None) => {
                format!("{kind} '{name}' selects the pod, but no {dir} rule allows it")
            }
            _ => format!(
                "{kind} '{name}' {verb} connections by {dir} rule {}",
                self.rule_name.as_deref().unwrap_or("")
            ),
        };
        let loc = match (&self.path, self.line) {
            (Some(p), Some(l)) => format!(" ({p}:{l})"),
            (Some(p), None) => format!(" ({p})"),
            _ => String::new(),
        };
        format!(
            "[{}] {} {}: {why}{loc}",
            self.direction.as_str(),
            self.verdict.as_str(),
            self.conns
        )
    }
}

/// A set of peers: bits over the workloads plus the ingress controller (last bit).
#[derive(Debug, Clone, Default)]
struct Bits(Vec<u64>);

impl Bits {
    fn new(n: usize) -> Bits {
        Bits(vec![0; n.div_ceil(64)])
    }
    fn set(&mut self, i: usize) {
        self.0[i / 64] |= 1 << (i % 64);
    }
    fn get(&self, i: usize) -> bool {
        self.0.get(i / 64).is_some_and(|w| w & (1 << (i % 64)) != 0)
    }
}

/// The other end of a direction's evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Other {
    /// A pod: index into [`Analyzer::pods`].
    Pod(usize),
    /// An external range.
    Ext(IpRange),
}

/// Precomputed index of a cluster for repeated pair queries.
pub struct Analyzer<'c> {
    cluster: &'c Cluster,
    /// Workloads plus the ingress controller pod (last).
    pods: Vec<Workload>,
    /// Namespace labels of each pod.
    ns_labels: Vec<Labels>,
    /// NetworkPolicies selecting each pod: `[egress, ingress]`.
    np_sel: [Vec<Vec<usize>>; 2],
    /// ANPs (indices into `cluster.admin_policies`, by priority) selecting each pod.
    anp_sel: [Vec<Vec<usize>>; 2],
    /// Whether the BANP selects each pod.
    banp_sel: [Vec<bool>; 2],
    /// Pods matched by each NetworkPolicy rule: `[dir][policy][rule]`, `None` = every peer.
    np_match: [Vec<Vec<Option<Bits>>>; 2],
    /// Pods matched by each ANP rule: `[dir][policy][rule]`.
    anp_match: [Vec<Vec<Bits>>; 2],
    /// Pods matched by each BANP rule: `[dir][rule]`.
    banp_match: [Vec<Bits>; 2],
    /// Per direction, each pod's class: pods selected by the same policies decide alike.
    class_of: [Vec<u32>; 2],
    /// Per direction and class: the rules that decide, in evaluation order, and whether one
    /// of them names a port.
    classes: [Vec<ClassInfo>; 2],
    /// Each pod's named-port profile (pods with equal named ports share it).
    port_profile: Vec<u32>,
}

/// A rule whose peers decide part of a direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum RuleId {
    Np(usize, usize),
    Anp(usize, usize),
    Banp(usize),
}

/// The rules deciding a direction for a class of pods.
#[derive(Debug, Clone, Default)]
struct ClassInfo {
    rules: Vec<RuleId>,
    named: bool,
}

/// Memo of direction results by (direction, class, port profile, rules hit), and of their
/// intersections: the result for a pair depends only on those, so a large map evaluates
/// each distinct case once.
#[derive(Default)]
struct PairCache {
    key: Vec<u64>,
    memo: HashMap<Vec<u64>, u32, FastHash>,
    ids: HashMap<ConnSet, u32>,
    sets: Vec<ConnSet>,
    inter: HashMap<(u32, u32), u32, FastHash>,
    /// Per direction and class, the result towards each pod (`UNSET` until computed);
    /// empty when the tables would be too large.
    tables: [Vec<Vec<u32>>; 2],
}

/// A table entry not computed yet.
const UNSET: u32 = u32::MAX;

/// Largest number of table entries (classes × pods, per direction) kept (64 MiB).
const MAX_TABLE: usize = 1 << 24;

/// Largest number of memo entries kept; the memo starts over beyond it.
const MAX_MEMO: usize = 1 << 22;

/// FxHash-style hasher for the small integer keys of the memo.
#[derive(Default, Clone, Copy)]
struct FastHasher(u64);

impl std::hash::Hasher for FastHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.write_u64(u64::from(*b));
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_u32(&mut self, v: u32) {
        self.write_u64(u64::from(v));
    }
    fn write_usize(&mut self, v: usize) {
        self.write_u64(v as u64);
    }
}

type FastHash = std::hash::BuildHasherDefault<FastHasher>;

impl PairCache {
    fn new(a: &Analyzer) -> PairCache {
        let mut c = PairCache::default();
        c.intern(ConnSet::none());
        let n = a.pods.len();
        for d in 0..2 {
            if a.classes[d].len().saturating_mul(n) <= MAX_TABLE {
                c.tables[d] = vec![Vec::new(); a.classes[d].len()];
            }
        }
        c
    }

    fn intern(&mut self, set: ConnSet) -> u32 {
        if let Some(&id) = self.ids.get(&set) {
            return id;
        }
        let id = u32::try_from(self.sets.len()).unwrap_or(u32::MAX);
        self.sets.push(set.clone());
        self.ids.insert(set, id);
        id
    }
}

/// Id of the empty set in a [`PairCache`].
const EMPTY: u32 = 0;

fn dir_index(ingress: bool) -> usize {
    usize::from(ingress)
}

fn np_rules(p: &NetworkPolicy, ingress: bool) -> &[Rule] {
    if ingress { &p.ingress } else { &p.egress }
}

fn admin_rules(p: &AdminPolicy, ingress: bool) -> &[AdminRule] {
    if ingress { &p.ingress } else { &p.egress }
}

/// The ports a NetworkPolicy rule allows towards `dst`; named ports resolve against `dst`'s
/// container ports (with the same protocol) and match nothing towards an IP range.
fn np_rule_conns(rule: &Rule, dst: Option<&Workload>) -> ConnSet {
    let Some(ports) = &rule.ports else {
        return ConnSet::all();
    };
    let mut out = ConnSet::none();
    for p in ports {
        match p {
            PortSpec::Range(proto, lo, hi) => out.add_range(*proto, *lo, *hi),
            PortSpec::Named(proto, name) => {
                if let Some(w) = dst {
                    for cp in &w.ports {
                        if cp.name == *name && cp.protocol == *proto {
                            out.add_range(*proto, cp.port, cp.port);
                        }
                    }
                }
            }
        }
    }
    out
}

/// The ports of an admin rule towards `dst`; a named port takes the protocol of the
/// container port it names.
fn admin_rule_conns(rule: &AdminRule, dst: Option<&Workload>) -> ConnSet {
    let Some(ports) = &rule.ports else {
        return ConnSet::all();
    };
    let mut out = ConnSet::none();
    for p in ports {
        match p {
            AdminPort::Range(proto, lo, hi) => out.add_range(*proto, *lo, *hi),
            AdminPort::Named(name) => {
                if let Some(cp) = dst.and_then(|w| w.ports.iter().find(|cp| cp.name == *name)) {
                    out.add_range(cp.protocol, cp.port, cp.port);
                }
            }
        }
    }
    out
}

fn ip_peer_matches(peers: &[Peer], r: &IpRange) -> bool {
    peers.iter().any(|p| match p {
        Peer::IpBlock { cidr, except } => cidr.contains(r) && !except.iter().any(|e| e.overlaps(r)),
        _ => false,
    })
}

impl<'c> Analyzer<'c> {
    /// Indexes `cluster`: which policies select each workload, which workloads each rule
    /// matches.
    pub fn new(cluster: &'c Cluster) -> Analyzer<'c> {
        let mut pods = cluster.workloads.clone();
        pods.push(Workload {
            namespace: INGRESS_CONTROLLER_NAMESPACE.to_string(),
            name: INGRESS_CONTROLLER_POD.to_string(),
            kind: "Pod".to_string(),
            labels: Labels::new(),
            ports: Vec::new(),
            container_ports: Vec::new(),
            secondary_refs: Vec::new(),
            secondary_ips: Vec::new(),
            ips: Vec::new(),
        });
        let mut ns_cache: HashMap<&str, Labels> = HashMap::new();
        let ns_labels: Vec<Labels> = pods
            .iter()
            .map(|w| {
                ns_cache
                    .entry(w.namespace.as_str())
                    .or_insert_with(|| {
                        if w.namespace == INGRESS_CONTROLLER_NAMESPACE {
                            Labels::from([(NAMESPACE_NAME_LABEL.into(), w.namespace.clone())])
                        } else {
                            cluster.namespace_labels(&w.namespace)
                        }
                    })
                    .clone()
            })
            .collect();
        let n = pods.len();
        let mut a = Analyzer {
            cluster,
            pods,
            ns_labels,
            np_sel: [vec![Vec::new(); n], vec![Vec::new(); n]],
            anp_sel: [vec![Vec::new(); n], vec![Vec::new(); n]],
            banp_sel: [vec![false; n], vec![false; n]],
            np_match: [Vec::new(), Vec::new()],
            anp_match: [Vec::new(), Vec::new()],
            banp_match: [Vec::new(), Vec::new()],
            class_of: [vec![0; n], vec![0; n]],
            classes: [Vec::new(), Vec::new()],
            port_profile: vec![0; n],
        };
        let mut profiles: HashMap<Vec<(String, u16, crate::conns::Protocol)>, u32> = HashMap::new();
        for (i, w) in a.pods.iter().enumerate() {
            let key: Vec<_> = w
                .ports
                .iter()
                .map(|p| (p.name.clone(), p.port, p.protocol))
                .collect();
            let next = u32::try_from(profiles.len()).unwrap_or(u32::MAX);
            a.port_profile[i] = *profiles.entry(key).or_insert(next);
        }

        // NetworkPolicies: selection by namespace, then pod selector.
        let mut by_ns: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, w) in a.pods.iter().enumerate() {
            by_ns.entry(w.namespace.as_str()).or_default().push(i);
        }
        for (pi, p) in cluster.policies.iter().enumerate() {
            let Some(sel) = &p.pod_selector else { continue };
            for &i in by_ns
                .get(p.namespace.as_str())
                .map_or(&[][..], Vec::as_slice)
            {
                if sel.matches_labels(&a.pods[i].labels) {
                    if p.egress_type {
                        a.np_sel[0][i].push(pi);
                    }
                    if p.ingress_type {
                        a.np_sel[1][i].push(pi);
                    }
                }
            }
        }
        for ingress in [false, true] {
            let d = dir_index(ingress);
            a.np_match[d] = cluster
                .policies
                .iter()
                .map(|p| {
                    np_rules(p, ingress)
                        .iter()
                        .map(|r| r.peers.as_ref().map(|peers| a.np_peer_bits(p, peers)))
                        .collect()
                })
                .collect();
            a.anp_match[d] = cluster
                .admin_policies
                .iter()
                .map(|p| {
                    admin_rules(p, ingress)
                        .iter()
                        .map(|r| a.admin_peer_bits(r))
                        .collect()
                })
                .collect();
            a.banp_match[d] = cluster
                .baseline
                .iter()
                .flat_map(|p| admin_rules(p, ingress).iter())
                .map(|r| a.admin_peer_bits(r))
                .collect();
            for i in 0..n {
                let (w, nsl) = (&a.pods[i], &a.ns_labels[i]);
                a.anp_sel[d][i] = cluster
                    .admin_policies
                    .iter()
                    .enumerate()
                    .filter(|(_, p)| p.selects(nsl, w, ingress))
                    .map(|(k, _)| k)
                    .collect();
                a.banp_sel[d][i] = cluster
                    .baseline
                    .as_ref()
                    .is_some_and(|p| p.selects(nsl, w, ingress));
            }
            a.classify(ingress);
        }
        a
    }

    /// Groups the pods by what decides a direction for them: the policies selecting them
    /// and, for ingress with named ports, their named ports.
    fn classify(&mut self, ingress: bool) {
        let d = dir_index(ingress);
        let cluster = self.cluster;
        let mut infos: HashMap<(Vec<usize>, Vec<usize>, bool), ClassInfo> = HashMap::new();
        let mut ids: HashMap<(Vec<usize>, Vec<usize>, bool, u32), u32> = HashMap::new();
        for i in 0..self.pods.len() {
            let base = (
                self.anp_sel[d][i].clone(),
                self.np_sel[d][i].clone(),
                self.banp_sel[d][i],
            );
            let info = infos
                .entry(base.clone())
                .or_insert_with(|| {
                    let mut info = ClassInfo::default();
                    for &k in &base.0 {
                        for (ri, r) in admin_rules(&cluster.admin_policies[k], ingress)
                            .iter()
                            .enumerate()
                        {
                            info.rules.push(RuleId::Anp(k, ri));
                            info.named |= r.has_named_port();
                        }
                    }
                    for &pi in &base.1 {
                        for (ri, r) in np_rules(&cluster.policies[pi], ingress).iter().enumerate() {
                            info.rules.push(RuleId::Np(pi, ri));
                            info.named |= r
                                .ports
                                .iter()
                                .flatten()
                                .any(|p| matches!(p, PortSpec::Named(..)));
                        }
                    }
                    if base.2 {
                        for (ri, r) in cluster
                            .baseline
                            .iter()
                            .flat_map(|p| admin_rules(p, ingress).iter())
                            .enumerate()
                        {
                            info.rules.push(RuleId::Banp(ri));
                            info.named |= r.has_named_port();
                        }
                    }
                    info
                })
                .clone();
            let profile = if ingress && info.named {
                self.port_profile[i]
            } else {
                u32::MAX
            };
            let key = (base.0, base.1, base.2, profile);
            let next = u32::try_from(self.classes[d].len()).unwrap_or(u32::MAX);
            let id = *ids.entry(key).or_insert(next);
            if id == next {
                self.classes[d].push(info);
            }
            self.class_of[d][i] = id;
        }
    }

    fn rule_hits(&self, d: usize, rule: RuleId, j: usize) -> bool {
        match rule {
            RuleId::Np(pi, ri) => self.np_match[d][pi][ri].as_ref().is_none_or(|b| b.get(j)),
            RuleId::Anp(k, ri) => self.anp_match[d][k][ri].get(j),
            RuleId::Banp(ri) => self.banp_match[d][ri].get(j),
        }
    }

    /// [`Analyzer::xgress`] towards pod `j`, memoised by what decides it.
    fn xgress_cached(&self, cache: &mut PairCache, subject: usize, j: usize, ingress: bool) -> u32 {
        let d = dir_index(ingress);
        let class = self.class_of[d][subject];
        let info = &self.classes[d][class as usize];
        let mut key = std::mem::take(&mut cache.key);
        key.clear();
        key.push(d as u64);
        key.push(u64::from(class));
        let dst = if ingress { subject } else { j };
        key.push(if info.named {
            u64::from(self.port_profile[dst])
        } else {
            u64::MAX
        });
        let mut word = 0u64;
        for (n, &r) in info.rules.iter().enumerate() {
            if self.rule_hits(d, r, j) {
                word |= 1 << (n % 64);
            }
            if n % 64 == 63 {
                key.push(word);
                word = 0;
            }
        }
        key.push(word);
        let id = match cache.memo.get(key.as_slice()) {
            Some(&id) => id,
            None => {
                let set = self.xgress(subject, Other::Pod(j), ingress, None);
                let id = cache.intern(set);
                if cache.memo.len() >= MAX_MEMO {
                    cache.memo.clear();
                }
                cache.memo.insert(key.clone(), id);
                id
            }
        };
        cache.key = key;
        id
    }

    /// [`Analyzer::xgress_cached`] through the per-class tables.
    fn xgress_table(&self, cache: &mut PairCache, subject: usize, j: usize, ingress: bool) -> u32 {
        let d = dir_index(ingress);
        let class = self.class_of[d][subject] as usize;
        if let Some(row) = cache.tables[d].get(class) {
            if let Some(&id) = row.get(j).filter(|id| **id != UNSET) {
                return id;
            }
        } else {
            return self.xgress_cached(cache, subject, j, ingress);
        }
        let id = self.xgress_cached(cache, subject, j, ingress);
        let n = self.pods.len();
        let row = &mut cache.tables[d][class];
        if row.is_empty() {
            *row = vec![UNSET; n];
        }
        row[j] = id;
        id
    }

    /// [`Analyzer::pair`] through the memo; returns the id of the allowed set.
    fn pair_cached(&self, cache: &mut PairCache, src: usize, dst: usize) -> u32 {
        let e = self.xgress_table(cache, src, dst, false);
        if e == EMPTY {
            return EMPTY;
        }
        let i = self.xgress_table(cache, dst, src, true);
        if i == EMPTY {
            return EMPTY;
        }
        if let Some(&id) = cache.inter.get(&(e, i)) {
            return id;
        }
        let set = cache.sets[e as usize].intersect(&cache.sets[i as usize]);
        let id = cache.intern(set);
        if cache.inter.len() >= MAX_MEMO {
            cache.inter.clear();
        }
        cache.inter.insert((e, i), id);
        id
    }

    fn np_peer_bits(&self, policy: &NetworkPolicy, peers: &[Peer]) -> Bits {
        let mut bits = Bits::new(self.pods.len());
        for (i, w) in self.pods.iter().enumerate() {
            let hit = peers.iter().any(|peer| match peer {
                Peer::Pods { pods, namespaces } => {
                    let ns_ok = match namespaces {
                        None => w.namespace == policy.namespace,
                        Some(sel) => sel.matches_labels(&self.ns_labels[i]),
                    };
                    ns_ok && pods.matches_labels(&w.labels)
                }
                Peer::IpBlock { cidr, except } => w
                    .ips
                    .iter()
                    .any(|ip| cidr.contains(ip) && !except.iter().any(|e| e.overlaps(ip))),
                Peer::Nothing => false,
            });
            if hit {
                bits.set(i);
            }
        }
        bits
    }

    fn admin_peer_bits(&self, rule: &AdminRule) -> Bits {
        let mut bits = Bits::new(self.pods.len());
        for (i, w) in self.pods.iter().enumerate() {
            if rule.selects_pod(&self.ns_labels[i], w) {
                bits.set(i);
            }
        }
        bits
    }

    /// The cluster analysed.
    pub fn cluster(&self) -> &'c Cluster {
        self.cluster
    }

    fn ingress_controller(&self) -> usize {
        self.pods.len() - 1
    }

    /// Connections allowed in one direction between `subject` and `other` (ingress: from
    /// `other` into `subject`; egress: from `subject` to `other`). With `trace`, records the
    /// rules deciding each part.
    fn xgress(
        &self,
        subject: usize,
        other: Other,
        ingress: bool,
        mut trace: Option<&mut Vec<Reason>>,
    ) -> ConnSet {
        let d = dir_index(ingress);
        let direction = if ingress {
            Direction::Ingress
        } else {
            Direction::Egress
        };
        // Named ports resolve against the destination.
        let dst: Option<&Workload> = if ingress {
            Some(&self.pods[subject])
        } else {
            match other {
                Other::Pod(j) => Some(&self.pods[j]),
                Other::Ext(_) => None,
            }
        };
        let tracing = trace.is_some();
        let mut record = |conns: &ConnSet, verdict: Verdict, layer: Layer, src: RuleSrc| {
            if conns.is_empty() {
                return;
            }
            if let Some(t) = trace.as_deref_mut() {
                t.push(src.reason(direction, verdict, conns.clone(), layer));
            }
        };
        // 1. ANPs, by priority; the first matching rule decides.
        let mut allowed = ConnSet::none();
        let mut decided = ConnSet::none();
        let mut pass = ConnSet::none();
        for &k in &self.anp_sel[d][subject] {
            let policy = &self.cluster.admin_policies[k];
            for (ri, rule) in admin_rules(policy, ingress).iter().enumerate() {
                let hit = match other {
                    Other::Pod(j) => self.anp_match[d][k][ri].get(j),
                    Other::Ext(r) => !ingress && rule.selects_range(&r),
                };
                if !hit {
                    continue;
                }
                let conns = admin_rule_conns(rule, dst).subtract(&decided);
                if conns.is_empty() {
                    continue;
                }
                decided.union_with(&conns);
                let src = RuleSrc::Admin(policy, ri);
                match rule.action {
                    Action::Allow => {
                        allowed.union_with(&conns);
                        record(&conns, Verdict::Allowed, Layer::Admin, src);
                    }
                    Action::Deny => record(&conns, Verdict::Denied, Layer::Admin, src),
                    Action::Pass => {
                        record(&conns, Verdict::Passed, Layer::Admin, src);
                        pass.union_with(&conns);
                    }
                }
            }
        }
        // Passed explicitly, or by no rule.
        pass.union_with(&ConnSet::all().subtract(&decided));
        if pass.is_empty() {
            return allowed;
        }
        // 2. NetworkPolicies selecting the subject decide what was passed.
        let nps = &self.np_sel[d][subject];
        if !nps.is_empty() {
            let mut np_allowed = ConnSet::none();
            for &pi in nps {
                let policy = &self.cluster.policies[pi];
                for (ri, rule) in np_rules(policy, ingress).iter().enumerate() {
                    let hit = match (&self.np_match[d][pi][ri], other) {
                        (None, _) => true,
                        (Some(bits), Other::Pod(j)) => bits.get(j),
                        (Some(_), Other::Ext(r)) => {
                            ip_peer_matches(rule.peers.as_deref().unwrap_or(&[]), &r)
                        }
                    };
                    if !hit {
                        continue;
                    }
                    let conns = np_rule_conns(rule, dst).intersect(&pass);
                    if tracing {
                        record(
                            &conns.subtract(&np_allowed),
                            Verdict::Allowed,
                            Layer::NetworkPolicy,
                            RuleSrc::Np(policy, Some(ri), ingress),
                        );
                    }
                    np_allowed.union_with(&conns);
                }
            }
            if tracing {
                // Every selecting policy denies what none of them allows.
                let denied = pass.subtract(&np_allowed);
                for &pi in nps {
                    let policy = &self.cluster.policies[pi];
                    record(
                        &denied,
                        Verdict::Denied,
                        Layer::NetworkPolicy,
                        RuleSrc::Np(policy, None, ingress),
                    );
                }
            }
            allowed.union_with(&np_allowed);
            return allowed;
        }
        // 3. The BANP, else allowed by default.
        let mut banp_decided = ConnSet::none();
        let mut banp_denied = ConnSet::none();
        if let Some(policy) = self
            .cluster
            .baseline
            .as_ref()
            .filter(|_| self.banp_sel[d][subject])
        {
            {
                for (ri, rule) in admin_rules(policy, ingress).iter().enumerate() {
                    let hit = match other {
                        Other::Pod(j) => self.banp_match[d][ri].get(j),
                        Other::Ext(r) => !ingress && rule.selects_range(&r),
                    };
                    if !hit {
                        continue;
                    }
                    let conns = admin_rule_conns(rule, dst)
                        .intersect(&pass)
                        .subtract(&banp_decided);
                    if conns.is_empty() {
                        continue;
                    }
                    banp_decided.union_with(&conns);
                    let src = RuleSrc::Baseline(policy, ri);
                    match rule.action {
                        Action::Deny => {
                            banp_denied.union_with(&conns);
                            record(&conns, Verdict::Denied, Layer::Baseline, src);
                        }
                        _ => record(&conns, Verdict::Allowed, Layer::Baseline, src),
                    }
                }
            }
        }
        let default_allowed = pass.subtract(&banp_decided);
        record(
            &default_allowed,
            Verdict::Allowed,
            Layer::Default,
            RuleSrc::Default,
        );
        allowed.union_with(&pass.subtract(&banp_denied));
        allowed
    }

    /// Connections from `src` to `dst` (both indices into the workloads), with the
    /// reasons when `trace` is given.
    fn pair(&self, src: usize, dst: usize, mut trace: Option<&mut Vec<Reason>>) -> ConnSet {
        let eg = self.xgress(src, Other::Pod(dst), false, trace.as_deref_mut());
        if eg.is_empty() && trace.is_none() {
            return eg;
        }
        let ing = self.xgress(dst, Other::Pod(src), true, trace);
        eg.intersect(&ing)
    }
}

/// Where a decision comes from (turned into a [`Reason`] only when tracing).
#[derive(Clone, Copy)]
enum RuleSrc<'p> {
    Admin(&'p AdminPolicy, usize),
    Baseline(&'p AdminPolicy, usize),
    Np(&'p NetworkPolicy, Option<usize>, bool),
    Default,
}

impl RuleSrc<'_> {
    fn reason(
        self,
        direction: Direction,
        verdict: Verdict,
        conns: ConnSet,
        layer: Layer,
    ) -> Reason {
        let mut r = Reason {
            direction,
            verdict,
            allowed: verdict == Verdict::Allowed,
            conns,
            layer,
            policy_kind: None,
            policy: None,
            rule: None,
            rule_name: None,
            path: None,
            line: None,
        };
        match self {
            RuleSrc::Admin(p, i) | RuleSrc::Baseline(p, i) => {
                let kind = if p.baseline {
                    "BaselineAdminNetworkPolicy"
                } else {
                    "AdminNetworkPolicy"
                };
                let rule = &admin_rules(p, direction == Direction::Ingress)[i];
                r.policy_kind = Some(kind.to_string());
                r.policy = Some(p.name.clone());
                r.rule = Some(i);
                r.rule_name = Some(rule.name.clone());
                r.path = Some(p.path.clone());
                r.line = rule.line;
            }
            RuleSrc::Np(p, i, ingress) => {
                r.policy_kind = Some("NetworkPolicy".to_string());
                r.policy = Some(format!("{}/{}", p.namespace, p.name));
                r.rule = i;
                r.path = Some(p.path.clone());
                r.line = match i {
                    Some(i) => np_rules(p, ingress)[i].line,
                    None => p.line,
                };
            }
            RuleSrc::Default => {}
        }
        r
    }
}

/// Connections `dst` admits from `src` (all when no policy selects `dst`).
pub fn ingress_allowed(cluster: &Cluster, src: Endpoint, dst: &Workload) -> ConnSet {
    let a = Analyzer::new(cluster);
    let Some(d) = cluster.workloads.iter().position(|w| w == dst) else {
        return ConnSet::all();
    };
    let other = match src {
        Endpoint::Workload(w) => match cluster.workloads.iter().position(|x| x == w) {
            Some(i) => Other::Pod(i),
            None => return ConnSet::all(),
        },
        Endpoint::External(r) => Other::Ext(r),
        Endpoint::IngressController => Other::Pod(a.ingress_controller()),
    };
    a.xgress(d, other, true, None)
}

/// Connections `src` may open to `dst` (all when no policy selects `src`).
pub fn egress_allowed(cluster: &Cluster, src: &Workload, dst: Endpoint) -> ConnSet {
    let a = Analyzer::new(cluster);
    let Some(s) = cluster.workloads.iter().position(|w| w == src) else {
        return ConnSet::all();
    };
    let other = match dst {
        Endpoint::Workload(w) => match cluster.workloads.iter().position(|x| x == w) {
            Some(i) => Other::Pod(i),
            None => return ConnSet::all(),
        },
        Endpoint::External(r) => Other::Ext(r),
        Endpoint::IngressController => Other::Pod(a.ingress_controller()),
    };
    a.xgress(s, other, false, None)
}

/// The external ranges of one direction: the pieces of 0.0.0.0/0 cut by the `ipBlock`s of
/// the NetworkPolicy rules (and, for egress, the `networks` of the admin rules).
fn ip_ranges(cluster: &Cluster, ingress: bool) -> Vec<IpRange> {
    let mut ranges = Vec::new();
    for policy in &cluster.policies {
        for peer in np_rules(policy, ingress)
            .iter()
            .filter_map(|r| r.peers.as_ref())
            .flatten()
        {
            if let Peer::IpBlock { cidr, except } = peer {
                ranges.push(*cidr);
                ranges.extend(except.iter().copied());
            }
        }
    }
    if !ingress {
        for p in cluster.admin_policies.iter().chain(cluster.baseline.iter()) {
            for rule in &p.egress {
                for peer in &rule.peers {
                    if let crate::anp::AdminPeer::Networks(nets) = peer {
                        ranges.extend(nets.iter().copied());
                    }
                }
            }
        }
    }
    partition(&ranges)
}

/// Options of [`connlist_with`] (netpol-analyzer's `--focus-workload`,
/// `--focus-workload-peer`, `--focus-direction`, `--focus-conn`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConnlistOptions {
    /// Keep only connections with one of these workloads at one end (`name` or `ns/name`;
    /// `ingress-controller` names the ingress controller). Empty: every workload.
    pub focus_workloads: Vec<String>,
    /// With focus workloads: the other end must be one of these. Empty: any.
    pub focus_workload_peers: Vec<String>,
    /// With focus workloads: only connections into (`Ingress`) or out of (`Egress`) them.
    pub focus_direction: Option<Direction>,
    /// Keep only connections that allow all of this set (e.g. TCP 80), reported as it.
    pub focus_conn: Option<ConnSet>,
}

fn name_matches(list: &[String], ns: &str, name: &str) -> bool {
    list.is_empty()
        || list
            .iter()
            .any(|f| f == name || *f == format!("{ns}/{name}"))
}

/// A focus endpoint description: (namespace, name), `None` for IP ranges.
type FocusKey<'a> = Option<(&'a str, &'a str)>;

impl ConnlistOptions {
    fn is_focus(&self, e: FocusKey) -> bool {
        match e {
            Some((ns, name)) => name_matches(&self.focus_workloads, ns, name),
            None => self.focus_workloads.is_empty(),
        }
    }

    fn is_focus_peer(&self, e: FocusKey) -> bool {
        if self.focus_workloads.is_empty() {
            return true;
        }
        match e {
            Some((ns, name)) => name_matches(&self.focus_workload_peers, ns, name),
            None => self.focus_workload_peers.is_empty(),
        }
    }

    /// Whether a (src, dst) pair is kept.
    fn include(&self, src: FocusKey, dst: FocusKey) -> bool {
        match self.focus_direction {
            Some(Direction::Ingress) if !self.is_focus(dst) => return false,
            Some(Direction::Egress) if !self.is_focus(src) => return false,
            _ => {}
        }
        (self.is_focus(src) && self.is_focus_peer(dst))
            || (self.is_focus(dst) && self.is_focus_peer(src))
    }

    /// The connections to report for an allowed set, `None` to drop the pair.
    fn report(&self, conns: ConnSet) -> Option<ConnSet> {
        if conns.is_empty() {
            return None;
        }
        match &self.focus_conn {
            Some(f) if f.is_subset(&conns) => Some(f.clone()),
            Some(_) => None,
            None => Some(conns),
        }
    }
}

fn key(w: &Workload) -> FocusKey<'_> {
    Some((w.namespace.as_str(), w.name.as_str()))
}

const INGRESS_KEY: FocusKey<'static> = Some((INGRESS_CONTROLLER_NAMESPACE, INGRESS_CONTROLLER_POD));

/// The kind of network a section of the connlist is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NetworkKind {
    /// The default pod network.
    Pod,
    /// A primary UserDefinedNetwork.
    Udn,
    /// A primary ClusterUserDefinedNetwork.
    Cudn,
    /// A secondary network (NetworkAttachmentDefinition).
    Nad,
}

/// The connections of one network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkSection {
    /// Kind of network.
    pub kind: NetworkKind,
    /// Network name (empty for the pod network).
    pub name: String,
    /// Allowed connections, sorted by source, destination.
    pub connections: Vec<Connection>,
}

/// The connections among `members` (indices into `a`'s workloads), with the external
/// ranges and the ingress controller when `outside` is set.
fn section_conns(
    a: &Analyzer,
    members: &[usize],
    outside: bool,
    opts: &ConnlistOptions,
    name: &dyn Fn(&Workload) -> String,
) -> Vec<Connection> {
    let cluster = a.cluster;
    let ws = &cluster.workloads;
    let mut out = Vec::new();
    let mut push = |src: String, dst: String, conns: Option<ConnSet>| {
        if let Some(conns) = conns {
            out.push(Connection { src, dst, conns });
        }
    };
    let names: Vec<String> = members.iter().map(|&i| name(&ws[i])).collect();
    let mut cache = PairCache::new(a);
    let unfocused = opts.focus_workloads.is_empty();
    // Workloads are unique by namespace, name and kind, so `i != j` excludes self-loops.
    for (mi, &i) in members.iter().enumerate() {
        for (mj, &j) in members.iter().enumerate() {
            if i == j || !(unfocused || opts.include(key(&ws[i]), key(&ws[j]))) {
                continue;
            }
            let id = a.pair_cached(&mut cache, i, j);
            if id == EMPTY {
                continue;
            }
            let conns = opts.report(cache.sets[id as usize].clone());
            push(names[mi].clone(), names[mj].clone(), conns);
        }
    }
    if outside {
        for r in ip_ranges(cluster, true) {
            for &j in members {
                let dst = &ws[j];
                if opts.include(None, key(dst)) {
                    let conns = a.xgress(j, Other::Ext(r), true, None);
                    push(
                        Endpoint::External(r).display(),
                        name(dst),
                        opts.report(conns),
                    );
                }
            }
        }
        for r in ip_ranges(cluster, false) {
            for &i in members {
                let src = &ws[i];
                if opts.include(key(src), None) {
                    let conns = a.xgress(i, Other::Ext(r), false, None);
                    push(
                        name(src),
                        Endpoint::External(r).display(),
                        opts.report(conns),
                    );
                }
            }
        }
        let ic = a.ingress_controller();
        for t in &cluster.ingress_targets {
            if !members.contains(&t.workload) {
                continue;
            }
            let dst = &ws[t.workload];
            if !opts.include(INGRESS_KEY, key(dst)) {
                continue;
            }
            let conns = t.conns.intersect(&a.pair(ic, t.workload, None));
            push(
                INGRESS_CONTROLLER.to_string(),
                name(dst),
                opts.report(conns),
            );
        }
    }
    out.sort_by(|a, b| (&a.src, &a.dst).cmp(&(&b.src, &b.dst)));
    out
}

/// Calls `f` for each network of the cluster: its kind and name, the analyzer to use, the
/// member workloads (indices into that analyzer's cluster), whether external ranges and the
/// ingress controller take part, and how members are named. The pod network comes first
/// (possibly with no member), then the primary UDNs and CUDNs, then the secondary networks.
/// One network as [`for_each_network`] gives it.
struct NetworkView<'v> {
    kind: NetworkKind,
    name: &'v str,
    analyzer: &'v Analyzer<'v>,
    members: &'v [usize],
    outside: bool,
    display: &'v dyn Fn(&Workload) -> String,
}

fn for_each_network(cluster: &Cluster, f: &mut dyn FnMut(NetworkView)) {
    let a = Analyzer::new(cluster);
    let nets = &cluster.networks;
    let mut groups: BTreeMap<(NetworkKind, String), Vec<usize>> = BTreeMap::new();
    groups.insert((NetworkKind::Pod, String::new()), Vec::new());
    for i in 0..cluster.workloads.len() {
        let k = match nets.primary.get(i) {
            Some(PrimaryNetwork::Udn(n)) => (NetworkKind::Udn, n.clone()),
            Some(PrimaryNetwork::Cudn(n)) => (NetworkKind::Cudn, n.clone()),
            _ => (NetworkKind::Pod, String::new()),
        };
        groups.entry(k).or_default().push(i);
    }
    for ((kind, name), members) in &groups {
        let udn = *kind == NetworkKind::Udn;
        let display = |w: &Workload| {
            if udn {
                format!("{}[udn]/{}[{}]", w.namespace, w.name, w.kind)
            } else {
                w.display()
            }
        };
        f(NetworkView {
            kind: *kind,
            name,
            analyzer: &a,
            members,
            outside: true,
            display: &display,
        });
    }
    for nad in nets.secondary_names() {
        let attached: Vec<usize> = (0..cluster.workloads.len())
            .filter(|&i| nets.secondary.get(i).is_some_and(|s| s.contains(&nad)))
            .collect();
        let sub = Cluster {
            workloads: attached
                .iter()
                .map(|&i| {
                    let mut w = cluster.workloads[i].clone();
                    w.ips = w
                        .secondary_ips
                        .iter()
                        .filter(|(n, _)| n.is_empty() || *n == nad)
                        .map(|(_, ip)| *ip)
                        .collect();
                    w
                })
                .collect(),
            namespaces: cluster.namespaces.clone(),
            policies: nets
                .multi_policies
                .iter()
                .filter(|(for_nets, _)| for_nets.contains(&nad))
                .map(|(_, p)| p.clone())
                .collect(),
            ..Cluster::default()
        };
        let sa = Analyzer::new(&sub);
        let members: Vec<usize> = (0..sub.workloads.len()).collect();
        f(NetworkView {
            kind: NetworkKind::Nad,
            name: &nad,
            analyzer: &sa,
            members: &members,
            outside: false,
            display: &Workload::display,
        });
    }
}

/// The connlist per network: the pod network first (always, possibly empty), then each
/// primary UDN, primary CUDN and secondary network (NAD) that has connections, by kind and
/// name. Workloads connect only within their primary network (plus external ranges and the
/// ingress controller) and, for each secondary network they attach to, with the other
/// workloads attached to it under that network's MultiNetworkPolicies (no admin policies,
/// no external ranges).
pub fn connlist_sections(cluster: &Cluster, opts: &ConnlistOptions) -> Vec<NetworkSection> {
    let mut out = Vec::new();
    for_each_network(cluster, &mut |v| {
        let (kind, name) = (v.kind, v.name);
        let connections = section_conns(v.analyzer, v.members, v.outside, opts, v.display);
        if kind == NetworkKind::Pod || !connections.is_empty() {
            out.push(NetworkSection {
                kind,
                name: name.to_string(),
                connections,
            });
        }
    });
    out
}

/// Why two endpoints may or may not connect: the allowed connections and every decision
/// behind them, egress (at the source) then ingress (at the destination).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairExplanation {
    /// Network of the pair.
    pub network_kind: NetworkKind,
    /// Network name (empty for the pod network).
    pub network: String,
    /// Source name.
    pub src: String,
    /// Destination name.
    pub dst: String,
    /// Allowed connections (possibly empty).
    pub allowed: ConnSet,
    /// The decisions, egress then ingress. Within a direction they cover disjoint parts of
    /// the connections, except that every NetworkPolicy selecting the pod is listed for what
    /// none of them allows.
    pub reasons: Vec<Reason>,
}

/// Explains every pair the options keep (`--explain`), allowed or not: for each, which
/// policy rules (kind, namespace/name, rule index and name, file and line) allow or deny
/// which connections, on egress and on ingress, and which are allowed by default.
pub fn explain(cluster: &Cluster, opts: &ConnlistOptions) -> Vec<PairExplanation> {
    let mut out = Vec::new();
    for_each_network(cluster, &mut |v| {
        let (kind, name, a, members, outside, display) =
            (v.kind, v.name, v.analyzer, v.members, v.outside, v.display);
        let ws = &a.cluster.workloads;
        let mut push = |src: String, dst: String, allowed: ConnSet, reasons: Vec<Reason>| {
            let allowed = match &opts.focus_conn {
                Some(f) => allowed.intersect(f),
                None => allowed,
            };
            out.push(PairExplanation {
                network_kind: kind,
                network: name.to_string(),
                src,
                dst,
                allowed,
                reasons,
            });
        };
        for &i in members {
            for &j in members {
                if i == j || !opts.include(key(&ws[i]), key(&ws[j])) {
                    continue;
                }
                let mut reasons = Vec::new();
                let allowed = a.pair(i, j, Some(&mut reasons));
                push(display(&ws[i]), display(&ws[j]), allowed, reasons);
            }
        }
        if !outside {
            return;
        }
        for r in ip_ranges(a.cluster, true) {
            for &j in members {
                if opts.include(None, key(&ws[j])) {
                    let mut reasons = Vec::new();
                    let allowed = a.xgress(j, Other::Ext(r), true, Some(&mut reasons));
                    push(
                        Endpoint::External(r).display(),
                        display(&ws[j]),
                        allowed,
                        reasons,
                    );
                }
            }
        }
        for r in ip_ranges(a.cluster, false) {
            for &i in members {
                if opts.include(key(&ws[i]), None) {
                    let mut reasons = Vec::new();
                    let allowed = a.xgress(i, Other::Ext(r), false, Some(&mut reasons));
                    push(
                        display(&ws[i]),
                        Endpoint::External(r).display(),
                        allowed,
                        reasons,
                    );
                }
            }
        }
        let ic = a.ingress_controller();
        for t in &a.cluster.ingress_targets {
            if !members.contains(&t.workload) || !opts.include(INGRESS_KEY, key(&ws[t.workload])) {
                continue;
            }
            let objects = t.objects.join(", ");
            let exposure = |verdict: Verdict, conns: ConnSet| Reason {
                direction: Direction::Ingress,
                verdict,
                allowed: verdict == Verdict::Allowed,
                conns,
                layer: Layer::IngressObjects,
                policy_kind: None,
                policy: Some(objects.clone()),
                rule: None,
                rule_name: None,
                path: None,
                line: None,
            };
            let mut reasons = vec![
                exposure(Verdict::Allowed, t.conns.clone()),
                exposure(Verdict::Denied, ConnSet::all().subtract(&t.conns)),
            ];
            reasons.retain(|r| !r.conns.is_empty());
            let allowed = t
                .conns
                .intersect(&a.pair(ic, t.workload, Some(&mut reasons)));
            push(
                INGRESS_CONTROLLER.to_string(),
                display(&ws[t.workload]),
                allowed,
                reasons,
            );
        }
    });
    out.sort_by(|a, b| {
        (a.network_kind, &a.network, &a.src, &a.dst).cmp(&(
            b.network_kind,
            &b.network,
            &b.src,
            &b.dst,
        ))
    });
    out
}

/// The explanation in text: per pair, `src => dst : allowed` then one indented line per
/// decision; networks other than the pod network under their own header.
pub fn format_explain_txt(pairs: &[PairExplanation]) -> String {
    let mut out = String::new();
    let mut current: Option<(NetworkKind, &str)> = None;
    for p in pairs {
        if current != Some((p.network_kind, p.network.as_str())) {
            if p.network_kind != NetworkKind::Pod {
                let kind = match p.network_kind {
                    NetworkKind::Udn => "primary UDN",
                    NetworkKind::Cudn => "primary CUDN",
                    _ => "secondary NAD",
                };
                out.push_str(&format!("\nIn {kind} {}:\n", p.network));
            }
            current = Some((p.network_kind, p.network.as_str()));
        }
        let allowed = if p.allowed.is_empty() {
            "No Connections".to_string()
        } else {
            p.allowed.to_string()
        };
        out.push_str(&format!("{} => {} : {allowed}\n", p.src, p.dst));
        for r in &p.reasons {
            out.push_str(&format!("    {}\n", r.describe()));
        }
    }
    out
}

/// Every allowed connection (see [`connlist`]) kept by the focus options; with multiple
/// networks, the connections of each network one after the other (see
/// [`connlist_sections`]).
pub fn connlist_with(cluster: &Cluster, opts: &ConnlistOptions) -> Vec<Connection> {
    connlist_sections(cluster, opts)
        .into_iter()
        .flat_map(|s| s.connections)
        .collect()
}

/// Every allowed connection between distinct workloads, from external ranges to workloads,
/// from workloads to external ranges and from the ingress controller to the workloads
/// Ingress / Route objects expose, sorted by source, destination. External ranges are the
/// pieces of 0.0.0.0/0 cut by the ipBlocks (and admin `networks`) of that direction.
pub fn connlist(cluster: &Cluster) -> Vec<Connection> {
    connlist_with(cluster, &ConnlistOptions::default())
}

/// netpol-analyzer's txt format: one `src => dst : conns` line per connection.
pub fn format_txt(conns: &[Connection]) -> String {
    let mut s = String::new();
    for c in conns {
        s.push_str(&format!("{} => {} : {}\n", c.src, c.dst, c.conns));
    }
    s
}

/// netpol-analyzer's txt format with `--focus-conn`: a `Permitted connections on TCP 80:`
/// header, then `src => dst` lines.
pub fn format_txt_focus_conn(conns: &[Connection], focus: &ConnSet) -> String {
    let mut s = format!("Permitted connections on {focus}:\n");
    for c in conns {
        s.push_str(&format!("{} => {}\n", c.src, c.dst));
    }
    s
}

/// The connlist report in netpol-analyzer's txt format, with the options applied: the
/// `src => dst : conns` lines (with a focus connection, a `Permitted connections on ...:`
/// header and `src => dst` lines); with multiple networks, one section per network and the
/// workload-to-networks mapping.
pub fn connlist_report_txt(cluster: &Cluster, opts: &ConnlistOptions) -> String {
    let sections = connlist_sections(cluster, opts);
    let nets = &cluster.networks;
    let pair_only = opts.focus_conn.is_some();
    let line = |c: &Connection| {
        if pair_only {
            format!("{} => {}\n", c.src, c.dst)
        } else {
            format!("{} => {} : {}\n", c.src, c.dst, c.conns)
        }
    };
    let mut out = String::new();
    if let Some(f) = &opts.focus_conn {
        out.push_str(&format!("Permitted connections on {f}:\n"));
    }
    let (pod, others) = match sections.split_first() {
        Some((p, o)) => (p.connections.as_slice(), o),
        None => (&[][..], &[][..]),
    };
    if !others.is_empty() && (!pair_only || !pod.is_empty()) {
        out.push_str("Permitted connectivity analyzed in Pod network:\n");
        if pod.is_empty() && nets.enabled && !pair_only {
            let pod_workloads = nets
                .primary
                .iter()
                .filter(|p| **p == PrimaryNetwork::Pod)
                .count();
            out.push_str(if pod_workloads == 0 {
                "all input workloads are configured with (C)UDN as their primary network interface\n"
            } else {
                "All connections are not allowed for the workloads in the pod-network\n"
            });
        }
    }
    for c in pod {
        out.push_str(&line(c));
    }
    for s in others {
        let kind = match s.kind {
            NetworkKind::Udn => "primary UDN",
            NetworkKind::Cudn => "primary CUDN",
            NetworkKind::Nad => "secondary NAD",
            NetworkKind::Pod => "Pod network",
        };
        out.push_str(&format!(
            "\nPermitted connectivity analyzed in {kind} {}:\n",
            s.name
        ));
        for c in &s.connections {
            out.push_str(&line(c));
        }
    }
    if !pair_only && nets.enabled && !cluster.workloads.is_empty() {
        out.push_str("\nWorkload-to-Networks Mapping:\n");
        let mut rows: Vec<String> = cluster
            .workloads
            .iter()
            .enumerate()
            .map(|(i, w)| {
                let primary = nets.primary.get(i).cloned().unwrap_or(PrimaryNetwork::Pod);
                let mut row = format!(
                    "{}: \n\tPrimary Network: {}",
                    w.display(),
                    primary.display()
                );
                let secondary = nets.secondary.get(i).map_or(&[][..], Vec::as_slice);
                if !secondary.is_empty() {
                    let names: Vec<String> =
                        secondary.iter().map(|n| format!("{n}[NAD]")).collect();
                    row.push_str(&format!("\n\tSecondary Networks: {}", names.join(", ")));
                }
                row
            })
            .collect();
        rows.sort();
        for r in rows {
            out.push_str(&r);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::objects_from_text;

    const PODS: &str = "
apiVersion: v1
kind: Namespace
metadata: {name: a, labels: {team: red}}
---
apiVersion: v1
kind: Namespace
metadata: {name: b, labels: {team: blue}}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: a, labels: {app: web}}
spec:
  containers:
  - name: c
    ports:
    - {name: http, containerPort: 8080}
    - {name: dns, containerPort: 53, protocol: UDP}
---
apiVersion: v1
kind: Pod
metadata: {name: db, namespace: a, labels: {app: db}}
spec: {containers: [{name: c}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: client, namespace: b}
spec:
  template:
    metadata: {labels: {app: client}}
    spec: {containers: [{name: c}]}
";

    fn map(policies: &str) -> String {
        let objects = objects_from_text("t.yaml", &format!("{PODS}---\n{policies}"));
        format_txt(&connlist(&Cluster::from_objects(&objects)))
    }

    fn lines_to(txt: &str, dst: &str) -> Vec<String> {
        txt.lines()
            .filter(|l| l.contains(&format!("=> {dst} :")))
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn no_policy_allows_everything() {
        let txt = map("");
        assert!(txt.contains("b/client[Deployment] => a/web[Pod] : All Connections\n"));
        assert!(txt.contains("0.0.0.0-255.255.255.255[External] => a/db[Pod] : All Connections\n"));
        assert!(txt.contains("a/db[Pod] => 0.0.0.0-255.255.255.255[External] : All Connections\n"));
        assert!(!txt.contains("a/web[Pod] => a/web[Pod]"));
    }

    #[test]
    fn policy_types_default_to_ingress_plus_egress_when_egress_rules_exist() {
        // No policyTypes, no egress rules: ingress-only deny-all for web.
        let txt = map(
            "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: a}\nspec:\n  podSelector: {matchLabels: {app: web}}\n",
        );
        assert!(lines_to(&txt, "a/web[Pod]").is_empty());
        assert!(txt.contains("a/web[Pod] => a/db[Pod] : All Connections\n"));
        // An empty egress list adds no Egress type.
        let txt = map(
            "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: a}\nspec:\n  podSelector: {matchLabels: {app: web}}\n  egress: []\n",
        );
        assert!(txt.contains("a/web[Pod] => a/db[Pod] : All Connections\n"));
        // An egress rule makes it Egress too; its `to` is limited to db on TCP 5432.
        let txt = map(
            "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: a}\nspec:\n  podSelector: {matchLabels: {app: web}}\n  egress:\n  - to: [{podSelector: {matchLabels: {app: db}}}]\n    ports: [{port: 5432}]\n",
        );
        let from_web: Vec<&str> = txt
            .lines()
            .filter(|l| l.starts_with("a/web[Pod]"))
            .collect();
        assert_eq!(from_web, ["a/web[Pod] => a/db[Pod] : TCP 5432"]);
        // Explicit Egress-only: ingress stays open.
        let txt = map(
            "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: a}\nspec:\n  podSelector: {}\n  policyTypes: [Egress]\n",
        );
        assert!(txt.contains("b/client[Deployment] => a/web[Pod] : All Connections\n"));
        assert!(!txt.lines().any(|l| l.starts_with("a/")));
    }

    #[test]
    fn empty_selector_and_empty_rule() {
        // Empty podSelector in a peer: all pods of the policy's namespace only.
        let txt = map(
            "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: a}\nspec:\n  podSelector: {}\n  ingress:\n  - from: [{podSelector: {}}]\n",
        );
        assert_eq!(
            lines_to(&txt, "a/web[Pod]"),
            ["a/db[Pod] => a/web[Pod] : All Connections"]
        );
        // An empty rule admits everything, external ranges included.
        let txt = map(
            "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: a}\nspec:\n  podSelector: {}\n  ingress:\n  - {}\n",
        );
        assert_eq!(lines_to(&txt, "a/web[Pod]").len(), 3);
    }

    #[test]
    fn namespace_and_pod_selector_combined() {
        let txt = map(
            "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: a}\nspec:\n  podSelector: {matchLabels: {app: web}}\n  ingress:\n  - from:\n    - namespaceSelector: {matchLabels: {team: blue}}\n      podSelector: {matchExpressions: [{key: app, operator: In, values: [client]}]}\n  - from:\n    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: a}}\n      podSelector: {matchLabels: {app: nothing}}\n",
        );
        assert_eq!(
            lines_to(&txt, "a/web[Pod]"),
            ["b/client[Deployment] => a/web[Pod] : All Connections"]
        );
    }

    #[test]
    fn ip_block_with_except() {
        let txt = map(
            "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: a}\nspec:\n  podSelector: {matchLabels: {app: web}}\n  ingress:\n  - from: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}}]\n    ports: [{port: 443}]\n",
        );
        assert_eq!(
            lines_to(&txt, "a/web[Pod]"),
            [
                "10.0.0.0-10.0.255.255[External] => a/web[Pod] : TCP 443",
                "10.2.0.0-10.255.255.255[External] => a/web[Pod] : TCP 443",
            ]
        );
        assert!(txt.contains("10.1.0.0-10.1.255.255[External] => a/db[Pod] : All Connections\n"));
    }

    #[test]
    fn named_ports_and_end_port() {
        let txt = map(
            "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: a}\nspec:\n  podSelector: {}\n  ingress:\n  - from: [{namespaceSelector: {}}]\n    ports:\n    - port: http\n    - {port: dns, protocol: UDP}\n    - {port: dns}\n    - {port: 9000, endPort: 9005, protocol: SCTP}\n",
        );
        assert_eq!(
            lines_to(&txt, "a/web[Pod]"),
            [
                "a/db[Pod] => a/web[Pod] : SCTP 9000-9005,TCP 8080,UDP 53",
                "b/client[Deployment] => a/web[Pod] : SCTP 9000-9005,TCP 8080,UDP 53",
            ]
        );
        // db defines no named port: only the numeric range applies.
        assert_eq!(
            lines_to(&txt, "a/db[Pod]"),
            [
                "a/web[Pod] => a/db[Pod] : SCTP 9000-9005",
                "b/client[Deployment] => a/db[Pod] : SCTP 9000-9005",
            ]
        );
    }
    const ANP_PODS: &str = "
apiVersion: v1
kind: Namespace
metadata: {name: a, labels: {tier: front}}
---
apiVersion: v1
kind: Namespace
metadata: {name: b, labels: {tier: back}}
---
apiVersion: v1
kind: Pod
metadata: {name: px, namespace: a, labels: {app: px}}
spec: {containers: [{name: c, ports: [{name: web, containerPort: 8080}, {name: dns, containerPort: 53, protocol: UDP}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: py, namespace: b, labels: {app: py}}
spec: {containers: [{name: c, ports: [{name: web, containerPort: 9090}]}]}
";

    fn with(extra: &str) -> Cluster {
        Cluster::from_objects(&objects_from_text(
            "t.yaml",
            &format!("{ANP_PODS}---\n{extra}"),
        ))
    }

    fn line(c: &Cluster, src: &str, dst: &str) -> Option<String> {
        connlist(c)
            .into_iter()
            .find(|x| x.src == src && x.dst == dst)
            .map(|x| x.conns.to_string())
    }

    const ANP: &str = "apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\n";
    const BANP: &str =
        "apiVersion: policy.networking.k8s.io/v1alpha1\nkind: BaselineAdminNetworkPolicy\n";

    #[test]
    fn anp_first_matching_rule_and_priority_decide() {
        // Priority 1 denies TCP 80 from a; priority 2 allows everything (incl. TCP 80,
        // already denied) and its second rule never applies.
        let c = with(&format!(
            "{ANP}metadata: {{name: low}}\nspec:\n  priority: 2\n  subject: {{namespaces: {{matchLabels: {{tier: back}}}}}}\n  ingress:\n  - {{name: all, action: Allow, from: [{{namespaces: {{}}}}]}}\n  - {{name: never, action: Deny, from: [{{namespaces: {{}}}}]}}\n---\n{ANP}metadata: {{name: high}}\nspec:\n  priority: 1\n  subject: {{namespaces: {{matchLabels: {{tier: back}}}}}}\n  ingress:\n  - {{name: no-80, action: Deny, from: [{{pods: {{namespaceSelector: {{}}, podSelector: {{matchLabels: {{app: px}}}}}}}}], ports: [{{portNumber: {{port: 80}}}}]}}\n"
        ));
        assert_eq!(
            line(&c, "a/px[Pod]", "b/py[Pod]").as_deref(),
            Some("SCTP 1-65535,TCP 1-79,81-65535,UDP 1-65535")
        );
        // The ANP has no ingress rule for external sources: they are not captured.
        assert_eq!(
            line(&c, "0.0.0.0-255.255.255.255[External]", "b/py[Pod]").as_deref(),
            Some("All Connections")
        );
    }

    #[test]
    fn pass_goes_to_network_policies_then_to_the_baseline() {
        let pass = format!(
            "{ANP}metadata: {{name: pass}}\nspec:\n  priority: 5\n  subject: {{namespaces: {{}}}}\n  egress:\n  - {{name: pass-web, action: Pass, to: [{{namespaces: {{}}}}], ports: [{{namedPort: web}}]}}\n  - {{name: deny-rest, action: Deny, to: [{{namespaces: {{}}}}]}}\n"
        );
        // Passed, no NetworkPolicy, no BANP: allowed.
        let c = with(&pass);
        assert_eq!(
            line(&c, "a/px[Pod]", "b/py[Pod]").as_deref(),
            Some("TCP 9090")
        );
        assert_eq!(
            line(&c, "b/py[Pod]", "a/px[Pod]").as_deref(),
            Some("TCP 8080")
        );
        let why = explain(&c, &ConnlistOptions::default());
        let p = why
            .iter()
            .find(|p| p.src == "a/px[Pod]" && p.dst == "b/py[Pod]")
            .expect("pair");
        let lines: Vec<String> = p.reasons.iter().map(Reason::describe).collect();
        assert_eq!(
            lines[..3],
            [
                "[egress] passed TCP 9090: AdminNetworkPolicy 'pass' passes connections by Egress rule pass-web (t.yaml:27)",
                "[egress] denied SCTP 1-65535,TCP 1-9089,9091-65535,UDP 1-65535: AdminNetworkPolicy 'pass' denies connections by Egress rule deny-rest (t.yaml:28)",
                "[egress] allowed TCP 9090: the system default (Allow all)",
            ]
        );
        // Passed to a NetworkPolicy selecting the source that allows nothing: denied.
        let c = with(&format!(
            "{pass}---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: deny, namespace: a}}\nspec: {{podSelector: {{}}, policyTypes: [Egress]}}\n"
        ));
        assert_eq!(line(&c, "a/px[Pod]", "b/py[Pod]"), None);
        assert_eq!(
            line(&c, "b/py[Pod]", "a/px[Pod]").as_deref(),
            Some("TCP 8080")
        );
        // Passed to the BANP, which denies: denied; its first matching rule wins.
        let c = with(&format!(
            "{pass}---\n{BANP}metadata: {{name: default}}\nspec:\n  subject: {{pods: {{namespaceSelector: {{matchLabels: {{tier: back}}}}, podSelector: {{}}}}}}\n  egress:\n  - {{name: deny, action: Deny, to: [{{namespaces: {{}}}}]}}\n  - {{name: allow, action: Allow, to: [{{namespaces: {{}}}}]}}\n"
        ));
        assert_eq!(line(&c, "b/py[Pod]", "a/px[Pod]"), None);
        assert_eq!(
            line(&c, "a/px[Pod]", "b/py[Pod]").as_deref(),
            Some("TCP 9090")
        );
    }

    #[test]
    fn admin_networks_cut_the_egress_ranges() {
        let c = with(&format!(
            "{ANP}metadata: {{name: nets}}\nspec:\n  priority: 1\n  subject: {{namespaces: {{matchLabels: {{tier: front}}}}}}\n  egress:\n  - {{name: deny-dns, action: Deny, to: [{{networks: [8.8.8.8/32]}}], ports: [{{portRange: {{protocol: UDP, start: 53, end: 54}}}}]}}\n"
        ));
        assert_eq!(
            line(&c, "a/px[Pod]", "8.8.8.8-8.8.8.8[External]").as_deref(),
            Some("SCTP 1-65535,TCP 1-65535,UDP 1-52,55-65535")
        );
        assert_eq!(
            line(&c, "b/py[Pod]", "8.8.8.8-8.8.8.8[External]").as_deref(),
            Some("All Connections")
        );
    }

    const EXPOSED: &str = "
apiVersion: v1
kind: Service
metadata: {name: y-svc, namespace: b}
spec:
  selector: {app: py}
  ports: [{name: http, port: 80, targetPort: web}, {port: 81, targetPort: 7777}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: ing, namespace: b}
spec:
  rules:
  - http:
      paths:
      - path: /
        backend: {service: {name: y-svc, port: {name: http}}}
";

    #[test]
    fn ingress_controller_reaches_exposed_ports_under_the_policies() {
        let c = with(EXPOSED);
        assert_eq!(
            line(&c, "{ingress-controller}", "b/py[Pod]").as_deref(),
            Some("TCP 9090")
        );
        // A policy admitting only pods of namespace b shuts the ingress controller out.
        let c = with(&format!(
            "{EXPOSED}---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: p, namespace: b}}\nspec:\n  podSelector: {{}}\n  ingress: [{{from: [{{podSelector: {{}}}}]}}]\n"
        ));
        assert_eq!(line(&c, "{ingress-controller}", "b/py[Pod]"), None);
    }

    #[test]
    fn focus_options_filter_pairs() {
        let c = with("");
        let opts = ConnlistOptions {
            focus_workloads: vec!["a/px".into()],
            focus_direction: Some(Direction::Egress),
            ..ConnlistOptions::default()
        };
        let got: Vec<(String, String)> = connlist_with(&c, &opts)
            .into_iter()
            .map(|x| (x.src, x.dst))
            .collect();
        assert_eq!(
            got,
            [
                (
                    "a/px[Pod]".to_string(),
                    "0.0.0.0-255.255.255.255[External]".to_string()
                ),
                ("a/px[Pod]".to_string(), "b/py[Pod]".to_string()),
            ]
        );
        let opts = ConnlistOptions {
            focus_workloads: vec!["py".into()],
            focus_workload_peers: vec!["px".into()],
            focus_conn: ConnSet::parse_focus("tcp-80"),
            ..ConnlistOptions::default()
        };
        assert_eq!(
            connlist_report_txt(&c, &opts),
            "Permitted connections on TCP 80:\na/px[Pod] => b/py[Pod]\nb/py[Pod] => a/px[Pod]\n"
        );
    }

    #[test]
    fn explain_names_the_deciding_rules() {
        let c = with(
            "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: b}\nspec:\n  podSelector: {}\n  ingress:\n  - from: [{namespaceSelector: {}}]\n    ports: [{port: web}]\n",
        );
        let pairs = explain(&c, &ConnlistOptions::default());
        let p = pairs
            .iter()
            .find(|p| p.src == "a/px[Pod]" && p.dst == "b/py[Pod]")
            .expect("pair");
        assert_eq!(p.allowed.to_string(), "TCP 9090");
        let lines: Vec<String> = p.reasons.iter().map(Reason::describe).collect();
        assert_eq!(
            lines,
            [
                "[egress] allowed All Connections: the system default (Allow all)",
                "[ingress] allowed TCP 9090: NetworkPolicy 'b/p' allows connections by Ingress rule #1 (t.yaml:26)",
                "[ingress] denied SCTP 1-65535,TCP 1-9089,9091-65535,UDP 1-65535: NetworkPolicy 'b/p' selects the pod, but no Ingress rule allows it (t.yaml:20)",
            ]
        );
        assert!(
            format_explain_txt(&pairs).contains("a/px[Pod] => b/py[Pod] : TCP 9090\n    [egress]")
        );
    }

    #[test]
    fn primary_udn_isolates_and_nad_connects_under_multi_network_policies() {
        let c = Cluster::from_objects(&objects_from_text(
            "n.yaml",
            "apiVersion: v1\nkind: Namespace\nmetadata: {name: blue, labels: {k8s.ovn.org/primary-user-defined-network: ''}}\n---\napiVersion: k8s.ovn.org/v1\nkind: UserDefinedNetwork\nmetadata: {name: u, namespace: blue}\nspec: {topology: Layer2, layer2: {role: Primary}}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: blue, annotations: {k8s.v1.cni.cncf.io/networks: blue/net}}\nspec: {containers: [{name: c}]}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: q, namespace: default, labels: {app: q}, annotations: {k8s.v1.cni.cncf.io/networks: blue/net}}\nspec: {containers: [{name: c}]}\n---\napiVersion: k8s.cni.cncf.io/v1\nkind: NetworkAttachmentDefinition\nmetadata: {name: net, namespace: blue}\n---\napiVersion: k8s.cni.cncf.io/v1beta1\nkind: MultiNetworkPolicy\nmetadata: {name: m, namespace: default, annotations: {k8s.v1.cni.cncf.io/policy-for: blue/net}}\nspec: {podSelector: {}, policyTypes: [Ingress]}\n",
        ));
        let sections = connlist_sections(&c, &ConnlistOptions::default());
        let names: Vec<(NetworkKind, &str, usize)> = sections
            .iter()
            .map(|s| (s.kind, s.name.as_str(), s.connections.len()))
            .collect();
        // Pod network: q with the outside; UDN blue: p with the outside; NAD net: p => q is
        // denied by the MultiNetworkPolicy, q => p allowed.
        assert_eq!(
            names,
            [
                (NetworkKind::Pod, "", 2),
                (NetworkKind::Udn, "blue", 2),
                (NetworkKind::Nad, "net", 1)
            ]
        );
        assert_eq!(sections[2].connections[0].src, "default/q[Pod]");
        let txt = connlist_report_txt(&c, &ConnlistOptions::default());
        assert!(txt.contains("\nPermitted connectivity analyzed in primary UDN blue:\n0.0.0.0-255.255.255.255[External] => blue[udn]/p[Pod] : All Connections\n"));
        assert!(txt.ends_with("Workload-to-Networks Mapping:\nblue/p[Pod]: \n\tPrimary Network: blue[UDN]\n\tSecondary Networks: net[NAD]\ndefault/q[Pod]: \n\tPrimary Network: pod-network\n\tSecondary Networks: net[NAD]\n"));
    }
}
