//! Template `host-mounts`: hostPath volumes on sensitive host paths mounted into containers.
//!
//! ## What it does
//! For every `hostPath` volume of the pod spec (in file order) whose `path` matches one of the
//! `dirs` regular expressions (unanchored, in parameter order), reports every container (init,
//! regular, ephemeral) with a `volumeMounts` entry of that volume's name. A volume that no
//! container mounts is not reported; a path matching several expressions, or a container
//! mounting the volume twice, gives one finding each. Mount path, `readOnly` and the hostPath
//! `type` are not considered; the path is compared verbatim (`/etc/` is not `^/etc$`).
//!
//! ## Why is this bad?
//! A container with the Docker socket or a system directory (`/etc`, `/proc`, `/sys`, ...) of
//! the node mounted can read the node's secrets or take over the node.
//!
//! ## Message
//! `host system directory "<hostPath.path>" is mounted on container "<name>"`, pointing at the
//! container's `volumeMounts` entry.

use kubeguard_engine::{CheckFn, Diagnostic, ParamKind, ParamSpec, Params, Template};
use kubeguard_model::{Context, Object};
use regex::Regex;

use crate::util::{go_quote, text};

/// The template.
pub struct HostMounts;

/// Registered instance.
pub static TEMPLATE: HostMounts = HostMounts;

static PARAMS: &[ParamSpec] = &[ParamSpec::new(
    "dirs",
    ParamKind::StringList,
    "Regular expressions (unanchored, no `!` negation) for host paths that must not be mounted.",
)];

impl Template for HostMounts {
    fn key(&self) -> &'static str {
        "host-mounts"
    }
    fn name(&self) -> &'static str {
        "Host Mounts"
    }
    fn description(&self) -> &'static str {
        "Flag volume mounts of sensitive system directories"
    }
    fn supported_kinds(&self) -> &'static [&'static str] {
        &["DeploymentLike"]
    }
    fn params(&self) -> &'static [ParamSpec] {
        PARAMS
    }
    fn instantiate(&self, params: &Params) -> Result<Box<dyn CheckFn>, String> {
        let dirs = params
            .strings("dirs")
            .iter()
            .map(|d| Regex::new(d).map_err(|e| format!("invalid regex {d}: {e}")))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Box::new(HostMountsCheck { dirs }))
    }
}

struct HostMountsCheck {
    dirs: Vec<Regex>,
}

impl CheckFn for HostMountsCheck {
    fn check(&self, _: &Context, obj: &Object, out: &mut Vec<Diagnostic>) {
        let Some(pod) = obj.pod_spec() else { return };
        for (_, volume) in pod.volumes() {
            let Some(host_path) = volume.get("hostPath").filter(|h| !h.is_null()) else {
                continue;
            };
            let path = text(host_path.get("path"));
            let name = text(volume.get("name"));
            for regex in &self.dirs {
                if !regex.is_match(&path) {
                    continue;
                }
                for c in pod.all_containers() {
                    for (j, mount) in c.volume_mounts() {
                        if text(mount.get("name")) == name {
                            out.push(Diagnostic::in_container(
                                &c,
                                format!(
                                    "host system directory {} is mounted on container {}",
                                    go_quote(&path),
                                    go_quote(c.name())
                                ),
                                c.locate(&format!("volumeMounts[{j}]")),
                            ));
                        }
                    }
                }
            }
        }
    }
}
