//! Cluster configuration audit: RKE cluster.yml, RKE2 config.yaml (+ config.yaml.d), kubeadm
//! static pod manifests, process command lines, KubeletConfiguration, etcd config files, audit
//! Policy, EncryptionConfiguration and AdmissionConfiguration files, checked against CIS
//! Kubernetes Benchmark controls and kubeguard's hardening rules.
//!
//! Pure: texts in, [`kubeguard_engine::Finding`]s and per-control results out. Every input is
//! turned into an "effective settings" view ([`model::ComponentView`] per component, plus the
//! files it reads), each setting with the place it comes from; the rules (one module per
//! family in [`rules`]) evaluate those views. Secrets written inline are findings, and their
//! spans are returned so that the caller masks them in every output ([`secrets::redact`]).

pub mod admission;
pub mod audit_policy;
pub mod duration;
pub mod encryption;
pub mod flags;
pub mod input;
pub mod model;
pub mod rke;
pub mod rke2;
pub mod rules;
pub mod secrets;
pub mod summary;

use std::collections::BTreeMap;
use std::sync::Arc;

use kubeguard_engine::{Finding, InputError, ObjectRef, References};
use kubeguard_source::Span;

pub use input::InputFile;
pub use model::Component;
pub use rules::{Bench, Outcome, RuleMeta};
pub use secrets::redact;

use crate::admission::Admission;
use crate::audit_policy::Policy;
use crate::encryption::Encryption;
use crate::input::{Kind, classify, parse_source};
use crate::model::{ComponentView, Doc, Linked, object};
use crate::rke::RkeCluster;
use crate::rke2::Rke2Config;
use crate::rules::{Hit, meta};
use crate::secrets::Secret;

/// What to audit against.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// The benchmark view (numbering of CIS references, controls of the summary).
    pub benchmark: Bench,
}

/// The result of one rule on one target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// Failed.
    Fail,
    /// Passed.
    Pass,
    /// Not applicable, or not decided by the inputs.
    NotApplicable,
}

impl Status {
    /// `PASS`, `FAIL` or `N/A`.
    pub fn label(self) -> &'static str {
        match self {
            Status::Pass => "PASS",
            Status::Fail => "FAIL",
            Status::NotApplicable => "N/A",
        }
    }
}

/// One rule evaluated on one target.
#[derive(Debug, Clone)]
pub struct Evaluation {
    /// The rule.
    pub rule: &'static RuleMeta,
    /// The target (`path (component)`).
    pub target: String,
    /// The result.
    pub status: Status,
    /// Why it is not applicable.
    pub reason: Option<String>,
}

/// Everything an audit produced.
#[derive(Debug, Default)]
pub struct Audit {
    /// Findings, unsorted.
    pub findings: Vec<Finding>,
    /// Inputs that could not be parsed.
    pub errors: Vec<InputError>,
    /// Documents passed over, with the reason: (path, reason).
    pub skipped: Vec<(String, String)>,
    /// Every rule evaluated on every target.
    pub evaluations: Vec<Evaluation>,
    /// The spans of inline secrets per file, to mask in any output that shows the text.
    pub secrets: BTreeMap<Arc<str>, Vec<Span>>,
    /// Documents read.
    pub documents: usize,
    /// Targets audited (component views, cluster configurations, files).
    pub targets: usize,
}

/// Configuration files of kube-apiserver found among the inputs (by file name), to resolve
/// the paths its flags name.
#[derive(Default)]
struct Files {
    policies: Vec<(Arc<str>, Policy)>,
    encryptions: Vec<(Arc<str>, Encryption)>,
    admissions: Vec<(Arc<str>, Admission)>,
}

fn base_name(p: &str) -> &str {
    p.rsplit(['/', '\\']).next().unwrap_or(p)
}

fn resolve<T: Clone>(linked: &mut Linked<T>, found: &[(Arc<str>, T)]) {
    if let Linked::Unresolved(p) = linked {
        let want = base_name(p);
        let matches: Vec<&T> = found
            .iter()
            .filter(|(path, _)| base_name(path) == want)
            .map(|(_, t)| t)
            .collect();
        if let [one] = matches[..] {
            *linked = Linked::Found(one.clone());
        }
    }
}

fn parent_dir(p: &str) -> &str {
    p.rfind(['/', '\\']).map_or("", |i| &p[..i])
}

/// Audits the inputs.
pub fn audit(files: &[InputFile], opts: &Options) -> Audit {
    let mut out = Audit::default();
    let mut rke: Vec<RkeCluster> = Vec::new();
    let mut rke2_base: Vec<Doc> = Vec::new();
    let mut rke2_dropins: BTreeMap<String, Vec<Doc>> = BTreeMap::new();
    let mut views: Vec<ComponentView> = Vec::new();
    let mut kubelet_configs: Vec<Doc> = Vec::new();
    let mut found = Files::default();
    let mut registries: Vec<Doc> = Vec::new();

    for f in files {
        let dir = parent_dir(&f.path);
        let dropin = base_name(dir) == "config.yaml.d";
        if dropin && !f.path.ends_with(".yaml") {
            out.skipped.push((
                f.path.to_string(),
                "RKE2 reads only *.yaml files of config.yaml.d".into(),
            ));
            continue;
        }
        let (docs, errors) = parse_source(&f.path, &f.source);
        if docs.is_empty() && !errors.is_empty() {
            // Not YAML: a command line?
            let tokens = input::tokenize(f.source.text());
            if let Some(c) = tokens.first().and_then(|(t, _)| Component::from_binary(t)) {
                views.push(flags::command_line(&f.path, &f.source, c, &tokens));
                out.documents += 1;
                continue;
            }
            let ext = f
                .path
                .rsplit('.')
                .next()
                .unwrap_or_default()
                .to_ascii_lowercase();
            if !matches!(ext.as_str(), "yaml" | "yml" | "json") {
                out.skipped.push((
                    f.path.to_string(),
                    "neither YAML nor a component command line".into(),
                ));
                continue;
            }
        }
        out.errors.extend(errors);
        for doc in docs {
            out.documents += 1;
            if doc.root.is_null() {
                continue;
            }
            let path = doc.path.clone();
            match classify(doc, dropin) {
                None => out
                    .skipped
                    .push((path.to_string(), "not a cluster configuration file".into())),
                Some(Kind::Rke { doc, wrapped }) => rke.push(RkeCluster::new(doc, wrapped)),
                Some(Kind::Rke2(doc)) if dropin => {
                    rke2_dropins.entry(dir.to_string()).or_default().push(doc)
                }
                Some(Kind::Rke2(doc)) => rke2_base.push(doc),
                Some(Kind::StaticPod(doc, c)) => views.push(flags::static_pod(&doc, c)),
                Some(Kind::CommandLine(p, s, c, t)) => {
                    views.push(flags::command_line(&p, &s, c, &t))
                }
                Some(Kind::KubeletConfig(doc)) => kubelet_configs.push(doc),
                Some(Kind::KubeProxyConfig(doc)) => views.push(flags::kube_proxy_file(&doc)),
                Some(Kind::EtcdConfig(doc)) => views.push(flags::etcd_config(&doc)),
                Some(Kind::AuditPolicy(doc)) => {
                    let p = Policy::from_node(&doc, &doc.root, "", &doc.path);
                    found.policies.push((doc.path.clone(), p));
                }
                Some(Kind::Encryption(doc)) => {
                    let e = Encryption::from_node(&doc, &doc.root, "", &doc.path);
                    found.encryptions.push((doc.path.clone(), e));
                }
                Some(Kind::Admission(doc)) => {
                    let a = Admission::from_node(&doc, &doc.root, "", &doc.path);
                    found.admissions.push((doc.path.clone(), a));
                }
                Some(Kind::Registries(doc)) => registries.push(doc),
            }
        }
    }

    // kubelet configuration files join a kubelet command line of the same directory.
    for doc in kubelet_configs {
        let dir = parent_dir(&doc.path).to_string();
        match views.iter_mut().find(|v| {
            v.component == Component::Kubelet
                && v.platform == model::Platform::CommandLine
                && parent_dir(&v.target) == dir
        }) {
            Some(v) => flags::kubelet_config(v, &doc),
            None => views.push(flags::kubelet_file(&doc)),
        }
    }

    // RKE2: config.yaml with the drop-ins of its config.yaml.d, in lexical order.
    let mut rke2: Vec<Rke2Config> = Vec::new();
    for base in rke2_base {
        let dir = parent_dir(&base.path);
        let key = if dir.is_empty() {
            "config.yaml.d".to_string()
        } else {
            format!("{dir}/config.yaml.d")
        };
        let mut docs = vec![base.clone()];
        if base_name(&base.path) == "config.yaml"
            && let Some(mut d) = rke2_dropins.remove(&key)
        {
            d.sort_by(|a, b| a.path.cmp(&b.path));
            docs.extend(d);
        }
        rke2.push(Rke2Config::merge(docs));
    }
    for (_, mut d) in rke2_dropins {
        d.sort_by(|a, b| a.path.cmp(&b.path));
        rke2.push(Rke2Config::merge(d));
    }

    // Files named by flags, resolved against the inputs by file name.
    let mut all_views: Vec<ComponentView> = views;
    all_views.extend(rke.iter().flat_map(|c| c.views.iter().cloned()));
    all_views.extend(rke2.iter().flat_map(|c| c.views.iter().cloned()));
    for v in &mut all_views {
        if v.component != Component::ApiServer {
            continue;
        }
        if matches!(v.audit_policy, Linked::None)
            && let Some(p) = v.value("audit-policy-file")
        {
            v.audit_policy = Linked::Unresolved(p.to_string());
        }
        if matches!(v.encryption, Linked::None)
            && let Some(p) = v.value("encryption-provider-config")
        {
            v.encryption = Linked::Unresolved(p.to_string());
        }
        if matches!(v.admission, Linked::None)
            && let Some(p) = v.value("admission-control-config-file")
        {
            v.admission = Linked::Unresolved(p.to_string());
        }
        resolve(&mut v.audit_policy, &found.policies);
        resolve(&mut v.encryption, &found.encryptions);
        resolve(&mut v.admission, &found.admissions);
    }
    for c in &mut rke2 {
        for v in &mut c.views {
            resolve(&mut v.audit_policy, &found.policies);
            resolve(&mut v.encryption, &found.encryptions);
            resolve(&mut v.admission, &found.admissions);
        }
    }

    // Keys of EncryptionConfiguration files are masked in outputs too (they are not findings:
    // the file is where they belong).
    for (path, e) in &found.encryptions {
        for r in &e.resources {
            for p in &r.providers {
                for k in p.keys.iter().filter_map(|k| k.secret.as_ref()) {
                    out.secrets.entry(path.clone()).or_default().push(k.span);
                }
            }
        }
    }
    let mut ev = Evaluator {
        bench: opts.benchmark,
        out: &mut out,
    };
    for v in &all_views {
        ev.view(v);
    }
    for c in &rke {
        ev.rke(c);
    }
    for c in &rke2 {
        ev.rke2(c);
    }
    // Configuration files: the inputs, and those a cluster.yml embeds or the platforms write.
    let mut policies: Vec<(Arc<ObjectRef>, String, Policy)> = found
        .policies
        .iter()
        .map(|(p, x)| {
            (
                object("audit.k8s.io/v1", "Policy", base_name(p)),
                p.to_string(),
                x.clone(),
            )
        })
        .collect();
    let mut encryptions: Vec<(Arc<ObjectRef>, String, Encryption)> = found
        .encryptions
        .iter()
        .map(|(p, x)| {
            (
                object(
                    "apiserver.config.k8s.io/v1",
                    "EncryptionConfiguration",
                    base_name(p),
                ),
                p.to_string(),
                x.clone(),
            )
        })
        .collect();
    let mut admissions: Vec<(Arc<ObjectRef>, String, Admission)> = found
        .admissions
        .iter()
        .map(|(p, x)| {
            (
                object(
                    "apiserver.config.k8s.io/v1",
                    "AdmissionConfiguration",
                    base_name(p),
                ),
                p.to_string(),
                x.clone(),
            )
        })
        .collect();
    for c in &rke {
        let t = |what: &str| format!("{} ({what})", c.doc.path);
        if let Some(p) = &c.policy {
            policies.push((c.object.clone(), t("audit policy"), p.clone()));
        }
        if let Some(e) = &c.encryption {
            encryptions.push((c.object.clone(), t("encryption"), e.clone()));
        }
        if let Some(a) = &c.admission {
            admissions.push((c.object.clone(), t("admission"), a.clone()));
        }
    }
    for c in &rke2 {
        if let Some(p) = &c.default_policy {
            policies.push((
                c.object.clone(),
                format!("{} (audit policy)", c.target),
                p.clone(),
            ));
        }
        if let Some(a) = &c.default_admission {
            admissions.push((
                c.object.clone(),
                format!("{} (admission)", c.target),
                a.clone(),
            ));
        }
    }
    for (obj, target, p) in &policies {
        ev.record(
            "K8S-apiserver-audit-policy-nonempty",
            obj,
            target,
            rules::files::audit_policy(p),
        );
    }
    for (obj, target, e) in &encryptions {
        ev.record(
            "K8S-apiserver-encryption-first-provider",
            obj,
            target,
            rules::files::encryption(e),
        );
    }
    for (obj, target, a) in &admissions {
        ev.record(
            "K8S-apiserver-admission-psa",
            obj,
            target,
            rules::files::pod_security(a),
        );
        ev.record(
            "K8S-apiserver-admission-eventratelimit",
            obj,
            target,
            rules::files::event_rate_limit(a),
        );
    }
    for doc in &registries {
        let obj = object("", "Registries", base_name(&doc.path));
        let secrets = rules::files::registry_secrets(doc);
        let outcome = with_secrets(rules::files::registries(doc), &secrets, "RKE2-023");
        ev.secrets(&secrets);
        ev.record("RKE2-023", &obj, &doc.path, outcome);
    }
    let targets = all_views.len()
        + rke.len()
        + rke2.len()
        + policies.len()
        + encryptions.len()
        + admissions.len()
        + registries.len();
    out.targets = targets;
    out
}

/// Adds hits for inline secrets to an outcome.
fn with_secrets(outcome: Outcome, secrets: &[Secret], rule: &str) -> Outcome {
    if secrets.is_empty() {
        return outcome;
    }
    let fix = match rule {
        "RKE-033" => "Use ssh_key_path or ssh_agent_auth instead of an inline key",
        "RKE2-013" => "Use token-file / agent-token-file readable by root only",
        "RKE-038" | "RKE-020" | "RKE2-014" => {
            "Use an instance role (IAM) or a credentials file instead of inline keys"
        }
        _ => {
            "Keep the secret out of the file (a secret store, a file reference, or environment at deploy time)"
        }
    };
    let mut hits = match outcome {
        Outcome::Fail(h) => h,
        _ => Vec::new(),
    };
    for s in secrets {
        let file =
            s.at.loc
                .as_ref()
                .map_or_else(String::new, |l| format!(" of {}", l.path));
        hits.push(Hit::new(
            format!("{} written inline in the file (value not shown): anyone who can read the file{file} has it", s.what),
            s.at.clone(),
            fix,
        ));
    }
    Outcome::Fail(hits)
}

struct Evaluator<'a> {
    bench: Bench,
    out: &'a mut Audit,
}

impl Evaluator<'_> {
    fn secrets(&mut self, secrets: &[Secret]) {
        for s in secrets {
            self.out
                .secrets
                .entry(s.path.clone())
                .or_default()
                .push(s.span);
        }
    }

    fn view(&mut self, v: &ComponentView) {
        for (id, c) in rules::components::ids() {
            if c != v.component {
                continue;
            }
            if let Some(o) = rules::components::eval_id(id, v) {
                let anchor = if id == "CIS-1.2.3" {
                    v.at("enable-admission-plugins")
                } else {
                    v.anchor.clone()
                };
                self.record_at(id, &v.object, &v.target, o, anchor);
            }
        }
    }

    fn rke(&mut self, c: &RkeCluster) {
        let secrets: Vec<Secret> = c.secrets.iter().map(|(_, s)| s.clone()).collect();
        self.secrets(&secrets);
        let target = c.doc.path.to_string();
        for (id, f) in rules::rke::RULES {
            let mine: Vec<Secret> = c
                .secrets
                .iter()
                .filter(|(r, _)| r == id)
                .map(|(_, s)| s.clone())
                .collect();
            let outcome = with_secrets(f(c), &mine, id);
            self.record(id, &c.object, &target, outcome);
        }
        // The removed key is its own rule (RKE-012); RKE-044 lists the others.
    }

    fn rke2(&mut self, c: &Rke2Config) {
        let secrets: Vec<Secret> = c.secrets.iter().map(|(_, s)| s.clone()).collect();
        self.secrets(&secrets);
        for (id, f) in rules::rke2::RULES {
            let mine: Vec<Secret> = c
                .secrets
                .iter()
                .filter(|(r, _)| r == id)
                .map(|(_, s)| s.clone())
                .collect();
            let outcome = with_secrets(f(c), &mine, id);
            self.record(id, &c.object, &c.target, outcome);
        }
    }

    fn record(&mut self, id: &str, object: &Arc<ObjectRef>, target: &str, outcome: Outcome) {
        self.record_at(id, object, target, outcome, model::At::default());
    }

    /// Records an outcome (in the benchmark's polarity) and turns its hits into findings;
    /// `anchor` locates the finding of a rule the benchmark checks the other way round.
    fn record_at(
        &mut self,
        id: &str,
        object: &Arc<ObjectRef>,
        target: &str,
        outcome: Outcome,
        anchor: model::At,
    ) {
        let Some(rule) = meta(id) else { return };
        if !rule.in_view(self.bench) {
            return;
        }
        let view = rule.view(self.bench);
        let outcome = match (view, outcome) {
            (Some((_, true)), Outcome::Pass) => Outcome::fail(
                format!(
                    "{}: the {} benchmark expects the opposite of this rule here ({})",
                    rule.id,
                    self.bench.name(),
                    rule.title
                ),
                anchor,
                "See the benchmark's text for this control",
            ),
            (Some((_, true)), Outcome::Fail(_)) => Outcome::Pass,
            (_, o) => o,
        };
        let (status, reason) = match &outcome {
            Outcome::Pass => (Status::Pass, None),
            Outcome::Fail(_) => (Status::Fail, None),
            Outcome::NotApplicable(r) => (Status::NotApplicable, Some(r.clone())),
        };
        self.out.evaluations.push(Evaluation {
            rule,
            target: target.to_string(),
            status,
            reason,
        });
        let Outcome::Fail(hits) = outcome else { return };
        let references = Arc::new(References {
            cis: match view {
                Some((v, _)) => vec![v.to_string()],
                None => rule.cis.iter().map(|s| s.to_string()).collect(),
            },
            mitre: rule.mitre.iter().map(|s| s.to_string()).collect(),
            pss: Vec::new(),
        });
        let check: Arc<str> = Arc::from(rule.id);
        for h in hits {
            self.out.findings.push(Finding {
                check: check.clone(),
                severity: h.severity.unwrap_or(rule.severity),
                message: h.message,
                remediation: Some(Arc::from(h.fix)),
                object: object.clone(),
                location: h.at.loc,
                field: h.at.field,
                references: references.clone(),
                suppressed: None,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Inputs with every known key of the wrong type, or odd shapes: no panic, and the audit
    /// still runs (findings or not).
    #[test]
    fn odd_inputs_never_panic() {
        let texts = [
            "nodes: 5\nservices: x\n",
            "services:\n  kube-api:\n    extra_args: [1, 2]\n    audit_log: 3\n    secrets_encryption_config: {enabled: yes, custom_config: [x]}\n    admission_configuration: {plugins: 7}\n  etcd: {external_urls: [1, {a: b}], uid: x}\n  kubelet: {extra_args: {feature-gates: 5}}\nauthorization: []\nprivate_registries: {a: b}\nnodes: [1, [2], {role: x, ssh_key: 4}]\n",
            "rancher_kubernetes_engine_config: 4\n",
            "profile: [cis]\ntoken: {a: b}\nkubelet-arg: {x: y}\nwrite-kubeconfig-mode: [1]\ncni: 7\n",
            "kind: Pod\nspec: {containers: [{command: [kube-apiserver, 5, --, -, --=x, --a=b=c]}]}\n",
            "kind: KubeletConfiguration\nauthentication: 5\nfeatureGates: [1]\ntlsCipherSuites: x\n",
            "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: {a: b}\n",
            "kind: EncryptionConfiguration\nresources: [{resources: x, providers: [5, {}, {aescbc: {keys: [{secret: 7}]}}]}]\n",
            "kind: AdmissionConfiguration\nplugins: [{name: PodSecurity, configuration: {defaults: 5, exemptions: {usernames: x}}}, {name: EventRateLimit, configuration: {limits: [5]}}]\n",
            "client-transport-security: 5\nlisten-client-urls: [1, 2]\n",
            "mirrors: 5\nconfigs: {h: {tls: 3, auth: {password: [x]}}}\n",
            "kube-apiserver \\\n",
            "etcd",
            "",
            "--- \n---\n- a\n",
        ];
        let files: Vec<InputFile> = texts
            .iter()
            .enumerate()
            .map(|(i, t)| InputFile::new(format!("odd/{i}.yaml"), *t))
            .chain([
                InputFile::new("odd/config.yaml.d/x.yaml", "- not a map\n"),
                InputFile::new("odd/config.yaml.d/notes.txt", "token: x\n"),
            ])
            .collect();
        for bench in Bench::ALL {
            let a = audit(&files, &Options { benchmark: bench });
            assert!(a.documents >= texts.len() - 2);
            assert!(
                a.skipped
                    .iter()
                    .any(|(p, _)| p == "odd/config.yaml.d/notes.txt")
            );
            for (path, spans) in &a.secrets {
                let f = files.iter().find(|f| &f.path == path).unwrap();
                let _ = redact(&f.source, spans);
            }
        }
    }
}
