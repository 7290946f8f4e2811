//! RKE (RKE1) cluster.yml: the effective flags of every component as RKE renders them (the
//! Kubernetes version's default service options, the fixed arguments, the structured fields,
//! then `extra_args`, where an empty value deletes a default, and `extra_args_array`), the
//! files RKE writes from it (audit policy, encryption and admission configuration), the
//! secrets written inline, and the keys RKE does not know (it ignores them silently).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, OnceLock};

use kubeguard_engine::ObjectRef;
use kubeguard_source::{Node, Value};

use crate::admission::{Admission, EventRateLimit, Limit, Plugin, PodSecurity};
use crate::audit_policy::Policy;
use crate::encryption::{Encryption, Provider, Resources};
use crate::model::{At, Component, ComponentView, Doc, Flag, Linked, Platform, k8s_minor};
use crate::secrets::{Secret, is_placeholder};

/// The Kubernetes minor RKE deploys when `kubernetes_version` is empty (KDM default of the
/// RKE v1.7 line: v1.31.1-rancher1-1).
pub const DEFAULT_MINOR: u32 = 31;

/// The strong TLS cipher suites RKE's service options set on kube-apiserver and kubelet.
pub const RKE_CIPHERS: &str = "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305,TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384";

const ADMISSION_PLUGINS: &str = "NamespaceLifecycle,LimitRanger,ServiceAccount,DefaultStorageClass,DefaultTolerationSeconds,MutatingAdmissionWebhook,ValidatingAdmissionWebhook,ResourceQuota,NodeRestriction,Priority,TaintNodesByCondition,PersistentVolumeClaimResize";

/// An RKE cluster configuration.
#[derive(Debug, Clone)]
pub struct RkeCluster {
    /// The document.
    pub doc: Doc,
    /// The RKE configuration mapping (the root, or `rancher_kubernetes_engine_config`).
    pub config: Node,
    /// Dotted prefix of `config` in the document (`rancher_kubernetes_engine_config` or empty).
    pub prefix: String,
    /// The object findings are about.
    pub object: Arc<ObjectRef>,
    /// Effective Kubernetes minor.
    pub minor: u32,
    /// Whether `kubernetes_version` (or the kubernetes image) says which version.
    pub version_known: bool,
    /// The component views (etcd only when RKE runs it, not with external etcd).
    pub views: Vec<ComponentView>,
    /// The audit policy RKE writes (when audit logging is on).
    pub policy: Option<Policy>,
    /// The EncryptionConfiguration RKE writes (when secrets encryption is on).
    pub encryption: Option<Encryption>,
    /// The AdmissionConfiguration RKE writes.
    pub admission: Option<Admission>,
    /// Secrets written inline, with the rule that reports them.
    pub secrets: Vec<(&'static str, Secret)>,
    /// Keys RKE does not read.
    pub unknown: Vec<UnknownKey>,
}

/// A key RKE ignores.
#[derive(Debug, Clone, PartialEq)]
pub struct UnknownKey {
    /// Where the key is.
    pub at: At,
    /// The key.
    pub key: String,
    /// A known key it may be a typo of.
    pub suggestion: Option<String>,
    /// Why it is ignored when RKE used to read it.
    pub removed: Option<&'static str>,
}

impl RkeCluster {
    /// The node at a path below the configuration.
    pub fn get(&self, path: &[&str]) -> Option<&Node> {
        self.config.path(path).filter(|n| !n.is_null())
    }

    /// The dotted field of a path below the configuration.
    pub fn field(&self, path: &[&str]) -> String {
        let p = path.join(".");
        match (self.prefix.is_empty(), p.is_empty()) {
            (true, _) => p,
            (false, true) => self.prefix.clone(),
            (false, false) => format!("{}.{p}", self.prefix),
        }
    }

    /// Where a setting is, or (not explicit) the key of its nearest existing parent.
    pub fn at(&self, path: &[&str]) -> At {
        let mut node = &self.config;
        let mut parent_key: Option<&kubeguard_source::Key> = None;
        for (i, k) in path.iter().enumerate() {
            match node.as_map().and_then(|m| m.get_entry(k)) {
                Some((key, value)) => {
                    parent_key = Some(key);
                    node = value;
                }
                None => {
                    let mut at = match parent_key {
                        Some(key) => self.doc.key_at(key, self.field(&path[..i])),
                        None => self.doc.at(&self.config, self.field(&[])),
                    };
                    at.explicit = false;
                    at.field = self.field(path);
                    return at;
                }
            }
        }
        let mut at = match (&node.value, parent_key) {
            (Value::Map(_) | Value::Seq(_) | Value::Null, Some(key)) => {
                self.doc.key_at(key, self.field(path))
            }
            _ => self.doc.at(node, self.field(path)),
        };
        at.explicit = !node.is_null();
        at
    }

    /// A boolean setting (`None` when unset or not a boolean).
    pub fn bool(&self, path: &[&str]) -> Option<bool> {
        self.get(path).and_then(Node::as_bool)
    }

    /// A string setting (scalars formatted; empty strings are `None`).
    pub fn str(&self, path: &[&str]) -> Option<String> {
        self.get(path)
            .and_then(Node::scalar_text)
            .filter(|s| !s.is_empty())
    }

    /// The view of a component.
    pub fn view(&self, c: Component) -> Option<&ComponentView> {
        self.views.iter().find(|v| v.component == c)
    }

    /// Whether audit logging is on (RKE turns it on when `audit_log` is absent).
    pub fn audit_enabled(&self) -> bool {
        match self.get(&["services", "kube-api", "audit_log"]) {
            // RKE turns it on for 1.15.11+, 1.16.8+ and 1.17.4+; minor versions only here.
            None => self.minor >= 17,
            Some(a) => a.get("enabled").and_then(Node::as_bool).unwrap_or(false),
        }
    }

    /// Reads a cluster.yml document.
    pub fn new(doc: Doc, wrapped: bool) -> RkeCluster {
        let (config, prefix) = if wrapped {
            (
                doc.root
                    .get("rancher_kubernetes_engine_config")
                    .cloned()
                    .unwrap_or_else(|| Node::new(doc.root.span, Value::Null)),
                "rancher_kubernetes_engine_config".to_string(),
            )
        } else {
            (doc.root.clone(), String::new())
        };
        let name = config
            .get("cluster_name")
            .and_then(Node::scalar_text)
            .or_else(|| doc.root.get("name").and_then(Node::scalar_text))
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "local".to_string());
        let object = crate::model::object("rke.cattle.io/v1", "RKECluster", &name);
        let mut c = RkeCluster {
            doc,
            config,
            prefix,
            object,
            minor: DEFAULT_MINOR,
            version_known: false,
            views: Vec::new(),
            policy: None,
            encryption: None,
            admission: None,
            secrets: Vec::new(),
            unknown: Vec::new(),
        };
        let version = c
            .str(&["kubernetes_version"])
            .and_then(|v| k8s_minor(&v))
            .or_else(|| {
                c.str(&["system_images", "kubernetes"])
                    .and_then(|v| k8s_minor(&v))
            });
        if let Some(m) = version {
            c.minor = m;
            c.version_known = true;
        }
        c.unknown = unknown_keys(&c);
        c.secrets = secrets(&c);
        c.policy = c.audit_policy();
        c.encryption = c.encryption_config();
        c.admission = Some(c.admission_config());
        c.views = c.build_views();
        c
    }

    fn audit_policy(&self) -> Option<Policy> {
        if !self.audit_enabled() {
            return None;
        }
        let path = [
            "services",
            "kube-api",
            "audit_log",
            "configuration",
            "policy",
        ];
        Some(match self.get(&path) {
            Some(p) => Policy::from_node(
                &self.doc,
                p,
                &self.field(&path),
                "cluster.yml audit_log policy",
            ),
            None => Policy::synthetic(
                self.at(&["services", "kube-api", "audit_log"])
                    .default_here(),
                &["Metadata"],
                "RKE's default audit policy",
            ),
        })
    }

    fn encryption_config(&self) -> Option<Encryption> {
        let base = ["services", "kube-api", "secrets_encryption_config"];
        if self.bool(&[base[0], base[1], base[2], "enabled"]) != Some(true) {
            return None;
        }
        let custom = [base[0], base[1], base[2], "custom_config"];
        Some(match self.get(&custom) {
            Some(c) => Encryption::from_node(&self.doc, c, &self.field(&custom), "custom_config"),
            None => {
                let at = self
                    .at(&[base[0], base[1], base[2], "enabled"])
                    .default_here();
                Encryption {
                    resources: vec![Resources {
                        names: vec!["secrets".into()],
                        providers: ["aescbc", "identity"]
                            .iter()
                            .map(|k| Provider {
                                kind: (*k).into(),
                                at: at.clone(),
                                keys: Vec::new(),
                                kms_version: None,
                            })
                            .collect(),
                        at: at.clone(),
                    }],
                    at,
                    origin: "RKE's generated encryption configuration".into(),
                }
            }
        })
    }

    fn admission_config(&self) -> Admission {
        let api = ["services", "kube-api"];
        let custom = ["services", "kube-api", "admission_configuration"];
        let mut adm = match self.get(&custom) {
            Some(n) => Admission::from_node(
                &self.doc,
                n,
                &self.field(&custom),
                "admission_configuration",
            ),
            None => Admission {
                at: self.at(&api).default_here(),
                plugins: Vec::new(),
                origin: "RKE's generated admission configuration".into(),
            },
        };
        if adm.pod_security().is_none() && self.minor >= 23 {
            let psc = ["services", "kube-api", "pod_security_configuration"];
            let level = self.str(&psc).unwrap_or_else(|| "privileged".into());
            let at = self.at(&psc);
            adm.plugins.push(Plugin {
                name: "PodSecurity".into(),
                at: at.clone(),
                path: None,
                pod_security: Some(PodSecurity {
                    at: at.clone(),
                    enforce: Some((level, at)),
                    usernames: Vec::new(),
                    namespaces: Vec::new(),
                    runtime_classes: Vec::new(),
                    unknown: Vec::new(),
                }),
                event_rate_limit: None,
            });
        }
        let erl = ["services", "kube-api", "event_rate_limit"];
        if self.bool(&[erl[0], erl[1], erl[2], "enabled"]) == Some(true)
            && adm.event_rate_limit().is_none()
        {
            let conf = [erl[0], erl[1], erl[2], "configuration"];
            let at = self.at(&[erl[0], erl[1], erl[2], "enabled"]);
            let config = match self.get(&conf) {
                Some(n) => EventRateLimit::from_node(&self.doc, n, &self.field(&conf)),
                None => EventRateLimit {
                    at: at.default_here(),
                    limits: vec![Limit {
                        kind: "Server".into(),
                        qps: Some(5000),
                        burst: Some(20000),
                        at: at.default_here(),
                    }],
                },
            };
            adm.plugins.push(Plugin {
                name: "EventRateLimit".into(),
                at,
                path: None,
                pod_security: None,
                event_rate_limit: Some(config),
            });
        }
        adm
    }

    fn new_view(&self, c: Component, svc: &str) -> ComponentView {
        let mut v = ComponentView::new(
            c,
            Platform::Rke,
            self.object.clone(),
            self.at(&["services", svc]).default_here(),
            format!("{} ({})", self.doc.path, c.name()),
        );
        v.k8s_minor = Some(self.minor);
        v.set_hint = format!(
            "{} (cluster.yml)",
            self.field(&["services", svc, "extra_args"])
        );
        v
    }

    fn defaults(&self, v: &mut ComponentView, pairs: &[(&str, &str)]) {
        let at = v.anchor.default_here();
        for (k, val) in pairs {
            v.set(k, *val, at.clone());
        }
    }

    /// Applies `extra_args` (an empty value deletes the flag) and `extra_args_array`.
    fn extra_args(&self, v: &mut ComponentView, svc: &str) {
        v.baseline = Some(v.flags.clone());
        let path = ["services", svc, "extra_args"];
        if let Some(m) = self.get(&path).and_then(Node::as_map) {
            for (k, val) in m.iter() {
                let value = val.scalar_text().unwrap_or_default();
                let at = self.doc.at(val, format!("{}.{k}", self.field(&path)));
                let name = k.trim_start_matches('-');
                if value.is_empty() {
                    v.flags.remove(name);
                    v.removed.insert(name.to_string(), at);
                } else {
                    v.flags.insert(name.to_string(), Flag { value, at });
                }
            }
        }
        let path = ["services", svc, "extra_args_array"];
        if let Some(m) = self.get(&path).and_then(Node::as_map) {
            for (k, items) in m.iter() {
                for (i, val) in items.as_seq().unwrap_or_default().iter().enumerate() {
                    let at = self.doc.at(val, format!("{}.{k}[{i}]", self.field(&path)));
                    v.set(
                        k.trim_start_matches('-'),
                        val.scalar_text().unwrap_or_default(),
                        at,
                    );
                }
            }
        }
    }

    fn build_views(&self) -> Vec<ComponentView> {
        let mut views = Vec::new();
        // kube-apiserver
        let mut api = self.new_view(Component::ApiServer, "kube-api");
        self.defaults(
            &mut api,
            &[
                ("anonymous-auth", "false"),
                ("profiling", "false"),
                ("service-account-lookup", "true"),
                ("secure-port", "6443"),
                ("bind-address", "0.0.0.0"),
                ("allow-privileged", "true"),
                ("storage-backend", "etcd3"),
                ("tls-cipher-suites", RKE_CIPHERS),
                ("service-account-issuer", "rke"),
                (
                    "service-account-signing-key-file",
                    "/etc/kubernetes/ssl/kube-service-account-token-key.pem",
                ),
                ("api-audiences", "unknown"),
                ("client-ca-file", "/etc/kubernetes/ssl/kube-ca.pem"),
                ("etcd-cafile", "/etc/kubernetes/ssl/kube-ca.pem"),
                ("etcd-certfile", "/etc/kubernetes/ssl/kube-node.pem"),
                ("etcd-keyfile", "/etc/kubernetes/ssl/kube-node-key.pem"),
                (
                    "kubelet-client-certificate",
                    "/etc/kubernetes/ssl/kube-apiserver.pem",
                ),
                (
                    "kubelet-client-key",
                    "/etc/kubernetes/ssl/kube-apiserver-key.pem",
                ),
                (
                    "service-account-key-file",
                    "/etc/kubernetes/ssl/kube-service-account-token-key.pem",
                ),
                ("tls-cert-file", "/etc/kubernetes/ssl/kube-apiserver.pem"),
                (
                    "tls-private-key-file",
                    "/etc/kubernetes/ssl/kube-apiserver-key.pem",
                ),
            ],
        );
        if self.minor < 24 {
            let at = api.anchor.clone();
            api.set("insecure-port", "0", at);
        }
        if self.minor >= 23 {
            let at = self
                .at(&["services", "kube-api", "pod_security_configuration"])
                .default_here();
            api.set(
                "admission-control-config-file",
                "/etc/kubernetes/admission.yaml",
                at,
            );
        }
        let mode_path = ["authorization", "mode"];
        let mode = self.str(&mode_path).unwrap_or_else(|| "rbac".into());
        if mode == "rbac" {
            api.set(
                "authorization-mode",
                "Node,RBAC",
                self.at(&mode_path).default_here(),
            );
        }
        let mut plugins: Vec<&str> = ADMISSION_PLUGINS.split(',').collect();
        let mut plugins_at = api.anchor.clone();
        if self.bool(&["services", "kube-api", "always_pull_images"]) == Some(true) {
            plugins.push("AlwaysPullImages");
            plugins_at = self.at(&["services", "kube-api", "always_pull_images"]);
        }
        if self.bool(&["services", "kube-api", "event_rate_limit", "enabled"]) == Some(true) {
            plugins.push("EventRateLimit");
            plugins_at = self.at(&["services", "kube-api", "event_rate_limit", "enabled"]);
        }
        plugins_at.explicit = false;
        api.set("enable-admission-plugins", plugins.join(","), plugins_at);
        let enc = [
            "services",
            "kube-api",
            "secrets_encryption_config",
            "enabled",
        ];
        if self.bool(&enc) == Some(true) {
            api.set(
                "encryption-provider-config",
                "/etc/kubernetes/ssl/encryption.yaml",
                self.at(&enc),
            );
        }
        let gsc = ["services", "kubelet", "generate_serving_certificate"];
        if self.bool(&gsc) == Some(true) {
            api.set(
                "kubelet-certificate-authority",
                "/etc/kubernetes/ssl/kube-ca.pem",
                self.at(&gsc),
            );
        }
        if self.audit_enabled() {
            let base = ["services", "kube-api", "audit_log", "configuration"];
            let conf = |k: &'static str, dflt: &str| -> (String, At) {
                let p = [base[0], base[1], base[2], base[3], k];
                match self
                    .get(&p)
                    .and_then(Node::scalar_text)
                    .filter(|s| !s.is_empty() && s != "0")
                {
                    Some(v) => (v, self.at(&p)),
                    None => (
                        dflt.to_string(),
                        self.at(&["services", "kube-api", "audit_log"])
                            .default_here(),
                    ),
                }
            };
            for (flag, key, dflt) in [
                ("audit-log-maxage", "max_age", "30"),
                ("audit-log-maxbackup", "max_backup", "10"),
                ("audit-log-maxsize", "max_size", "100"),
                (
                    "audit-log-path",
                    "path",
                    "/var/log/kube-audit/audit-log.json",
                ),
                ("audit-log-format", "format", "json"),
            ] {
                let (v, at) = conf(key, dflt);
                api.set(flag, v, at);
            }
            let at = self
                .at(&["services", "kube-api", "audit_log"])
                .default_here();
            api.set("audit-policy-file", "/etc/kubernetes/audit-policy.yaml", at);
        }
        if self
            .str(&["authentication", "strategy"])
            .is_some_and(|s| s.contains("webhook"))
        {
            let at = self.at(&["authentication", "webhook"]);
            api.set(
                "authentication-token-webhook-config-file",
                "/etc/kubernetes/kube-api-authn-webhook.yaml",
                at,
            );
        }
        if let Some(name) = self.str(&["cloud_provider", "name"]) {
            let at = self.at(&["cloud_provider", "name"]);
            api.set("cloud-provider", name, at.clone());
            api.set("cloud-config", "/etc/kubernetes/cloud-config", at);
        }
        self.extra_args(&mut api, "kube-api");
        api.audit_policy = link(
            &api,
            "audit-policy-file",
            "/etc/kubernetes/audit-policy.yaml",
            self.policy.clone(),
        );
        api.encryption = link(
            &api,
            "encryption-provider-config",
            "/etc/kubernetes/ssl/encryption.yaml",
            self.encryption.clone(),
        );
        api.admission = link(
            &api,
            "admission-control-config-file",
            "/etc/kubernetes/admission.yaml",
            self.admission.clone(),
        );
        views.push(api);

        // kube-controller-manager
        let mut cm = self.new_view(Component::ControllerManager, "kube-controller");
        self.defaults(
            &mut cm,
            &[
                ("profiling", "false"),
                ("terminated-pod-gc-threshold", "1000"),
                ("leader-elect", "true"),
                ("allocate-node-cidrs", "true"),
                ("configure-cloud-routes", "false"),
                ("enable-hostpath-provisioner", "false"),
                ("node-monitor-grace-period", "40s"),
                ("use-service-account-credentials", "true"),
                ("root-ca-file", "/etc/kubernetes/ssl/kube-ca.pem"),
                (
                    "service-account-private-key-file",
                    "/etc/kubernetes/ssl/kube-service-account-token-key.pem",
                ),
                (
                    "kubeconfig",
                    "/etc/kubernetes/ssl/kubecfg-kube-controller-manager.yaml",
                ),
                (
                    "authentication-kubeconfig",
                    "/etc/kubernetes/ssl/kubecfg-kube-controller-manager.yaml",
                ),
                (
                    "authorization-kubeconfig",
                    "/etc/kubernetes/ssl/kubecfg-kube-controller-manager.yaml",
                ),
            ],
        );
        self.extra_args(&mut cm, "kube-controller");
        views.push(cm);

        // kube-scheduler
        let mut sch = self.new_view(Component::Scheduler, "scheduler");
        self.defaults(
            &mut sch,
            &[
                ("profiling", "false"),
                ("leader-elect", "true"),
                (
                    "kubeconfig",
                    "/etc/kubernetes/ssl/kubecfg-kube-scheduler.yaml",
                ),
                (
                    "authentication-kubeconfig",
                    "/etc/kubernetes/ssl/kubecfg-kube-scheduler.yaml",
                ),
                (
                    "authorization-kubeconfig",
                    "/etc/kubernetes/ssl/kubecfg-kube-scheduler.yaml",
                ),
            ],
        );
        self.extra_args(&mut sch, "scheduler");
        views.push(sch);

        // kubelet
        let mut kl = self.new_view(Component::Kubelet, "kubelet");
        self.defaults(
            &mut kl,
            &[
                ("anonymous-auth", "false"),
                ("authentication-token-webhook", "true"),
                ("authorization-mode", "Webhook"),
                ("read-only-port", "0"),
                ("streaming-connection-idle-timeout", "30m"),
                ("make-iptables-util-chains", "true"),
                ("event-qps", "0"),
                ("tls-cipher-suites", RKE_CIPHERS),
                ("address", "0.0.0.0"),
                ("client-ca-file", "/etc/kubernetes/ssl/kube-ca.pem"),
                ("hostname-override", "<node hostname_override or address>"),
                ("kubeconfig", "/etc/kubernetes/ssl/kubecfg-kube-node.yaml"),
            ],
        );
        let fso = ["services", "kubelet", "fail_swap_on"];
        kl.set(
            "fail-swap-on",
            self.bool(&fso).unwrap_or(false).to_string(),
            self.at(&fso).default_here(),
        );
        if self.minor >= 24 {
            let at = kl.anchor.clone();
            kl.set(
                "container-runtime-endpoint",
                "unix:///var/run/cri-dockerd.sock",
                at,
            );
        }
        if self.bool(&gsc) == Some(true) {
            kl.set(
                "tls-cert-file",
                "/etc/kubernetes/ssl/kube-kubelet-<node>.pem",
                self.at(&gsc),
            );
            kl.set(
                "tls-private-key-file",
                "/etc/kubernetes/ssl/kube-kubelet-<node>-key.pem",
                self.at(&gsc),
            );
        }
        self.extra_args(&mut kl, "kubelet");
        views.push(kl);

        // etcd, unless external
        let external = self
            .get(&["services", "etcd", "external_urls"])
            .and_then(Node::as_seq)
            .is_some_and(|s| !s.is_empty());
        if !external {
            let mut etcd = self.new_view(Component::Etcd, "etcd");
            self.defaults(
                &mut etcd,
                &[
                    ("client-cert-auth", "true"),
                    ("peer-client-cert-auth", "true"),
                    ("cert-file", "/etc/kubernetes/ssl/kube-etcd-<node>.pem"),
                    ("key-file", "/etc/kubernetes/ssl/kube-etcd-<node>-key.pem"),
                    ("peer-cert-file", "/etc/kubernetes/ssl/kube-etcd-<node>.pem"),
                    (
                        "peer-key-file",
                        "/etc/kubernetes/ssl/kube-etcd-<node>-key.pem",
                    ),
                    ("trusted-ca-file", "/etc/kubernetes/ssl/kube-ca.pem"),
                    ("peer-trusted-ca-file", "/etc/kubernetes/ssl/kube-ca.pem"),
                    ("election-timeout", "5000"),
                    ("heartbeat-interval", "500"),
                    ("listen-client-urls", "https://0.0.0.0:2379"),
                    ("advertise-client-urls", "https://<node>:2379"),
                    ("listen-peer-urls", "https://0.0.0.0:2380"),
                ],
            );
            self.extra_args(&mut etcd, "etcd");
            views.push(etcd);
        }

        // kube-proxy
        let mut kp = self.new_view(Component::KubeProxy, "kubeproxy");
        self.defaults(
            &mut kp,
            &[
                ("healthz-bind-address", "127.0.0.1"),
                ("kubeconfig", "/etc/kubernetes/ssl/kubecfg-kube-proxy.yaml"),
            ],
        );
        self.extra_args(&mut kp, "kubeproxy");
        views.push(kp);
        views
    }
}

/// The file a flag names: RKE's own (when the flag still names it) or a file RKE does not write.
fn link<T>(v: &ComponentView, flag: &str, rke_path: &str, rke_file: Option<T>) -> Linked<T> {
    match v.value(flag) {
        None => Linked::None,
        Some(p) if p == rke_path => {
            rke_file.map_or(Linked::Unresolved(p.to_string()), Linked::Found)
        }
        Some(p) => Linked::Unresolved(p.to_string()),
    }
}

/// The cluster.yml key paths RKE reads, and those under which any key is accepted.
struct KeyTable {
    known: HashSet<&'static str>,
    free: HashSet<&'static str>,
    children: HashMap<&'static str, Vec<&'static str>>,
}

fn key_table() -> &'static KeyTable {
    static TABLE: OnceLock<KeyTable> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t = KeyTable {
            known: HashSet::new(),
            free: HashSet::new(),
            children: HashMap::new(),
        };
        for line in include_str!("data/rke_keys.txt").lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let (path, free) = match line.strip_suffix(" *") {
                Some(p) => (p, true),
                None => (line, false),
            };
            t.known.insert(path);
            if free {
                t.free.insert(path);
            }
            let (parent, child) = path.rsplit_once('.').unwrap_or(("", path));
            let child = child.trim_end_matches("[]");
            let parent_entry = t.children.entry(parent).or_default();
            if !parent_entry.contains(&child) {
                parent_entry.push(child);
            }
        }
        t
    })
}

/// Keys removed from RKE that older guides still write.
const REMOVED: &[(&str, &str)] = &[(
    "services.kube-api.pod_security_policy",
    "removed in RKE v1.6.0: use pod_security_configuration or admission_configuration",
)];

/// Levenshtein distance (small strings only).
pub fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The closest candidate to `key` (by edit distance after normalising `-`/`_` and case).
pub fn suggest<'a>(key: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let norm = |s: &str| s.to_ascii_lowercase().replace('-', "_");
    let k = norm(key);
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let d = distance(&k, &norm(c));
        if best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    let (d, c) = best?;
    (d <= (key.chars().count() / 3).max(2)).then(|| c.to_string())
}

fn unknown_keys(c: &RkeCluster) -> Vec<UnknownKey> {
    let table = key_table();
    let mut out = Vec::new();
    let mut stack: Vec<(&Node, String, String)> =
        vec![(&c.config, String::new(), c.prefix.clone())];
    while let Some((node, path, field)) = stack.pop() {
        match &node.value {
            Value::Map(m) => {
                for (k, v) in m.entries.iter() {
                    let key = &*k.text;
                    let p = if path.is_empty() {
                        key.to_string()
                    } else {
                        format!("{path}.{key}")
                    };
                    let f = if field.is_empty() {
                        key.to_string()
                    } else {
                        format!("{field}.{key}")
                    };
                    let list_p = format!("{p}[]");
                    if table.known.contains(p.as_str()) || table.known.contains(list_p.as_str()) {
                        let is_list = table.known.contains(list_p.as_str());
                        let lp = if is_list { list_p } else { p };
                        if !table.free.contains(lp.as_str()) {
                            stack.push((v, lp, f));
                        }
                        continue;
                    }
                    let removed = REMOVED.iter().find(|(r, _)| *r == p).map(|(_, why)| *why);
                    let siblings = table
                        .children
                        .get(path.as_str())
                        .cloned()
                        .unwrap_or_default();
                    out.push(UnknownKey {
                        at: At {
                            loc: Some(c.doc.loc(k.span)),
                            field: f,
                            explicit: true,
                        },
                        key: key.to_string(),
                        suggestion: if removed.is_some() {
                            None
                        } else {
                            suggest(key, siblings)
                        },
                        removed,
                    });
                }
            }
            Value::Seq(items) if path.ends_with("[]") => {
                for (i, item) in items.iter().enumerate() {
                    stack.push((item, path.clone(), format!("{field}[{i}]")));
                }
            }
            _ => {}
        }
    }
    out.sort_by_key(|u| u.at.loc.as_ref().map(|l| l.span.start));
    out
}

/// Secret-bearing keys (paths below the configuration; `[]` for list items, `*` for any key),
/// with the rule that reports them and what they are.
const SECRET_PATHS: &[(&str, &str, &str)] = &[
    ("nodes[].ssh_key", "RKE-033", "SSH private key"),
    ("bastion_host.ssh_key", "RKE-033", "bastion SSH private key"),
    (
        "private_registries[].password",
        "RKE-037",
        "registry password",
    ),
    (
        "private_registries[].ecr_credential_plugin.aws_access_key_id",
        "RKE-038",
        "AWS access key id",
    ),
    (
        "private_registries[].ecr_credential_plugin.aws_secret_access_key",
        "RKE-038",
        "AWS secret access key",
    ),
    (
        "private_registries[].ecr_credential_plugin.aws_session_token",
        "RKE-038",
        "AWS session token",
    ),
    ("services.etcd.key", "RKE-021", "external etcd client key"),
    (
        "services.etcd.backup_config.s3backupconfig.access_key",
        "RKE-020",
        "S3 access key",
    ),
    (
        "services.etcd.backup_config.s3backupconfig.secret_key",
        "RKE-020",
        "S3 secret key",
    ),
    (
        "network.weave_network_provider.password",
        "RKE-029",
        "Weave encryption password",
    ),
    ("network.aci_network_provider.token", "RKE-029", "ACI token"),
    (
        "network.aci_network_provider.apic_user_key",
        "RKE-029",
        "ACI APIC user key",
    ),
    (
        "network.aci_network_provider.kafka_client_key",
        "RKE-029",
        "ACI Kafka client key",
    ),
    (
        "cloud_provider.azureCloudProvider.aadClientSecret",
        "RKE-039",
        "Azure client secret",
    ),
    (
        "cloud_provider.azureCloudProvider.aadClientCertPassword",
        "RKE-039",
        "Azure client certificate password",
    ),
    (
        "cloud_provider.vsphereCloudProvider.global.password",
        "RKE-039",
        "vSphere password",
    ),
    (
        "cloud_provider.vsphereCloudProvider.virtual_center.*.password",
        "RKE-039",
        "vSphere vCenter password",
    ),
    (
        "cloud_provider.openstackCloudProvider.global.password",
        "RKE-039",
        "OpenStack password",
    ),
    (
        "cloud_provider.customCloudProvider",
        "RKE-039",
        "custom cloud provider configuration",
    ),
    (
        "authentication.webhook.config_file",
        "RKE-031",
        "authentication webhook kubeconfig",
    ),
];

fn walk<'n>(node: &'n Node, parts: &[&str], field: String, out: &mut Vec<(&'n Node, String)>) {
    let Some((first, rest)) = parts.split_first() else {
        out.push((node, field));
        return;
    };
    let join = |k: &str| {
        if field.is_empty() {
            k.to_string()
        } else {
            format!("{field}.{k}")
        }
    };
    if *first == "*" {
        for (k, v) in node
            .as_map()
            .map(|m| m.iter().collect::<Vec<_>>())
            .unwrap_or_default()
        {
            walk(v, rest, join(k), out);
        }
    } else if let Some(key) = first.strip_suffix("[]") {
        if let Some(items) = node.get(key).and_then(Node::as_seq) {
            for (i, item) in items.iter().enumerate() {
                walk(item, rest, format!("{}[{i}]", join(key)), out);
            }
        }
    } else if let Some(v) = node.get(first) {
        walk(v, rest, join(first), out);
    }
}

fn secrets(c: &RkeCluster) -> Vec<(&'static str, Secret)> {
    let mut out = Vec::new();
    for (path, rule, what) in SECRET_PATHS {
        let parts: Vec<&str> = path.split('.').collect();
        let mut found = Vec::new();
        walk(&c.config, &parts, c.prefix.clone(), &mut found);
        for (node, field) in found {
            let Some(text) = node.scalar_text() else {
                continue;
            };
            if is_placeholder(&text) {
                continue;
            }
            // The webhook config is a kubeconfig: only a secret when it carries credentials.
            if *rule == "RKE-031"
                && !["token:", "client-key-data", "password:"]
                    .iter()
                    .any(|k| text.contains(k))
            {
                continue;
            }
            out.push((
                *rule,
                Secret {
                    at: c.doc.at(node, field),
                    span: node.span,
                    path: c.doc.path.clone(),
                    what: (*what).to_string(),
                },
            ));
        }
    }
    if let Some(enc) = c.get(&[
        "services",
        "kube-api",
        "secrets_encryption_config",
        "custom_config",
    ]) {
        let e = Encryption::from_node(&c.doc, enc, "", "");
        for r in &e.resources {
            for p in &r.providers {
                for k in &p.keys {
                    if let Some(s) = &k.secret {
                        let mut s = s.clone();
                        s.at.field = format!(
                            "{}.{}",
                            c.field(&[
                                "services",
                                "kube-api",
                                "secrets_encryption_config",
                                "custom_config"
                            ]),
                            s.at.field
                        );
                        out.push(("RKE-003", s));
                    }
                }
            }
        }
    }
    // extra_env entries (`NAME=value`) whose name says secret.
    for svc in [
        "etcd",
        "kube-api",
        "kube-controller",
        "scheduler",
        "kubelet",
        "kubeproxy",
    ] {
        for key in ["extra_env", "win_extra_env"] {
            let path = ["services", svc, key];
            for (i, n) in c
                .get(&path)
                .and_then(Node::as_seq)
                .unwrap_or_default()
                .iter()
                .enumerate()
            {
                let Some(text) = n.as_str() else { continue };
                let Some((name, value)) = text.split_once('=') else {
                    continue;
                };
                if secret_name(name) && !is_placeholder(value) {
                    out.push((
                        "RKE-027",
                        Secret {
                            at: c.doc.at(n, format!("{}[{i}]", c.field(&path))),
                            span: n.span,
                            path: c.doc.path.clone(),
                            what: format!("environment variable {name}"),
                        },
                    ));
                }
            }
        }
    }
    out
}

/// Whether a variable or key name says it holds a secret.
pub fn secret_name(name: &str) -> bool {
    let n = name.to_ascii_uppercase();
    [
        "PASSWORD",
        "PASSWD",
        "SECRET",
        "TOKEN",
        "PRIVATE_KEY",
        "ACCESS_KEY",
        "API_KEY",
        "CREDENTIAL",
    ]
    .iter()
    .any(|w| n.contains(w))
}

/// The components' flags as a map for tests and debugging.
pub fn flags_of(v: &ComponentView) -> BTreeMap<&str, &str> {
    v.flags
        .iter()
        .map(|(k, f)| (k.as_str(), f.value.as_str()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::parse_yaml;

    fn cluster(text: &str) -> RkeCluster {
        let (docs, errors) = parse_yaml("cluster.yml", text);
        assert!(errors.is_empty(), "{errors:?}");
        RkeCluster::new(docs.into_iter().next().unwrap(), false)
    }

    #[test]
    fn empty_cluster_gets_rke_defaults() {
        let c = cluster("nodes: []\n");
        let api = c.view(Component::ApiServer).unwrap();
        assert_eq!(api.value("authorization-mode"), Some("Node,RBAC"));
        assert_eq!(api.value("anonymous-auth"), Some("false"));
        assert_eq!(api.value("audit-log-maxage"), Some("30"));
        assert!(api.value("encryption-provider-config").is_none());
        assert!(matches!(api.audit_policy, Linked::Found(_)));
        let f = api.flag("anonymous-auth").unwrap();
        assert!(!f.at.explicit);
        assert!(c.view(Component::Etcd).is_some());
        assert!(c.unknown.is_empty());
    }

    #[test]
    fn extra_args_override_and_empty_deletes() {
        let c = cluster(
            "services:\n  kube-api:\n    extra_args:\n      anonymous-auth: \"true\"\n      profiling: \"\"\n    always_pull_images: true\n  kubelet:\n    extra_args_array:\n      read-only-port: [\"10255\"]\nauthorization:\n  mode: none\n",
        );
        let api = c.view(Component::ApiServer).unwrap();
        assert_eq!(api.value("anonymous-auth"), Some("true"));
        assert!(api.flag("anonymous-auth").unwrap().at.explicit);
        assert_eq!(api.value("profiling"), None);
        assert_eq!(
            api.at("profiling").field,
            "services.kube-api.extra_args.profiling"
        );
        assert_eq!(api.baseline.as_ref().unwrap()["profiling"].value, "false");
        assert!(
            api.value("enable-admission-plugins")
                .unwrap()
                .ends_with("AlwaysPullImages")
        );
        assert_eq!(api.value("authorization-mode"), None);
        let kl = c.view(Component::Kubelet).unwrap();
        assert_eq!(kl.value("read-only-port"), Some("10255"));
    }

    #[test]
    fn unknown_and_removed_keys() {
        let c = cluster(
            "services:\n  kube-api:\n    pod_security_policy: true\n    secrets_encrytion_config:\n      enabled: true\n  kubelet:\n    pod-infra-container-image: x\nnetwork:\n  plugn: canal\nnodes:\n- address: a\n  rol: [worker]\n",
        );
        let keys: Vec<(&str, Option<&str>, bool)> = c
            .unknown
            .iter()
            .map(|u| (u.key.as_str(), u.suggestion.as_deref(), u.removed.is_some()))
            .collect();
        assert_eq!(
            keys,
            vec![
                ("pod_security_policy", None, true),
                (
                    "secrets_encrytion_config",
                    Some("secrets_encryption_config"),
                    false
                ),
                (
                    "pod-infra-container-image",
                    Some("infra_container_image"),
                    false
                ),
                ("plugn", Some("plugin"), false),
                ("rol", Some("role"), false),
            ]
        );
        assert_eq!(c.unknown[4].at.field, "nodes[0].rol");
    }

    #[test]
    fn secrets_are_found_not_copied() {
        let c = cluster(
            "private_registries:\n- url: r.example.com\n  user: u\n  password: s3cr3t\nnodes:\n- address: a\n  ssh_key: |-\n    -----BEGIN KEY-----\n    abc\n",
        );
        let rules: Vec<&str> = c.secrets.iter().map(|(r, _)| *r).collect();
        assert_eq!(rules, vec!["RKE-033", "RKE-037"]);
        assert_eq!(c.secrets[1].1.at.field, "private_registries[0].password");
        assert!(!format!("{:?}", c.secrets[1].1.what).contains("s3cr3t"));
    }

    #[test]
    fn wrapped_template_and_version() {
        let (docs, _) = parse_yaml(
            "t.yml",
            "enable_network_policy: true\nrancher_kubernetes_engine_config:\n  kubernetes_version: v1.24.17-rancher1-1\n  services:\n    kube-api:\n      pod_security_policy: false\n",
        );
        let c = RkeCluster::new(docs.into_iter().next().unwrap(), true);
        assert_eq!(c.minor, 24);
        assert_eq!(c.unknown.len(), 1);
        assert_eq!(
            c.unknown[0].at.field,
            "rancher_kubernetes_engine_config.services.kube-api.pod_security_policy"
        );
        assert!(
            c.view(Component::ApiServer)
                .unwrap()
                .value("insecure-port")
                .is_none()
        );
        assert_eq!(
            suggest("kube_api", ["kube-api", "etcd"]).as_deref(),
            Some("kube-api")
        );
        assert_eq!(distance("abc", "abd"), 1);
    }
}
