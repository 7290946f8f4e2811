//! Component flags from the places they are written: static pod `command`/`args`, process
//! command lines, KubeletConfiguration / KubeProxyConfiguration fields and etcd config files.

use kubeguard_source::{Node, Span};

use crate::model::{At, Component, ComponentView, Doc, Platform, k8s_minor, object};

/// Applies `--name=value`, `--name value` and bare `--name` (= `true`) items to a view.
/// `items` are the tokens with their locations; the first (the binary) must be skipped by the
/// caller. Later settings win.
pub fn apply_args(view: &mut ComponentView, items: &[(String, At)]) {
    let mut i = 0;
    while i < items.len() {
        let (tok, at) = &items[i];
        i += 1;
        let Some(body) = tok.strip_prefix("--").or_else(|| tok.strip_prefix('-')) else {
            continue;
        };
        if body.is_empty() {
            continue;
        }
        let (name, value) = match body.split_once('=') {
            Some((n, v)) => (n, v.to_string()),
            None => match items.get(i) {
                Some((next, _)) if !next.starts_with('-') => {
                    i += 1;
                    (body, next.clone())
                }
                _ => (body, "true".to_string()),
            },
        };
        let mut at = at.clone();
        at.field = format!("--{name}");
        view.set(name, value, at);
    }
}

/// The view of a static pod manifest: flags of its first container's `command` then `args`.
pub fn static_pod(doc: &Doc, component: Component) -> ComponentView {
    let root = &doc.root;
    let name = root
        .path(&["metadata", "name"])
        .and_then(Node::as_str)
        .unwrap_or(component.name());
    let ns = root.path(&["metadata", "namespace"]).and_then(Node::as_str);
    let mut obj = (*object("v1", "Pod", name)).clone();
    obj.namespace = ns.map(str::to_string);
    let container = root
        .path(&["spec", "containers"])
        .and_then(Node::as_seq)
        .and_then(|s| s.first());
    let anchor_node = container
        .and_then(|c| c.get("command"))
        .or(container)
        .unwrap_or(root);
    let mut view = ComponentView::new(
        component,
        Platform::StaticPod,
        std::sync::Arc::new(obj),
        doc.at(anchor_node, "spec.containers[0].command"),
        doc.path.to_string(),
    );
    view.set_hint = "the container's command in the static pod manifest".into();
    if let Some(c) = container {
        view.k8s_minor = c.get("image").and_then(Node::as_str).and_then(k8s_minor);
        let mut items = Vec::new();
        for key in ["command", "args"] {
            for (i, n) in c
                .get(key)
                .and_then(Node::as_seq)
                .unwrap_or_default()
                .iter()
                .enumerate()
            {
                if let Some(s) = n.scalar_text() {
                    items.push((s, doc.at(n, format!("spec.containers[0].{key}[{i}]"))));
                }
            }
        }
        // The binary itself.
        if !items.is_empty() && !items[0].0.starts_with('-') {
            items.remove(0);
        }
        apply_args(&mut view, &items);
    }
    view
}

/// The view of a process command line.
pub fn command_line(
    path: &std::sync::Arc<str>,
    source: &std::sync::Arc<kubeguard_source::SourceFile>,
    component: Component,
    tokens: &[(String, Span)],
) -> ComponentView {
    let at = |span: Span, field: &str| At {
        loc: Some(source.location(path, span)),
        field: field.to_string(),
        explicit: true,
    };
    let anchor = tokens
        .first()
        .map_or_else(At::default, |(_, s)| at(*s, component.name()));
    let mut view = ComponentView::new(
        component,
        Platform::CommandLine,
        object("", "Process", component.name()),
        anchor,
        path.to_string(),
    );
    view.set_hint = "the process's command line (its systemd unit or manifest)".into();
    let items: Vec<(String, At)> = tokens
        .iter()
        .skip(1)
        .map(|(t, s)| (t.clone(), at(*s, "")))
        .collect();
    apply_args(&mut view, &items);
    // A kubelet started with a configuration file gets the file's (v1beta1) defaults.
    if component == Component::Kubelet
        && (view.flags.contains_key("config") || view.flags.contains_key("config-dir"))
    {
        view.kubelet_config = true;
    }
    view
}

/// KubeletConfiguration fields and the flags they stand for (kube-bench's and CIS's pairs).
const KUBELET_FIELDS: &[(&[&str], &str)] = &[
    (
        &["authentication", "anonymous", "enabled"],
        "anonymous-auth",
    ),
    (
        &["authentication", "webhook", "enabled"],
        "authentication-token-webhook",
    ),
    (
        &["authentication", "x509", "clientCAFile"],
        "client-ca-file",
    ),
    (&["authorization", "mode"], "authorization-mode"),
    (&["readOnlyPort"], "read-only-port"),
    (
        &["streamingConnectionIdleTimeout"],
        "streaming-connection-idle-timeout",
    ),
    (&["makeIPTablesUtilChains"], "make-iptables-util-chains"),
    (&["eventRecordQPS"], "event-qps"),
    (&["tlsCertFile"], "tls-cert-file"),
    (&["tlsPrivateKeyFile"], "tls-private-key-file"),
    (&["rotateCertificates"], "rotate-certificates"),
    (&["podPidsLimit"], "pod-max-pids"),
    (&["seccompDefault"], "seccomp-default"),
    (&["protectKernelDefaults"], "protect-kernel-defaults"),
    (&["healthzBindAddress"], "healthz-bind-address"),
    (&["address"], "address"),
    (&["hostnameOverride"], "hostname-override"),
];

/// Adds the settings of a KubeletConfiguration to a kubelet view, under the flags they stand
/// for. Flags already on the view (from the command line) win, as they do in the kubelet.
pub fn kubelet_config(view: &mut ComponentView, doc: &Doc) {
    view.kubelet_config = true;
    let root = &doc.root;
    for (path, flag) in KUBELET_FIELDS {
        if view.flags.contains_key(*flag) {
            continue;
        }
        if let Some(n) = root.path(path).filter(|n| !n.is_null()) {
            let mut value = n.scalar_text().unwrap_or_default();
            if *flag == "streaming-connection-idle-timeout" && crate::duration::is_zero(&value) {
                // v1beta1 defaulting: a zero duration in the file becomes 4h.
                value = "4h0m0s".into();
            }
            view.set(flag, value, doc.at(n, path.join(".")));
        }
    }
    if !view.flags.contains_key("tls-cipher-suites")
        && let Some(n) = root.get("tlsCipherSuites")
        && let Some(items) = n.as_seq()
    {
        let v: Vec<String> = items.iter().filter_map(Node::scalar_text).collect();
        view.set(
            "tls-cipher-suites",
            v.join(","),
            doc.at(n, "tlsCipherSuites"),
        );
    }
    if let Some(gates) = root.get("featureGates").and_then(Node::as_map) {
        for (k, v) in gates.iter() {
            if view.flags.contains_key(&format!("feature-gates:{k}")) {
                continue;
            }
            view.set(
                &format!("feature-gates:{k}"),
                v.scalar_text().unwrap_or_default(),
                doc.at(v, format!("featureGates.{k}")),
            );
        }
    }
    if view.target.is_empty() {
        view.target = doc.path.to_string();
    } else if !view.target.contains(&*doc.path) {
        view.target = format!("{}+{}", view.target, doc.path);
    }
}

/// A kubelet view from a KubeletConfiguration file alone.
pub fn kubelet_file(doc: &Doc) -> ComponentView {
    let mut view = ComponentView::new(
        Component::Kubelet,
        Platform::ConfigFile,
        object(
            doc.root
                .get("apiVersion")
                .and_then(Node::as_str)
                .unwrap_or_default(),
            "KubeletConfiguration",
            "",
        ),
        doc.at(&doc.root, ""),
        String::new(),
    );
    view.set_hint = "the KubeletConfiguration file".into();
    kubelet_config(&mut view, doc);
    view
}

/// A kube-proxy view from a KubeProxyConfiguration file.
pub fn kube_proxy_file(doc: &Doc) -> ComponentView {
    let mut view = ComponentView::new(
        Component::KubeProxy,
        Platform::ConfigFile,
        object(
            doc.root
                .get("apiVersion")
                .and_then(Node::as_str)
                .unwrap_or_default(),
            "KubeProxyConfiguration",
            "",
        ),
        doc.at(&doc.root, ""),
        doc.path.to_string(),
    );
    view.set_hint = "the KubeProxyConfiguration file".into();
    for (key, flag) in [
        ("metricsBindAddress", "metrics-bind-address"),
        ("healthzBindAddress", "healthz-bind-address"),
        ("bindAddress", "bind-address"),
    ] {
        if let Some(n) = doc.root.get(key).filter(|n| !n.is_null()) {
            view.set(flag, n.scalar_text().unwrap_or_default(), doc.at(n, key));
        }
    }
    view
}

/// An etcd view from an etcd configuration file (`--config-file`, as RKE2 writes it): top
/// level keys are flag names; the transport security sections hold the TLS flags.
pub fn etcd_config(doc: &Doc) -> ComponentView {
    let mut view = ComponentView::new(
        Component::Etcd,
        Platform::ConfigFile,
        object(
            "",
            "EtcdConfig",
            doc.root
                .get("name")
                .and_then(Node::as_str)
                .unwrap_or("etcd"),
        ),
        doc.at(&doc.root, ""),
        doc.path.to_string(),
    );
    view.set_hint = "the etcd configuration file".into();
    let Some(map) = doc.root.as_map() else {
        return view;
    };
    for (k, v) in map.iter() {
        match (k, &v.value) {
            ("client-transport-security" | "peer-transport-security", _) => {
                let prefix = if k.starts_with("peer") { "peer-" } else { "" };
                for (sk, sv) in v
                    .as_map()
                    .map(|m| m.iter().collect::<Vec<_>>())
                    .unwrap_or_default()
                {
                    let flag = match sk {
                        "cert-file" | "key-file" | "client-cert-auth" | "auto-tls"
                        | "trusted-ca-file" => format!("{prefix}{sk}"),
                        _ => continue,
                    };
                    view.set(
                        &flag,
                        sv.scalar_text().unwrap_or_default(),
                        doc.at(sv, format!("{k}.{sk}")),
                    );
                }
            }
            (_, kubeguard_source::Value::Seq(items)) => {
                let v2: Vec<String> = items.iter().filter_map(Node::scalar_text).collect();
                view.set(k, v2.join(","), doc.at(v, k));
            }
            _ => {
                if let Some(s) = v.scalar_text() {
                    view.set(k, s, doc.at(v, k));
                }
            }
        }
    }
    view
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{parse_yaml, tokenize};

    #[test]
    fn static_pod_flags_with_lines() {
        let (docs, _) = parse_yaml(
            "p.yaml",
            "kind: Pod\nmetadata:\n  name: kube-scheduler\nspec:\n  containers:\n  - command:\n    - kube-scheduler\n    - --profiling=false\n    - --bind-address\n    - 127.0.0.1\n    - --leader-elect\n    image: registry.k8s.io/kube-scheduler:v1.30.1\n",
        );
        let v = static_pod(&docs[0], Component::Scheduler);
        assert_eq!(v.value("profiling"), Some("false"));
        assert_eq!(v.value("bind-address"), Some("127.0.0.1"));
        assert_eq!(v.value("leader-elect"), Some("true"));
        assert_eq!(v.k8s_minor, Some(30));
        assert_eq!(
            v.flag("profiling")
                .and_then(|f| f.at.loc.as_ref())
                .map(|l| l.start.line),
            Some(8)
        );
    }

    #[test]
    fn command_line_flags() {
        let text = "kubelet --read-only-port=0 --node-labels= --hostname-override=n1\n";
        let source = kubeguard_source::SourceFile::new("k.txt", text);
        let v = command_line(
            &"k.txt".into(),
            &source,
            Component::Kubelet,
            &tokenize(text),
        );
        assert_eq!(v.value("read-only-port"), Some("0"));
        assert_eq!(v.value("node-labels"), Some(""));
        assert_eq!(
            v.flag("hostname-override").unwrap().at.field,
            "--hostname-override"
        );
    }

    #[test]
    fn kubelet_config_fields_and_defaulted_zero_timeout() {
        let (docs, _) = parse_yaml(
            "k.yaml",
            "kind: KubeletConfiguration\nauthentication:\n  anonymous:\n    enabled: false\nstreamingConnectionIdleTimeout: 0s\ntlsCipherSuites: [A, B]\nfeatureGates:\n  RotateKubeletServerCertificate: false\n",
        );
        let v = kubelet_file(&docs[0]);
        assert_eq!(v.value("anonymous-auth"), Some("false"));
        assert_eq!(v.value("streaming-connection-idle-timeout"), Some("4h0m0s"));
        assert_eq!(v.value("tls-cipher-suites"), Some("A,B"));
        assert_eq!(
            v.value("feature-gates:RotateKubeletServerCertificate"),
            Some("false")
        );
        assert!(v.kubelet_config);
    }

    #[test]
    fn etcd_config_file_sections() {
        let (docs, _) = parse_yaml(
            "e.yaml",
            "listen-client-urls: https://127.0.0.1:2379\nclient-transport-security:\n  cert-file: /c\n  client-cert-auth: true\npeer-transport-security:\n  auto-tls: false\n",
        );
        let v = etcd_config(&docs[0]);
        assert_eq!(v.value("cert-file"), Some("/c"));
        assert_eq!(v.value("client-cert-auth"), Some("true"));
        assert_eq!(v.value("peer-auto-tls"), Some("false"));
    }
}
