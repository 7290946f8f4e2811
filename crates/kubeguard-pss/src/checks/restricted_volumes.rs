//! `restrictedVolumes` — **Restricted**, every version (v1.0+).
//!
//! Only volume types that do not reach into the node are allowed: each entry of `spec.volumes`
//! must set one of `configMap`, `csi`, `downwardAPI`, `emptyDir`, `ephemeral`, `image`,
//! `persistentVolumeClaim`, `projected` or `secret`. Any other source (`hostPath`, `nfs`,
//! `gitRepo`, ...) is forbidden. A volume that sets no source at all is allowed: the API
//! server defaults it to `emptyDir` before admission (unknown keys are dropped when decoding,
//! so they do not count as a source).
//!
//! Upstream added `image` in Kubernetes 1.33 to its single v1.0 revision, so image volumes are
//! allowed at every policy version. Replaces `hostPathVolumes` at Restricted.

use kubeguard_model::Seg;
use kubeguard_source::Node;

use crate::control::Control;
use crate::pod::{Pod, Violation, quote, set};

/// The volume sources Restricted allows.
pub(crate) const ALLOWED: [&str; 9] = [
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "image",
    "persistentVolumeClaim",
    "projected",
    "secret",
];

/// The other volume sources of the core API, in the order the Go type declares them.
const RESTRICTED: [&str; 21] = [
    "hostPath",
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "gitRepo",
    "nfs",
    "iscsi",
    "glusterfs",
    "rbd",
    "flexVolume",
    "cinder",
    "cephfs",
    "flocker",
    "fc",
    "azureFile",
    "vsphereVolume",
    "quobyte",
    "azureDisk",
    "photonPersistentDisk",
    "portworxVolume",
    "scaleIO",
    "storageos",
];

pub(crate) fn check(pod: &Pod<'_>, _minor: u32) -> Vec<Violation> {
    let mut out = Vec::new();
    for (i, volume) in pod.spec.volumes() {
        let Some(map) = volume.as_map() else {
            continue;
        };
        if ALLOWED.iter().any(|k| set(map.get(k)).is_some()) {
            continue;
        }
        let Some(source) = RESTRICTED.into_iter().find(|k| set(map.get(k)).is_some()) else {
            continue;
        };
        let name = volume
            .get("name")
            .and_then(Node::scalar_text)
            .unwrap_or_default();
        out.push(pod.violation(
            Control::RestrictedVolumes,
            format!(
                "restricted volume types (volume {} uses restricted volume type {})",
                quote(&name),
                quote(source)
            ),
            pod.at(&[Seg::Key("volumes"), Seg::Index(i), Seg::Key(source)]),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::{fields, pod, violations};
    use crate::control::Control;

    #[test]
    fn only_allowed_sources_pass() {
        let y = pod(
            "  containers: [{name: c}]\n  volumes:\n  - name: a\n    emptyDir: {}\n  - name: b\n    image: {reference: x}\n  - name: c\n    nfs: {server: s, path: /}\n  - name: d\n  - name: e\n    emptyDir: null\n  - name: f\n    mystery: {}\n  - name: g\n    emptyDir: null\n    gitRepo: {repository: r}\n",
        );
        // d, e and f set no known source: defaulted to emptyDir by the API server.
        assert_eq!(
            fields(Control::RestrictedVolumes, 0, &y),
            ["spec.volumes[2].nfs", "spec.volumes[6].gitRepo"]
        );
        let v = violations(Control::RestrictedVolumes, 0, &y);
        assert_eq!(
            v[0].message,
            "restricted volume types (volume \"c\" uses restricted volume type \"nfs\")"
        );
    }
}
