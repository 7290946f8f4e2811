//! Rules on the configuration files kube-apiserver reads, wherever they come from (an input
//! file, a cluster.yml, or the file the platform writes): audit policy, EncryptionConfiguration,
//! AdmissionConfiguration (PodSecurity, EventRateLimit), and containerd registries.yaml.

use kubeguard_engine::Severity;
use kubeguard_source::Node;

use crate::admission::Admission;
use crate::audit_policy::Policy;
use crate::encryption::Encryption;
use crate::model::{At, Doc};
use crate::rules::{Hit, Outcome};

/// The namespaces Rancher's hardening guides exempt from Pod Security admission: system
/// components that need privileges. Exempting anything else needs a review.
pub const SYSTEM_NAMESPACES: &[&str] = &[
    "calico-apiserver",
    "calico-system",
    "cattle-alerting",
    "cattle-csp-adapter-system",
    "cattle-elemental-system",
    "cattle-epinio-system",
    "cattle-externalip-system",
    "cattle-fleet-local-system",
    "cattle-fleet-system",
    "cattle-gatekeeper-system",
    "cattle-global-data",
    "cattle-global-nt",
    "cattle-impersonation-system",
    "cattle-istio",
    "cattle-istio-system",
    "cattle-logging",
    "cattle-logging-system",
    "cattle-monitoring-system",
    "cattle-neuvector-system",
    "cattle-prometheus",
    "cattle-provisioning-capi-system",
    "cattle-resources-system",
    "cattle-sriov-system",
    "cattle-system",
    "cattle-ui-plugin-system",
    "cattle-windows-gmsa-system",
    "cert-manager",
    "cis-operator-system",
    "compliance-operator-system",
    "fleet-default",
    "ingress-nginx",
    "istio-system",
    "kube-node-lease",
    "kube-public",
    "kube-system",
    "longhorn-system",
    "rancher-alerting-drivers",
    "security-scan",
    "tigera-operator",
];

/// Resources whose request bodies carry secrets: logging them at Request or RequestResponse
/// writes the secrets into the audit log.
const SENSITIVE: &[&str] = &["secrets", "configmaps", "tokenreviews"];

/// K8S-apiserver-audit-policy-nonempty (and RKE-006, RKE2-006): the policy logs something,
/// and the first rule that matches Secrets, ConfigMaps or TokenReviews does not log bodies.
pub fn audit_policy(p: &Policy) -> Outcome {
    let mut hits = Vec::new();
    if !p.logs_anything() {
        let msg = if p.rules.is_empty() {
            format!("{} has no rules: nothing is logged", p.origin)
        } else {
            format!(
                "every rule of {} has level None: nothing is logged",
                p.origin
            )
        };
        hits.push(Hit::new(
            msg,
            p.at.clone(),
            "Add rules with level Metadata or higher, ending with a catch-all `- level: Metadata`",
        ));
    }
    for res in SENSITIVE {
        let first = p
            .rules
            .iter()
            .find(|r| r.catch_all || r.resources.iter().any(|x| x == res || x == "*"));
        if let Some(r) = first
            && (r.level == "Request" || r.level == "RequestResponse")
        {
            hits.push(
                Hit::new(
                    format!(
                        "{res} are logged at level {} (their content goes into the audit log)",
                        r.level
                    ),
                    r.at.clone(),
                    format!("Log {res} at level Metadata in a rule before this one"),
                )
                .severity(Severity::Medium),
            );
        }
    }
    Outcome::from_hits(hits)
}

/// K8S-apiserver-encryption-first-provider (and RKE-003): for the resources covering Secrets,
/// the providers in order: identity first stores them in plain text; keys must be valid
/// base64 of a size the provider accepts; KMS v1 is deprecated.
pub fn encryption(e: &Encryption) -> Outcome {
    let mut hits = Vec::new();
    let mut any = false;
    for r in e.for_secrets() {
        any = true;
        match r.providers.first() {
            None => hits.push(Hit::new(
                format!("no provider for {}", r.names.join(", ")),
                r.at.clone(),
                "List an encrypting provider first",
            )),
            Some(p) if p.kind == "identity" => {
                let later: Vec<&str> = r
                    .providers
                    .iter()
                    .skip(1)
                    .map(|p| p.kind.as_str())
                    .collect();
                let tail = if later.is_empty() {
                    String::new()
                } else {
                    format!(" ({} only decrypt)", later.join(", "))
                };
                hits.push(Hit::new(
                    format!("identity is the first provider for {}: Secrets are stored unencrypted{tail}", r.names.join(", ")),
                    p.at.clone(),
                    "Move identity last (keep it only to read data written before encryption)",
                ));
            }
            _ => {}
        }
        for p in &r.providers {
            let sizes: &[usize] = match p.kind.as_str() {
                "aescbc" | "aesgcm" => &[16, 24, 32],
                "secretbox" => &[32],
                _ => &[],
            };
            if p.kind == "kms" && p.kms_version.as_deref() != Some("v2") {
                hits.push(
                    Hit::new(
                        "KMS v1 is deprecated (disabled by default since Kubernetes 1.29)",
                        p.at.clone(),
                        "Use a KMS v2 plugin (apiVersion: v2)",
                    )
                    .severity(Severity::Low),
                );
            }
            for k in &p.keys {
                let Some(s) = &k.secret else { continue };
                match k.decoded_len {
                    Some(n) if sizes.is_empty() || sizes.contains(&n) => {}
                    Some(n) => hits.push(Hit::new(
                        format!(
                            "{} key `{}` is {n} bytes; {} takes {:?}",
                            p.kind, k.name, p.kind, sizes
                        ),
                        s.at.clone(),
                        "Generate a 32-byte random key: head -c 32 /dev/urandom | base64",
                    )),
                    None => hits.push(Hit::new(
                        format!("{} key `{}` is not base64 (a placeholder?)", p.kind, k.name),
                        s.at.clone(),
                        "Generate a 32-byte random key: head -c 32 /dev/urandom | base64",
                    )),
                }
            }
        }
    }
    if !any {
        hits.push(Hit::new(
            format!("{} does not cover secrets", e.origin),
            e.at.clone(),
            "Add a resources entry for secrets with an encrypting provider first",
        ));
    }
    Outcome::from_hits(hits)
}

/// K8S-apiserver-admission-psa (and RKE-010/011, RKE2-007): PodSecurity enforces baseline or
/// restricted by default, exempts no users and runtime classes, and only system namespaces.
pub fn pod_security(a: &Admission) -> Outcome {
    let Some(plugin) = a.pod_security() else {
        return Outcome::na(format!("{} has no PodSecurity plugin", a.origin));
    };
    let Some(ps) = &plugin.pod_security else {
        return match &plugin.path {
            Some(p) => Outcome::na(format!(
                "the PodSecurity configuration is in {p}, not among the inputs"
            )),
            None => Outcome::fail(
                "the PodSecurity plugin has no configuration: every namespace defaults to privileged",
                plugin.at.clone(),
                "Set defaults.enforce: restricted (or baseline)",
            ),
        };
    };
    let mut hits = Vec::new();
    let level = ps.level();
    if level != "baseline" && level != "restricted" {
        let at = ps
            .enforce
            .as_ref()
            .map_or_else(|| ps.at.clone(), |(_, at)| at.clone());
        let msg = if ps.enforce.is_some() {
            format!("PodSecurity enforces `{level}` by default: pods are not restricted")
        } else {
            "PodSecurity defaults.enforce is not set, so it is privileged: pods are not restricted"
                .to_string()
        };
        hits.push(Hit::new(
            msg,
            at,
            "Set defaults.enforce: restricted (or baseline at least)",
        ));
    }
    for (u, at) in &ps.usernames {
        hits.push(Hit::new(
            format!("user `{u}` is exempt from Pod Security admission: its pods are never checked"),
            at.clone(),
            "Remove the exemption; exempt namespaces of system components instead",
        ));
    }
    hits.extend(exemption_hits(ps));
    Outcome::from_hits(hits)
}

/// The medium-severity exemption findings (runtime classes, non-system namespaces, unknown keys).
pub fn exemption_hits(ps: &crate::admission::PodSecurity) -> Vec<Hit> {
    let mut hits = Vec::new();
    for (rc, at) in &ps.runtime_classes {
        hits.push(
            Hit::new(
                format!("runtime class `{rc}` is exempt from Pod Security admission"),
                at.clone(),
                "Remove the runtime class exemption",
            )
            .severity(Severity::Medium),
        );
    }
    for (ns, at) in &ps.namespaces {
        if !SYSTEM_NAMESPACES.contains(&ns.as_str()) {
            hits.push(
                Hit::new(
                    format!("namespace `{ns}` is exempt from Pod Security admission and is not a system namespace"),
                    at.clone(),
                    "Exempt only namespaces of system components; label others with a policy level instead",
                )
                .severity(Severity::Medium),
            );
        }
    }
    for (k, at) in &ps.unknown {
        let hint = if k == "runtimeClassNames" {
            " (did you mean runtimeClasses?)"
        } else {
            ""
        };
        hits.push(
            Hit::new(
                format!("`{k}` is not a PodSecurityConfiguration key{hint}: the setting is ignored or rejected"),
                at.clone(),
                "Use defaults.{enforce,audit,warn}[-version] and exemptions.{usernames,namespaces,runtimeClasses}",
            )
            .severity(Severity::Medium),
        );
    }
    hits
}

/// K8S-apiserver-admission-eventratelimit: an EventRateLimit configuration with limits whose
/// type is known and whose qps and burst are positive.
pub fn event_rate_limit(a: &Admission) -> Outcome {
    let Some(plugin) = a.event_rate_limit() else {
        return Outcome::na(format!("{} has no EventRateLimit plugin", a.origin));
    };
    let Some(erl) = &plugin.event_rate_limit else {
        return match &plugin.path {
            Some(p) => Outcome::na(format!(
                "the EventRateLimit configuration is in {p}, not among the inputs"
            )),
            None => Outcome::fail(
                "the EventRateLimit plugin has no configuration: kube-apiserver refuses to start",
                plugin.at.clone(),
                "Add a configuration with limits (type Server, qps, burst)",
            ),
        };
    };
    let mut hits = Vec::new();
    if erl.limits.is_empty() {
        hits.push(Hit::new(
            "EventRateLimit has no limits",
            erl.at.clone(),
            "Add limits (type Server, qps, burst)",
        ));
    }
    for l in &erl.limits {
        if !["Server", "Namespace", "User", "SourceAndObject"].contains(&l.kind.as_str()) {
            hits.push(Hit::new(
                format!("unknown limit type `{}`", l.kind),
                l.at.clone(),
                "Use Server, Namespace, User or SourceAndObject",
            ));
        }
        if l.qps.is_none_or(|q| q <= 0) || l.burst.is_none_or(|b| b <= 0) {
            hits.push(Hit::new(
                "a limit without positive qps and burst",
                l.at.clone(),
                "Set qps and burst above 0",
            ));
        }
    }
    Outcome::from_hits(hits)
}

/// RKE2-023 on a registries.yaml: TLS verification kept, mirrors over https, no inline
/// passwords (reported as secrets by the caller).
pub fn registries(doc: &Doc) -> Outcome {
    let mut hits = Vec::new();
    if let Some(configs) = doc.root.get("configs").and_then(Node::as_map) {
        for (host, c) in configs.iter() {
            if let Some(n) = c.path(&["tls", "insecure_skip_verify"])
                && n.as_bool() == Some(true)
            {
                hits.push(Hit::new(
                    format!("TLS verification is off for registry {host}"),
                    doc.at(n, format!("configs.{host}.tls.insecure_skip_verify")),
                    "Remove insecure_skip_verify; give the registry's CA in tls.ca_file",
                ));
            }
        }
    }
    if let Some(mirrors) = doc.root.get("mirrors").and_then(Node::as_map) {
        for (host, m) in mirrors.iter() {
            for (i, e) in m
                .get("endpoint")
                .and_then(Node::as_seq)
                .unwrap_or_default()
                .iter()
                .enumerate()
            {
                if e.as_str().is_some_and(|u| u.starts_with("http://")) {
                    hits.push(Hit::new(
                        format!("mirror endpoint of {host} is plain http"),
                        doc.at(e, format!("mirrors.{host}.endpoint[{i}]")),
                        "Use an https endpoint",
                    ));
                }
            }
        }
    }
    Outcome::from_hits(hits)
}

/// The inline secrets of a registries.yaml (`configs.<host>.auth.{password,auth,identitytoken}`).
pub fn registry_secrets(doc: &Doc) -> Vec<crate::secrets::Secret> {
    let mut out = Vec::new();
    if let Some(configs) = doc.root.get("configs").and_then(Node::as_map) {
        for (host, c) in configs.iter() {
            for key in ["password", "auth", "identitytoken"] {
                if let Some(n) = c.path(&["auth", key])
                    && n.scalar_text()
                        .is_some_and(|s| !crate::secrets::is_placeholder(&s))
                {
                    out.push(crate::secrets::Secret {
                        at: doc.at(n, format!("configs.{host}.auth.{key}")),
                        span: n.span,
                        path: doc.path.clone(),
                        what: format!("registry {key} for {host}"),
                    });
                }
            }
        }
    }
    out
}

/// Where a file-level target is reported when it has no better place.
pub fn root_at(doc: &Doc) -> At {
    doc.at(&doc.root, "")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::parse_yaml;

    fn first(text: &str) -> Doc {
        parse_yaml("f.yaml", text).0.remove(0)
    }

    #[test]
    fn audit_policies() {
        let d = first("kind: Policy\nrules:\n- level: None\n");
        assert!(matches!(
            audit_policy(&Policy::from_node(&d, &d.root, "", "f")),
            Outcome::Fail(_)
        ));
        let d = first("kind: Policy\nrules:\n- level: RequestResponse\n");
        match audit_policy(&Policy::from_node(&d, &d.root, "", "f")) {
            Outcome::Fail(h) => assert_eq!(h.len(), 3),
            o => panic!("{o:?}"),
        }
        let d = first(
            "kind: Policy\nrules:\n- level: Metadata\n  resources: [{group: '', resources: [secrets, configmaps]}]\n- level: Metadata\n  resources: [{group: authentication.k8s.io, resources: [tokenreviews]}]\n- level: RequestResponse\n",
        );
        assert_eq!(
            audit_policy(&Policy::from_node(&d, &d.root, "", "f")),
            Outcome::Pass
        );
    }

    #[test]
    fn encryption_configs() {
        let d = first(
            "kind: EncryptionConfiguration\nresources:\n- resources: [secrets]\n  providers:\n  - aescbc:\n      keys:\n      - name: k\n        secret: <BASE 64 ENCODED SECRET>\n  - identity: {}\n",
        );
        match encryption(&Encryption::from_node(&d, &d.root, "", "f")) {
            Outcome::Fail(h) => assert!(h[0].message.contains("not base64")),
            o => panic!("{o:?}"),
        }
        let d = first(
            "kind: EncryptionConfiguration\nresources:\n- resources: [configmaps]\n  providers: [{identity: {}}]\n",
        );
        assert!(matches!(
            encryption(&Encryption::from_node(&d, &d.root, "", "f")),
            Outcome::Fail(_)
        ));
    }

    #[test]
    fn admission_configs() {
        let d = first(
            "kind: AdmissionConfiguration\nplugins:\n- name: PodSecurity\n  configuration:\n    defaults: {enforce: restricted}\n    exemptions:\n      namespaces: [kube-system, team-a]\n      runtimeClassNames: []\n- name: EventRateLimit\n  configuration:\n    limits: [{type: Server, qps: 0, burst: 10}]\n",
        );
        let a = Admission::from_node(&d, &d.root, "", "f");
        match pod_security(&a) {
            Outcome::Fail(h) => {
                assert_eq!(h.len(), 2);
                assert!(h.iter().all(|h| h.severity == Some(Severity::Medium)));
            }
            o => panic!("{o:?}"),
        }
        assert!(matches!(event_rate_limit(&a), Outcome::Fail(_)));
        let d = first("kind: AdmissionConfiguration\nplugins: []\n");
        assert!(matches!(
            pod_security(&Admission::from_node(&d, &d.root, "", "f")),
            Outcome::NotApplicable(_)
        ));
    }

    #[test]
    fn registries_yaml() {
        let d = first(
            "mirrors:\n  docker.io:\n    endpoint: [\"http://mirror:5000\"]\nconfigs:\n  mirror:5000:\n    tls: {insecure_skip_verify: true}\n    auth: {username: u, password: p4ss}\n",
        );
        match registries(&d) {
            Outcome::Fail(h) => assert_eq!(h.len(), 2),
            o => panic!("{o:?}"),
        }
        assert_eq!(registry_secrets(&d).len(), 1);
    }
}
