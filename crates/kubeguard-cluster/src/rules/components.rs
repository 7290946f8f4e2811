//! Component flag rules: CIS sections 1.2-1.4 (kube-apiserver, controller manager, scheduler),
//! 2 (etcd), 3.2.1, 4.2 (kubelet) and 4.3 (kube-proxy), the flags only older benchmarks check
//! (`CIS-LEGACY-*`) and kubeguard's extra component rules (`K8S-*`). Each rule decides on the
//! component's effective value: an unset flag has the component's own default (an unset
//! `--bind-address` is 0.0.0.0, an unset kubelet `--anonymous-auth` is true unless a
//! KubeletConfiguration makes it false), and durations are read as durations.

use crate::duration;
use crate::model::{Component, ComponentView, Linked, go_bool, list};
use crate::rules::{Hit, Outcome};

/// The effective value of an unset flag.
#[derive(Debug, Clone, Copy)]
pub enum Dflt {
    /// The component has no value (for "must be set" rules).
    Unset,
    /// This value.
    Value(&'static str),
    /// kubelet: one value under a KubeletConfiguration (v1beta1 defaults), another with flags only.
    Kubelet {
        /// With a configuration file.
        config: &'static str,
        /// With command-line flags only.
        flags: &'static str,
    },
}

impl Dflt {
    fn value(self, v: &ComponentView) -> Option<&'static str> {
        match self {
            Dflt::Unset => None,
            Dflt::Value(s) => Some(s),
            Dflt::Kubelet { config, flags } => Some(if v.kubelet_config { config } else { flags }),
        }
    }
}

/// What a rule requires of a flag.
#[derive(Debug, Clone, Copy)]
pub enum Test {
    /// A boolean flag must have this value.
    Bool(bool, Dflt),
    /// The value must equal this string.
    Eq(&'static str, Dflt),
    /// Each flag must be set to a non-empty value.
    Set(&'static [&'static str]),
    /// The flag must not be set.
    NotSet,
    /// The comma-separated value must contain the item.
    Has(&'static str, Dflt),
    /// The comma-separated value must not contain the item.
    Lacks(&'static str),
    /// An integer at least this large.
    AtLeast(i64, Dflt),
    /// Every comma-separated item must be in the list.
    Within(&'static [&'static str]),
    /// A duration that is not zero.
    NonZeroDuration(Dflt),
    /// A feature gate (`--feature-gates` or `featureGates`) must not be false.
    GateNotFalse(&'static str),
    /// Every URL of the comma-separated value must be https.
    Https(Dflt),
    /// An address (`host` or `host:port`) on the loopback interface.
    Loopback(Dflt),
    /// The value must not be this one (nor contain it as a list item).
    Not(&'static str, Dflt),
}

/// A declarative flag rule.
#[derive(Debug)]
pub struct Spec {
    /// Rule id.
    pub id: &'static str,
    /// The component.
    pub component: Component,
    /// The flag (without dashes); for `Set`, the first of the flags.
    pub flag: &'static str,
    /// The requirement.
    pub test: Test,
    /// Only for Kubernetes minor versions below this one (legacy flags), when known.
    pub before: Option<u32>,
}

/// The strong ciphers CIS 1.12 accepts for kube-apiserver (1.2.29).
pub const API_CIPHERS: &[&str] = &[
    "TLS_AES_128_GCM_SHA256",
    "TLS_AES_256_GCM_SHA384",
    "TLS_CHACHA20_POLY1305_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305",
    "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305",
    "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
];

/// The strong ciphers CIS 1.12 accepts for the kubelet (4.2.12).
pub const KUBELET_CIPHERS: &[&str] = &[
    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305",
    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305",
    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
];

use Component::{ApiServer as Api, ControllerManager as Cm, Etcd, KubeProxy, Kubelet, Scheduler};
use Dflt::{Kubelet as K, Unset, Value as V};

const fn s(id: &'static str, component: Component, flag: &'static str, test: Test) -> Spec {
    Spec {
        id,
        component,
        flag,
        test,
        before: None,
    }
}

const fn legacy(
    id: &'static str,
    component: Component,
    flag: &'static str,
    test: Test,
    before: u32,
) -> Spec {
    Spec {
        id,
        component,
        flag,
        test,
        before: Some(before),
    }
}

/// Every declarative flag rule.
pub static SPECS: &[Spec] = &[
    s(
        "CIS-1.2.1",
        Api,
        "anonymous-auth",
        Test::Bool(false, V("true")),
    ),
    s("CIS-1.2.2", Api, "token-auth-file", Test::NotSet),
    s(
        "CIS-1.2.3",
        Api,
        "enable-admission-plugins",
        Test::Has("DenyServiceExternalIPs", Unset),
    ),
    s(
        "CIS-1.2.4",
        Api,
        "kubelet-client-certificate",
        Test::Set(&["kubelet-client-certificate", "kubelet-client-key"]),
    ),
    s(
        "CIS-1.2.5",
        Api,
        "kubelet-certificate-authority",
        Test::Set(&["kubelet-certificate-authority"]),
    ),
    s(
        "CIS-1.2.6",
        Api,
        "authorization-mode",
        Test::Lacks("AlwaysAllow"),
    ),
    s(
        "CIS-1.2.7",
        Api,
        "authorization-mode",
        Test::Has("Node", V("AlwaysAllow")),
    ),
    s(
        "CIS-1.2.8",
        Api,
        "authorization-mode",
        Test::Has("RBAC", V("AlwaysAllow")),
    ),
    s(
        "CIS-1.2.9",
        Api,
        "enable-admission-plugins",
        Test::Has("EventRateLimit", Unset),
    ),
    s(
        "CIS-1.2.10",
        Api,
        "enable-admission-plugins",
        Test::Lacks("AlwaysAdmit"),
    ),
    s(
        "CIS-1.2.11",
        Api,
        "enable-admission-plugins",
        Test::Has("AlwaysPullImages", Unset),
    ),
    s(
        "CIS-1.2.12",
        Api,
        "disable-admission-plugins",
        Test::Lacks("ServiceAccount"),
    ),
    s(
        "CIS-1.2.13",
        Api,
        "disable-admission-plugins",
        Test::Lacks("NamespaceLifecycle"),
    ),
    s(
        "CIS-1.2.14",
        Api,
        "enable-admission-plugins",
        Test::Has("NodeRestriction", Unset),
    ),
    s("CIS-1.2.15", Api, "profiling", Test::Bool(false, V("true"))),
    s(
        "CIS-1.2.16",
        Api,
        "audit-log-path",
        Test::Set(&["audit-log-path"]),
    ),
    s(
        "CIS-1.2.17",
        Api,
        "audit-log-maxage",
        Test::AtLeast(30, Unset),
    ),
    s(
        "CIS-1.2.18",
        Api,
        "audit-log-maxbackup",
        Test::AtLeast(10, Unset),
    ),
    s(
        "CIS-1.2.19",
        Api,
        "audit-log-maxsize",
        Test::AtLeast(100, Unset),
    ),
    s(
        "CIS-1.2.21",
        Api,
        "service-account-lookup",
        Test::Bool(true, V("true")),
    ),
    s(
        "CIS-1.2.22",
        Api,
        "service-account-key-file",
        Test::Set(&["service-account-key-file"]),
    ),
    s(
        "CIS-1.2.23",
        Api,
        "etcd-certfile",
        Test::Set(&["etcd-certfile", "etcd-keyfile"]),
    ),
    s(
        "CIS-1.2.24",
        Api,
        "tls-cert-file",
        Test::Set(&["tls-cert-file", "tls-private-key-file"]),
    ),
    s(
        "CIS-1.2.25",
        Api,
        "client-ca-file",
        Test::Set(&["client-ca-file"]),
    ),
    s(
        "CIS-1.2.26",
        Api,
        "etcd-cafile",
        Test::Set(&["etcd-cafile"]),
    ),
    s(
        "CIS-1.2.27",
        Api,
        "encryption-provider-config",
        Test::Set(&["encryption-provider-config"]),
    ),
    s(
        "CIS-1.2.29",
        Api,
        "tls-cipher-suites",
        Test::Within(API_CIPHERS),
    ),
    s(
        "CIS-1.2.30",
        Api,
        "service-account-extend-token-expiration",
        Test::Bool(false, V("true")),
    ),
    s(
        "CIS-1.3.1",
        Cm,
        "terminated-pod-gc-threshold",
        Test::Set(&["terminated-pod-gc-threshold"]),
    ),
    s("CIS-1.3.2", Cm, "profiling", Test::Bool(false, V("true"))),
    s(
        "CIS-1.3.3",
        Cm,
        "use-service-account-credentials",
        Test::Bool(true, V("false")),
    ),
    s(
        "CIS-1.3.4",
        Cm,
        "service-account-private-key-file",
        Test::Set(&["service-account-private-key-file"]),
    ),
    s(
        "CIS-1.3.5",
        Cm,
        "root-ca-file",
        Test::Set(&["root-ca-file"]),
    ),
    s(
        "CIS-1.3.6",
        Cm,
        "feature-gates",
        Test::GateNotFalse("RotateKubeletServerCertificate"),
    ),
    s(
        "CIS-1.3.7",
        Cm,
        "bind-address",
        Test::Eq("127.0.0.1", V("0.0.0.0")),
    ),
    s(
        "CIS-1.4.1",
        Scheduler,
        "profiling",
        Test::Bool(false, V("true")),
    ),
    s(
        "CIS-1.4.2",
        Scheduler,
        "bind-address",
        Test::Eq("127.0.0.1", V("0.0.0.0")),
    ),
    s(
        "CIS-2.1",
        Etcd,
        "cert-file",
        Test::Set(&["cert-file", "key-file"]),
    ),
    s(
        "CIS-2.2",
        Etcd,
        "client-cert-auth",
        Test::Bool(true, V("false")),
    ),
    s("CIS-2.3", Etcd, "auto-tls", Test::Bool(false, V("false"))),
    s(
        "CIS-2.4",
        Etcd,
        "peer-cert-file",
        Test::Set(&["peer-cert-file", "peer-key-file"]),
    ),
    s(
        "CIS-2.5",
        Etcd,
        "peer-client-cert-auth",
        Test::Bool(true, V("false")),
    ),
    s(
        "CIS-2.6",
        Etcd,
        "peer-auto-tls",
        Test::Bool(false, V("false")),
    ),
    s(
        "CIS-2.7",
        Etcd,
        "trusted-ca-file",
        Test::Set(&["trusted-ca-file"]),
    ),
    s(
        "CIS-4.2.1",
        Kubelet,
        "anonymous-auth",
        Test::Bool(
            false,
            K {
                config: "false",
                flags: "true",
            },
        ),
    ),
    s(
        "CIS-4.2.2",
        Kubelet,
        "authorization-mode",
        Test::Not(
            "AlwaysAllow",
            K {
                config: "Webhook",
                flags: "AlwaysAllow",
            },
        ),
    ),
    s(
        "CIS-4.2.3",
        Kubelet,
        "client-ca-file",
        Test::Set(&["client-ca-file"]),
    ),
    s(
        "CIS-4.2.4",
        Kubelet,
        "read-only-port",
        Test::Eq(
            "0",
            K {
                config: "0",
                flags: "10255",
            },
        ),
    ),
    s(
        "CIS-4.2.5",
        Kubelet,
        "streaming-connection-idle-timeout",
        Test::NonZeroDuration(V("4h0m0s")),
    ),
    s(
        "CIS-4.2.6",
        Kubelet,
        "make-iptables-util-chains",
        Test::Bool(true, V("true")),
    ),
    s("CIS-4.2.7", Kubelet, "hostname-override", Test::NotSet),
    s(
        "CIS-4.2.8",
        Kubelet,
        "event-qps",
        Test::AtLeast(
            0,
            K {
                config: "50",
                flags: "50",
            },
        ),
    ),
    s(
        "CIS-4.2.9",
        Kubelet,
        "tls-cert-file",
        Test::Set(&["tls-cert-file", "tls-private-key-file"]),
    ),
    s(
        "CIS-4.2.10",
        Kubelet,
        "rotate-certificates",
        Test::Bool(true, V("true")),
    ),
    s(
        "CIS-4.2.11",
        Kubelet,
        "feature-gates",
        Test::GateNotFalse("RotateKubeletServerCertificate"),
    ),
    s(
        "CIS-4.2.12",
        Kubelet,
        "tls-cipher-suites",
        Test::Within(KUBELET_CIPHERS),
    ),
    s(
        "CIS-4.2.13",
        Kubelet,
        "pod-max-pids",
        Test::Set(&["pod-max-pids"]),
    ),
    s(
        "CIS-4.2.14",
        Kubelet,
        "seccomp-default",
        Test::Bool(true, Unset),
    ),
    s(
        "CIS-4.3.1",
        KubeProxy,
        "metrics-bind-address",
        Test::Loopback(V("127.0.0.1:10249")),
    ),
    s(
        "CIS-LEGACY-basic-auth-file",
        Api,
        "basic-auth-file",
        Test::NotSet,
    ),
    s(
        "CIS-LEGACY-insecure-bind-address",
        Api,
        "insecure-bind-address",
        Test::NotSet,
    ),
    s(
        "CIS-LEGACY-insecure-port",
        Api,
        "insecure-port",
        Test::Eq("0", V("0")),
    ),
    s(
        "CIS-LEGACY-secure-port",
        Api,
        "secure-port",
        Test::Not("0", Unset),
    ),
    s(
        "CIS-LEGACY-kubelet-https",
        Api,
        "kubelet-https",
        Test::Bool(true, V("true")),
    ),
    legacy(
        "CIS-LEGACY-psp",
        Api,
        "enable-admission-plugins",
        Test::Has("PodSecurityPolicy", Unset),
        25,
    ),
    legacy(
        "CIS-LEGACY-protect-kernel-defaults",
        Kubelet,
        "protect-kernel-defaults",
        Test::Bool(true, V("false")),
        25,
    ),
    legacy(
        "CIS-LEGACY-event-qps",
        Kubelet,
        "event-qps",
        Test::Eq(
            "0",
            K {
                config: "50",
                flags: "50",
            },
        ),
        24,
    ),
    s(
        "K8S-apiserver-anonymous-rbac",
        Api,
        "authorization-mode",
        Test::Lacks("AlwaysAllow"),
    ),
    s(
        "K8S-apiserver-audit-log-path-stdout",
        Api,
        "audit-log-path",
        Test::Not("-", Unset),
    ),
    s(
        "K8S-etcd-listen-client-urls-https",
        Etcd,
        "listen-client-urls",
        Test::Https(V("http://localhost:2379")),
    ),
    s(
        "K8S-kubelet-authentication-webhook",
        Kubelet,
        "authentication-token-webhook",
        Test::Bool(
            true,
            K {
                config: "true",
                flags: "false",
            },
        ),
    ),
    s(
        "K8S-kubelet-healthz-bind",
        Kubelet,
        "healthz-bind-address",
        Test::Eq("127.0.0.1", V("127.0.0.1")),
    ),
];

/// A rule with its own logic.
pub type CustomRule = (&'static str, Component, fn(&ComponentView) -> Outcome);

/// The rules with their own logic (not a single flag test).
pub static CUSTOM: &[CustomRule] = &[
    ("CIS-1.2.28", Api, encryption_providers),
    ("CIS-3.2.1", Api, audit_policy_file),
    ("CIS-LEGACY-securitycontextdeny", Api, security_context_deny),
];

/// Whether `host` or `host:port` (IPv6 in brackets) is a loopback address.
pub fn is_loopback(addr: &str) -> bool {
    let host = if let Some(rest) = addr.strip_prefix('[') {
        rest.split(']').next().unwrap_or_default()
    } else if addr.matches(':').count() == 1 {
        addr.split(':').next().unwrap_or_default()
    } else {
        addr
    };
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

fn fix_for(v: &ComponentView, what: &str) -> String {
    if v.set_hint.is_empty() {
        what.to_string()
    } else {
        format!("{what} ({})", v.set_hint)
    }
}

fn shown(value: &str) -> String {
    if value.is_empty() {
        "empty".to_string()
    } else {
        format!("`{value}`")
    }
}

/// Items of the comma-separated value of a flag, unset meaning `default`.
fn value_or<'v>(
    v: &'v ComponentView,
    flag: &str,
    default: Dflt,
) -> (Option<&'v str>, Option<&'static str>) {
    (v.value(flag), default.value(v))
}

/// Evaluates one declarative rule on a view.
pub fn eval(spec: &Spec, v: &ComponentView) -> Outcome {
    if let Some(before) = spec.before {
        match v.k8s_minor {
            Some(m) if m < before => {}
            Some(m) => {
                return Outcome::na(format!(
                    "only for Kubernetes before 1.{before} (this is 1.{m})"
                ));
            }
            None => {
                return Outcome::na(format!(
                    "only for Kubernetes before 1.{before}; the version is not known"
                ));
            }
        }
    }
    let flag = spec.flag;
    let at = v.at(flag);
    let fail = |msg: String, fix: String| Outcome::fail(msg, at.clone(), fix_for(v, &fix));
    match spec.test {
        Test::Bool(want, default) => {
            let (value, dflt) = value_or(v, flag, default);
            match (value, dflt) {
                (Some(val), _) => match go_bool(val) {
                    Some(b) if b == want => Outcome::Pass,
                    Some(_) => fail(
                        format!("--{flag} is {}", shown(val)),
                        format!("Set --{flag}={want}"),
                    ),
                    None => fail(
                        format!("--{flag} is {}, not a boolean", shown(val)),
                        format!("Set --{flag}={want}"),
                    ),
                },
                (None, Some(d)) if go_bool(d) == Some(want) => Outcome::Pass,
                (None, Some(d)) => fail(
                    format!("--{flag} is not set and defaults to {d}"),
                    format!("Set --{flag}={want}"),
                ),
                (None, None) => fail(
                    format!("--{flag} is not set"),
                    format!("Set --{flag}={want}"),
                ),
            }
        }
        Test::Eq(want, default) => {
            let (value, dflt) = value_or(v, flag, default);
            match (value, dflt) {
                (Some(val), _) if val == want => Outcome::Pass,
                (Some(val), _) => fail(
                    format!("--{flag} is {}", shown(val)),
                    format!("Set --{flag}={want}"),
                ),
                (None, Some(d)) if d == want => Outcome::Pass,
                (None, Some(d)) => fail(
                    format!("--{flag} is not set, so it is {d}"),
                    format!("Set --{flag}={want}"),
                ),
                (None, None) => fail(
                    format!("--{flag} is not set"),
                    format!("Set --{flag}={want}"),
                ),
            }
        }
        Test::Loopback(default) => {
            let (value, dflt) = value_or(v, flag, default);
            match value.or(dflt) {
                Some(addr) if is_loopback(addr) => Outcome::Pass,
                Some(addr) => fail(
                    format!(
                        "--{flag} is {}: the endpoint is reachable from the network",
                        shown(addr)
                    ),
                    format!("Set --{flag}=127.0.0.1:<port>"),
                ),
                None => fail(
                    format!("--{flag} is not set"),
                    format!("Set --{flag}=127.0.0.1:<port>"),
                ),
            }
        }
        Test::Not(bad, default) => {
            let (value, dflt) = value_or(v, flag, default);
            match (value, dflt) {
                (Some(val), _) if val == bad || list(val).contains(&bad) => fail(
                    format!("--{flag} is {}", shown(val)),
                    format!("Do not set --{flag} to {bad}"),
                ),
                (None, Some(d)) if d == bad => fail(
                    format!("--{flag} is not set, so it is {d}"),
                    format!("Set --{flag} to another value than {bad}"),
                ),
                _ => Outcome::Pass,
            }
        }
        Test::Set(flags) => {
            let hits: Vec<Hit> = flags
                .iter()
                .filter(|f| v.value(f).is_none_or(str::is_empty))
                .map(|f| {
                    Hit::new(
                        format!("--{f} is not set"),
                        v.at(f),
                        fix_for(v, &format!("Set --{f}")),
                    )
                })
                .collect();
            Outcome::from_hits(hits)
        }
        Test::NotSet => match v.value(flag) {
            Some(val) => fail(
                format!("--{flag} is set ({})", shown(val)),
                format!("Remove --{flag}"),
            ),
            None => Outcome::Pass,
        },
        Test::Has(item, default) => {
            let (value, dflt) = value_or(v, flag, default);
            let items = value.or(dflt).map(list).unwrap_or_default();
            if items.contains(&item) {
                Outcome::Pass
            } else if value.is_some() {
                fail(
                    format!("--{flag} does not include {item}"),
                    format!("Add {item} to --{flag}"),
                )
            } else {
                fail(
                    format!("--{flag} is not set, so {item} is not enabled"),
                    format!("Add {item} to --{flag}"),
                )
            }
        }
        Test::Lacks(item) => match v.value(flag) {
            Some(val) if list(val).contains(&item) => fail(
                format!("--{flag} includes {item}"),
                format!("Remove {item} from --{flag}"),
            ),
            None if spec.id.contains("anonymous-rbac")
                || (flag == "authorization-mode" && v.component == Api) =>
            {
                fail(
                    format!(
                        "--{flag} is not set, so kube-apiserver authorizes every request (AlwaysAllow)"
                    ),
                    format!("Set --{flag}=Node,RBAC"),
                )
            }
            _ => Outcome::Pass,
        },
        Test::AtLeast(min, default) => {
            let (value, dflt) = value_or(v, flag, default);
            match value.or(dflt) {
                Some(val) => match val.trim().parse::<i64>() {
                    Ok(n) if n >= min => Outcome::Pass,
                    Ok(_) => fail(
                        format!("--{flag} is {}, less than {min}", shown(val)),
                        format!("Set --{flag} to {min} or more"),
                    ),
                    Err(_) => fail(
                        format!("--{flag} is {}, not a number", shown(val)),
                        format!("Set --{flag} to {min} or more"),
                    ),
                },
                None => fail(
                    format!("--{flag} is not set"),
                    format!("Set --{flag} to {min} or more"),
                ),
            }
        }
        Test::Within(allowed) => match v.value(flag) {
            Some(val) => {
                let weak: Vec<&str> = list(val)
                    .into_iter()
                    .filter(|c| !allowed.contains(c))
                    .collect();
                if weak.is_empty() && !list(val).is_empty() {
                    Outcome::Pass
                } else if weak.is_empty() {
                    fail(
                        format!("--{flag} is empty"),
                        format!("Set --{flag} to strong suites only"),
                    )
                } else {
                    fail(
                        format!(
                            "--{flag} allows suites outside the strong list: {}",
                            weak.join(", ")
                        ),
                        format!("Remove {} from --{flag}", weak.join(", ")),
                    )
                }
            }
            None => fail(
                format!(
                    "--{flag} is not set, so the Go defaults (including CBC suites) are allowed"
                ),
                format!("Set --{flag}={}", allowed.join(",")),
            ),
        },
        Test::NonZeroDuration(default) => {
            let (value, dflt) = value_or(v, flag, default);
            match (value, dflt) {
                (Some(val), _) if duration::is_zero(val) => fail(
                    format!(
                        "--{flag} is {}: a zero duration disables the timeout",
                        shown(val)
                    ),
                    format!("Set --{flag} to a non-zero duration such as 5m"),
                ),
                (Some(val), _) if duration::parse_nanos(val).is_none() => fail(
                    format!("--{flag} is {}, not a duration", shown(val)),
                    format!("Set --{flag} to a non-zero duration such as 5m"),
                ),
                _ => Outcome::Pass,
            }
        }
        Test::GateNotFalse(gate) => {
            if let Some(val) = v.value("feature-gates") {
                for item in list(val) {
                    let (name, value) = item.split_once('=').unwrap_or((item, "true"));
                    if name.trim() == gate && go_bool(value.trim()) == Some(false) {
                        return fail(
                            format!("--feature-gates sets {gate}=false"),
                            format!("Set {gate}=true in --feature-gates"),
                        );
                    }
                }
            }
            let key = format!("feature-gates:{gate}");
            match v.value(&key) {
                Some(val) if go_bool(val) == Some(false) || val == "false" => Outcome::fail(
                    format!("featureGates sets {gate} to false"),
                    v.at(&key),
                    fix_for(v, &format!("Set featureGates.{gate}: true")),
                ),
                _ => Outcome::Pass,
            }
        }
        Test::Https(default) => {
            let (value, dflt) = value_or(v, flag, default);
            let val = value.or(dflt).unwrap_or_default();
            let plain: Vec<&str> = list(val)
                .into_iter()
                .filter(|u| !u.starts_with("https://"))
                .collect();
            let mut hits = Vec::new();
            if !plain.is_empty() {
                let msg = if value.is_some() {
                    format!("--{flag} serves plain http: {}", plain.join(", "))
                } else {
                    format!(
                        "--{flag} is not set, so etcd serves plain http on {}",
                        plain.join(", ")
                    )
                };
                hits.push(Hit::new(
                    msg,
                    at.clone(),
                    fix_for(v, &format!("Use https:// URLs in --{flag}")),
                ));
            }
            if let Some(adv) = v.value("advertise-client-urls") {
                let plain: Vec<&str> = list(adv)
                    .into_iter()
                    .filter(|u| !u.starts_with("https://"))
                    .collect();
                if !plain.is_empty() {
                    hits.push(Hit::new(
                        format!(
                            "--advertise-client-urls advertises plain http: {}",
                            plain.join(", ")
                        ),
                        v.at("advertise-client-urls"),
                        fix_for(v, "Use https:// URLs in --advertise-client-urls"),
                    ));
                }
            }
            Outcome::from_hits(hits)
        }
    }
}

/// CIS 1.2.28: the EncryptionConfiguration named by `--encryption-provider-config`, read in
/// full: the first provider of the entry covering Secrets is the one new writes use, so
/// `identity` there means Secrets are stored unencrypted whatever providers follow.
fn encryption_providers(v: &ComponentView) -> Outcome {
    match &v.encryption {
        Linked::None => Outcome::na("--encryption-provider-config is not set (see CIS-1.2.27)"),
        Linked::Unresolved(p) => Outcome::na(format!(
            "{p} is not among the inputs; pass it to check its providers"
        )),
        Linked::Found(e) => {
            let mut hits = Vec::new();
            let mut any = false;
            for r in e.for_secrets() {
                any = true;
                match r.providers.first() {
                    Some(p) if p.kind == "identity" => hits.push(Hit::new(
                        format!("the first provider for {} in {} is identity: Secrets are written unencrypted", r.names.join(", "), e.origin),
                        p.at.clone(),
                        "Put aescbc, aesgcm, secretbox or kms (v2) before identity",
                    )),
                    Some(p) if !["aescbc", "aesgcm", "secretbox", "kms"].contains(&p.kind.as_str()) => hits.push(Hit::new(
                        format!("unknown encryption provider `{}` in {}", p.kind, e.origin),
                        p.at.clone(),
                        "Use aescbc, aesgcm, secretbox or kms",
                    )),
                    None => hits.push(Hit::new(
                        format!("no provider for {} in {}", r.names.join(", "), e.origin),
                        r.at.clone(),
                        "List an encryption provider first",
                    )),
                    _ => {}
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
    }
}

/// CIS 3.2.1: `--audit-policy-file` is set, and the policy it names (when among the inputs,
/// or written by the platform) logs something: a policy whose rules are all `level: None`
/// is no minimal audit policy.
fn audit_policy_file(v: &ComponentView) -> Outcome {
    let Some(path) = v.value("audit-policy-file").filter(|p| !p.is_empty()) else {
        return Outcome::fail(
            "--audit-policy-file is not set: no audit events are recorded",
            v.at("audit-policy-file"),
            fix_for(
                v,
                "Set --audit-policy-file to a policy that logs at least Metadata",
            ),
        );
    };
    match &v.audit_policy {
        Linked::Found(p) if !p.logs_anything() => Outcome::fail(
            format!(
                "--audit-policy-file names {path}, but {} logs nothing (every rule is level None)",
                p.origin
            ),
            v.at("audit-policy-file"),
            "Give the policy a rule with level Metadata or higher (a catch-all `- level: Metadata` last)",
        ),
        _ => Outcome::Pass,
    }
}

/// Legacy (CIS <= 1.8, Kubernetes < 1.25 effectively): SecurityContextDeny or
/// PodSecurityPolicy admission.
fn security_context_deny(v: &ComponentView) -> Outcome {
    match v.k8s_minor {
        Some(m) if m < 25 => {}
        _ => {
            return Outcome::na(
                "only for Kubernetes before 1.25 (SecurityContextDeny and PodSecurityPolicy are gone)",
            );
        }
    }
    let items = v
        .value("enable-admission-plugins")
        .map(list)
        .unwrap_or_default();
    if items.contains(&"SecurityContextDeny") || items.contains(&"PodSecurityPolicy") {
        Outcome::Pass
    } else {
        Outcome::fail(
            "neither SecurityContextDeny nor PodSecurityPolicy is in --enable-admission-plugins",
            v.at("enable-admission-plugins"),
            fix_for(
                v,
                "Add PodSecurityPolicy (with policies) to --enable-admission-plugins",
            ),
        )
    }
}

/// Evaluates every component rule (declarative and custom) with the given id on a view.
pub fn eval_id(id: &str, v: &ComponentView) -> Option<Outcome> {
    if let Some(spec) = SPECS
        .iter()
        .find(|s| s.id == id && s.component == v.component)
    {
        return Some(eval(spec, v));
    }
    CUSTOM
        .iter()
        .find(|(i, c, _)| *i == id && *c == v.component)
        .map(|(_, _, f)| f(v))
}

/// The component rules, as (id, component).
pub fn ids() -> impl Iterator<Item = (&'static str, Component)> {
    SPECS
        .iter()
        .map(|s| (s.id, s.component))
        .chain(CUSTOM.iter().map(|(i, c, _)| (*i, *c)))
}

/// The hits of rules that pass on the platform's defaults and fail on the user's overrides:
/// a default weakened by `extra_args` (RKE) or `*-arg` (RKE2).
pub fn weakened(v: &ComponentView) -> Option<Outcome> {
    let base = v.baseline_view()?;
    let mut hits = Vec::new();
    for (id, c) in ids() {
        if c != v.component {
            continue;
        }
        let (Some(before), Some(now)) = (eval_id(id, &base), eval_id(id, v)) else {
            continue;
        };
        if let (Outcome::Pass, Outcome::Fail(h)) = (before, now) {
            // The weakened rule's severity, not the umbrella rule's.
            let severity = crate::rules::meta(id).map(|m| m.severity);
            for mut hit in h {
                hit.message = format!(
                    "{id}: {} (the platform's default passes; the override weakens it)",
                    hit.message
                );
                hit.severity = hit.severity.or(severity);
                hits.push(hit);
            }
        }
    }
    Some(Outcome::from_hits(hits))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{At, Platform, object};

    fn view(c: Component, flags: &[(&str, &str)]) -> ComponentView {
        let mut v = ComponentView::new(
            c,
            Platform::CommandLine,
            object("", "Process", c.name()),
            At::default(),
            "t".into(),
        );
        for (k, val) in flags {
            v.set(k, *val, At::default());
        }
        v
    }

    fn run(id: &str, v: &ComponentView) -> &'static str {
        match eval_id(id, v).expect("rule") {
            Outcome::Pass => "pass",
            Outcome::Fail(_) => "fail",
            Outcome::NotApplicable(_) => "n/a",
        }
    }

    #[test]
    fn effective_defaults() {
        let cm = view(Cm, &[]);
        assert_eq!(
            run("CIS-1.3.7", &cm),
            "fail",
            "unset bind-address is 0.0.0.0"
        );
        assert_eq!(
            run("CIS-1.3.7", &view(Cm, &[("bind-address", "127.0.0.1")])),
            "pass"
        );
        let api = view(Api, &[]);
        assert_eq!(run("CIS-1.2.1", &api), "fail");
        assert_eq!(
            run("CIS-1.2.6", &api),
            "fail",
            "unset authorization-mode is AlwaysAllow"
        );
        assert_eq!(run("CIS-1.2.21", &api), "pass");
        assert_eq!(run("CIS-1.2.10", &api), "pass");
        let mut kl = view(Kubelet, &[]);
        assert_eq!(run("CIS-4.2.1", &kl), "fail");
        assert_eq!(run("CIS-4.2.4", &kl), "fail");
        kl.kubelet_config = true;
        assert_eq!(run("CIS-4.2.1", &kl), "pass");
        assert_eq!(run("CIS-4.2.4", &kl), "pass");
    }

    #[test]
    fn durations_lists_and_gates() {
        for (val, want) in [
            ("0", "fail"),
            ("0s", "fail"),
            ("0m0s", "fail"),
            ("5m", "pass"),
            ("x", "fail"),
        ] {
            let kl = view(Kubelet, &[("streaming-connection-idle-timeout", val)]);
            assert_eq!(run("CIS-4.2.5", &kl), want, "{val}");
        }
        let api = view(
            Api,
            &[("enable-admission-plugins", "NodeRestriction, AlwaysAdmit")],
        );
        assert_eq!(run("CIS-1.2.14", &api), "pass");
        assert_eq!(run("CIS-1.2.10", &api), "fail");
        let api = view(
            Api,
            &[(
                "tls-cipher-suites",
                "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_RSA_WITH_AES_128_CBC_SHA",
            )],
        );
        assert_eq!(run("CIS-1.2.29", &api), "fail");
        let cm = view(
            Cm,
            &[(
                "feature-gates",
                "A=true,RotateKubeletServerCertificate=false",
            )],
        );
        assert_eq!(run("CIS-1.3.6", &cm), "fail");
        let etcd = view(
            Etcd,
            &[("listen-client-urls", "https://a:2379,http://b:2379")],
        );
        assert_eq!(run("K8S-etcd-listen-client-urls-https", &etcd), "fail");
        assert_eq!(run("CIS-LEGACY-psp", &api), "n/a");
        let mut old = view(Api, &[]);
        old.k8s_minor = Some(20);
        assert_eq!(run("CIS-LEGACY-psp", &old), "fail");
        assert_eq!(
            run("CIS-1.2.17", &view(Api, &[("audit-log-maxage", "7")])),
            "fail"
        );
        assert_eq!(
            run("CIS-1.2.17", &view(Api, &[("audit-log-maxage", "30")])),
            "pass"
        );
    }

    #[test]
    fn weakened_defaults() {
        let mut v = view(Api, &[("anonymous-auth", "true")]);
        let mut base = v.flags.clone();
        base.insert(
            "anonymous-auth".into(),
            crate::model::Flag {
                value: "false".into(),
                at: At::default(),
            },
        );
        v.baseline = Some(base);
        match weakened(&v).unwrap() {
            Outcome::Fail(h) => {
                assert!(h[0].message.starts_with("CIS-1.2.1:"));
                assert_eq!(h[0].severity, Some(kubeguard_engine::Severity::High));
            }
            o => panic!("{o:?}"),
        }
    }
}
