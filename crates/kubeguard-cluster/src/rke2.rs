//! RKE2 config.yaml: the files merged in RKE2's order (config.yaml, then config.yaml.d/*.yaml
//! in lexical order; a later key replaces an earlier one, `key+` appends to it), and the
//! components' effective flags: RKE2's own arguments (with and without `profile: cis`), then
//! the `*-arg` lists, where a user argument replaces RKE2's argument of the same name.

use std::collections::BTreeMap;
use std::sync::Arc;

use kubeguard_engine::ObjectRef;
use kubeguard_source::{Node, Value};

use crate::admission::{Admission, Plugin, PodSecurity};
use crate::audit_policy::Policy;
use crate::encryption::{Encryption, Provider, Resources};
use crate::model::{At, Component, ComponentView, Doc, Linked, Platform, object};
use crate::rke::{UnknownKey, suggest};
use crate::secrets::{Secret, is_placeholder};

/// The keys of RKE2's server and agent configuration (the long flag names).
pub const KNOWN_KEYS: &[&str] = &[
    "config",
    "debug",
    "v",
    "vmodule",
    "log",
    "alsologtostderr",
    "data-dir",
    "bind-address",
    "advertise-address",
    "tls-san",
    "tls-san-security",
    "cluster-cidr",
    "service-cidr",
    "service-node-port-range",
    "cluster-dns",
    "cluster-domain",
    "egress-selector-mode",
    "servicelb-namespace",
    "write-kubeconfig",
    "write-kubeconfig-mode",
    "write-kubeconfig-group",
    "write-kubeconfig-user",
    "helm-job-image",
    "token",
    "token-file",
    "agent-token",
    "agent-token-file",
    "server",
    "cluster-reset",
    "cluster-reset-restore-path",
    "kube-apiserver-arg",
    "etcd-arg",
    "kube-controller-manager-arg",
    "kube-scheduler-arg",
    "kube-cloud-controller-manager-arg",
    "kubelet-arg",
    "kube-proxy-arg",
    "datastore-endpoint",
    "datastore-cafile",
    "datastore-certfile",
    "datastore-keyfile",
    "etcd-expose-metrics",
    "etcd-disable-snapshots",
    "etcd-snapshot-name",
    "etcd-snapshot-schedule-cron",
    "etcd-snapshot-retention",
    "etcd-snapshot-dir",
    "etcd-snapshot-compress",
    "etcd-snapshot-reconcile-interval",
    "etcd-s3",
    "etcd-s3-endpoint",
    "etcd-s3-endpoint-ca",
    "etcd-s3-skip-ssl-verify",
    "etcd-s3-access-key",
    "etcd-s3-secret-key",
    "etcd-s3-session-token",
    "etcd-s3-bucket",
    "etcd-s3-bucket-lookup-type",
    "etcd-s3-region",
    "etcd-s3-folder",
    "etcd-s3-proxy",
    "etcd-s3-config-secret",
    "etcd-s3-insecure",
    "etcd-s3-timeout",
    "etcd-s3-retention",
    "disable",
    "disable-scheduler",
    "disable-cloud-controller",
    "disable-kube-proxy",
    "disable-apiserver",
    "disable-controller-manager",
    "disable-etcd",
    "embedded-registry",
    "supervisor-metrics",
    "enable-pprof",
    "node-name",
    "with-node-id",
    "node-label",
    "node-taint",
    "image-credential-provider-bin-dir",
    "image-credential-provider-config",
    "container-runtime-endpoint",
    "image-service-endpoint",
    "default-runtime",
    "disable-default-registry-endpoint",
    "nonroot-devices",
    "snapshotter",
    "private-registry",
    "system-default-registry",
    "airgap-extra-registry",
    "node-ip",
    "node-external-ip",
    "node-internal-dns",
    "node-external-dns",
    "resolv-conf",
    "protect-kernel-defaults",
    "selinux",
    "lb-server-port",
    "vpn-auth",
    "vpn-auth-file",
    "cloud-provider-name",
    "cloud-provider-config",
    "profile",
    "audit-policy-file",
    "pod-security-admission-config-file",
    "control-plane-resource-requests",
    "control-plane-resource-limits",
    "control-plane-probe-configuration",
    "kube-apiserver-image",
    "kube-controller-manager-image",
    "cloud-controller-manager-image",
    "kube-proxy-image",
    "kube-scheduler-image",
    "pause-image",
    "runtime-image",
    "etcd-image",
    "kubelet-path",
    "cni",
    "enable-servicelb",
    "ingress-controller",
    "secrets-encryption",
    "secrets-encryption-provider",
    "kube-apiserver-extra-mount",
    "kube-scheduler-extra-mount",
    "kube-controller-manager-extra-mount",
    "kube-proxy-extra-mount",
    "etcd-extra-mount",
    "cloud-controller-manager-extra-mount",
    "kube-apiserver-extra-env",
    "kube-scheduler-extra-env",
    "kube-controller-manager-extra-env",
    "kube-proxy-extra-env",
    "etcd-extra-env",
    "cloud-controller-manager-extra-env",
    "cluster-init",
];

/// One value a merged key took, with where it was written.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The value node.
    pub node: Node,
    /// Where it is.
    pub at: At,
}

/// A merged RKE2 configuration.
#[derive(Debug, Clone)]
pub struct Rke2Config {
    /// The files in merge order.
    pub docs: Vec<Doc>,
    /// The merged keys: the entries that make up each value (several with `key+`).
    pub settings: BTreeMap<String, Vec<Entry>>,
    /// Keys set in one file and replaced by a later one: (key, replaced, winner).
    pub replaced: Vec<(String, At, At)>,
    /// The object findings are about.
    pub object: Arc<ObjectRef>,
    /// Where missing settings are reported (the first file's root).
    pub anchor: At,
    /// Display paths of the files, `+`-joined.
    pub target: String,
    /// Component views.
    pub views: Vec<ComponentView>,
    /// The audit policy RKE2 writes itself (profile set, no audit-policy-file).
    pub default_policy: Option<Policy>,
    /// The admission configuration RKE2 writes itself (no pod-security-admission-config-file).
    pub default_admission: Option<Admission>,
    /// Secrets written inline, with the rule reporting them.
    pub secrets: Vec<(&'static str, Secret)>,
    /// Keys RKE2 does not know.
    pub unknown: Vec<UnknownKey>,
}

const ARG_KEYS: &[(&str, Component)] = &[
    ("kube-apiserver-arg", Component::ApiServer),
    ("kube-controller-manager-arg", Component::ControllerManager),
    ("kube-scheduler-arg", Component::Scheduler),
    ("kubelet-arg", Component::Kubelet),
    ("etcd-arg", Component::Etcd),
    ("kube-proxy-arg", Component::KubeProxy),
];

/// RKE2's cipher suites for kube-apiserver.
const RKE2_CIPHERS: &str = "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305,TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305";

impl Rke2Config {
    /// Merges the files (already in RKE2's order) into one configuration.
    pub fn merge(docs: Vec<Doc>) -> Rke2Config {
        let mut settings: BTreeMap<String, Vec<Entry>> = BTreeMap::new();
        let mut replaced = Vec::new();
        let mut unknown = Vec::new();
        for doc in &docs {
            let Some(map) = doc.root.as_map() else {
                continue;
            };
            for (k, v) in map.entries.iter() {
                let raw = &*k.text;
                let (key, append) = match raw.strip_suffix('+') {
                    Some(b) => (b, true),
                    None => (raw, false),
                };
                let at = doc.at(v, raw);
                if !KNOWN_KEYS.contains(&key) {
                    unknown.push(UnknownKey {
                        at: At {
                            loc: Some(doc.loc(k.span)),
                            field: raw.to_string(),
                            explicit: true,
                        },
                        key: raw.to_string(),
                        suggestion: suggest(key, KNOWN_KEYS.iter().copied()),
                        removed: None,
                    });
                }
                let entries = settings.entry(key.to_string()).or_default();
                if !append {
                    if let Some(last) = entries.last() {
                        replaced.push((key.to_string(), last.at.clone(), at.clone()));
                    }
                    entries.clear();
                }
                entries.push(Entry {
                    node: v.clone(),
                    at,
                });
            }
        }
        let anchor = docs.first().map_or_else(At::default, |d| At {
            explicit: false,
            ..d.at(&d.root, "")
        });
        let target = docs
            .iter()
            .map(|d| d.path.to_string())
            .collect::<Vec<_>>()
            .join("+");
        let name = docs
            .first()
            .map_or("config.yaml".to_string(), |d| d.path.to_string());
        let mut c = Rke2Config {
            docs,
            settings,
            replaced,
            object: object("rke2.cattle.io/v1", "RKE2Config", &name),
            anchor,
            target,
            views: Vec::new(),
            default_policy: None,
            default_admission: None,
            secrets: Vec::new(),
            unknown,
        };
        c.secrets = c.find_secrets();
        c.default_policy = c
            .profile()
            .is_some()
            .then(|| {
                Policy::synthetic(
                    c.at("profile").default_here(),
                    &["None"],
                    "RKE2's default audit policy",
                )
            })
            .filter(|_| c.str("audit-policy-file").is_none());
        c.default_admission = c
            .str("pod-security-admission-config-file")
            .is_none()
            .then(|| {
                let level = if c.profile().is_some() {
                    "restricted"
                } else {
                    "privileged"
                };
                let at = c.at("profile").default_here();
                Admission {
                    at: at.clone(),
                    plugins: vec![Plugin {
                        name: "PodSecurity".into(),
                        at: at.clone(),
                        path: None,
                        pod_security: Some(PodSecurity {
                            at: at.clone(),
                            enforce: Some((level.to_string(), at)),
                            usernames: Vec::new(),
                            namespaces: Vec::new(),
                            runtime_classes: Vec::new(),
                            unknown: Vec::new(),
                        }),
                        event_rate_limit: None,
                    }],
                    origin: "RKE2's generated rke2-pss.yaml".into(),
                }
            });
        c.views = c.build_views();
        c
    }

    /// The last value of a key.
    pub fn get(&self, key: &str) -> Option<&Entry> {
        self.settings.get(key).and_then(|e| e.last())
    }

    /// A scalar value as text (empty is `None`).
    pub fn str(&self, key: &str) -> Option<String> {
        self.get(key)
            .and_then(|e| e.node.scalar_text())
            .filter(|s| !s.is_empty())
    }

    /// A boolean value (`"true"` strings accepted, as the CLI parser does).
    pub fn bool(&self, key: &str) -> Option<bool> {
        let e = self.get(key)?;
        e.node
            .as_bool()
            .or_else(|| e.node.as_str().and_then(crate::model::go_bool))
    }

    /// Where a key is, or the anchor.
    pub fn at(&self, key: &str) -> At {
        self.get(key).map_or_else(
            || At {
                field: key.to_string(),
                ..self.anchor.clone()
            },
            |e| e.at.clone(),
        )
    }

    /// Every item of a list-valued key (lists, or scalars, possibly comma-separated).
    pub fn items(&self, key: &str) -> Vec<(String, At)> {
        let mut out = Vec::new();
        for e in self
            .settings
            .get(key)
            .map(Vec::as_slice)
            .unwrap_or_default()
        {
            match &e.node.value {
                Value::Seq(items) => {
                    for (i, n) in items.iter().enumerate() {
                        if let Some(s) = n.scalar_text() {
                            let mut at = e.at.clone();
                            at.loc = Some(self.loc_of(&e.at, n));
                            at.field = format!("{}[{i}]", e.at.field);
                            out.push((s, at));
                        }
                    }
                }
                _ => {
                    if let Some(s) = e.node.scalar_text() {
                        out.push((s, e.at.clone()));
                    }
                }
            }
        }
        out
    }

    fn loc_of(&self, at: &At, n: &Node) -> kubeguard_source::Location {
        let path = at.loc.as_ref().map(|l| l.path.clone());
        self.docs
            .iter()
            .find(|d| Some(&d.path) == path.as_ref())
            .map_or_else(
                || at.loc.clone().unwrap_or_else(|| self.docs[0].loc(n.span)),
                |d| d.loc(n.span),
            )
    }

    /// The CIS profile, when set (`cis`, `cis-1.23`, `cis-1.6`).
    pub fn profile(&self) -> Option<String> {
        self.str("profile").filter(|p| p.starts_with("cis"))
    }

    fn find_secrets(&self) -> Vec<(&'static str, Secret)> {
        let mut out = Vec::new();
        for (key, rule, what) in [
            ("token", "RKE2-013", "join token"),
            ("agent-token", "RKE2-013", "agent join token"),
            ("etcd-s3-access-key", "RKE2-014", "S3 access key"),
            ("etcd-s3-secret-key", "RKE2-014", "S3 secret key"),
            ("etcd-s3-session-token", "RKE2-014", "S3 session token"),
            ("vpn-auth", "RKE2-013", "VPN credentials"),
        ] {
            if let Some(e) = self.get(key)
                && let Some(v) = e.node.scalar_text()
                && !is_placeholder(&v)
            {
                out.push((rule, self.secret(e, what)));
            }
        }
        if let Some(e) = self.get("datastore-endpoint")
            && let Some(v) = e.node.scalar_text()
            && dsn_password(&v).is_some()
        {
            out.push(("RKE2-021", self.secret(e, "datastore password")));
        }
        for (key, _) in self
            .settings
            .iter()
            .filter(|(k, _)| k.ends_with("-extra-env"))
        {
            for (i, e) in self.settings[key].iter().enumerate() {
                let items: Vec<&Node> = match &e.node.value {
                    Value::Seq(s) => s.iter().collect(),
                    _ => vec![&e.node],
                };
                for n in items {
                    let Some(t) = n.as_str() else { continue };
                    if let Some((name, value)) = t.split_once('=')
                        && crate::rke::secret_name(name)
                        && !is_placeholder(value)
                    {
                        let mut s = self.secret(e, &format!("environment variable {name}"));
                        s.span = n.span;
                        s.at.loc = Some(self.loc_of(&e.at, n));
                        s.at.field = format!("{key}[{i}]");
                        out.push(("RKE2-022", s));
                    }
                }
            }
        }
        out
    }

    fn secret(&self, e: &Entry, what: &str) -> Secret {
        Secret {
            at: e.at.clone(),
            span: e.node.span,
            path: e
                .at
                .loc
                .as_ref()
                .map_or_else(|| Arc::from(""), |l| l.path.clone()),
            what: what.to_string(),
        }
    }

    fn new_view(&self, c: Component) -> ComponentView {
        let mut v = ComponentView::new(
            c,
            Platform::Rke2,
            self.object.clone(),
            self.anchor.clone(),
            format!("{} ({})", self.target, c.name()),
        );
        let key = ARG_KEYS
            .iter()
            .find(|(_, k)| *k == c)
            .map_or("", |(k, _)| k);
        v.set_hint = format!("{key} in the RKE2 config");
        if let Some(e) = self.get(key) {
            v.anchor = At {
                explicit: false,
                ..e.at.clone()
            };
        }
        v
    }

    fn defaults(v: &mut ComponentView, at: &At, pairs: &[(&str, &str)]) {
        for (k, val) in pairs {
            v.set(k, *val, at.default_here());
        }
    }

    /// Applies the user's `*-arg` items (`name=value`, dashes optional) after RKE2's own.
    fn user_args(&self, v: &mut ComponentView, key: &str) {
        v.baseline = Some(v.flags.clone());
        for (item, mut at) in self.items(key) {
            let item = item.trim_start_matches('-');
            let (name, value) = item.split_once('=').unwrap_or((item, "true"));
            if name.is_empty() {
                continue;
            }
            at.field = format!("{} ({name})", at.field);
            v.set(name, value, at);
        }
    }

    fn build_views(&self) -> Vec<ComponentView> {
        let profile = self.profile().is_some();
        let off = |k: &str| self.bool(k) == Some(true);
        let mut views = Vec::new();
        let root = self.anchor.clone();
        if !off("disable-apiserver") {
            let mut api = self.new_view(Component::ApiServer);
            Self::defaults(
                &mut api,
                &root,
                &[
                    ("allow-privileged", "true"),
                    ("anonymous-auth", "false"),
                    ("authorization-mode", "Node,RBAC"),
                    ("bind-address", "0.0.0.0"),
                    (
                        "client-ca-file",
                        "/var/lib/rancher/rke2/server/tls/client-ca.crt",
                    ),
                    ("enable-admission-plugins", "NodeRestriction"),
                    (
                        "etcd-cafile",
                        "/var/lib/rancher/rke2/server/tls/etcd/server-ca.crt",
                    ),
                    (
                        "etcd-certfile",
                        "/var/lib/rancher/rke2/server/tls/etcd/client.crt",
                    ),
                    (
                        "etcd-keyfile",
                        "/var/lib/rancher/rke2/server/tls/etcd/client.key",
                    ),
                    (
                        "kubelet-certificate-authority",
                        "/var/lib/rancher/rke2/server/tls/server-ca.crt",
                    ),
                    (
                        "kubelet-client-certificate",
                        "/var/lib/rancher/rke2/server/tls/client-kube-apiserver.crt",
                    ),
                    (
                        "kubelet-client-key",
                        "/var/lib/rancher/rke2/server/tls/client-kube-apiserver.key",
                    ),
                    ("profiling", "false"),
                    ("secure-port", "6443"),
                    (
                        "service-account-issuer",
                        "https://kubernetes.default.svc.cluster.local",
                    ),
                    (
                        "service-account-key-file",
                        "/var/lib/rancher/rke2/server/tls/service.key",
                    ),
                    (
                        "service-account-signing-key-file",
                        "/var/lib/rancher/rke2/server/tls/service.current.key",
                    ),
                    ("storage-backend", "etcd3"),
                    (
                        "tls-cert-file",
                        "/var/lib/rancher/rke2/server/tls/serving-kube-apiserver.crt",
                    ),
                    (
                        "tls-private-key-file",
                        "/var/lib/rancher/rke2/server/tls/serving-kube-apiserver.key",
                    ),
                    ("tls-cipher-suites", RKE2_CIPHERS),
                ],
            );
            let psa_key = "pod-security-admission-config-file";
            let psa_path = self
                .str(psa_key)
                .unwrap_or_else(|| "/etc/rancher/rke2/rke2-pss.yaml".into());
            api.set(
                "admission-control-config-file",
                psa_path.clone(),
                self.at(psa_key).default_here(),
            );
            if self.bool("secrets-encryption") != Some(false) {
                api.set(
                    "encryption-provider-config",
                    "/var/lib/rancher/rke2/server/cred/encryption-config.json",
                    self.at("secrets-encryption").default_here(),
                );
            }
            let audit = self.str("audit-policy-file");
            if profile || audit.is_some() {
                let at = if audit.is_some() {
                    self.at("audit-policy-file")
                } else {
                    self.at("profile")
                };
                let at = at.default_here();
                Self::defaults(
                    &mut api,
                    &at,
                    &[
                        (
                            "audit-log-path",
                            "/var/lib/rancher/rke2/server/logs/audit.log",
                        ),
                        ("audit-log-maxage", "30"),
                        ("audit-log-maxbackup", "10"),
                        ("audit-log-maxsize", "100"),
                    ],
                );
                let path = audit.unwrap_or_else(|| "/etc/rancher/rke2/audit-policy.yaml".into());
                api.set("audit-policy-file", path, at);
            }
            if profile {
                api.set(
                    "service-account-extend-token-expiration",
                    "false",
                    self.at("profile").default_here(),
                );
            }
            self.user_args(&mut api, "kube-apiserver-arg");
            api.audit_policy = match (api.value("audit-policy-file"), &self.default_policy) {
                (None, _) => Linked::None,
                (Some("/etc/rancher/rke2/audit-policy.yaml"), Some(p)) => Linked::Found(p.clone()),
                (Some(p), _) => Linked::Unresolved(p.to_string()),
            };
            api.encryption = match api.value("encryption-provider-config") {
                None => Linked::None,
                Some("/var/lib/rancher/rke2/server/cred/encryption-config.json") => {
                    let provider = self
                        .str("secrets-encryption-provider")
                        .unwrap_or_else(|| "aescbc".into());
                    let at = self.at("secrets-encryption-provider").default_here();
                    Linked::Found(Encryption {
                        resources: vec![Resources {
                            names: vec!["secrets".into()],
                            providers: [provider.as_str(), "identity"]
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
                        origin: "RKE2's generated encryption-config.json".into(),
                    })
                }
                Some(p) => Linked::Unresolved(p.to_string()),
            };
            api.admission = match (
                api.value("admission-control-config-file"),
                &self.default_admission,
            ) {
                (None, _) => Linked::None,
                (Some("/etc/rancher/rke2/rke2-pss.yaml"), Some(a)) => Linked::Found(a.clone()),
                (Some(p), _) => Linked::Unresolved(p.to_string()),
            };
            views.push(api);
        }
        let cp_defaults = |v: &mut ComponentView, extra: &[(&str, &str)]| {
            Self::defaults(
                v,
                &root,
                &[("bind-address", "127.0.0.1"), ("profiling", "false")],
            );
            Self::defaults(v, &root, extra);
        };
        if !off("disable-controller-manager") {
            let mut cm = self.new_view(Component::ControllerManager);
            cp_defaults(
                &mut cm,
                &[
                    ("terminated-pod-gc-threshold", "1000"),
                    ("use-service-account-credentials", "true"),
                    (
                        "root-ca-file",
                        "/var/lib/rancher/rke2/server/tls/server-ca.crt",
                    ),
                    (
                        "service-account-private-key-file",
                        "/var/lib/rancher/rke2/server/tls/service.current.key",
                    ),
                    (
                        "kubeconfig",
                        "/var/lib/rancher/rke2/server/cred/controller.kubeconfig",
                    ),
                    ("secure-port", "10257"),
                ],
            );
            self.user_args(&mut cm, "kube-controller-manager-arg");
            views.push(cm);
        }
        if !off("disable-scheduler") {
            let mut s = self.new_view(Component::Scheduler);
            cp_defaults(
                &mut s,
                &[
                    (
                        "kubeconfig",
                        "/var/lib/rancher/rke2/server/cred/scheduler.kubeconfig",
                    ),
                    ("secure-port", "10259"),
                ],
            );
            self.user_args(&mut s, "kube-scheduler-arg");
            views.push(s);
        }
        if !off("disable-etcd") && self.str("datastore-endpoint").is_none() {
            let mut e = self.new_view(Component::Etcd);
            Self::defaults(
                &mut e,
                &root,
                &[
                    (
                        "cert-file",
                        "/var/lib/rancher/rke2/server/tls/etcd/server-client.crt",
                    ),
                    (
                        "key-file",
                        "/var/lib/rancher/rke2/server/tls/etcd/server-client.key",
                    ),
                    ("client-cert-auth", "true"),
                    (
                        "trusted-ca-file",
                        "/var/lib/rancher/rke2/server/tls/etcd/server-ca.crt",
                    ),
                    (
                        "peer-cert-file",
                        "/var/lib/rancher/rke2/server/tls/etcd/peer-server-client.crt",
                    ),
                    (
                        "peer-key-file",
                        "/var/lib/rancher/rke2/server/tls/etcd/peer-server-client.key",
                    ),
                    ("peer-client-cert-auth", "true"),
                    (
                        "peer-trusted-ca-file",
                        "/var/lib/rancher/rke2/server/tls/etcd/peer-ca.crt",
                    ),
                    (
                        "listen-client-urls",
                        "https://127.0.0.1:2379,https://<node-ip>:2379",
                    ),
                    ("advertise-client-urls", "https://<node-ip>:2379"),
                    ("listen-metrics-urls", "http://127.0.0.1:2381"),
                ],
            );
            self.user_args(&mut e, "etcd-arg");
            views.push(e);
        }
        let mut kl = self.new_view(Component::Kubelet);
        kl.kubelet_config = true;
        Self::defaults(
            &mut kl,
            &root,
            &[
                ("anonymous-auth", "false"),
                ("authentication-token-webhook", "true"),
                ("authorization-mode", "Webhook"),
                (
                    "client-ca-file",
                    "/var/lib/rancher/rke2/agent/client-ca.crt",
                ),
                ("read-only-port", "0"),
                ("hostname-override", "<node-name>"),
                ("healthz-bind-address", "127.0.0.1"),
                ("streaming-connection-idle-timeout", "4h0m0s"),
                (
                    "tls-cert-file",
                    "/var/lib/rancher/rke2/agent/serving-kubelet.crt",
                ),
                (
                    "tls-private-key-file",
                    "/var/lib/rancher/rke2/agent/serving-kubelet.key",
                ),
            ],
        );
        let pkd = self.bool("protect-kernel-defaults").unwrap_or(false) || profile;
        kl.set(
            "protect-kernel-defaults",
            pkd.to_string(),
            self.at("protect-kernel-defaults").default_here(),
        );
        self.user_args(&mut kl, "kubelet-arg");
        views.push(kl);
        if !off("disable-kube-proxy") {
            let mut kp = self.new_view(Component::KubeProxy);
            Self::defaults(
                &mut kp,
                &root,
                &[
                    ("healthz-bind-address", "127.0.0.1"),
                    ("hostname-override", "<node-name>"),
                ],
            );
            self.user_args(&mut kp, "kube-proxy-arg");
            views.push(kp);
        }
        views
    }
}

/// The password of a datastore DSN (`postgres://user:pass@host/db`, `mysql://user:pass@tcp(...)`).
pub fn dsn_password(dsn: &str) -> Option<&str> {
    let rest = dsn.split_once("://").map_or(dsn, |(_, r)| r);
    let userinfo = rest.rsplit_once('@')?.0;
    let pass = userinfo.split_once(':')?.1;
    (!pass.is_empty()).then_some(pass)
}

/// Parses a `write-kubeconfig-mode` value as RKE2 does (octal digits; an unquoted YAML number
/// arrives as its decimal text, `600` reading as 0600).
pub fn file_mode(node: &Node) -> Option<u32> {
    let text = node.scalar_text()?;
    u32::from_str_radix(text.trim(), 8).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::parse_yaml;

    fn merged(files: &[(&str, &str)]) -> Rke2Config {
        let docs = files.iter().flat_map(|(p, t)| parse_yaml(p, t).0).collect();
        Rke2Config::merge(docs)
    }

    #[test]
    fn later_files_replace_and_plus_appends() {
        let c = merged(&[
            (
                "config.yaml",
                "token: boop\nnode-label: [foo=bar]\nnode-taint: [a=b:NoExecute]\n",
            ),
            (
                "config.yaml.d/a.yaml",
                "write-kubeconfig-mode: 600\nnode-taint+: [c=d:NoSchedule]\n",
            ),
            (
                "config.yaml.d/b.yaml",
                "write-kubeconfig-mode: 777\nnode-label: [other=what]\n",
            ),
        ]);
        assert_eq!(c.str("write-kubeconfig-mode").as_deref(), Some("777"));
        let labels: Vec<String> = c.items("node-label").into_iter().map(|(s, _)| s).collect();
        assert_eq!(labels, vec!["other=what"]);
        let taints: Vec<String> = c.items("node-taint").into_iter().map(|(s, _)| s).collect();
        assert_eq!(taints, vec!["a=b:NoExecute", "c=d:NoSchedule"]);
        assert_eq!(c.replaced.len(), 2);
        assert_eq!(c.secrets.len(), 1);
        assert_eq!(
            file_mode(&c.get("write-kubeconfig-mode").unwrap().node),
            Some(0o777)
        );
        assert!(c.unknown.is_empty());
    }

    #[test]
    fn profile_defaults_and_user_args() {
        let c = merged(&[(
            "config.yaml",
            "profile: cis\nkube-apiserver-arg:\n- --anonymous-auth=true\n- 'audit-log-maxage=7'\ndisable-etcd: true\nnode-lable: [x]\n",
        )]);
        let api = c
            .views
            .iter()
            .find(|v| v.component == Component::ApiServer)
            .unwrap();
        assert_eq!(api.value("anonymous-auth"), Some("true"));
        assert_eq!(api.value("audit-log-maxage"), Some("7"));
        assert_eq!(
            api.value("service-account-extend-token-expiration"),
            Some("false")
        );
        assert!(matches!(api.audit_policy, Linked::Found(ref p) if !p.logs_anything()));
        assert!(
            matches!(api.admission, Linked::Found(ref a) if a.pod_security().and_then(|p| p.pod_security.as_ref()).map(|p| p.level().to_string()).as_deref() == Some("restricted"))
        );
        assert!(c.views.iter().all(|v| v.component != Component::Etcd));
        assert_eq!(c.unknown[0].suggestion.as_deref(), Some("node-label"));
        assert_eq!(dsn_password("postgres://u:pw@db:5432/k"), Some("pw"));
        assert_eq!(dsn_password("https://db:5432"), None);
    }
}
