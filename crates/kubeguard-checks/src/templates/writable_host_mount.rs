//! Template `writable-host-mount`: host paths mounted writable into containers.
//!
//! ## What it does
//! Collects the pod's `hostPath` volumes (by name; a later volume of the same name wins),
//! then reports every `volumeMounts` entry of every container (init, regular, ephemeral)
//! that mounts one of them without `readOnly: true`, one finding per mount. Any host path
//! counts, whatever its type.
//!
//! ## Why is this bad?
//! A writable host directory lets the container change files on the node: plant binaries,
//! rewrite configuration, or fill the node's disk.
//!
//! ## Message
//! `container <name> mounts path <hostPath.path> on the host as writable` (no quotes),
//! pointing at the `volumeMounts` entry.

use std::collections::HashMap;

use kubeguard_engine::{CheckFn, Diagnostic, ParamSpec, Params, Template};
use kubeguard_model::{Context, Object};
use kubeguard_source::Node;

use crate::util::text;

/// The template.
pub struct WritableHostMount;

/// Registered instance.
pub static TEMPLATE: WritableHostMount = WritableHostMount;

impl Template for WritableHostMount {
    fn key(&self) -> &'static str {
        "writable-host-mount"
    }
    fn name(&self) -> &'static str {
        "Writable Host Mounts"
    }
    fn description(&self) -> &'static str {
        "Flag containers that have mounted a directory on the host as writable"
    }
    fn supported_kinds(&self) -> &'static [&'static str] {
        &["DeploymentLike"]
    }
    fn params(&self) -> &'static [ParamSpec] {
        &[]
    }
    fn instantiate(&self, _: &Params) -> Result<Box<dyn CheckFn>, String> {
        Ok(Box::new(WritableHostMount))
    }
}

impl CheckFn for WritableHostMount {
    fn check(&self, _: &Context, obj: &Object, out: &mut Vec<Diagnostic>) {
        let Some(pod) = obj.pod_spec() else { return };
        let mut host_paths: HashMap<String, String> = HashMap::new();
        for (_, volume) in pod.volumes() {
            if let Some(hp) = volume.get("hostPath").filter(|h| !h.is_null()) {
                host_paths.insert(text(volume.get("name")), text(hp.get("path")));
            }
        }
        if host_paths.is_empty() {
            return;
        }
        for c in pod.all_containers() {
            for (j, mount) in c.volume_mounts() {
                if mount.get("readOnly").and_then(Node::as_bool) == Some(true) {
                    continue;
                }
                if let Some(path) = host_paths.get(&text(mount.get("name"))) {
                    out.push(Diagnostic::in_container(
                        &c,
                        format!(
                            "container {} mounts path {path} on the host as writable",
                            c.name()
                        ),
                        c.locate(&format!("volumeMounts[{j}]")),
                    ));
                }
            }
        }
    }
}
