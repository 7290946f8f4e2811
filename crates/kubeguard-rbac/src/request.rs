//! Requests the authorizer decides on (resource and non-resource), where they are asked
//! (a namespace, cluster-wide, or any namespace), and the resource names a query may use
//! (`pods`, `po`, `deployments.apps`, `pods/exec`, CustomResourceDefinitions of the inputs),
//! resolved as `kubectl auth can-i` resolves them through discovery.

use std::fmt;

use kubeguard_model::Object;
use kubeguard_source::Node;

/// Where a request is made.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum Scope {
    /// Cluster-wide (namespace `""`): only ClusterRoleBindings grant it. Non-resource
    /// requests are always cluster-wide.
    #[default]
    Cluster,
    /// In one namespace: ClusterRoleBindings and the RoleBindings of that namespace.
    Namespace(String),
    /// In some namespace: ClusterRoleBindings and the RoleBindings of every namespace (each
    /// grant tells where it applies).
    AnyNamespace,
}

impl Scope {
    /// Whether a RoleBinding of `namespace` counts in this scope.
    pub fn includes_namespace(&self, namespace: &str) -> bool {
        match self {
            Scope::Cluster => false,
            Scope::Namespace(ns) => ns == namespace,
            Scope::AnyNamespace => true,
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scope::Cluster => f.write_str("cluster-wide"),
            Scope::Namespace(ns) => write!(f, "in namespace {ns}"),
            Scope::AnyNamespace => f.write_str("in any namespace"),
        }
    }
}

/// A request for an API resource.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ResourceRequest {
    /// The verb (`get`, `list`, `create`, `impersonate`, `*`, ...).
    pub verb: String,
    /// The API group (`""` for the core group).
    pub api_group: String,
    /// The resource (plural, lower case: `pods`).
    pub resource: String,
    /// The subresource (`exec`, `scale`; empty for none).
    pub subresource: String,
    /// The object's name (empty for none).
    pub name: String,
    /// Where it is asked.
    pub scope: Scope,
}

impl ResourceRequest {
    /// `resource` or `resource/subresource`, as rules name it.
    pub fn combined_resource(&self) -> String {
        if self.subresource.is_empty() {
            self.resource.clone()
        } else {
            format!("{}/{}", self.resource, self.subresource)
        }
    }
}

/// A request for a non-resource URL (`/healthz`, `/metrics`); always cluster-wide.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NonResourceRequest {
    /// The verb (`get`, `post`, ...).
    pub verb: String,
    /// The URL path.
    pub path: String,
}

/// A request to authorize.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Request {
    /// An API resource.
    Resource(ResourceRequest),
    /// A non-resource URL.
    NonResource(NonResourceRequest),
}

impl Request {
    /// Where the request is asked (non-resource requests: cluster-wide).
    pub fn scope(&self) -> Scope {
        match self {
            Request::Resource(r) => r.scope.clone(),
            Request::NonResource(_) => Scope::Cluster,
        }
    }

    /// The verb.
    pub fn verb(&self) -> &str {
        match self {
            Request::Resource(r) => &r.verb,
            Request::NonResource(r) => &r.verb,
        }
    }

    /// Builds a request from a query's words: `verb`, `target` (`RESOURCE[/SUBRESOURCE]`,
    /// `RESOURCE.GROUP[/SUBRESOURCE]`, or a non-resource URL starting with `/`), an object
    /// name (empty for none) and the scope. Resource names are resolved with `discovery`;
    /// what `kubectl` would warn about is returned as warnings.
    pub fn parse(
        verb: &str,
        target: &str,
        name: &str,
        scope: Scope,
        discovery: &Discovery,
    ) -> Result<Parsed, RequestError> {
        let verb = verb.trim();
        let target = target.trim();
        if verb.is_empty() {
            return Err(RequestError("the verb is empty".into()));
        }
        if target.is_empty() {
            return Err(RequestError("the resource is empty".into()));
        }
        let mut warnings = Vec::new();
        if target.starts_with('/') {
            if !name.is_empty() {
                return Err(RequestError(
                    "a non-resource URL and a resource name cannot be asked together".into(),
                ));
            }
            if scope != Scope::Cluster {
                warnings.push(format!(
                    "non-resource URLs are not namespaced: {target} is asked cluster-wide"
                ));
            }
            if !NON_RESOURCE_VERBS.contains(&verb) {
                warnings.push(format!("verb '{verb}' is not a known verb"));
            }
            return Ok(Parsed {
                request: Request::NonResource(NonResourceRequest {
                    verb: verb.to_string(),
                    path: target.to_string(),
                }),
                warnings,
            });
        }
        let (resource_arg, subresource) = target.split_once('/').unwrap_or((target, ""));
        if resource_arg.is_empty() {
            return Err(RequestError(format!("no resource in `{target}`")));
        }
        let resolved = discovery.resolve(resource_arg);
        match &resolved.known {
            Some(known) if !known.namespaced && matches!(scope, Scope::Namespace(_)) => {
                warnings.push(if known.group.is_empty() {
                    format!("resource '{}' is not namespace scoped", known.resource)
                } else {
                    format!(
                        "resource '{}' is not namespace scoped in group '{}'",
                        known.resource, known.group
                    )
                });
            }
            Some(_) => {}
            None if resolved.resource != "*" => warnings.push(if resolved.api_group.is_empty() {
                format!(
                    "resource type '{}' is not known (neither built in nor defined by a CustomResourceDefinition among the inputs): asked in the core group; write RESOURCE.GROUP for another group",
                    resolved.resource
                )
            } else {
                format!(
                    "resource type '{}' in group '{}' is not known (neither built in nor defined by a CustomResourceDefinition among the inputs)",
                    resolved.resource, resolved.api_group
                )
            }),
            None => {}
        }
        if !RESOURCE_VERBS.contains(&verb) {
            warnings.push(format!("verb '{verb}' is not a known verb"));
        }
        Ok(Parsed {
            request: Request::Resource(ResourceRequest {
                verb: verb.to_string(),
                api_group: resolved.api_group,
                resource: resolved.resource,
                subresource: subresource.to_string(),
                name: name.to_string(),
                scope,
            }),
            warnings,
        })
    }
}

impl fmt::Display for Request {
    /// `get pods/log named "web" in namespace shop`, `get /healthz`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Request::Resource(r) => {
                write!(f, "{} {}", r.verb, r.resource)?;
                if !r.api_group.is_empty() {
                    write!(f, ".{}", r.api_group)?;
                }
                if !r.subresource.is_empty() {
                    write!(f, "/{}", r.subresource)?;
                }
                if !r.name.is_empty() {
                    write!(f, " named {:?}", r.name)?;
                }
                write!(f, " {}", r.scope)
            }
            Request::NonResource(r) => write!(f, "{} {}", r.verb, r.path),
        }
    }
}

/// The verbs `kubectl auth can-i` knows for resources.
pub const RESOURCE_VERBS: &[&str] = &[
    "get",
    "list",
    "watch",
    "create",
    "update",
    "patch",
    "delete",
    "deletecollection",
    "use",
    "bind",
    "impersonate",
    "*",
    "approve",
    "sign",
    "escalate",
    "attest",
    "proxy",
];

/// The verbs `kubectl auth can-i` knows for non-resource URLs.
pub const NON_RESOURCE_VERBS: &[&str] = &[
    "get", "put", "post", "head", "options", "delete", "patch", "*",
];

/// A request and what a user should be told about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    /// The request.
    pub request: Request,
    /// Warnings (unknown resource type or verb, a cluster-scoped resource asked in a namespace).
    pub warnings: Vec<String>,
}

/// Why a query's words make no request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestError(pub String);

impl fmt::Display for RequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RequestError {}

/// A resource type the API server serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiResource {
    /// API group (`""` for core).
    pub group: String,
    /// Plural name (`deployments`).
    pub resource: String,
    /// Singular name (`deployment`).
    pub singular: String,
    /// Kind (`Deployment`).
    pub kind: String,
    /// Short names (`deploy`).
    pub short_names: Vec<String>,
    /// Whether objects of it live in namespaces.
    pub namespaced: bool,
}

/// A resource argument resolved to a group and plural resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// The API group.
    pub api_group: String,
    /// The resource.
    pub resource: String,
    /// The resource type, when known.
    pub known: Option<ApiResource>,
}

/// What resource types exist: the built-in ones of Kubernetes, and those defined by the
/// CustomResourceDefinitions among the inputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discovery {
    resources: Vec<ApiResource>,
}

/// Built-in resource types: group, plural, kind, short names, namespaced. Where a plural
/// exists in several groups, the first listed is the one a bare name means (core first,
/// as kubectl's discovery prefers).
const BUILTIN: &[(&str, &str, &str, &[&str], bool)] = &[
    ("", "pods", "Pod", &["po"], true),
    ("", "services", "Service", &["svc"], true),
    ("", "secrets", "Secret", &[], true),
    ("", "configmaps", "ConfigMap", &["cm"], true),
    ("", "serviceaccounts", "ServiceAccount", &["sa"], true),
    ("", "namespaces", "Namespace", &["ns"], false),
    ("", "nodes", "Node", &["no"], false),
    ("", "persistentvolumes", "PersistentVolume", &["pv"], false),
    (
        "",
        "persistentvolumeclaims",
        "PersistentVolumeClaim",
        &["pvc"],
        true,
    ),
    ("", "endpoints", "Endpoints", &["ep"], true),
    ("", "events", "Event", &["ev"], true),
    (
        "",
        "replicationcontrollers",
        "ReplicationController",
        &["rc"],
        true,
    ),
    ("", "resourcequotas", "ResourceQuota", &["quota"], true),
    ("", "limitranges", "LimitRange", &["limits"], true),
    ("", "podtemplates", "PodTemplate", &[], true),
    ("", "bindings", "Binding", &[], true),
    ("", "componentstatuses", "ComponentStatus", &["cs"], false),
    ("", "users", "User", &[], false),
    ("", "groups", "Group", &[], false),
    ("apps", "deployments", "Deployment", &["deploy"], true),
    ("apps", "replicasets", "ReplicaSet", &["rs"], true),
    ("apps", "statefulsets", "StatefulSet", &["sts"], true),
    ("apps", "daemonsets", "DaemonSet", &["ds"], true),
    (
        "apps",
        "controllerrevisions",
        "ControllerRevision",
        &[],
        true,
    ),
    ("batch", "jobs", "Job", &[], true),
    ("batch", "cronjobs", "CronJob", &["cj"], true),
    (
        "autoscaling",
        "horizontalpodautoscalers",
        "HorizontalPodAutoscaler",
        &["hpa"],
        true,
    ),
    (
        "policy",
        "poddisruptionbudgets",
        "PodDisruptionBudget",
        &["pdb"],
        true,
    ),
    (
        "policy",
        "podsecuritypolicies",
        "PodSecurityPolicy",
        &["psp"],
        false,
    ),
    ("networking.k8s.io", "ingresses", "Ingress", &["ing"], true),
    (
        "networking.k8s.io",
        "networkpolicies",
        "NetworkPolicy",
        &["netpol"],
        true,
    ),
    (
        "networking.k8s.io",
        "ingressclasses",
        "IngressClass",
        &[],
        false,
    ),
    ("rbac.authorization.k8s.io", "roles", "Role", &[], true),
    (
        "rbac.authorization.k8s.io",
        "rolebindings",
        "RoleBinding",
        &[],
        true,
    ),
    (
        "rbac.authorization.k8s.io",
        "clusterroles",
        "ClusterRole",
        &[],
        false,
    ),
    (
        "rbac.authorization.k8s.io",
        "clusterrolebindings",
        "ClusterRoleBinding",
        &[],
        false,
    ),
    (
        "storage.k8s.io",
        "storageclasses",
        "StorageClass",
        &["sc"],
        false,
    ),
    ("storage.k8s.io", "csidrivers", "CSIDriver", &[], false),
    ("storage.k8s.io", "csinodes", "CSINode", &[], false),
    (
        "storage.k8s.io",
        "volumeattachments",
        "VolumeAttachment",
        &[],
        false,
    ),
    (
        "storage.k8s.io",
        "csistoragecapacities",
        "CSIStorageCapacity",
        &[],
        true,
    ),
    (
        "admissionregistration.k8s.io",
        "mutatingwebhookconfigurations",
        "MutatingWebhookConfiguration",
        &[],
        false,
    ),
    (
        "admissionregistration.k8s.io",
        "validatingwebhookconfigurations",
        "ValidatingWebhookConfiguration",
        &[],
        false,
    ),
    (
        "admissionregistration.k8s.io",
        "validatingadmissionpolicies",
        "ValidatingAdmissionPolicy",
        &[],
        false,
    ),
    (
        "admissionregistration.k8s.io",
        "validatingadmissionpolicybindings",
        "ValidatingAdmissionPolicyBinding",
        &[],
        false,
    ),
    (
        "apiextensions.k8s.io",
        "customresourcedefinitions",
        "CustomResourceDefinition",
        &["crd", "crds"],
        false,
    ),
    (
        "apiregistration.k8s.io",
        "apiservices",
        "APIService",
        &[],
        false,
    ),
    (
        "certificates.k8s.io",
        "certificatesigningrequests",
        "CertificateSigningRequest",
        &["csr"],
        false,
    ),
    ("certificates.k8s.io", "signers", "Signer", &[], false),
    ("coordination.k8s.io", "leases", "Lease", &[], true),
    (
        "discovery.k8s.io",
        "endpointslices",
        "EndpointSlice",
        &[],
        true,
    ),
    ("events.k8s.io", "events", "Event", &["ev"], true),
    (
        "authentication.k8s.io",
        "tokenreviews",
        "TokenReview",
        &[],
        false,
    ),
    (
        "authentication.k8s.io",
        "selfsubjectreviews",
        "SelfSubjectReview",
        &[],
        false,
    ),
    ("authentication.k8s.io", "uids", "UID", &[], false),
    (
        "authentication.k8s.io",
        "userextras",
        "UserExtra",
        &[],
        false,
    ),
    (
        "authorization.k8s.io",
        "subjectaccessreviews",
        "SubjectAccessReview",
        &[],
        false,
    ),
    (
        "authorization.k8s.io",
        "selfsubjectaccessreviews",
        "SelfSubjectAccessReview",
        &[],
        false,
    ),
    (
        "authorization.k8s.io",
        "selfsubjectrulesreviews",
        "SelfSubjectRulesReview",
        &[],
        false,
    ),
    (
        "authorization.k8s.io",
        "localsubjectaccessreviews",
        "LocalSubjectAccessReview",
        &[],
        true,
    ),
    (
        "scheduling.k8s.io",
        "priorityclasses",
        "PriorityClass",
        &["pc"],
        false,
    ),
    ("node.k8s.io", "runtimeclasses", "RuntimeClass", &[], false),
    (
        "flowcontrol.apiserver.k8s.io",
        "flowschemas",
        "FlowSchema",
        &[],
        false,
    ),
    (
        "flowcontrol.apiserver.k8s.io",
        "prioritylevelconfigurations",
        "PriorityLevelConfiguration",
        &[],
        false,
    ),
];

impl Default for Discovery {
    fn default() -> Self {
        Discovery::builtin()
    }
}

impl Discovery {
    /// The built-in resource types.
    pub fn builtin() -> Discovery {
        Discovery {
            resources: BUILTIN
                .iter()
                .map(|&(group, resource, kind, short, namespaced)| ApiResource {
                    group: group.to_string(),
                    resource: resource.to_string(),
                    singular: kind.to_ascii_lowercase(),
                    kind: kind.to_string(),
                    short_names: short.iter().map(|s| s.to_string()).collect(),
                    namespaced,
                })
                .collect(),
        }
    }

    /// The built-in types and those defined by the CustomResourceDefinitions among `objects`
    /// (built-in types win a name both use).
    pub fn with_objects<'o>(objects: impl IntoIterator<Item = &'o Object>) -> Discovery {
        let mut d = Discovery::builtin();
        for o in objects {
            if o.kind == "CustomResourceDefinition"
                && o.group() == "apiextensions.k8s.io"
                && let Some(r) = crd_resource(o)
            {
                d.add(r);
            }
        }
        d
    }

    /// Adds a type (ignored when the group already has that plural).
    pub fn add(&mut self, resource: ApiResource) {
        if !self
            .resources
            .iter()
            .any(|r| r.group == resource.group && r.resource == resource.resource)
        {
            self.resources.push(resource);
        }
    }

    /// The known types.
    pub fn resources(&self) -> &[ApiResource] {
        &self.resources
    }

    fn find(&self, name: &str, group: Option<&str>) -> Option<&ApiResource> {
        let in_group = |r: &&ApiResource| group.is_none_or(|g| r.group == g);
        let by = |f: &dyn Fn(&ApiResource) -> bool| {
            self.resources.iter().filter(in_group).find(|r| f(r))
        };
        by(&|r| r.resource == name)
            .or_else(|| by(&|r| r.singular == name))
            .or_else(|| by(&|r| r.short_names.iter().any(|s| s == name)))
            .or_else(|| by(&|r| r.kind.eq_ignore_ascii_case(name)))
    }

    /// Resolves `*`, `RESOURCE`, `RESOURCE.GROUP` or `RESOURCE.VERSION.GROUP` (plural,
    /// singular, short name or kind; case-insensitive) as kubectl does: a known type gives
    /// its group and plural; an unknown bare name stays as written in the core group; an
    /// unknown `RESOURCE.GROUP` keeps its group.
    pub fn resolve(&self, arg: &str) -> Resolved {
        let arg = arg.trim().to_ascii_lowercase();
        if arg == "*" {
            return Resolved {
                api_group: String::new(),
                resource: arg,
                known: None,
            };
        }
        let found = |r: &ApiResource| Resolved {
            api_group: r.group.clone(),
            resource: r.resource.clone(),
            known: Some(r.clone()),
        };
        let Some((name, rest)) = arg.split_once('.') else {
            return match self.find(&arg, None) {
                Some(r) => found(r),
                None => Resolved {
                    api_group: String::new(),
                    resource: arg,
                    known: None,
                },
            };
        };
        // RESOURCE.VERSION.GROUP, when the middle part is a version of a known type.
        if let Some((version, group)) = rest.split_once('.')
            && is_version(version)
            && let Some(r) = self.find(name, Some(group))
        {
            return found(r);
        }
        match self.find(name, Some(rest)) {
            Some(r) => found(r),
            None => Resolved {
                api_group: rest.to_string(),
                resource: name.to_string(),
                known: None,
            },
        }
    }
}

/// Whether `s` looks like an API version (`v1`, `v1beta1`, `v2alpha3`).
fn is_version(s: &str) -> bool {
    let Some(rest) = s.strip_prefix('v') else {
        return false;
    };
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    if digits == 0 {
        return false;
    }
    let tail = &rest[digits..];
    tail.is_empty()
        || ["alpha", "beta"].iter().any(|p| {
            tail.strip_prefix(p)
                .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
        })
}

fn crd_resource(o: &Object) -> Option<ApiResource> {
    let spec = o.spec()?;
    let names = spec.get("names")?;
    let text = |n: Option<&Node>| n.and_then(Node::scalar_text).unwrap_or_default();
    let group = text(spec.get("group"));
    let resource = text(names.get("plural")).to_ascii_lowercase();
    if group.is_empty() || resource.is_empty() {
        return None;
    }
    let kind = text(names.get("kind"));
    let singular = match text(names.get("singular")) {
        s if s.is_empty() => kind.to_ascii_lowercase(),
        s => s.to_ascii_lowercase(),
    };
    Some(ApiResource {
        group,
        resource,
        singular,
        kind,
        short_names: names
            .get("shortNames")
            .and_then(Node::as_seq)
            .unwrap_or(&[])
            .iter()
            .filter_map(Node::scalar_text)
            .map(|s| s.to_ascii_lowercase())
            .collect(),
        namespaced: text(spec.get("scope")) != "Cluster",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(d: &Discovery, arg: &str) -> (String, String, bool) {
        let r = d.resolve(arg);
        (r.api_group, r.resource, r.known.is_some())
    }

    fn s(g: &str, r: &str, k: bool) -> (String, String, bool) {
        (g.to_string(), r.to_string(), k)
    }

    #[test]
    fn resolves_names_like_kubectl() {
        let d = Discovery::builtin();
        assert_eq!(resolve(&d, "pods"), s("", "pods", true));
        assert_eq!(resolve(&d, "po"), s("", "pods", true));
        assert_eq!(resolve(&d, "Pod"), s("", "pods", true));
        assert_eq!(resolve(&d, "deployment"), s("apps", "deployments", true));
        assert_eq!(resolve(&d, "deploy"), s("apps", "deployments", true));
        assert_eq!(
            resolve(&d, "deployments.apps"),
            s("apps", "deployments", true)
        );
        assert_eq!(
            resolve(&d, "deployments.v1.apps"),
            s("apps", "deployments", true)
        );
        assert_eq!(resolve(&d, "events"), s("", "events", true), "core first");
        assert_eq!(
            resolve(&d, "events.events.k8s.io"),
            s("events.k8s.io", "events", true)
        );
        assert_eq!(resolve(&d, "widgets"), s("", "widgets", false));
        assert_eq!(
            resolve(&d, "widgets.example.com"),
            s("example.com", "widgets", false)
        );
        assert_eq!(resolve(&d, "*"), s("", "*", false));
        assert_eq!(resolve(&d, "users"), s("", "users", true));
        assert!(is_version("v1") && is_version("v1beta2") && is_version("v2alpha1"));
        assert!(!is_version("v") && !is_version("version") && !is_version("v1beta"));
    }

    #[test]
    fn custom_resources_from_the_inputs() {
        let (objects, _) = Object::parse_all(
            "crd.yaml",
            "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: widgets.example.com}\nspec:\n  group: example.com\n  scope: Cluster\n  names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wd]}\n---\napiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: broken}\nspec: {names: {plural: x}}\n",
        );
        let d = Discovery::with_objects(&objects);
        assert_eq!(resolve(&d, "wd"), s("example.com", "widgets", true));
        assert_eq!(
            resolve(&d, "widget.example.com"),
            s("example.com", "widgets", true)
        );
        assert_eq!(
            d.resources().len(),
            Discovery::builtin().resources().len() + 1
        );
        let p = Request::parse("get", "wd", "", Scope::Namespace("a".into()), &d).expect("valid");
        assert_eq!(
            p.warnings,
            ["resource 'widgets' is not namespace scoped in group 'example.com'"]
        );
    }

    #[test]
    fn parses_queries() {
        let d = Discovery::builtin();
        let p = Request::parse(
            "create",
            "pods/exec",
            "web",
            Scope::Namespace("shop".into()),
            &d,
        )
        .expect("valid");
        assert!(p.warnings.is_empty());
        let Request::Resource(r) = &p.request else {
            panic!("a resource request");
        };
        assert_eq!(r.combined_resource(), "pods/exec");
        assert_eq!(
            p.request.to_string(),
            "create pods/exec named \"web\" in namespace shop"
        );
        let p = Request::parse("update", "deploy/scale", "", Scope::Cluster, &d).expect("valid");
        assert_eq!(
            p.request.to_string(),
            "update deployments.apps/scale cluster-wide"
        );
        let p =
            Request::parse("get", "/healthz", "", Scope::Namespace("x".into()), &d).expect("valid");
        assert_eq!(p.request.scope(), Scope::Cluster);
        assert_eq!(p.warnings.len(), 1);
        assert!(Request::parse("get", "/healthz", "n", Scope::Cluster, &d).is_err());
        assert!(Request::parse("", "pods", "", Scope::Cluster, &d).is_err());
        assert!(Request::parse("get", "", "", Scope::Cluster, &d).is_err());
        assert!(Request::parse("get", "/exec", "", Scope::Cluster, &d).is_ok());
        assert!(Request::parse("get", "/", "", Scope::Cluster, &d).is_ok());
        assert!(Request::parse("get", "/x", "", Scope::Cluster, &d).is_ok());
        let p = Request::parse("frobnicate", "nodes", "", Scope::Namespace("a".into()), &d)
            .expect("valid");
        assert_eq!(
            p.warnings,
            [
                "resource 'nodes' is not namespace scoped",
                "verb 'frobnicate' is not a known verb"
            ]
        );
        let p = Request::parse("get", "widgets", "", Scope::Cluster, &d).expect("valid");
        assert_eq!(p.warnings.len(), 1);
        assert!(Scope::AnyNamespace.includes_namespace("x"));
        assert!(!Scope::Cluster.includes_namespace("x"));
        assert!(Scope::Namespace("x".into()).includes_namespace("x"));
    }
}
