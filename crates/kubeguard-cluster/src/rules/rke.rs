//! RKE cluster.yml rules (RKE-001 ... RKE-044): the structured settings RKE turns into flags
//! and files, the defaults overridden in `extra_args`, inline secrets (reported by the
//! caller from [`RkeCluster::secrets`]), and keys RKE silently ignores.

use kubeguard_engine::Severity;
use kubeguard_source::Node;

use crate::model::{Component, Linked, list};
use crate::rke::RkeCluster;
use crate::rules::components::{API_CIPHERS, KUBELET_CIPHERS, weakened};
use crate::rules::files;
use crate::rules::{Hit, Outcome};

/// The check of an RKE rule.
pub type RkeRule = fn(&RkeCluster) -> Outcome;

/// Every RKE rule with its check (the secret rules add the inline secrets found).
pub static RULES: &[(&str, RkeRule)] = &[
    ("RKE-001", authorization_mode),
    ("RKE-002", secrets_encryption),
    ("RKE-003", custom_encryption),
    ("RKE-004", audit_log_enabled),
    ("RKE-005", audit_log_retention),
    ("RKE-006", audit_policy),
    ("RKE-007", audit_log_path),
    ("RKE-008", event_rate_limit),
    ("RKE-009", always_pull_images),
    ("RKE-010", pod_security),
    ("RKE-011", pod_security_exemptions),
    ("RKE-012", pod_security_policy),
    ("RKE-013", serving_certificate),
    ("RKE-014", |c| rotate_gate(c, "kube-controller")),
    ("RKE-015", |c| rotate_gate(c, "kubelet")),
    ("RKE-016", protect_kernel_defaults),
    ("RKE-017", etcd_user),
    ("RKE-018", |c| weakened_component(c, Component::Etcd)),
    ("RKE-019", etcd_backups),
    ("RKE-020", s3_backups),
    ("RKE-021", external_etcd),
    ("RKE-022", |c| weakened_component(c, Component::ApiServer)),
    ("RKE-023", |c| {
        weakened_component(c, Component::ControllerManager)
    }),
    ("RKE-024", |c| weakened_component(c, Component::Scheduler)),
    ("RKE-025", |c| weakened_component(c, Component::Kubelet)),
    ("RKE-026", cipher_suites),
    ("RKE-027", binds),
    ("RKE-028", network_plugin),
    ("RKE-029", weave),
    ("RKE-030", addons),
    ("RKE-031", authentication),
    ("RKE-032", sans),
    ("RKE-033", inline_only),
    ("RKE-034", root_user),
    ("RKE-035", roles),
    ("RKE-036", docker_socket),
    ("RKE-037", registries),
    ("RKE-038", inline_only),
    ("RKE-039", cloud_provider),
    ("RKE-040", kubernetes_version),
    ("RKE-041", ignore_docker_version),
    ("RKE-042", cri_dockerd),
    ("RKE-043", ingress),
    ("RKE-044", unknown_keys),
];

const API: &str = "kube-api";

/// Rules decided by the inline secrets alone, which the caller adds (pass when there is none).
fn inline_only(_: &RkeCluster) -> Outcome {
    Outcome::Pass
}

/// RKE-001: `authorization.mode` must be rbac; `none` renders no `--authorization-mode`, and
/// kube-apiserver then allows every request.
fn authorization_mode(c: &RkeCluster) -> Outcome {
    match c.str(&["authorization", "mode"]) {
        None => Outcome::Pass,
        Some(m) if m == "rbac" => Outcome::Pass,
        Some(m) => Outcome::fail(
            format!(
                "authorization.mode is `{m}`: RKE renders no --authorization-mode, so kube-apiserver authorizes every request (AlwaysAllow)"
            ),
            c.at(&["authorization", "mode"]),
            "Set authorization.mode: rbac",
        ),
    }
}

/// RKE-002: secrets encryption at rest is off unless enabled.
fn secrets_encryption(c: &RkeCluster) -> Outcome {
    require_true(
        c,
        &["services", API, "secrets_encryption_config", "enabled"],
        "secrets_encryption_config.enabled is not true: Secrets are stored unencrypted in etcd",
        "Set services.kube-api.secrets_encryption_config.enabled: true",
    )
}

/// RKE-003: a custom EncryptionConfiguration, providers read in order.
fn custom_encryption(c: &RkeCluster) -> Outcome {
    let p = [
        "services",
        API,
        "secrets_encryption_config",
        "custom_config",
    ];
    match (&c.encryption, c.get(&p)) {
        (Some(e), Some(_)) => files::encryption(e),
        (None, Some(_)) => Outcome::fail(
            "custom_config is given but secrets_encryption_config.enabled is not true: it is not used",
            c.at(&p),
            "Set secrets_encryption_config.enabled: true",
        ),
        _ => Outcome::na("no custom_config"),
    }
}

/// RKE-004: audit logging stays on (RKE enables it when `audit_log` is absent).
fn audit_log_enabled(c: &RkeCluster) -> Outcome {
    if c.audit_enabled() {
        Outcome::Pass
    } else {
        Outcome::fail(
            "audit_log is disabled: kube-apiserver records no audit events",
            c.at(&["services", API, "audit_log", "enabled"]),
            "Set services.kube-api.audit_log.enabled: true",
        )
    }
}

/// RKE-005: retention at or above CIS values, from `configuration` or `extra_args`.
fn audit_log_retention(c: &RkeCluster) -> Outcome {
    if !c.audit_enabled() {
        return Outcome::na("audit logging is off (RKE-004)");
    }
    let Some(api) = c.view(Component::ApiServer) else {
        return Outcome::na("no kube-apiserver");
    };
    let mut hits = Vec::new();
    for (flag, min) in [
        ("audit-log-maxage", 30),
        ("audit-log-maxbackup", 10),
        ("audit-log-maxsize", 100),
    ] {
        let v = api
            .value(flag)
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(0);
        if v < min {
            hits.push(Hit::new(
                format!("{flag} is {v}, less than {min}"),
                api.at(flag),
                format!("Set it to {min} or more (audit_log.configuration or extra_args)"),
            ));
        }
    }
    Outcome::from_hits(hits)
}

/// RKE-006: the audit policy RKE writes logs something and keeps secrets out.
fn audit_policy(c: &RkeCluster) -> Outcome {
    match &c.policy {
        Some(p) => files::audit_policy(p),
        None => Outcome::na("audit logging is off (RKE-004)"),
    }
}

/// RKE-007: the audit log path; `-` sends events to the container's stdout.
fn audit_log_path(c: &RkeCluster) -> Outcome {
    let Some(api) = c.view(Component::ApiServer) else {
        return Outcome::na("no kube-apiserver");
    };
    match api.value("audit-log-path") {
        None if !c.audit_enabled() => Outcome::na("audit logging is off (RKE-004)"),
        None => Outcome::fail(
            "--audit-log-path is removed",
            api.at("audit-log-path"),
            "Keep an audit log path",
        ),
        Some("-") => Outcome::Fail(vec![Hit::new(
            "audit-log-path is `-`: audit events go to the container's stdout, kept only as long as its log",
            api.at("audit-log-path"),
            "Write audit events to a file (the default /var/log/kube-audit/audit-log.json) or ship stdout",
        )]),
        Some(_) => Outcome::Pass,
    }
}

/// RKE-008: EventRateLimit admission.
fn event_rate_limit(c: &RkeCluster) -> Outcome {
    require_true(
        c,
        &["services", API, "event_rate_limit", "enabled"],
        "event_rate_limit is not enabled",
        "Set services.kube-api.event_rate_limit.enabled: true",
    )
}

/// RKE-009: AlwaysPullImages admission.
fn always_pull_images(c: &RkeCluster) -> Outcome {
    require_true(
        c,
        &["services", API, "always_pull_images"],
        "always_pull_images is not true: pods can use images cached on a node without pull credentials",
        "Set services.kube-api.always_pull_images: true",
    )
}

/// RKE-010: Pod Security admission enforces restricted (baseline at least) by default.
fn pod_security(c: &RkeCluster) -> Outcome {
    if c.minor < 23 {
        return Outcome::na("Pod Security admission needs Kubernetes 1.23 or later");
    }
    match c.view(Component::ApiServer).map(|a| &a.admission) {
        Some(Linked::Found(a)) => {
            let Some(ps) = a.pod_security().and_then(|p| p.pod_security.as_ref()) else {
                return files::pod_security(a);
            };
            match ps.level() {
                "restricted" | "baseline" => Outcome::Pass,
                level => Outcome::fail(
                    format!(
                        "Pod Security admission enforces `{level}` by default: pods are not restricted"
                    ),
                    ps.enforce
                        .as_ref()
                        .map_or_else(|| ps.at.clone(), |(_, at)| at.clone()),
                    "Set services.kube-api.pod_security_configuration: restricted, or an admission_configuration enforcing restricted",
                ),
            }
        }
        Some(Linked::Unresolved(p)) => Outcome::na(format!(
            "the admission configuration is {p}, not among the inputs"
        )),
        _ => Outcome::fail(
            "no admission configuration: Pod Security admission enforces privileged",
            c.at(&["services", API]),
            "Set services.kube-api.pod_security_configuration: restricted",
        ),
    }
}

/// RKE-011: PodSecurity exemptions: no users, no runtime classes, system namespaces only.
fn pod_security_exemptions(c: &RkeCluster) -> Outcome {
    let Some(ps) = c
        .admission
        .as_ref()
        .and_then(|a| a.pod_security())
        .and_then(|p| p.pod_security.as_ref())
    else {
        return Outcome::na("no PodSecurity configuration");
    };
    let mut hits: Vec<Hit> = ps
        .usernames
        .iter()
        .map(|(u, at)| {
            Hit::new(
                format!("user `{u}` is exempt from Pod Security admission"),
                at.clone(),
                "Remove user exemptions",
            )
        })
        .collect();
    hits.extend(files::exemption_hits(ps).into_iter().map(|h| Hit {
        severity: None,
        ..h
    }));
    Outcome::from_hits(hits)
}

/// RKE-012: `pod_security_policy` is gone since RKE v1.6 (ignored); before Kubernetes 1.25
/// with older RKE, it should be true.
fn pod_security_policy(c: &RkeCluster) -> Outcome {
    let p = ["services", API, "pod_security_policy"];
    match c.config.path(&p) {
        Some(_) => Outcome::fail(
            "pod_security_policy was removed in RKE v1.6 and is ignored: it neither enables nor disables anything",
            c.at(&p),
            "Remove it; use pod_security_configuration: restricted (Kubernetes 1.25+)",
        ),
        None => Outcome::Pass,
    }
}

/// RKE-013: kubelet serving certificates signed by the cluster CA, so that kube-apiserver
/// verifies the kubelets it connects to.
fn serving_certificate(c: &RkeCluster) -> Outcome {
    require_true(
        c,
        &["services", "kubelet", "generate_serving_certificate"],
        "generate_serving_certificate is not true: kubelets serve self-signed certificates and kube-apiserver does not verify them",
        "Set services.kubelet.generate_serving_certificate: true",
    )
}

/// RKE-014 / RKE-015: RotateKubeletServerCertificate must not be turned off.
fn rotate_gate(c: &RkeCluster, svc: &str) -> Outcome {
    let p = ["services", svc, "extra_args", "feature-gates"];
    let Some(v) = c.str(&p) else {
        return Outcome::Pass;
    };
    let off = list(&v).into_iter().any(|g| {
        g.split_once('=').is_some_and(|(n, b)| {
            n.trim() == "RotateKubeletServerCertificate" && b.trim().eq_ignore_ascii_case("false")
        })
    });
    if off {
        Outcome::fail(
            "feature-gates turns RotateKubeletServerCertificate off",
            c.at(&p),
            "Set RotateKubeletServerCertificate=true",
        )
    } else {
        Outcome::Pass
    }
}

/// RKE-016: `protect-kernel-defaults` (CIS <= 1.24 only).
fn protect_kernel_defaults(c: &RkeCluster) -> Outcome {
    if c.minor >= 25 {
        return Outcome::na(format!(
            "only for CIS <= 1.24 (Kubernetes before 1.25; this is 1.{})",
            c.minor
        ));
    }
    let p = [
        "services",
        "kubelet",
        "extra_args",
        "protect-kernel-defaults",
    ];
    if c.str(&p).as_deref() == Some("true") {
        Outcome::Pass
    } else {
        Outcome::fail(
            "kubelet protect-kernel-defaults is not true",
            c.at(&p),
            "Set services.kubelet.extra_args.protect-kernel-defaults: \"true\" (and the kernel parameters it needs)",
        )
    }
}

/// RKE-017: etcd runs as a dedicated user (its data directory is otherwise root-owned).
fn etcd_user(c: &RkeCluster) -> Outcome {
    if c.view(Component::Etcd).is_none() {
        return Outcome::na("external etcd");
    }
    let mut hits = Vec::new();
    for k in ["uid", "gid"] {
        let p = ["services", "etcd", k];
        if c.get(&p).and_then(Node::as_i64).unwrap_or(0) == 0 {
            hits.push(Hit::new(
                format!("services.etcd.{k} is 0: etcd runs as root and its data directory is owned by root"),
                c.at(&p),
                format!("Set services.etcd.{k} to the id of a dedicated etcd user (52034 in Rancher's guide)"),
            ));
        }
    }
    Outcome::from_hits(hits)
}

/// RKE-018, RKE-022 ... RKE-025: `extra_args` that turn a passing default into a failure.
fn weakened_component(c: &RkeCluster, comp: Component) -> Outcome {
    c.view(comp)
        .and_then(weakened)
        .unwrap_or_else(|| Outcome::na(format!("no {comp} run by RKE")))
}

/// RKE-019: snapshots on, backups sane.
fn etcd_backups(c: &RkeCluster) -> Outcome {
    if c.view(Component::Etcd).is_none() {
        return Outcome::na("external etcd");
    }
    let mut hits = Vec::new();
    if c.bool(&["services", "etcd", "snapshot"]) == Some(false) {
        hits.push(Hit::new(
            "etcd snapshots are off",
            c.at(&["services", "etcd", "snapshot"]),
            "Remove snapshot: false",
        ));
    }
    let b = ["services", "etcd", "backup_config"];
    if c.get(&b).is_some() {
        if c.bool(&[b[0], b[1], b[2], "enabled"]) == Some(false) {
            hits.push(Hit::new(
                "etcd backups are disabled",
                c.at(&[b[0], b[1], b[2], "enabled"]),
                "Set backup_config.enabled: true",
            ));
        }
        for (k, bad) in [
            ("retention", "keeps no backup"),
            ("interval_hours", "has no interval"),
        ] {
            let p = [b[0], b[1], b[2], k];
            if c.get(&p).and_then(Node::as_i64).is_some_and(|n| n <= 0) {
                hits.push(Hit::new(
                    format!("backup_config {bad} ({k} <= 0)"),
                    c.at(&p),
                    format!("Set {k} above 0"),
                ));
            }
        }
    }
    Outcome::from_hits(hits)
}

/// RKE-020: S3 backups over https (credentials inline are reported as secrets).
fn s3_backups(c: &RkeCluster) -> Outcome {
    let p = [
        "services",
        "etcd",
        "backup_config",
        "s3backupconfig",
        "endpoint",
    ];
    match c.str(&p) {
        Some(e) if e.starts_with("http://") => Outcome::fail(
            "the S3 backup endpoint is plain http: snapshots (with every Secret) travel unencrypted",
            c.at(&p),
            "Use an https endpoint",
        ),
        _ => Outcome::Pass,
    }
}

/// RKE-021: external etcd over https with client certificates.
fn external_etcd(c: &RkeCluster) -> Outcome {
    let urls = c
        .get(&["services", "etcd", "external_urls"])
        .and_then(Node::as_seq)
        .unwrap_or_default();
    if urls.is_empty() {
        return Outcome::na("RKE runs etcd");
    }
    let mut hits = Vec::new();
    for (i, u) in urls.iter().enumerate() {
        if !u.as_str().is_some_and(|s| s.starts_with("https://")) {
            hits.push(Hit::new(
                "external etcd URL is not https",
                c.doc.at(
                    u,
                    format!("{}[{i}]", c.field(&["services", "etcd", "external_urls"])),
                ),
                "Use https:// URLs",
            ));
        }
    }
    for k in ["ca_cert", "cert", "key"] {
        if c.str(&["services", "etcd", k]).is_none() {
            hits.push(Hit::new(
                format!("external etcd without services.etcd.{k}"),
                c.at(&["services", "etcd", k]),
                "Give the CA, client certificate and key of the external etcd",
            ));
        }
    }
    Outcome::from_hits(hits)
}

/// RKE-026: every component's `tls-cipher-suites` stays within the strong list.
fn cipher_suites(c: &RkeCluster) -> Outcome {
    let mut hits = Vec::new();
    for v in &c.views {
        let Some(val) = v.value("tls-cipher-suites") else {
            continue;
        };
        let allowed = if v.component == Component::Kubelet {
            KUBELET_CIPHERS
        } else {
            API_CIPHERS
        };
        let weak: Vec<&str> = list(val)
            .into_iter()
            .filter(|s| !allowed.contains(s))
            .collect();
        if !weak.is_empty() {
            hits.push(Hit::new(
                format!(
                    "{} allows cipher suites outside the CIS strong list: {}",
                    v.component,
                    weak.join(", ")
                ),
                v.at("tls-cipher-suites"),
                "Keep only ECDHE suites with AES-GCM or ChaCha20-Poly1305",
            ));
        }
    }
    Outcome::from_hits(hits)
}

/// Host paths whose read-write bind gives a container the node.
const SENSITIVE_PATHS: &[&str] = &[
    "/",
    "/etc",
    "/root",
    "/var/run/docker.sock",
    "/run/docker.sock",
    "/var/lib/kubelet",
    "/var/lib/docker",
    "/proc",
    "/sys",
    "/dev",
    "/boot",
    "/home",
];

/// RKE-027: `extra_binds` of sensitive host paths read-write (secrets in `extra_env` are
/// reported as secrets).
fn binds(c: &RkeCluster) -> Outcome {
    let mut hits = Vec::new();
    for svc in [
        "etcd",
        API,
        "kube-controller",
        "scheduler",
        "kubelet",
        "kubeproxy",
    ] {
        for key in ["extra_binds", "win_extra_binds"] {
            let p = ["services", svc, key];
            for (i, n) in c
                .get(&p)
                .and_then(Node::as_seq)
                .unwrap_or_default()
                .iter()
                .enumerate()
            {
                let Some(b) = n.as_str() else { continue };
                let mut parts = b.split(':');
                let host = parts.next().unwrap_or_default().trim_end_matches('/');
                let host = if host.is_empty() { "/" } else { host };
                let ro = parts
                    .nth(1)
                    .is_some_and(|o| o.split(',').any(|x| x == "ro"));
                if !ro && SENSITIVE_PATHS.contains(&host) {
                    hits.push(Hit::new(
                        format!("{svc} binds host path {host} read-write"),
                        c.doc.at(n, format!("{}[{i}]", c.field(&p))),
                        "Bind a narrower path, read-only (`:ro`)",
                    ));
                }
            }
        }
    }
    Outcome::from_hits(hits)
}

/// RKE-028: a network plugin that enforces NetworkPolicies.
fn network_plugin(c: &RkeCluster) -> Outcome {
    let p = ["network", "plugin"];
    match c.str(&p).as_deref() {
        Some("flannel") | Some("none") => Outcome::fail(
            format!(
                "network.plugin is `{}`: NetworkPolicies are not enforced",
                c.str(&p).unwrap_or_default()
            ),
            c.at(&p),
            "Use canal (the default) or calico",
        ),
        _ => Outcome::Pass,
    }
}

/// RKE-029: Weave encrypts its overlay only with a password.
fn weave(c: &RkeCluster) -> Outcome {
    if c.str(&["network", "plugin"]).as_deref() != Some("weave") {
        return Outcome::na("the network plugin is not weave");
    }
    if c.str(&["network", "weave_network_provider", "password"])
        .is_none()
    {
        Outcome::fail(
            "weave without a password: pod traffic between nodes is not encrypted",
            c.at(&["network", "weave_network_provider", "password"]),
            "Set network.weave_network_provider.password (from a secret store, not in the file)",
        )
    } else {
        Outcome::Pass
    }
}

/// RKE-030: addons: remote manifests over https, and a NetworkPolicy deployed.
fn addons(c: &RkeCluster) -> Outcome {
    let mut hits = Vec::new();
    let p = ["addons_include"];
    for (i, n) in c
        .get(&p)
        .and_then(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        if n.as_str().is_some_and(|u| u.starts_with("http://")) {
            hits.push(Hit::new(
                "addons_include fetches a manifest over plain http: anyone on the path can change what is applied",
                c.doc.at(n, format!("{}[{i}]", c.field(&p))),
                "Use https URLs pinned to a release, or local files",
            ));
        }
    }
    let text = c.str(&["addons"]).unwrap_or_default();
    let includes = !c
        .get(&p)
        .and_then(Node::as_seq)
        .unwrap_or_default()
        .is_empty();
    if !text.contains("kind: NetworkPolicy") && !includes {
        hits.push(
            Hit::new(
                "no NetworkPolicy among the addons: namespaces start with all traffic allowed",
                c.at(&["addons"]),
                "Deploy default NetworkPolicies (and automountServiceAccountToken: false on default ServiceAccounts) as addons",
            )
            .severity(Severity::Low),
        );
    }
    Outcome::from_hits(hits)
}

/// RKE-031: x509 stays, and the webhook is reached over https.
fn authentication(c: &RkeCluster) -> Outcome {
    let mut hits = Vec::new();
    if let Some(s) = c.str(&["authentication", "strategy"])
        && !s.split('|').any(|x| x == "x509")
    {
        hits.push(Hit::new(
            format!("authentication.strategy `{s}` lacks x509 (RKE requires it)"),
            c.at(&["authentication", "strategy"]),
            "Use x509 or x509|webhook",
        ));
    }
    if let Some(cfg) = c.str(&["authentication", "webhook", "config_file"])
        && cfg.contains("server: http://")
    {
        hits.push(Hit::new(
            "the authentication webhook is reached over plain http",
            c.at(&["authentication", "webhook", "config_file"]),
            "Use an https server with its certificate-authority",
        ));
    }
    Outcome::from_hits(hits)
}

/// RKE-032: wildcard SANs on the API server certificate.
fn sans(c: &RkeCluster) -> Outcome {
    let p = ["authentication", "sans"];
    let hits = c
        .get(&p)
        .and_then(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .enumerate()
        .filter(|(_, n)| n.as_str().is_some_and(|s| s.contains('*')))
        .map(|(i, n)| {
            Hit::new(
                "wildcard SAN on the API server certificate: any host of the domain can present it",
                c.doc.at(n, format!("{}[{i}]", c.field(&p))),
                "List the exact names and addresses",
            )
        })
        .collect();
    Outcome::from_hits(hits)
}

fn nodes(c: &RkeCluster) -> &[Node] {
    c.get(&["nodes"]).and_then(Node::as_seq).unwrap_or_default()
}

/// RKE-034: SSH as root.
fn root_user(c: &RkeCluster) -> Outcome {
    let hits = nodes(c)
        .iter()
        .enumerate()
        .filter_map(|(i, n)| {
            let u = n.get("user")?;
            (u.as_str() == Some("root")).then(|| {
                Hit::new(
                    "RKE connects to this node as root",
                    c.doc.at(u, format!("{}[{i}].user", c.field(&["nodes"]))),
                    "Use a dedicated user in the docker group",
                )
            })
        })
        .collect();
    Outcome::from_hits(hits)
}

/// RKE-035: control plane or etcd on worker nodes; an even or small etcd quorum.
fn roles(c: &RkeCluster) -> Outcome {
    let nodes = nodes(c);
    if nodes.is_empty() {
        return Outcome::na("no nodes");
    }
    let mut hits = Vec::new();
    let mut etcd = 0;
    for (i, n) in nodes.iter().enumerate() {
        let roles: Vec<String> = n
            .get("role")
            .and_then(Node::as_seq)
            .unwrap_or_default()
            .iter()
            .filter_map(Node::scalar_text)
            .collect();
        if roles.iter().any(|r| r == "etcd") {
            etcd += 1;
        }
        if roles.iter().any(|r| r == "worker")
            && roles.iter().any(|r| r == "etcd" || r == "controlplane")
        {
            hits.push(Hit::new(
                "this node runs workloads next to the control plane or etcd",
                c.doc.at(
                    n.get("role").unwrap_or(n),
                    format!("{}[{i}].role", c.field(&["nodes"])),
                ),
                "Keep worker nodes separate from controlplane and etcd nodes in production",
            ));
        }
    }
    if etcd > 0 && (etcd < 3 || etcd % 2 == 0) {
        hits.push(Hit::new(
            format!(
                "{etcd} etcd node(s): losing one loses the quorum or it buys no extra tolerance"
            ),
            c.at(&["nodes"]),
            "Run an odd number of etcd nodes, at least 3",
        ));
    }
    Outcome::from_hits(hits)
}

/// RKE-036: a Docker socket reached over TCP is unauthenticated root on the node.
fn docker_socket(c: &RkeCluster) -> Outcome {
    let hits = nodes(c)
        .iter()
        .enumerate()
        .filter_map(|(i, n)| {
            let s = n.get("docker_socket")?;
            s.as_str().is_some_and(|v| v.starts_with("tcp://")).then(|| {
                Hit::new(
                    "docker_socket is a TCP address: Docker's API without TLS is root on the node for anyone who reaches it",
                    c.doc.at(s, format!("{}[{i}].docker_socket", c.field(&["nodes"]))),
                    "Use the unix socket /var/run/docker.sock (tunnelled over SSH)",
                )
            })
        })
        .collect();
    Outcome::from_hits(hits)
}

/// RKE-037: registries over https (passwords inline are reported as secrets).
fn registries(c: &RkeCluster) -> Outcome {
    let p = ["private_registries"];
    let hits = c
        .get(&p)
        .and_then(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            let u = r.get("url")?;
            u.as_str().is_some_and(|s| s.starts_with("http://")).then(|| {
                Hit::new(
                    "private registry over plain http: images and credentials travel unencrypted",
                    c.doc.at(u, format!("{}[{i}].url", c.field(&p))),
                    "Use an https registry",
                )
            })
        })
        .collect();
    Outcome::from_hits(hits)
}

/// RKE-039: vSphere without TLS verification (credentials inline are reported as secrets).
fn cloud_provider(c: &RkeCluster) -> Outcome {
    let p = [
        "cloud_provider",
        "vsphereCloudProvider",
        "global",
        "insecure-flag",
    ];
    let insecure = c
        .get(&p)
        .is_some_and(|n| n.as_bool() == Some(true) || n.scalar_text().as_deref() == Some("1"));
    if insecure {
        Outcome::fail(
            "vSphere insecure-flag: the vCenter certificate is not verified",
            c.at(&p),
            "Remove insecure-flag; trust the vCenter CA",
        )
    } else {
        Outcome::Pass
    }
}

/// RKE-040: a supported Kubernetes version.
fn kubernetes_version(c: &RkeCluster) -> Outcome {
    let p = ["kubernetes_version"];
    match c.str(&p) {
        None => Outcome::Pass,
        Some(v) => match crate::model::k8s_minor(&v) {
            Some(m) if m >= 25 => Outcome::Pass,
            Some(m) => Outcome::fail(
                format!(
                    "kubernetes_version {v} (1.{m}) is out of support and predates Pod Security admission"
                ),
                c.at(&p),
                "Upgrade to a supported version (RKE1 itself reached end of life on 2025-07-31: plan the move to RKE2)",
            ),
            None => Outcome::fail(
                format!("kubernetes_version `{v}` is not a Kubernetes version RKE knows"),
                c.at(&p),
                "Use a version listed by `rke config --list-version --all`",
            ),
        },
    }
}

/// RKE-041: Docker version validation skipped.
fn ignore_docker_version(c: &RkeCluster) -> Outcome {
    let p = ["ignore_docker_version"];
    if c.bool(&p) == Some(true) {
        Outcome::fail(
            "ignore_docker_version skips the check of the Docker version on nodes",
            c.at(&p),
            "Set ignore_docker_version: false",
        )
    } else {
        Outcome::Pass
    }
}

/// RKE-042: cri-dockerd turned off for Kubernetes 1.24+ (dockershim is gone).
fn cri_dockerd(c: &RkeCluster) -> Outcome {
    let p = ["enable_cri_dockerd"];
    if c.minor >= 24 && c.bool(&p) == Some(false) {
        Outcome::fail(
            "enable_cri_dockerd is false on Kubernetes 1.24+, which has no dockershim",
            c.at(&p),
            "Remove enable_cri_dockerd: false",
        )
    } else {
        Outcome::Pass
    }
}

/// RKE-043: the ingress controller on the host network.
fn ingress(c: &RkeCluster) -> Outcome {
    if c.str(&["ingress", "provider"]).as_deref() == Some("none") {
        return Outcome::na("no ingress controller");
    }
    let p = ["ingress", "network_mode"];
    if c.str(&p).as_deref() == Some("hostNetwork") {
        Outcome::fail(
            "the ingress controller runs in the host network namespace",
            c.at(&p),
            "Use network_mode: hostPort (or none behind a load balancer), or provider: none if unused",
        )
    } else {
        Outcome::Pass
    }
}

/// RKE-044: keys RKE ignores (typos disable the hardening they were meant to set).
fn unknown_keys(c: &RkeCluster) -> Outcome {
    let hits = c
        .unknown
        .iter()
        .filter(|u| u.removed.is_none())
        .map(|u| {
            let hint = u
                .suggestion
                .as_ref()
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default();
            Hit::new(
                format!("unknown key `{}`: RKE ignores it silently{hint}", u.key),
                u.at.clone(),
                match &u.suggestion {
                    Some(s) => format!("Rename it to `{s}`"),
                    None => "Remove it or move it where RKE reads it (flags go under extra_args)"
                        .to_string(),
                },
            )
        })
        .collect();
    Outcome::from_hits(hits)
}

/// Passes when the boolean at `path` is `true`; otherwise fails at it (or its nearest written
/// parent) with `message` and `fix`.
fn require_true(c: &RkeCluster, path: &[&str], message: &str, fix: &str) -> Outcome {
    if c.bool(path) == Some(true) {
        Outcome::Pass
    } else {
        Outcome::fail(message, c.at(path), fix)
    }
}
