//! The common "effective settings" view every input kind is turned into: per component, the
//! flags it runs with, each with the place it comes from (a line of an input, or the parent a
//! platform default hangs off), plus the configuration files the component reads.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use kubeguard_engine::ObjectRef;
use kubeguard_source::{Location, Node, SourceFile, Span};

/// One parsed YAML document of an input, with what is needed to locate its nodes.
#[derive(Debug, Clone)]
pub struct Doc {
    /// Display path.
    pub path: Arc<str>,
    /// The source text.
    pub source: Arc<SourceFile>,
    /// The document's root.
    pub root: Node,
}

impl Doc {
    /// The location of a span of this document.
    pub fn loc(&self, span: Span) -> Location {
        self.source.location(&self.path, span)
    }

    /// Where a node is, as an [`At`] with its dotted field path. A mapping or sequence is
    /// located at its first line (its whole block would make an unreadable code frame).
    pub fn at(&self, node: &Node, field: impl Into<String>) -> At {
        let mut span = node.span;
        if matches!(
            node.value,
            kubeguard_source::Value::Map(_) | kubeguard_source::Value::Seq(_)
        ) {
            let text = self.source.text();
            let start = (span.start as usize).min(text.len());
            let end = (span.end as usize).min(text.len());
            if let Some(nl) = text.get(start..end).and_then(|t| t.find('\n')) {
                span.end = (start + nl) as u32;
            }
        }
        At {
            loc: Some(self.loc(span)),
            field: field.into(),
            explicit: true,
        }
    }

    /// Where a mapping key is.
    pub fn key_at(&self, key: &kubeguard_source::Key, field: impl Into<String>) -> At {
        At {
            loc: Some(self.loc(key.span)),
            field: field.into(),
            explicit: true,
        }
    }
}

/// Where a setting is: its location and dotted field path; `explicit` is false for values a
/// platform supplies by default (their location is the parent they would be written under).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct At {
    /// The location, when known.
    pub loc: Option<Location>,
    /// Dotted field path (`services.kube-api.extra_args.profiling`), or the flag (`--profiling`).
    pub field: String,
    /// Written in an input (true) or a default of the platform (false).
    pub explicit: bool,
}

impl At {
    /// The same place, marked as a default.
    pub fn default_here(&self) -> At {
        At {
            explicit: false,
            ..self.clone()
        }
    }
}

/// A Kubernetes component whose flags are audited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Component {
    /// kube-apiserver.
    ApiServer,
    /// kube-controller-manager.
    ControllerManager,
    /// kube-scheduler.
    Scheduler,
    /// kubelet.
    Kubelet,
    /// etcd.
    Etcd,
    /// kube-proxy.
    KubeProxy,
}

impl Component {
    /// Every component.
    pub const ALL: [Component; 6] = [
        Component::ApiServer,
        Component::ControllerManager,
        Component::Scheduler,
        Component::Kubelet,
        Component::Etcd,
        Component::KubeProxy,
    ];

    /// The binary name.
    pub fn name(self) -> &'static str {
        match self {
            Component::ApiServer => "kube-apiserver",
            Component::ControllerManager => "kube-controller-manager",
            Component::Scheduler => "kube-scheduler",
            Component::Kubelet => "kubelet",
            Component::Etcd => "etcd",
            Component::KubeProxy => "kube-proxy",
        }
    }

    /// The component of a binary name or path (`/usr/local/bin/kube-apiserver`).
    pub fn from_binary(s: &str) -> Option<Component> {
        let base = s.rsplit('/').next().unwrap_or(s);
        Component::ALL.into_iter().find(|c| c.name() == base)
    }
}

impl fmt::Display for Component {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Where a component view comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    /// A kubeadm static pod manifest.
    StaticPod,
    /// A process command line (`ps` output).
    CommandLine,
    /// A kubelet configuration file on its own (or an etcd/kube-proxy config file).
    ConfigFile,
    /// Computed from an RKE cluster.yml.
    Rke,
    /// Computed from an RKE2 config.yaml.
    Rke2,
}

/// One flag's effective value and where it comes from.
#[derive(Debug, Clone, PartialEq)]
pub struct Flag {
    /// The value (`true` for a bare boolean flag).
    pub value: String,
    /// Where it is set.
    pub at: At,
}

/// A configuration file a component reads, as the flag names it.
#[derive(Debug, Clone, Default)]
pub enum Linked<T> {
    /// The flag is not set.
    #[default]
    None,
    /// The flag names a file that is not among the inputs.
    Unresolved(String),
    /// The file's content (from an input, embedded in a cluster.yml, or the platform's default).
    Found(T),
}

/// The effective configuration of one component on one node.
#[derive(Debug, Clone)]
pub struct ComponentView {
    /// The component.
    pub component: Component,
    /// What the view was computed from.
    pub platform: Platform,
    /// The object findings are about.
    pub object: Arc<ObjectRef>,
    /// Flags by name (without dashes).
    pub flags: BTreeMap<String, Flag>,
    /// Where a missing setting is reported (the command list, `services.kube-api`, ...).
    pub anchor: At,
    /// The flags the platform would render without the user's overrides (RKE and RKE2), to
    /// tell a weakened default from a missing hardening.
    pub baseline: Option<BTreeMap<String, Flag>>,
    /// kubelet: values come (also) from a KubeletConfiguration, whose v1beta1 defaults apply
    /// to what it leaves out; otherwise the command-line defaults apply.
    pub kubelet_config: bool,
    /// Kubernetes minor version, when the input tells (`1.31` -> 31).
    pub k8s_minor: Option<u32>,
    /// How a user sets a flag of this component here (`services.kube-api.extra_args`).
    pub set_hint: String,
    /// The display path(s) of the inputs, for the summary.
    pub target: String,
    /// Flags an override removed (RKE's empty `extra_args` value), with where.
    pub removed: BTreeMap<String, At>,
    /// kube-apiserver: the audit policy named by `--audit-policy-file`.
    pub audit_policy: Linked<crate::audit_policy::Policy>,
    /// kube-apiserver: the EncryptionConfiguration named by `--encryption-provider-config`.
    pub encryption: Linked<crate::encryption::Encryption>,
    /// kube-apiserver: the AdmissionConfiguration named by `--admission-control-config-file`.
    pub admission: Linked<crate::admission::Admission>,
}

impl ComponentView {
    /// A view with no flags.
    pub fn new(
        component: Component,
        platform: Platform,
        object: Arc<ObjectRef>,
        anchor: At,
        target: String,
    ) -> Self {
        ComponentView {
            component,
            platform,
            object,
            flags: BTreeMap::new(),
            anchor,
            baseline: None,
            kubelet_config: false,
            k8s_minor: None,
            set_hint: String::new(),
            target,
            removed: BTreeMap::new(),
            audit_policy: Linked::None,
            encryption: Linked::None,
            admission: Linked::None,
        }
    }

    /// The flag's entry.
    pub fn flag(&self, name: &str) -> Option<&Flag> {
        self.flags.get(name)
    }

    /// The flag's value.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.flags.get(name).map(|f| f.value.as_str())
    }

    /// Sets a flag (the last setting wins, as with repeated command-line flags).
    pub fn set(&mut self, name: &str, value: impl Into<String>, at: At) {
        self.flags.insert(
            name.to_string(),
            Flag {
                value: value.into(),
                at,
            },
        );
    }

    /// Where the flag is, where an override removed it, or the anchor when it is not set.
    pub fn at(&self, name: &str) -> At {
        match (self.flags.get(name), self.removed.get(name)) {
            (Some(f), _) => f.at.clone(),
            (None, Some(at)) => at.clone(),
            (None, None) => self.anchor.clone(),
        }
    }

    /// The same view with the platform's flags only (None when there is no baseline).
    pub fn baseline_view(&self) -> Option<ComponentView> {
        let flags = self.baseline.clone()?;
        Some(ComponentView {
            flags,
            baseline: None,
            ..self.clone()
        })
    }
}

/// Parses a Kubernetes version (`v1.31.1-rancher1-1`, `1.24`, `registry/kube-apiserver:v1.32.2`)
/// into its minor number (1.x only).
pub fn k8s_minor(s: &str) -> Option<u32> {
    let s = s.rsplit(':').next().unwrap_or(s).trim();
    let s = s.strip_prefix('v').unwrap_or(s);
    let mut parts = s.split('.');
    if parts.next()? != "1" {
        return None;
    }
    let minor: String = parts
        .next()?
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    minor.parse().ok()
}

/// Splits a comma-separated flag value into trimmed, non-empty items.
pub fn list(value: &str) -> Vec<&str> {
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

/// A Go `strconv.ParseBool` value.
pub fn go_bool(s: &str) -> Option<bool> {
    match s.trim() {
        "1" | "t" | "T" | "true" | "TRUE" | "True" => Some(true),
        "0" | "f" | "F" | "false" | "FALSE" | "False" => Some(false),
        _ => None,
    }
}

/// The object reference findings about a file use.
pub fn object(api_version: &str, kind: &str, name: &str) -> Arc<ObjectRef> {
    Arc::new(ObjectRef {
        api_version: api_version.to_string(),
        kind: kind.to_string(),
        namespace: None,
        name: name.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_and_values() {
        assert_eq!(k8s_minor("v1.31.1-rancher1-1"), Some(31));
        assert_eq!(
            k8s_minor("registry.k8s.io/kube-apiserver:v1.32.2"),
            Some(32)
        );
        assert_eq!(k8s_minor("1.24"), Some(24));
        assert_eq!(k8s_minor("v2.0"), None);
        assert_eq!(k8s_minor(""), None);
        assert_eq!(list(" a, b,,c "), vec!["a", "b", "c"]);
        assert_eq!(go_bool("True"), Some(true));
        assert_eq!(go_bool("no"), None);
        assert_eq!(
            Component::from_binary("/usr/local/bin/kube-apiserver"),
            Some(Component::ApiServer)
        );
        assert_eq!(Component::from_binary("kube-apiserverx"), None);
    }
}
