//! Template `unsafe-sysctls`: pods setting unsafe sysctls.
//!
//! ## What it does
//! For every entry of the pod's `securityContext.sysctls` (in order) and every prefix of
//! `unsafeSysCtls` (in order), reports the sysctl when its `name` starts with the prefix
//! (plain, case-sensitive prefixes, not regular expressions; a name matching two prefixes is
//! reported twice). Prefix matching also flags sysctls Kubernetes itself deems safe, such as
//! `kernel.shm_rmid_forced` or `net.ipv4.ip_local_port_range`.
//!
//! ## Why is this bad?
//! Unsafe sysctls are not namespaced or affect resources shared by every pod on the node: a
//! pod setting them can starve or destabilise its neighbours.
//!
//! ## Message
//! `resource specifies unsafe sysctl "<name>".`, pointing at the sysctl's `name`.

use kubeguard_engine::{CheckFn, Diagnostic, ParamKind, ParamSpec, Params, Template};
use kubeguard_model::{Context, Object};
use kubeguard_source::Node;

use crate::util::{go_quote, text};

/// The template.
pub struct UnsafeSysctls;

/// Registered instance.
pub static TEMPLATE: UnsafeSysctls = UnsafeSysctls;

static PARAMS: &[ParamSpec] = &[ParamSpec::new(
    "unsafeSysCtls",
    ParamKind::StringList,
    "Prefixes of the sysctl names to flag (plain prefixes, not regular expressions).",
)];

impl Template for UnsafeSysctls {
    fn key(&self) -> &'static str {
        "unsafe-sysctls"
    }
    fn name(&self) -> &'static str {
        "Unsafe Sysctls"
    }
    fn description(&self) -> &'static str {
        "Flag unsafe sysctls"
    }
    fn supported_kinds(&self) -> &'static [&'static str] {
        &["DeploymentLike"]
    }
    fn params(&self) -> &'static [ParamSpec] {
        PARAMS
    }
    fn instantiate(&self, params: &Params) -> Result<Box<dyn CheckFn>, String> {
        Ok(Box::new(UnsafeSysctlsCheck {
            prefixes: params.strings("unsafeSysCtls"),
        }))
    }
}

struct UnsafeSysctlsCheck {
    prefixes: Vec<String>,
}

impl CheckFn for UnsafeSysctlsCheck {
    fn check(&self, _: &Context, obj: &Object, out: &mut Vec<Diagnostic>) {
        let Some(pod) = obj.pod_spec() else { return };
        let sysctls = pod
            .security_context()
            .and_then(|sc| sc.get("sysctls"))
            .and_then(Node::as_seq)
            .unwrap_or(&[]);
        for (i, sysctl) in sysctls.iter().enumerate() {
            let name = text(sysctl.get("name"));
            for prefix in &self.prefixes {
                if name.starts_with(prefix.as_str()) {
                    out.push(Diagnostic::new(
                        format!("resource specifies unsafe sysctl {}.", go_quote(&name)),
                        pod.locate(&format!("securityContext.sysctls[{i}].name")),
                    ));
                }
            }
        }
    }
}
