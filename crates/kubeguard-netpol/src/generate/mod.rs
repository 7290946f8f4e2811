//! Least-privilege NetworkPolicies inferred from manifests (`kubeguard netpol generate`).
//!
//! The connections an application needs are inferred from:
//! - Services and their selectors: a Service routes to the workloads whose pod labels carry
//!   every label of its (non-empty) selector, in its namespace;
//! - references to Services in container `env` values, `args`, `command` (init and regular
//!   containers), and in ConfigMap values reached through `env.valueFrom.configMapKeyRef`,
//!   `envFrom.configMapRef`, and `configMap` / `projected` volumes ([`references`] says which
//!   texts count): the referencing workload connects to the Service's workloads;
//! - Ingress, OpenShift Route and Gateway API HTTPRoute/GRPCRoute backends: the ingress
//!   controller, an unknown pod of the cluster, connects to the Service's workloads;
//! - Services of type LoadBalancer or NodePort, or with `externalIPs`: anyone, inside or
//!   outside the cluster, connects to the Service's workloads.
//!
//! Ports are the Service ports the reference or backend names (a reference without a port
//! gets the scheme's default port if the Service has it, else every port), translated to the
//! target container port of each workload (named target ports resolved on that workload).
//!
//! The policies: per namespace with workloads a default deny of ingress and egress; per
//! workload one policy selecting only its pods, that admits exactly its inferred sources and
//! allows exactly its inferred destinations, plus DNS (UDP and TCP on the DNS port) towards
//! the cluster DNS pods when it has any destination.

mod emit;
mod exposure;
mod references;
mod routes;
mod services;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use kubeguard_model::{FieldRef, Object, Requirement, Seg, Selector, locate};
use kubeguard_source::{Location, Node, Span};

pub use emit::{Doc, MANAGED_BY, to_json_list, to_yaml_stream};
pub use references::{Address, PortRef, addresses};

use crate::conns::{ConnSet, Protocol};
use crate::model::{Labels, NAMESPACE_NAME_LABEL, Workload, workload_of};
use services::{AddressIndex, Service, service_of};

/// Where the cluster DNS runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DnsTarget {
    /// Namespace of the DNS pods (`kube-system`).
    pub namespace: String,
    /// Labels of the DNS pods (`k8s-app: kube-dns`).
    pub labels: Labels,
    /// The port the DNS pods listen on (53; 5353 on OpenShift).
    pub port: u16,
}

impl Default for DnsTarget {
    fn default() -> Self {
        DnsTarget {
            namespace: "kube-system".into(),
            labels: Labels::from([("k8s-app".into(), "kube-dns".into())]),
            port: 53,
        }
    }
}

/// Generation options.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The cluster DNS.
    pub dns: DnsTarget,
}

/// One side of an inferred connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Party {
    /// A workload of the inputs (index into [`Generated::workloads`]).
    Workload(usize),
    /// The ingress controller or gateway: any pod of the cluster.
    IngressController,
    /// Anyone, inside or outside the cluster.
    External,
    /// The cluster DNS pods.
    Dns,
}

/// Why a connection was inferred: one field of one object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    /// What the field is (`env CART_ADDR`, `Service shop/cart selects the pods`, ...).
    pub what: String,
    /// The object, `Kind ns/name`.
    pub object: String,
    /// The field path in the object.
    pub field: String,
    /// Where it is (none for derived connections such as DNS).
    pub location: Option<Location>,
    /// The text that matched (the reference, the backend name, the Service type).
    pub text: String,
}

/// An inferred connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InferredConnection {
    /// Who connects.
    pub src: Party,
    /// To whom.
    pub dst: Party,
    /// On which protocols and (target) ports.
    pub conns: ConnSet,
    /// Why, in input order (at most the first 32 pieces).
    pub evidence: Vec<Evidence>,
}

/// Something the generation could not use, with where it is.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Note {
    /// Where, when known.
    pub location: Option<Location>,
    /// What.
    pub message: String,
}

/// A generated NetworkPolicy.
#[derive(Debug, Clone, PartialEq)]
pub struct GeneratedPolicy {
    /// Namespace (`default` when the workloads have none).
    pub namespace: String,
    /// Name.
    pub name: String,
    /// The object.
    pub doc: Doc,
}

/// The result of [`generate`].
#[derive(Debug, Clone)]
pub struct Generated {
    /// The workloads, sorted by namespace, name, kind.
    pub workloads: Vec<Workload>,
    /// Inferred connections, sorted by source then destination name; one per pair.
    pub connections: Vec<InferredConnection>,
    /// The policies, by namespace: the default deny first, then one per workload.
    pub policies: Vec<GeneratedPolicy>,
    /// What could not be used, sorted.
    pub notes: Vec<Note>,
    /// The DNS target the policies allow.
    pub dns: DnsTarget,
    /// Namespaces with workloads that get no policy (system namespaces, see
    /// [`is_system_namespace`]).
    pub unmanaged: BTreeSet<String>,
}

/// Whether `ns` is left without policies: `kube-system`, `kube-public`, `kube-node-lease`,
/// `openshift-*`, and the DNS namespace. Their components need connections the manifests do
/// not show (the API server, upstream resolvers, nodes); a default deny there breaks the
/// cluster.
pub fn is_system_namespace(ns: &str, dns: &DnsTarget) -> bool {
    matches!(ns, "kube-system" | "kube-public" | "kube-node-lease")
        || ns.starts_with("openshift-")
        || ns == dns.namespace
}

impl Generated {
    /// Display name of a party: `ns/name[Kind]`, `{ingress-controller}`, `{external}`,
    /// `{dns}`.
    pub fn party_name(&self, p: Party) -> String {
        match p {
            Party::Workload(i) => self.workloads[i].display(),
            Party::IngressController => "{ingress-controller}".into(),
            Party::External => "{external}".into(),
            Party::Dns => "{dns}".into(),
        }
    }
}

/// Pod labels set by controllers per pod or per revision: never in a generated selector.
const VOLATILE_LABELS: &[&str] = &[
    "pod-template-hash",
    "controller-revision-hash",
    "statefulset.kubernetes.io/pod-name",
    "apps.kubernetes.io/pod-index",
    "controller-uid",
    "job-name",
    "batch.kubernetes.io/controller-uid",
    "batch.kubernetes.io/job-name",
    "batch.kubernetes.io/job-completion-index",
];

/// Most evidence kept per connection (the first ones, in input order).
const MAX_EVIDENCE: usize = 32;

struct Gw<'a> {
    w: Workload,
    obj: &'a Object,
}

fn describe(obj: &Object) -> String {
    format!("{} {}/{}", obj.kind, obj.namespace_or_default(), obj.name)
}

fn location(obj: &Object, span: Span) -> Location {
    obj.source.location(&obj.path, span)
}

/// Narrows `span` (of the scalar holding `text`) to `text[start..end]`: by offset when the
/// scalar is written plain or simply quoted, else where that text occurs once in the source
/// (block scalars).
fn narrow(obj: &Object, span: Span, text: &str, start: usize, end: usize) -> Span {
    let src = obj.source.slice(span);
    let (Some(needle), Ok(len)) = (text.get(start..end), u32::try_from(end - start)) else {
        return span;
    };
    let at = if src == text {
        Some(start)
    } else if src.len() == text.len() + 2 && src.get(1..src.len() - 1) == Some(text) {
        Some(start + 1)
    } else if needle.is_empty() {
        None
    } else {
        src.find(needle).filter(|&first| {
            !src.get(first + 1..)
                .is_some_and(|rest| rest.contains(needle))
        })
    };
    match at.and_then(|a| u32::try_from(a).ok()) {
        Some(a) => Span::new(span.start + a, span.start + a + len),
        None => span,
    }
}

/// A text that may hold Service references, with where it is.
struct Text<'a> {
    text: &'a str,
    /// The object holding the text (the workload or a ConfigMap).
    obj: &'a Object,
    field: FieldRef,
    what: String,
}

struct Builder<'a> {
    gws: Vec<Gw<'a>>,
    services: Vec<Service<'a>>,
    /// Service index → workloads it routes to.
    backends: Vec<Vec<usize>>,
    conns: BTreeMap<(Party, Party), (ConnSet, Vec<Evidence>)>,
    notes: BTreeSet<Note>,
}

impl<'a> Builder<'a> {
    fn note(&mut self, obj: Option<(&Object, Span)>, message: String) {
        self.notes.insert(Note {
            location: obj.map(|(o, s)| location(o, s)),
            message,
        });
    }

    fn add(&mut self, src: Party, dst: Party, conns: &ConnSet, evidence: Vec<Evidence>) {
        if conns.is_empty() || src == dst {
            return;
        }
        let e = self.conns.entry((src, dst)).or_default();
        e.0.union_with(conns);
        for ev in evidence {
            if e.1.len() < MAX_EVIDENCE && !e.1.contains(&ev) {
                e.1.push(ev);
            }
        }
    }

    fn selector_evidence(&self, s: usize) -> Evidence {
        let svc = &self.services[s];
        let (field, span) = svc.selector_field();
        Evidence {
            what: "Service selector".into(),
            object: describe(svc.obj),
            field,
            location: Some(location(svc.obj, span)),
            text: svc
                .selector
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(","),
        }
    }

    /// Connections from `src` to the workloads of Service `s` on `ports`.
    fn connect_service(
        &mut self,
        src: Party,
        s: usize,
        ports: &[&services::ServicePort],
        why: &Evidence,
    ) {
        let backends = self.backends[s].clone();
        for d in backends {
            if src == Party::Workload(d) {
                continue;
            }
            let mut conns = ConnSet::none();
            for p in ports {
                match Service::target_on(p, &self.gws[d].w) {
                    Some(n) => conns.add_range(p.protocol, n, n),
                    None => {
                        let svc = &self.services[s];
                        let msg = format!(
                            "Service {}/{} port {} targets container port {:?}, which {} does not declare: that port is left out",
                            svc.namespace,
                            svc.name,
                            p.port,
                            match &p.target {
                                services::TargetPort::Name(n) => n.clone(),
                                services::TargetPort::Number(n) => n.to_string(),
                            },
                            self.gws[d].w.display()
                        );
                        let f = locate(
                            &svc.obj.root,
                            "",
                            &[Seg::Key("spec"), Seg::Key("ports"), Seg::Index(p.index)],
                        );
                        let obj = svc.obj;
                        self.note(Some((obj, f.span)), msg);
                    }
                }
            }
            let ev = vec![why.clone(), self.selector_evidence(s)];
            self.add(src, Party::Workload(d), &conns, ev);
        }
    }

    fn scan_text(&mut self, src: usize, index: &AddressIndex, t: &Text) {
        let ns = self.gws[src].w.namespace.clone();
        for a in addresses(t.text) {
            let found = index.lookup(&a.host, &ns).to_vec();
            for s in found {
                let span = narrow(t.obj, t.field.span, t.text, a.start, a.end);
                let ev = Evidence {
                    what: t.what.clone(),
                    object: describe(t.obj),
                    field: t.field.path.clone(),
                    location: Some(location(t.obj, span)),
                    text: word_around(t.text, a.start, a.end).to_string(),
                };
                let ports_owned: Vec<services::ServicePort> = match self.services[s].ports_for(&a) {
                    Ok(ports) => ports.into_iter().cloned().collect(),
                    Err(msg) => {
                        let obj = t.obj;
                        self.note(
                            Some((obj, span)),
                            format!("reference {:?}: {msg}; no connection inferred", ev.text),
                        );
                        continue;
                    }
                };
                let ports: Vec<&services::ServicePort> = ports_owned.iter().collect();
                self.connect_service(Party::Workload(src), s, &ports, &ev);
            }
        }
    }
}

/// The word of `text` around `start..end` (cut at white space and quotes).
fn word_around(text: &str, start: usize, end: usize) -> &str {
    let brk = |c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '`');
    let s = text
        .get(..start)
        .and_then(|t| t.rfind(brk).map(|i| i + 1))
        .unwrap_or(0);
    let e = text
        .get(end..)
        .and_then(|t| t.find(brk).map(|i| end + i))
        .unwrap_or(text.len());
    text.get(s..e).unwrap_or_default()
}

fn str_field<'n>(n: &'n Node, key: &str) -> Option<&'n str> {
    n.get(key).and_then(Node::as_str).filter(|s| !s.is_empty())
}

fn optional(n: &Node) -> bool {
    n.get("optional").and_then(Node::as_bool) == Some(true)
}

/// The texts of workload `obj` that may hold references, ConfigMap values included.
fn texts_of<'a>(
    obj: &'a Object,
    configmaps: &HashMap<(String, String), &'a Object>,
    notes: &mut Vec<(Option<(&'a Object, Span)>, String)>,
) -> Vec<Text<'a>> {
    let mut out = Vec::new();
    let Some(pod) = obj.pod_spec() else {
        return out;
    };
    let ns = obj.namespace_or_default();
    let cm = |name: &str| configmaps.get(&(ns.to_string(), name.to_string())).copied();
    // Values of ConfigMap `cm_obj` (every key, or `keys`), described as coming through `via`.
    let cm_texts = |cm_obj: &'a Object, keys: Option<Vec<String>>, via: &str| {
        let mut v = Vec::new();
        let Some(data) = cm_obj.root.get("data").and_then(Node::as_map) else {
            return v;
        };
        for (k, val) in data.iter() {
            if keys.as_ref().is_some_and(|ks| !ks.iter().any(|x| x == k)) {
                continue;
            }
            let Some(text) = val.as_str() else { continue };
            v.push(Text {
                text,
                obj: cm_obj,
                field: locate(&cm_obj.root, "", &[Seg::Key("data"), Seg::Key(k)]),
                what: format!("ConfigMap key {k} ({via})"),
            });
        }
        v
    };
    for c in pod.init_and_regular() {
        let cname = c.name();
        for (i, e) in c.env() {
            let name = e.get("name").and_then(Node::as_str).unwrap_or("");
            if let Some(text) = e.get("value").and_then(Node::as_str) {
                out.push(Text {
                    text,
                    obj,
                    field: c.locate_segs(&[Seg::Key("env"), Seg::Index(i), Seg::Key("value")]),
                    what: format!("env {name} of container {cname}"),
                });
            } else if let Some(r) = e.get("valueFrom").and_then(|v| v.get("configMapKeyRef")) {
                let (Some(cm_name), Some(key)) = (str_field(r, "name"), str_field(r, "key")) else {
                    continue;
                };
                let via = format!("env {name} of container {cname}");
                match cm(cm_name) {
                    Some(cm_obj) => {
                        let got = cm_texts(cm_obj, Some(vec![key.to_string()]), &via);
                        if got.is_empty() && !optional(r) {
                            let f = c.locate_segs(&[Seg::Key("env"), Seg::Index(i)]);
                            notes.push((
                                Some((obj, f.span)),
                                format!("ConfigMap {ns}/{cm_name} has no key {key:?}"),
                            ));
                        }
                        out.extend(got);
                    }
                    None if !optional(r) => {
                        let f = c.locate_segs(&[Seg::Key("env"), Seg::Index(i)]);
                        notes.push((
                            Some((obj, f.span)),
                            format!("ConfigMap {ns}/{cm_name} is not in the inputs; its values were not searched for references"),
                        ));
                    }
                    None => {}
                }
            }
        }
        for (i, e) in c
            .get("envFrom")
            .and_then(Node::as_seq)
            .unwrap_or(&[])
            .iter()
            .enumerate()
        {
            let Some(r) = e.get("configMapRef") else {
                continue;
            };
            let Some(cm_name) = str_field(r, "name") else {
                continue;
            };
            match cm(cm_name) {
                Some(cm_obj) => out.extend(cm_texts(
                    cm_obj,
                    None,
                    &format!("envFrom of container {cname}"),
                )),
                None if !optional(r) => {
                    let f = c.locate_segs(&[Seg::Key("envFrom"), Seg::Index(i)]);
                    notes.push((
                        Some((obj, f.span)),
                        format!("ConfigMap {ns}/{cm_name} is not in the inputs; its values were not searched for references"),
                    ));
                }
                None => {}
            }
        }
        for key in ["args", "command"] {
            for (i, a) in c
                .get(key)
                .and_then(Node::as_seq)
                .unwrap_or(&[])
                .iter()
                .enumerate()
            {
                if let Some(text) = a.as_str() {
                    out.push(Text {
                        text,
                        obj,
                        field: c.locate_segs(&[Seg::Key(key), Seg::Index(i)]),
                        what: format!("{key} of container {cname}"),
                    });
                }
            }
        }
    }
    for (vi, v) in pod.volumes() {
        let mut refs: Vec<(&Node, FieldRef)> = Vec::new();
        if let Some(r) = v.get("configMap") {
            refs.push((r, pod.locate(&format!("volumes[{vi}].configMap"))));
        }
        for (si, s) in v
            .get("projected")
            .and_then(|p| p.get("sources"))
            .and_then(Node::as_seq)
            .unwrap_or(&[])
            .iter()
            .enumerate()
        {
            if let Some(r) = s.get("configMap") {
                refs.push((
                    r,
                    pod.locate(&format!("volumes[{vi}].projected.sources[{si}].configMap")),
                ));
            }
        }
        let vname = v.get("name").and_then(Node::as_str).unwrap_or("");
        for (r, f) in refs {
            let Some(cm_name) = str_field(r, "name") else {
                continue;
            };
            let keys: Option<Vec<String>> = r
                .get("items")
                .and_then(Node::as_seq)
                .filter(|s| !s.is_empty())
                .map(|items| {
                    items
                        .iter()
                        .filter_map(|it| str_field(it, "key").map(str::to_string))
                        .collect()
                });
            match cm(cm_name) {
                Some(cm_obj) => out.extend(cm_texts(cm_obj, keys, &format!("volume {vname}"))),
                None if !optional(r) => notes.push((
                    Some((obj, f.span)),
                    format!("ConfigMap {ns}/{cm_name} is not in the inputs; its values were not searched for references"),
                )),
                None => {}
            }
        }
    }
    out
}

/// A selector that matches workload `i`'s pods and no other workload's of its namespace:
/// its stable pod labels, plus `DoesNotExist` (or a label put back) for every other workload
/// they would also match. Also returns the workloads with the very same labels (no selector
/// can tell them apart).
/// `gws` must be sorted by namespace.
fn unique_selector(gws: &[Gw], i: usize) -> (Selector, Vec<usize>) {
    let me = &gws[i].w;
    let mut labels: Labels = me
        .labels
        .iter()
        .filter(|(k, _)| !VOLATILE_LABELS.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if labels.is_empty() {
        labels = me.labels.clone();
    }
    let mut absent: BTreeSet<String> = BTreeSet::new();
    let mut twins = Vec::new();
    let sel = |labels: &Labels, absent: &BTreeSet<String>| Selector {
        requirements: labels
            .iter()
            .map(|(k, v)| Requirement::Equals(k.clone(), v.clone()))
            .chain(absent.iter().map(|k| Requirement::DoesNotExist(k.clone())))
            .collect(),
    };
    // The workloads are sorted by namespace: only those of `me`'s namespace are compared.
    let lo = gws.partition_point(|g| g.w.namespace < me.namespace);
    let hi = gws.partition_point(|g| g.w.namespace <= me.namespace);
    for (j, other) in gws.iter().enumerate().take(hi).skip(lo) {
        if j == i {
            continue;
        }
        if !sel(&labels, &absent).matches_labels(&other.w.labels) {
            continue;
        }
        if let Some(k) = other.w.labels.keys().find(|k| !me.labels.contains_key(*k)) {
            absent.insert(k.clone());
        } else if let Some((k, v)) = me
            .labels
            .iter()
            .find(|(k, v)| other.w.labels.get(*k) != Some(*v))
        {
            labels.insert(k.clone(), v.clone());
        } else {
            twins.push(j);
        }
    }
    (sel(&labels, &absent), twins)
}

/// Infers the connections of the workloads in `objects` and the NetworkPolicies that allow
/// exactly them. NetworkPolicies among the inputs are ignored.
pub fn generate(objects: &[Object], opts: &Options) -> Generated {
    // Workloads, one per owner (first wins), sorted.
    let mut gws: Vec<Gw> = Vec::new();
    let mut seen = BTreeSet::new();
    for obj in objects {
        if let Some(w) = workload_of(obj)
            && seen.insert((w.namespace.clone(), w.name.clone(), w.kind.clone()))
        {
            gws.push(Gw { w, obj });
        }
    }
    gws.sort_by(|a, b| {
        (&a.w.namespace, &a.w.name, &a.w.kind).cmp(&(&b.w.namespace, &b.w.name, &b.w.kind))
    });
    let services: Vec<Service> = objects.iter().filter_map(service_of).collect();
    let backends: Vec<Vec<usize>> = services
        .iter()
        .map(|s| (0..gws.len()).filter(|&i| s.selects(&gws[i].w)).collect())
        .collect();
    let mut configmaps: HashMap<(String, String), &Object> = HashMap::new();
    for obj in objects {
        if obj.api_version == "v1" && obj.kind == "ConfigMap" {
            configmaps
                .entry((obj.namespace_or_default().to_string(), obj.name.clone()))
                .or_insert(obj);
        }
    }
    let mut b = Builder {
        gws,
        services,
        backends,
        conns: BTreeMap::new(),
        notes: BTreeSet::new(),
    };

    // References.
    let index = AddressIndex::new(&b.services);
    for src in 0..b.gws.len() {
        let mut notes = Vec::new();
        let texts = texts_of(b.gws[src].obj, &configmaps, &mut notes);
        for (at, msg) in notes {
            b.note(at, msg);
        }
        for t in &texts {
            b.scan_text(src, &index, t);
        }
    }

    // Ingress, Route, HTTPRoute, GRPCRoute backends.
    let by_name: HashMap<(String, String), usize> = b
        .services
        .iter()
        .enumerate()
        .map(|(i, s)| ((s.namespace.clone(), s.name.clone()), i))
        .collect();
    for obj in objects {
        for be in routes::backends_of(obj) {
            let Some(&s) = by_name.get(&(be.namespace.clone(), be.service.clone())) else {
                b.note(
                    Some((obj, be.field.span)),
                    format!(
                        "{} backend Service {}/{} is not in the inputs",
                        obj.kind, be.namespace, be.service
                    ),
                );
                continue;
            };
            let ports = routes::service_ports(&b.services[s], &be.port);
            if ports.is_empty() {
                b.note(
                    Some((obj, be.field.span)),
                    format!(
                        "{} backend names a port Service {}/{} does not have",
                        obj.kind, be.namespace, be.service
                    ),
                );
                continue;
            }
            let ev = Evidence {
                what: format!("{} backend", obj.kind),
                object: describe(obj),
                field: be.field.path.clone(),
                location: Some(location(obj, be.field.span)),
                text: be.service.clone(),
            };
            let refs: Vec<&services::ServicePort> = ports.iter().collect();
            b.connect_service(Party::IngressController, s, &refs, &ev);
        }
    }

    // External exposure.
    for s in 0..b.services.len() {
        let Some((why, field)) = exposure::external_exposure(&b.services[s]) else {
            continue;
        };
        let svc = &b.services[s];
        let ev = Evidence {
            what: why,
            object: describe(svc.obj),
            field: field.path.clone(),
            location: Some(location(svc.obj, field.span)),
            text: svc.name.clone(),
        };
        let ports: Vec<services::ServicePort> = svc.ports.clone();
        let refs: Vec<&services::ServicePort> = ports.iter().collect();
        b.connect_service(Party::External, s, &refs, &ev);
    }

    // Workloads no policy can single out: their connections cannot be allowed.
    let mut selectors = Vec::new();
    for i in 0..b.gws.len() {
        let (sel, twins) = unique_selector(&b.gws, i);
        let obj = b.gws[i].obj;
        if b.gws[i].w.labels.is_empty() {
            b.note(
                Some((obj, obj.anchor_span())),
                format!(
                    "{} has no pod labels: no policy can select it alone, so its connections are not allowed (the namespace's default deny applies)",
                    b.gws[i].w.display()
                ),
            );
            selectors.push(None);
            continue;
        }
        for j in twins {
            b.note(
                Some((obj, obj.anchor_span())),
                format!(
                    "{} and {} have the same pod labels: their policies select both",
                    b.gws[i].w.display(),
                    b.gws[j].w.display()
                ),
            );
        }
        selectors.push(Some(sel));
    }
    b.conns.retain(|(s, d), _| {
        [s, d].iter().all(|p| match p {
            Party::Workload(i) => selectors[*i].is_some(),
            _ => true,
        })
    });

    // DNS for every workload with a destination (outside system namespaces, which get no
    // policy).
    let mut egress_count: BTreeMap<usize, usize> = BTreeMap::new();
    for (s, d) in b.conns.keys() {
        if let (Party::Workload(i), Party::Workload(_)) = (s, d) {
            *egress_count.entry(*i).or_default() += 1;
        }
    }
    let mut dns = ConnSet::none();
    dns.add_range(Protocol::Udp, opts.dns.port, opts.dns.port);
    dns.add_range(Protocol::Tcp, opts.dns.port, opts.dns.port);
    for i in 0..b.gws.len() {
        let obj = b.gws[i].obj;
        if obj.pod_spec().is_some_and(|p| p.flag("hostNetwork")) {
            let f = obj
                .pod_spec()
                .map_or_else(|| obj.anchor_span(), |p| p.locate("hostNetwork").span);
            b.note(
                Some((obj, f)),
                format!(
                    "{} uses the host network: NetworkPolicies do not apply to its pods, its policy has no effect",
                    b.gws[i].w.display()
                ),
            );
        }
    }
    let mut unmanaged = BTreeSet::new();
    for i in 0..b.gws.len() {
        let (ns, obj) = (b.gws[i].w.namespace.clone(), b.gws[i].obj);
        if is_system_namespace(&ns, &opts.dns) && unmanaged.insert(ns.clone()) {
            b.note(
                Some((obj, obj.anchor_span())),
                format!(
                    "namespace {ns}: no policy generated (a system namespace; its workloads need connections the manifests do not show)"
                ),
            );
        }
    }
    for (i, n) in egress_count {
        if unmanaged.contains(&b.gws[i].w.namespace) {
            continue;
        }
        let ev = Evidence {
            what: "name resolution".into(),
            object: describe(b.gws[i].obj),
            field: String::new(),
            location: None,
            text: format!("resolves the Services of its {n} destination(s)"),
        };
        b.add(Party::Workload(i), Party::Dns, &dns, vec![ev]);
    }

    let workloads: Vec<Workload> = b.gws.iter().map(|g| g.w.clone()).collect();
    let mut connections: Vec<InferredConnection> = b
        .conns
        .into_iter()
        .map(|((src, dst), (conns, evidence))| InferredConnection {
            src,
            dst,
            conns,
            evidence,
        })
        .collect();
    let mut generated = Generated {
        workloads,
        connections: Vec::new(),
        policies: Vec::new(),
        notes: b.notes.into_iter().collect(),
        dns: opts.dns.clone(),
        unmanaged,
    };
    connections.sort_by_cached_key(|c| (generated.party_name(c.src), generated.party_name(c.dst)));
    generated.connections = connections;
    generated.policies = emit::policies(
        &generated,
        &b.gws.iter().map(|g| g.obj).collect::<Vec<_>>(),
        &selectors,
    );
    generated
}

/// The namespace selector for namespace `ns` by its name label.
fn namespace_by_name(ns: &str) -> Labels {
    Labels::from([(NAMESPACE_NAME_LABEL.to_string(), ns.to_string())])
}

#[cfg(test)]
mod tests;
