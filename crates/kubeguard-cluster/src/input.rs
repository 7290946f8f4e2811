//! Reading inputs: YAML documents with spans, and what kind of cluster configuration each is.

use std::sync::Arc;

use kubeguard_engine::InputError;
use kubeguard_source::{Limits, Node, SourceFile, Span, Value, parse_documents};

use crate::model::{Component, Doc};

/// An input file, as read by the caller.
#[derive(Debug, Clone)]
pub struct InputFile {
    /// Display path.
    pub path: Arc<str>,
    /// The text.
    pub source: Arc<SourceFile>,
}

impl InputFile {
    /// An input from a path and its text.
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> InputFile {
        let path: String = path.into();
        InputFile {
            source: SourceFile::new(path.clone(), text),
            path: path.into(),
        }
    }
}

/// What an input document is.
#[derive(Debug, Clone)]
pub enum Kind {
    /// An RKE cluster.yml (`wrapped`: under `rancher_kubernetes_engine_config`).
    Rke {
        /// The document.
        doc: Doc,
        /// Whether the configuration is wrapped in a Rancher cluster template.
        wrapped: bool,
    },
    /// An RKE2 config.yaml (or a config.yaml.d drop-in).
    Rke2(Doc),
    /// A static pod manifest of a control-plane component.
    StaticPod(Doc, Component),
    /// A process command line.
    CommandLine(Arc<str>, Arc<SourceFile>, Component, Vec<(String, Span)>),
    /// A KubeletConfiguration.
    KubeletConfig(Doc),
    /// A KubeProxyConfiguration.
    KubeProxyConfig(Doc),
    /// An etcd configuration file (`--config-file`).
    EtcdConfig(Doc),
    /// An audit Policy.
    AuditPolicy(Doc),
    /// An EncryptionConfiguration.
    Encryption(Doc),
    /// An AdmissionConfiguration, PodSecurityConfiguration or EventRateLimit Configuration.
    Admission(Doc),
    /// An RKE2 / containerd registries.yaml.
    Registries(Doc),
}

/// Parses every YAML document of a text; documents that fail become located errors.
pub fn parse_yaml(path: &str, text: &str) -> (Vec<Doc>, Vec<InputError>) {
    let source = SourceFile::new(path, text);
    parse_source(&Arc::from(path), &source)
}

/// Parses every YAML document of a source.
pub fn parse_source(path: &Arc<str>, source: &Arc<SourceFile>) -> (Vec<Doc>, Vec<InputError>) {
    let mut docs = Vec::new();
    let mut errors = Vec::new();
    for d in parse_documents(source.text(), &Limits::default()) {
        match d {
            Ok(d) => docs.push(Doc {
                path: path.clone(),
                source: source.clone(),
                root: d.root,
            }),
            Err(e) => {
                let lc = source.line_col(e.offset);
                errors.push(InputError {
                    path: path.to_string(),
                    line: Some(lc.line),
                    column: Some(lc.column),
                    message: e.message,
                });
            }
        }
    }
    (docs, errors)
}

/// Splits a command line into tokens with their spans (whitespace-separated; a `\` at a line
/// end continues the line, as in shell scripts and systemd units).
pub fn tokenize(text: &str) -> Vec<(String, Span)> {
    let mut out = Vec::new();
    let mut start = None;
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        let sep = b.is_ascii_whitespace()
            || (b == b'\\' && bytes.get(i + 1).is_some_and(|n| *n == b'\n' || *n == b'\r'));
        match (sep, start) {
            (true, Some(s)) => {
                out.push((text[s..i].to_string(), Span::new(s as u32, i as u32)));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((
            text[s..].to_string(),
            Span::new(s as u32, text.len() as u32),
        ));
    }
    out
}

const RKE_KEYS: &[&str] = &[
    "nodes",
    "services",
    "network",
    "system_images",
    "authentication",
    "authorization",
    "addons",
    "addons_include",
    "kubernetes_version",
    "cluster_name",
    "private_registries",
    "ingress",
    "ssh_key_path",
    "bastion_host",
    "cloud_provider",
    "ignore_docker_version",
    "enable_cri_dockerd",
    "upgrade_strategy",
    "dns",
    "monitoring",
];

const ETCD_KEYS: &[&str] = &[
    "client-transport-security",
    "peer-transport-security",
    "listen-client-urls",
    "listen-peer-urls",
    "initial-cluster",
    "initial-advertise-peer-urls",
];

/// The component a static pod runs (its first container's command, or args for images whose
/// entrypoint is the binary), if it is one of the audited components.
pub fn static_pod_component(root: &Node) -> Option<Component> {
    let c = root.path(&["spec", "containers"])?.as_seq()?.first()?;
    let first = |k: &str| {
        c.get(k)
            .and_then(Node::as_seq)
            .and_then(|s| s.first())
            .and_then(Node::as_str)
            .map(str::to_string)
    };
    let cmd = first("command").or_else(|| first("args"))?;
    // `hyperkube kube-apiserver` and `/bin/sh -c "kube-apiserver ..."` are not followed.
    Component::from_binary(&cmd)
}

/// Classifies one document. `dropin`: the file is in a `config.yaml.d` directory (always RKE2).
pub fn classify(doc: Doc, dropin: bool) -> Option<Kind> {
    if dropin {
        return doc.root.as_map().is_some().then_some(Kind::Rke2(doc));
    }
    let root = &doc.root;
    if let Value::Str(s) = &root.value {
        let first = s.split_whitespace().next().unwrap_or_default();
        let component = Component::from_binary(first)?;
        let tokens = tokenize(doc.source.text());
        return Some(Kind::CommandLine(
            doc.path.clone(),
            doc.source.clone(),
            component,
            tokens,
        ));
    }
    let map = root.as_map()?;
    let kind = root.get("kind").and_then(Node::as_str).unwrap_or_default();
    let api = root
        .get("apiVersion")
        .and_then(Node::as_str)
        .unwrap_or_default();
    match kind {
        "Pod" => return static_pod_component(root).map(|c| Kind::StaticPod(doc, c)),
        "KubeletConfiguration" => return Some(Kind::KubeletConfig(doc)),
        "KubeProxyConfiguration" => return Some(Kind::KubeProxyConfig(doc)),
        "Policy" if api.starts_with("audit.k8s.io") => return Some(Kind::AuditPolicy(doc)),
        "EncryptionConfiguration" => return Some(Kind::Encryption(doc)),
        "AdmissionConfiguration" | "PodSecurityConfiguration" => {
            return Some(Kind::Admission(doc));
        }
        "Configuration" if api.starts_with("eventratelimit.") => return Some(Kind::Admission(doc)),
        "" => {}
        _ => return None,
    }
    if map.get("rancher_kubernetes_engine_config").is_some() {
        return Some(Kind::Rke { doc, wrapped: true });
    }
    if ETCD_KEYS.iter().any(|k| map.get(k).is_some()) {
        return Some(Kind::EtcdConfig(doc));
    }
    if map.get("mirrors").is_some() || map.get("configs").is_some() {
        return Some(Kind::Registries(doc));
    }
    if RKE_KEYS.iter().any(|k| map.get(k).is_some()) {
        return Some(Kind::Rke {
            doc,
            wrapped: false,
        });
    }
    if !map.is_empty()
        && map.iter().all(|(k, _)| {
            crate::rke2::KNOWN_KEYS.contains(&k.trim_end_matches('+')) || k.contains('-')
        })
    {
        return Some(Kind::Rke2(doc));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(text: &str) -> Option<&'static str> {
        let (docs, errors) = parse_yaml("x.yaml", text);
        assert!(errors.is_empty());
        classify(docs.into_iter().next()?, false).map(|k| match k {
            Kind::Rke { .. } => "rke",
            Kind::Rke2(_) => "rke2",
            Kind::StaticPod(..) => "pod",
            Kind::CommandLine(..) => "cmdline",
            Kind::KubeletConfig(_) => "kubelet",
            Kind::KubeProxyConfig(_) => "kube-proxy",
            Kind::EtcdConfig(_) => "etcd",
            Kind::AuditPolicy(_) => "policy",
            Kind::Encryption(_) => "encryption",
            Kind::Admission(_) => "admission",
            Kind::Registries(_) => "registries",
        })
    }

    #[test]
    fn detects_every_kind() {
        assert_eq!(kind("nodes: []\nservices: {}\n"), Some("rke"));
        assert_eq!(kind("rancher_kubernetes_engine_config: {}\n"), Some("rke"));
        assert_eq!(kind("profile: cis\ntoken: x\n"), Some("rke2"));
        assert_eq!(kind("write-kubeconfig-mode: \"0600\"\n"), Some("rke2"));
        assert_eq!(
            kind(
                "kind: Pod\nspec:\n  containers:\n  - command: [kube-scheduler, --profiling=false]\n"
            ),
            Some("pod")
        );
        assert_eq!(
            kind("kind: Pod\nspec:\n  containers:\n  - command: [nginx]\n"),
            None
        );
        assert_eq!(
            kind("kube-apiserver --anonymous-auth=false\n"),
            Some("cmdline")
        );
        assert_eq!(kind("nginx -g daemon\n"), None);
        assert_eq!(kind("kind: KubeletConfiguration\n"), Some("kubelet"));
        assert_eq!(
            kind("apiVersion: audit.k8s.io/v1\nkind: Policy\n"),
            Some("policy")
        );
        assert_eq!(kind("kind: EncryptionConfiguration\n"), Some("encryption"));
        assert_eq!(kind("kind: AdmissionConfiguration\n"), Some("admission"));
        assert_eq!(kind("listen-client-urls: https://a:2379\n"), Some("etcd"));
        assert_eq!(kind("mirrors: {}\n"), Some("registries"));
        assert_eq!(kind("kind: Deployment\n"), None);
        assert_eq!(kind("foo: bar\n"), None);
    }

    #[test]
    fn tokens_have_spans() {
        let t = "kube-apiserver --a=1 \\\n  --b=2\n";
        let toks = tokenize(t);
        let names: Vec<&str> = toks.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(names, vec!["kube-apiserver", "--a=1", "--b=2"]);
        let (_, sp) = &toks[2];
        assert_eq!(&t[sp.start as usize..sp.end as usize], "--b=2");
    }
}
