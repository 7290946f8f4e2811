//! RKE2 config rules (RKE2-001 ... RKE2-027) on the merged configuration: the CIS profile,
//! the files RKE2 writes (audit policy, Pod Security configuration), arguments that weaken
//! RKE2's defaults, and settings that open the node or its data.

use crate::model::{Component, Linked};
use crate::rke2::{Rke2Config, dsn_password, file_mode};
use crate::rules::components::weakened;
use crate::rules::files;
use crate::rules::{Hit, Outcome};

/// The check of an RKE2 rule.
pub type Rke2Rule = fn(&Rke2Config) -> Outcome;

/// Every RKE2 rule with its check (inline secrets are added by the caller).
pub static RULES: &[(&str, Rke2Rule)] = &[
    ("RKE2-001", profile),
    ("RKE2-002", protect_kernel_defaults),
    ("RKE2-003", secrets_encryption),
    ("RKE2-004", encryption_provider),
    ("RKE2-005", kubeconfig_mode),
    ("RKE2-006", audit_policy),
    ("RKE2-007", pod_security),
    ("RKE2-008", |c| {
        weakened_component(c, &[Component::ApiServer])
    }),
    ("RKE2-009", |c| {
        weakened_component(c, &[Component::ControllerManager, Component::Scheduler])
    }),
    ("RKE2-010", |c| weakened_component(c, &[Component::Etcd])),
    ("RKE2-011", |c| weakened_component(c, &[Component::Kubelet])),
    ("RKE2-012", |c| {
        weakened_component(c, &[Component::KubeProxy])
    }),
    ("RKE2-013", join_token),
    ("RKE2-014", inline_only),
    ("RKE2-015", s3_tls),
    ("RKE2-016", snapshots),
    ("RKE2-017", |c| {
        must_not_be(
            c,
            "tls-san-security",
            false,
            "the server certificate accepts any SAN a client asks for",
            "Remove tls-san-security: false",
        )
    }),
    ("RKE2-018", cni),
    ("RKE2-019", exposure),
    ("RKE2-020", selinux),
    ("RKE2-021", datastore),
    ("RKE2-022", extra_mounts),
    ("RKE2-024", disabled_components),
    ("RKE2-025", |c| {
        must_not_be(
            c,
            "debug",
            true,
            "debug logs may record sensitive data",
            "Remove debug: true in production",
        )
    }),
    ("RKE2-026", replaced_keys),
    ("RKE2-027", default_network_policies),
    ("RKE-044", unknown_keys),
];

/// Rules decided only by the inline secrets the caller adds (pass when there is none).
fn inline_only(_: &Rke2Config) -> Outcome {
    Outcome::Pass
}

/// RKE2-001: `profile: cis` (cis-1.23 / cis-1.6 for older releases).
fn profile(c: &Rke2Config) -> Outcome {
    match c.str("profile") {
        Some(p) if p.starts_with("cis") => Outcome::Pass,
        Some(p) => Outcome::fail(
            format!("profile `{p}` is not a CIS profile"),
            c.at("profile"),
            "Set profile: cis",
        ),
        None => Outcome::fail(
            "no CIS profile: RKE2 runs without its CIS hardening (Pod Security privileged, no audit log, no default NetworkPolicies)",
            c.at("profile"),
            "Set profile: cis (and prepare the host: etcd user, kernel parameters)",
        ),
    }
}

/// RKE2-002: `protect-kernel-defaults: false` with a profile stops RKE2.
fn protect_kernel_defaults(c: &Rke2Config) -> Outcome {
    if c.bool("protect-kernel-defaults") == Some(false) && c.profile().is_some() {
        Outcome::fail(
            "protect-kernel-defaults is false with a CIS profile: RKE2 refuses to start",
            c.at("protect-kernel-defaults"),
            "Remove protect-kernel-defaults: false",
        )
    } else {
        Outcome::Pass
    }
}

/// RKE2-003: secrets encryption stays on.
fn secrets_encryption(c: &Rke2Config) -> Outcome {
    must_not_be(
        c,
        "secrets-encryption",
        false,
        "Secrets are stored unencrypted in etcd",
        "Remove secrets-encryption: false",
    )
}

/// RKE2-004: a known provider (aescbc, the default, or secretbox).
fn encryption_provider(c: &Rke2Config) -> Outcome {
    match c.str("secrets-encryption-provider").as_deref() {
        None | Some("aescbc") | Some("secretbox") => Outcome::Pass,
        Some(p) => Outcome::fail(
            format!("secrets-encryption-provider `{p}` is neither aescbc nor secretbox"),
            c.at("secrets-encryption-provider"),
            "Use secretbox (or aescbc)",
        ),
    }
}

/// RKE2-005: the admin kubeconfig readable by its owner only.
fn kubeconfig_mode(c: &Rke2Config) -> Outcome {
    let Some(e) = c.get("write-kubeconfig-mode") else {
        return Outcome::Pass;
    };
    match file_mode(&e.node) {
        Some(m) if m & 0o077 == 0 => Outcome::Pass,
        Some(m) => Outcome::fail(
            format!(
                "write-kubeconfig-mode is {m:04o}: the cluster-admin kubeconfig is readable by other users"
            ),
            e.at.clone(),
            "Set write-kubeconfig-mode: \"0600\" (quoted)",
        ),
        None => Outcome::fail(
            "write-kubeconfig-mode is not an octal mode",
            e.at.clone(),
            "Set write-kubeconfig-mode: \"0600\" (quoted)",
        ),
    }
}

fn api(c: &Rke2Config) -> Option<&crate::model::ComponentView> {
    c.views.iter().find(|v| v.component == Component::ApiServer)
}

/// RKE2-006: an audit policy that logs (the policy RKE2 writes with the profile logs nothing).
fn audit_policy(c: &Rke2Config) -> Outcome {
    let Some(api) = api(c) else {
        return Outcome::na("kube-apiserver is disabled");
    };
    match &api.audit_policy {
        Linked::Found(p) => files::audit_policy(p),
        Linked::Unresolved(p) => {
            Outcome::na(format!("the audit policy {p} is not among the inputs"))
        }
        Linked::None => Outcome::fail(
            "no audit policy: neither profile nor audit-policy-file is set, so nothing is audited",
            c.at("audit-policy-file"),
            "Set audit-policy-file to a policy logging at least Metadata",
        ),
    }
}

/// RKE2-007: Pod Security admission restricted or baseline.
fn pod_security(c: &Rke2Config) -> Outcome {
    let Some(api) = api(c) else {
        return Outcome::na("kube-apiserver is disabled");
    };
    match &api.admission {
        Linked::Found(a) => {
            let Some(ps) = a.pod_security().and_then(|p| p.pod_security.as_ref()) else {
                return files::pod_security(a);
            };
            match ps.level() {
                "restricted" | "baseline" => Outcome::Pass,
                level => Outcome::fail(
                    format!(
                        "Pod Security admission enforces `{level}` by default ({})",
                        a.origin
                    ),
                    ps.enforce
                        .as_ref()
                        .map_or_else(|| ps.at.clone(), |(_, at)| at.clone()),
                    "Set profile: cis, or a pod-security-admission-config-file enforcing restricted",
                ),
            }
        }
        Linked::Unresolved(p) => Outcome::na(format!(
            "the Pod Security configuration {p} is not among the inputs"
        )),
        Linked::None => Outcome::na("no admission configuration"),
    }
}

fn weakened_component(c: &Rke2Config, comps: &[Component]) -> Outcome {
    let mut hits = Vec::new();
    let mut any = false;
    for v in c.views.iter().filter(|v| comps.contains(&v.component)) {
        any = true;
        if let Some(Outcome::Fail(h)) = weakened(v) {
            hits.extend(h);
        }
    }
    if any {
        Outcome::from_hits(hits)
    } else {
        Outcome::na("the component is disabled")
    }
}

/// RKE2-013: join tokens inline are reported as secrets; trivial ones also here.
fn join_token(c: &Rke2Config) -> Outcome {
    let mut hits = Vec::new();
    for key in ["token", "agent-token"] {
        if let Some(e) = c.get(key)
            && let Some(v) = e.node.scalar_text()
            && !crate::secrets::is_placeholder(&v)
            && v.len() < 16
        {
            hits.push(Hit::new(
                format!("{key} is shorter than 16 characters: it can be guessed"),
                e.at.clone(),
                format!("Use a long random {key} in {key}-file"),
            ));
        }
    }
    Outcome::from_hits(hits)
}

/// RKE2-015: S3 snapshots over verified TLS.
fn s3_tls(c: &Rke2Config) -> Outcome {
    let mut hits = Vec::new();
    for (key, what) in [
        (
            "etcd-s3-skip-ssl-verify",
            "the S3 certificate is not verified",
        ),
        ("etcd-s3-insecure", "snapshots go to S3 over plain http"),
    ] {
        if c.bool(key) == Some(true) {
            hits.push(Hit::new(
                format!("{key}: {what}"),
                c.at(key),
                format!("Remove {key}"),
            ));
        }
    }
    Outcome::from_hits(hits)
}

/// RKE2-016: snapshots on and kept.
fn snapshots(c: &Rke2Config) -> Outcome {
    if c.str("datastore-endpoint").is_some() || c.bool("disable-etcd") == Some(true) {
        return Outcome::na("no embedded etcd");
    }
    let mut hits = Vec::new();
    if c.bool("etcd-disable-snapshots") == Some(true) {
        hits.push(Hit::new(
            "etcd snapshots are disabled",
            c.at("etcd-disable-snapshots"),
            "Remove etcd-disable-snapshots",
        ));
    }
    if let Some(e) = c.get("etcd-snapshot-retention")
        && e.node
            .scalar_text()
            .and_then(|s| s.parse::<i64>().ok())
            .is_some_and(|n| n < 1)
    {
        hits.push(Hit::new(
            "etcd-snapshot-retention keeps no snapshot",
            e.at.clone(),
            "Keep at least one snapshot",
        ));
    }
    Outcome::from_hits(hits)
}

fn must_not_be(c: &Rke2Config, key: &str, bad: bool, why: &str, fix: &str) -> Outcome {
    if c.bool(key) == Some(bad) {
        Outcome::fail(format!("{key} is {bad}: {why}"), c.at(key), fix)
    } else {
        Outcome::Pass
    }
}

/// RKE2-018: a CNI that enforces NetworkPolicies.
fn cni(c: &Rke2Config) -> Outcome {
    let items = c.items("cni");
    let names: Vec<&str> = items
        .iter()
        .flat_map(|(s, _)| s.split(','))
        .map(str::trim)
        .collect();
    if names.is_empty()
        || names
            .iter()
            .any(|n| ["canal", "calico", "cilium"].contains(n))
    {
        return Outcome::Pass;
    }
    Outcome::fail(
        format!("cni `{}` does not enforce NetworkPolicies", names.join(",")),
        c.at("cni"),
        "Use canal (the default), calico or cilium",
    )
}

/// RKE2-019: profiling and metrics endpoints exposed.
fn exposure(c: &Rke2Config) -> Outcome {
    let hits = [
        (
            "enable-pprof",
            "exposes Go profiling on the supervisor port",
        ),
        ("supervisor-metrics", "exposes the supervisor's metrics"),
        (
            "etcd-expose-metrics",
            "exposes etcd metrics on every interface",
        ),
    ]
    .iter()
    .filter(|(k, _)| c.bool(k) == Some(true))
    .map(|(k, why)| Hit::new(format!("{k} {why}"), c.at(k), format!("Remove {k}")))
    .collect();
    Outcome::from_hits(hits)
}

/// RKE2-020: SELinux support.
fn selinux(c: &Rke2Config) -> Outcome {
    if c.bool("selinux") == Some(true) {
        Outcome::Pass
    } else {
        Outcome::fail(
            "selinux is not enabled: containers are not confined by SELinux on hosts that support it",
            c.at("selinux"),
            "Set selinux: true on SELinux hosts (with the rke2-selinux policy)",
        )
    }
}

/// RKE2-021: an external datastore over TLS (a password in the DSN is reported as a secret).
fn datastore(c: &Rke2Config) -> Outcome {
    let Some(e) = c.get("datastore-endpoint") else {
        return Outcome::na("embedded etcd");
    };
    let dsn = e.node.scalar_text().unwrap_or_default();
    let mut hits = Vec::new();
    let plain =
        dsn.starts_with("http://") || dsn.contains("sslmode=disable") || dsn.starts_with("unix://");
    let tls_files = [
        "datastore-cafile",
        "datastore-certfile",
        "datastore-keyfile",
    ]
    .iter()
    .any(|k| c.str(k).is_some());
    if plain || (!dsn.starts_with("https://") && !tls_files && !dsn.contains("sslmode=verify")) {
        hits.push(Hit::new(
            "the datastore connection is not verified TLS (the endpoint is shown without its credentials)",
            e.at.clone(),
            "Use TLS to the datastore: datastore-cafile, datastore-certfile, datastore-keyfile",
        ));
    }
    if dsn_password(&dsn).is_some() {
        // Reported as a secret; the message above never includes the DSN.
    }
    Outcome::from_hits(hits)
}

/// RKE2-022: extra mounts of sensitive host paths read-write into control-plane pods.
fn extra_mounts(c: &Rke2Config) -> Outcome {
    const SENSITIVE: &[&str] = &[
        "/",
        "/etc",
        "/root",
        "/var/run/docker.sock",
        "/run/containerd/containerd.sock",
        "/var/lib/kubelet",
        "/var/lib/rancher",
        "/proc",
        "/sys",
        "/dev",
        "/home",
    ];
    let mut hits = Vec::new();
    let keys: Vec<String> = c
        .settings
        .keys()
        .filter(|k| k.ends_with("-extra-mount"))
        .cloned()
        .collect();
    for key in keys {
        for (m, at) in c.items(&key) {
            let mut parts = m.split(':');
            let host = parts.next().unwrap_or_default().trim_end_matches('/');
            let host = if host.is_empty() { "/" } else { host };
            let ro = parts
                .nth(1)
                .is_some_and(|o| o.split(',').any(|x| x == "ro"));
            if !ro && SENSITIVE.contains(&host) {
                hits.push(Hit::new(
                    format!("{key} mounts host path {host} read-write"),
                    at,
                    "Mount a narrower path, read-only (`:ro`)",
                ));
            }
        }
    }
    Outcome::from_hits(hits)
}

/// RKE2-024: components disabled on this server (their rules are not applicable here).
fn disabled_components(c: &Rke2Config) -> Outcome {
    let hits: Vec<Hit> = [
        "disable-apiserver",
        "disable-controller-manager",
        "disable-scheduler",
        "disable-etcd",
    ]
    .iter()
    .filter(|k| c.bool(k) == Some(true))
    .map(|k| {
        Hit::new(
            format!("{k}: this node does not run the component; audit the nodes that do"),
            c.at(k),
            "Audit the configuration of the servers running it",
        )
    })
    .collect();
    Outcome::from_hits(hits)
}

/// RKE2-026: a key set in one file and replaced by a later file (the merged value is audited).
fn replaced_keys(c: &Rke2Config) -> Outcome {
    let hits = c
        .replaced
        .iter()
        .map(|(key, old, new)| {
            let at = new
                .loc
                .as_ref()
                .map_or_else(String::new, |l| format!("{}:{}", l.path, l.start.line));
            Hit::new(
                format!("`{key}` here is replaced by the value at {at}"),
                old.clone(),
                "Set each key in one file (later files win)",
            )
        })
        .collect();
    Outcome::from_hits(hits)
}

/// RKE2-027: without the CIS profile RKE2 deploys no default NetworkPolicies and leaves the
/// default ServiceAccounts' token automount on; with it, system namespaces are covered and
/// user namespaces need policies the configuration cannot show.
fn default_network_policies(c: &Rke2Config) -> Outcome {
    if c.profile().is_some() {
        Outcome::na(
            "the CIS profile covers system namespaces; user namespaces need NetworkPolicies of their own (check the manifests)",
        )
    } else {
        Outcome::fail(
            "without profile: cis, RKE2 creates no default NetworkPolicies and keeps ServiceAccount token automount on",
            c.at("profile"),
            "Set profile: cis, and deploy NetworkPolicies in every user namespace",
        )
    }
}

/// RKE-044 for RKE2: keys RKE2 does not know; it skips them with only a log warning, so a
/// typo silently drops the setting.
fn unknown_keys(c: &Rke2Config) -> Outcome {
    let hits = c
        .unknown
        .iter()
        .map(|u| {
            let hint = u
                .suggestion
                .as_ref()
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default();
            Hit::new(
                format!(
                    "unknown RKE2 config key `{}`: RKE2 skips it with only a log warning{hint}",
                    u.key
                ),
                u.at.clone(),
                u.suggestion.as_ref().map_or_else(
                    || "Remove it".to_string(),
                    |s| format!("Rename it to `{s}`"),
                ),
            )
        })
        .collect();
    Outcome::from_hits(hits)
}
