//! Template `read-only-root-fs`: containers with a writable root filesystem.
//!
//! ## What it does
//! Reports every container (init, regular, ephemeral) whose own `securityContext` does not set
//! `readOnlyRootFilesystem: true` (missing security context, missing field or `false`). The pod
//! security context has no such field.
//!
//! ## Why is this bad?
//! A writable root filesystem lets an attacker who gets code execution drop tools, modify
//! binaries or configuration and persist changes for the container's lifetime.
//!
//! ## Message
//! `container "<name>" does not have a read-only root file system`, pointing at the field, or
//! at its nearest existing parent when it is missing.

use kubeguard_engine::{CheckFn, Diagnostic, ParamSpec, Params, Template};
use kubeguard_model::{Context, Object};
use kubeguard_source::Node;

use crate::util::go_quote;

/// The template.
pub struct ReadOnlyRootFs;

/// Registered instance.
pub static TEMPLATE: ReadOnlyRootFs = ReadOnlyRootFs;

impl Template for ReadOnlyRootFs {
    fn key(&self) -> &'static str {
        "read-only-root-fs"
    }
    fn name(&self) -> &'static str {
        "Read-only Root Filesystems"
    }
    fn description(&self) -> &'static str {
        "Flag containers without read-only root file systems"
    }
    fn supported_kinds(&self) -> &'static [&'static str] {
        &["DeploymentLike"]
    }
    fn params(&self) -> &'static [ParamSpec] {
        &[]
    }
    fn instantiate(&self, _: &Params) -> Result<Box<dyn CheckFn>, String> {
        Ok(Box::new(ReadOnlyRootFs))
    }
}

impl CheckFn for ReadOnlyRootFs {
    fn check(&self, _: &Context, obj: &Object, out: &mut Vec<Diagnostic>) {
        let Some(pod) = obj.pod_spec() else { return };
        for c in pod.all_containers() {
            if c.sc("readOnlyRootFilesystem").and_then(Node::as_bool) != Some(true) {
                out.push(Diagnostic::in_container(
                    &c,
                    format!(
                        "container {} does not have a read-only root file system",
                        go_quote(c.name())
                    ),
                    c.locate("securityContext.readOnlyRootFilesystem"),
                ));
            }
        }
    }
}
