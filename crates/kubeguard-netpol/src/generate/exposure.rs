//! Exposure outside the cluster: Services of type LoadBalancer or NodePort, and Services
//! with `externalIPs`. Their backends take connections from anywhere on the Service's ports
//! (the client's address is usually rewritten to a node's on the way, so no narrower peer
//! would hold).

use kubeguard_model::{FieldRef, Seg, locate};
use kubeguard_source::Node;

use super::services::Service;

/// Why a Service is reachable from outside the cluster, with the field that says so.
pub fn external_exposure(svc: &Service) -> Option<(String, FieldRef)> {
    let spec = svc.obj.spec()?;
    let at = |segs: &[Seg]| locate(&svc.obj.root, "", segs);
    if let Some(t) = spec.get("type").and_then(Node::as_str)
        && matches!(t, "LoadBalancer" | "NodePort")
    {
        return Some((
            format!("Service type {t}"),
            at(&[Seg::Key("spec"), Seg::Key("type")]),
        ));
    }
    if spec
        .get("externalIPs")
        .and_then(Node::as_seq)
        .is_some_and(|s| !s.is_empty())
    {
        return Some((
            "Service externalIPs".to_string(),
            at(&[Seg::Key("spec"), Seg::Key("externalIPs")]),
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::super::services::service_of;
    use super::*;
    use crate::load::objects_from_text;

    #[test]
    fn exposed_service_types() {
        let objs = objects_from_text(
            "s.yaml",
            "apiVersion: v1\nkind: Service\nmetadata: {name: lb}\nspec: {type: LoadBalancer, selector: {a: b}}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: np}\nspec: {type: NodePort}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: ext}\nspec: {externalIPs: [1.2.3.4]}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: ip}\nspec: {type: ClusterIP, externalIPs: []}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: plain}\n",
        );
        let got: Vec<Option<(String, String)>> = objs
            .iter()
            .filter_map(service_of)
            .map(|s| external_exposure(&s).map(|(why, f)| (why, f.path)))
            .collect();
        assert_eq!(
            got,
            [
                Some(("Service type LoadBalancer".into(), "spec.type".into())),
                Some(("Service type NodePort".into(), "spec.type".into())),
                Some(("Service externalIPs".into(), "spec.externalIPs".into())),
                None,
                None,
            ]
        );
    }
}
