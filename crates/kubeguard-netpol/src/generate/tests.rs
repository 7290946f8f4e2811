use super::*;
use crate::analysis::connlist;
use crate::load::objects_from_text;
use crate::model::Cluster;

const APP: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    metadata: {labels: {app: web, pod-template-hash: abc}}
    spec:
      containers:
      - name: web
        ports: [{name: http, containerPort: 8080}]
        env:
        - {name: CART_ADDR, value: "cart:7070"}
        - name: API
          valueFrom: {configMapKeyRef: {name: web-config, key: api_url}}
        - name: MISSING
          valueFrom: {configMapKeyRef: {name: nowhere, key: x}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: web-config, namespace: shop}
data:
  api_url: http://api.backend.svc.cluster.local/v1
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: cart, namespace: shop}
spec:
  template:
    metadata: {labels: {app: cart}}
    spec:
      containers:
      - name: cart
        args: ["--redis=redis:6379"]
        ports: [{name: grpc, containerPort: 7000}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis, namespace: shop}
spec:
  template:
    metadata: {labels: {app: redis}}
    spec:
      containers: [{name: redis}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: redis-canary, namespace: shop}
spec:
  template:
    metadata: {labels: {app: redis, track: canary}}
    spec:
      containers: [{name: redis}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: backend}
spec:
  template:
    metadata: {labels: {app: api}}
    spec:
      containers: [{name: api}]
---
apiVersion: v1
kind: Service
metadata: {name: cart, namespace: shop}
spec:
  selector: {app: cart}
  ports: [{name: grpc, port: 7070, targetPort: grpc}]
---
apiVersion: v1
kind: Service
metadata: {name: redis, namespace: shop}
spec:
  selector: {app: redis}
  ports: [{port: 6379}]
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: backend}
spec:
  selector: {app: api}
  ports: [{name: http, port: 80, targetPort: 8000}, {name: admin, port: 9000}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  type: LoadBalancer
  selector: {app: web}
  ports: [{port: 443, targetPort: http}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: api, namespace: backend}
spec:
  rules:
  - http:
      paths:
      - path: /
        pathType: Prefix
        backend: {service: {name: api, port: {name: admin}}}
      - path: /x
        pathType: Prefix
        backend: {service: {name: gone, port: {number: 1}}}
"#;

fn lines(g: &Generated) -> Vec<String> {
    g.connections
        .iter()
        .map(|c| {
            format!(
                "{} => {} : {}",
                g.party_name(c.src),
                g.party_name(c.dst),
                c.conns
            )
        })
        .collect()
}

#[test]
fn infers_connections_from_every_source() {
    let objs = objects_from_text("app.yaml", APP);
    let g = generate(&objs, &Options::default());
    assert_eq!(
        lines(&g),
        [
            "shop/cart[Deployment] => shop/redis-canary[Deployment] : TCP 6379",
            "shop/cart[Deployment] => shop/redis[StatefulSet] : TCP 6379",
            "shop/cart[Deployment] => {dns} : TCP 53,UDP 53",
            "shop/web[Deployment] => backend/api[Deployment] : TCP 8000",
            "shop/web[Deployment] => shop/cart[Deployment] : TCP 7000",
            "shop/web[Deployment] => {dns} : TCP 53,UDP 53",
            "{external} => shop/web[Deployment] : TCP 8080",
            "{ingress-controller} => backend/api[Deployment] : TCP 9000",
        ]
    );
    // Evidence: the reference, then the Service's selector, with file:line:col.
    let web_cart = g
        .connections
        .iter()
        .find(|c| g.party_name(c.dst) == "shop/cart[Deployment]")
        .expect("web => cart");
    assert_eq!(web_cart.evidence.len(), 2);
    let e = &web_cart.evidence[0];
    assert_eq!(e.what, "env CART_ADDR of container web");
    assert_eq!(e.object, "Deployment shop/web");
    assert_eq!(e.field, "spec.template.spec.containers[0].env[0].value");
    let loc = e.location.as_ref().expect("location");
    assert_eq!((loc.start.line, loc.start.column), (12, 37));
    assert_eq!(e.text, "cart:7070");
    assert_eq!(web_cart.evidence[1].what, "Service selector");
    // Through the ConfigMap: the evidence points at the ConfigMap's key.
    let web_api = g
        .connections
        .iter()
        .find(|c| {
            g.party_name(c.dst) == "backend/api[Deployment]" && c.src != Party::IngressController
        })
        .expect("web => api");
    assert_eq!(web_api.evidence[0].object, "ConfigMap shop/web-config");
    assert_eq!(web_api.evidence[0].field, "data.api_url");
    assert_eq!(
        web_api.evidence[0].what,
        "ConfigMap key api_url (env API of container web)"
    );
    // Notes: the missing ConfigMap and the Ingress backend without a Service.
    let notes: Vec<&str> = g.notes.iter().map(|n| n.message.as_str()).collect();
    assert!(
        notes
            .iter()
            .any(|n| n.contains("ConfigMap shop/nowhere is not in the inputs")),
        "{notes:?}"
    );
    assert!(
        notes
            .iter()
            .any(|n| n.contains("Ingress backend Service backend/gone is not in the inputs")),
        "{notes:?}"
    );
}

#[test]
fn policies_per_namespace_and_workload() {
    let objs = objects_from_text("app.yaml", APP);
    let g = generate(&objs, &Options::default());
    let names: Vec<String> = g
        .policies
        .iter()
        .map(|p| format!("{}/{}", p.namespace, p.name))
        .collect();
    assert_eq!(
        names,
        [
            "backend/default-deny-in-namespace-backend",
            "backend/api-netpol",
            "shop/default-deny-in-namespace-shop",
            "shop/cart-netpol",
            "shop/redis-netpol",
            "shop/redis-canary-netpol",
            "shop/web-netpol",
        ]
    );
    // redis's selector must not select redis-canary (whose labels include redis's).
    let redis = g
        .policies
        .iter()
        .find(|p| p.name == "redis-netpol")
        .expect("redis policy");
    let yaml = redis.doc.to_yaml();
    assert!(
        yaml.contains("  podSelector:\n    matchExpressions:\n    - key: track\n      operator: DoesNotExist\n    matchLabels:\n      app: redis\n"),
        "{yaml}"
    );
    // The volatile label is left out of web's selector.
    let web = g
        .policies
        .iter()
        .find(|p| p.name == "web-netpol")
        .expect("web");
    assert!(!web.doc.to_yaml().contains("pod-template-hash"));
    // Cross-namespace peers name the namespace; DNS goes to kube-dns in kube-system.
    let yaml = web.doc.to_yaml();
    assert!(
        yaml.contains("kubernetes.io/metadata.name: backend"),
        "{yaml}"
    );
    assert!(yaml.contains("k8s-app: kube-dns"), "{yaml}");
    assert!(!yaml.contains("status"));
}

/// Adds the generated policies to the inputs and checks the analysis allows exactly the
/// inferred workload-to-workload connections.
#[test]
fn generated_policies_allow_exactly_the_inferred_connections() {
    let mut objs = objects_from_text("app.yaml", APP);
    let g = generate(&objs, &Options::default());
    let text = emit::to_yaml_stream(&g.policies);
    objs.extend(objects_from_text("generated.yaml", &text));
    let got: Vec<String> = connlist(&Cluster::from_objects(&objs))
        .into_iter()
        .filter(|c| !c.src.contains("[External]") && !c.dst.contains("[External]"))
        .filter(|c| !c.src.starts_with('{') && !c.dst.starts_with('{'))
        .map(|c| format!("{} => {} : {}", c.src, c.dst, c.conns))
        .collect();
    let want: Vec<String> = lines(&g).into_iter().filter(|l| !l.contains('{')).collect();
    assert_eq!(got, want);
}

#[test]
fn unlabeled_workloads_and_twins_are_reported() {
    let objs = objects_from_text(
        "t.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: bare}\nspec: {containers: [{name: c, env: [{name: A, value: 'web:80'}]}]}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: a, labels: {app: x}}\nspec: {containers: [{name: c}]}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: b, labels: {app: x}}\nspec: {containers: [{name: c}]}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {selector: {app: x}, ports: [{port: 80}]}\n",
    );
    let g = generate(&objs, &Options::default());
    // bare cannot be selected alone: its connections are dropped, not allowed.
    assert!(g.connections.is_empty(), "{:?}", lines(&g));
    let notes: Vec<&str> = g.notes.iter().map(|n| n.message.as_str()).collect();
    assert!(
        notes
            .iter()
            .any(|n| n.contains("default/bare[Pod] has no pod labels")),
        "{notes:?}"
    );
    assert!(
        notes.iter().any(|n| n.contains("have the same pod labels")),
        "{notes:?}"
    );
    // Policies without a namespace in the inputs have none either.
    assert!(g.policies.iter().all(|p| {
        p.doc
            .get("metadata")
            .and_then(|m| m.get("namespace"))
            .is_none()
    }));
    assert_eq!(g.policies[0].name, "default-deny-in-namespace");
}

#[test]
fn dns_target_is_configurable() {
    let objs = objects_from_text("app.yaml", APP);
    let opts = Options {
        dns: DnsTarget {
            namespace: "openshift-dns".into(),
            labels: Labels::from([(
                "dns.operator.openshift.io/daemonset-dns".into(),
                "default".into(),
            )]),
            port: 5353,
        },
    };
    let g = generate(&objs, &opts);
    let web = g
        .policies
        .iter()
        .find(|p| p.name == "web-netpol")
        .expect("web");
    let yaml = web.doc.to_yaml();
    assert!(
        yaml.contains("kubernetes.io/metadata.name: openshift-dns"),
        "{yaml}"
    );
    assert!(
        yaml.contains("dns.operator.openshift.io/daemonset-dns: default"),
        "{yaml}"
    );
    assert!(
        yaml.contains("- port: 5353\n      protocol: UDP\n"),
        "{yaml}"
    );
}

#[test]
fn output_is_deterministic() {
    let objs = objects_from_text("app.yaml", APP);
    let a = emit::to_yaml_stream(&generate(&objs, &Options::default()).policies);
    let mut rev = objs.clone();
    rev.reverse();
    let b = emit::to_yaml_stream(&generate(&rev, &Options::default()).policies);
    assert_eq!(a, b);
    assert!(
        emit::to_json_list(&generate(&objs, &Options::default()).policies)
            .starts_with("{\n  \"apiVersion\": \"v1\",\n  \"items\": [")
    );
}

#[test]
fn system_namespaces_get_no_policy() {
    let objs = objects_from_text(
        "s.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: c, args: ['--metrics=metrics.kube-system:443']}]}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: metrics, namespace: kube-system}\nspec:\n  template:\n    metadata: {labels: {app: metrics}}\n    spec: {containers: [{name: c, env: [{name: X, value: 'web.shop:80'}]}]}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: metrics, namespace: kube-system}\nspec: {selector: {app: metrics}, ports: [{port: 443, targetPort: 4443}]}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\nspec: {selector: {app: web}, ports: [{port: 80}]}\n",
    );
    let g = generate(&objs, &Options::default());
    assert_eq!(
        lines(&g),
        [
            "kube-system/metrics[Deployment] => shop/web[Deployment] : TCP 80",
            "shop/web[Deployment] => kube-system/metrics[Deployment] : TCP 4443",
            "shop/web[Deployment] => {dns} : TCP 53,UDP 53",
        ]
    );
    assert_eq!(g.unmanaged, BTreeSet::from(["kube-system".to_string()]));
    assert!(g.policies.iter().all(|p| p.namespace == "shop"));
    assert!(is_system_namespace("openshift-dns", &DnsTarget::default()));
    assert!(!is_system_namespace("shop", &DnsTarget::default()));
    assert!(
        g.notes.iter().any(|n| n
            .message
            .starts_with("namespace kube-system: no policy generated")),
        "{:?}",
        g.notes
    );
}

#[test]
fn host_network_workloads_are_reported() {
    let objs = objects_from_text(
        "h.yaml",
        "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent, namespace: mon}\nspec:\n  template:\n    metadata: {labels: {app: agent}}\n    spec:\n      hostNetwork: true\n      containers: [{name: c}]\n",
    );
    let g = generate(&objs, &Options::default());
    let n = g
        .notes
        .iter()
        .find(|n| {
            n.message
                .contains("mon/agent[DaemonSet] uses the host network")
        })
        .expect("note");
    let loc = n.location.as_ref().expect("location");
    assert_eq!((loc.start.line, loc.start.column), (8, 20));
}
