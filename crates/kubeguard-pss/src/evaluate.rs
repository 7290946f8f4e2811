//! Evaluation of an object's pod spec at a level and version.

use kubeguard_model::Object;

use crate::checks;
use crate::control::Control;
use crate::pod::{Pod, Violation};
use crate::version::{Level, Version};

/// The violations of every control evaluated at `level` and `version`, in control order
/// ([`Control::ALL`]), then document order. `None` when `obj` has no pod spec (not a Pod and
/// not a workload with a pod template). An empty list means the pod is allowed; at
/// [`Level::Privileged`] it always is.
pub fn evaluate(obj: &Object, level: Level, version: Version) -> Option<Vec<Violation>> {
    let pod = Pod::new(obj)?;
    let minor = version.minor();
    Some(
        Control::active(level, version)
            .flat_map(|c| checks::run(c, &pod, minor))
            .collect(),
    )
}

/// The outcome of evaluating one pod spec at both Baseline and Restricted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    /// The version evaluated at.
    pub version: Version,
    /// What [`evaluate`] gives at Baseline.
    pub baseline: Vec<Violation>,
    /// What [`evaluate`] gives at Restricted (Baseline controls included, except those a
    /// Restricted control replaces).
    pub restricted: Vec<Violation>,
}

impl Evaluation {
    /// The violations at `level` (none at Privileged).
    pub fn violations(&self, level: Level) -> &[Violation] {
        match level {
            Level::Privileged => &[],
            Level::Baseline => &self.baseline,
            Level::Restricted => &self.restricted,
        }
    }

    /// Whether the pod is allowed at `level`.
    pub fn allows(&self, level: Level) -> bool {
        self.violations(level).is_empty()
    }

    /// The strictest level the pod is allowed at.
    pub fn highest_level(&self) -> Level {
        if self.restricted.is_empty() {
            Level::Restricted
        } else if self.baseline.is_empty() {
            Level::Baseline
        } else {
            Level::Privileged
        }
    }
}

/// Evaluates Baseline and Restricted together, running every control once. `None` when `obj`
/// has no pod spec.
pub fn evaluate_all(obj: &Object, version: Version) -> Option<Evaluation> {
    let pod = Pod::new(obj)?;
    let minor = version.minor();
    let mut baseline = Vec::new();
    let mut restricted = Vec::new();
    for control in Control::ALL {
        let at_baseline = control.applies(Level::Baseline, version);
        let at_restricted = control.applies(Level::Restricted, version);
        if !at_baseline && !at_restricted {
            continue;
        }
        let found = checks::run(control, &pod, minor);
        match (at_baseline, at_restricted) {
            (true, true) => {
                restricted.extend(found.iter().cloned());
                baseline.extend(found);
            }
            (true, false) => baseline.extend(found),
            _ => restricted.extend(found),
        }
    }
    Some(Evaluation {
        version,
        baseline,
        restricted,
    })
}

/// The strictest level `obj`'s pod spec is allowed at, at `version`; `None` without a pod spec.
pub fn highest_level(obj: &Object, version: Version) -> Option<Level> {
    evaluate_all(obj, version).map(|e| e.highest_level())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(text: &str) -> Object {
        Object::parse_all("t.yaml", text).0.remove(0)
    }

    const RESTRICTED_OK: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    spec:\n      securityContext:\n        runAsNonRoot: true\n        seccompProfile: {type: RuntimeDefault}\n      containers:\n      - name: c\n        securityContext:\n          allowPrivilegeEscalation: false\n          capabilities: {drop: [ALL]}\n";

    #[test]
    fn levels_of_workloads() {
        let ok = obj(RESTRICTED_OK);
        assert_eq!(highest_level(&ok, Version::Latest), Some(Level::Restricted));
        let baseline = obj(&RESTRICTED_OK.replace("runAsNonRoot: true", "runAsNonRoot: false"));
        assert_eq!(
            highest_level(&baseline, Version::Latest),
            Some(Level::Baseline)
        );
        let privileged = obj(&RESTRICTED_OK.replace(
            "allowPrivilegeEscalation: false",
            "allowPrivilegeEscalation: false\n          privileged: true",
        ));
        assert_eq!(
            highest_level(&privileged, Version::Latest),
            Some(Level::Privileged)
        );
        let svc = obj("apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {}\n");
        assert_eq!(highest_level(&svc, Version::Latest), None);
        assert_eq!(evaluate(&svc, Level::Baseline, Version::Latest), None);
    }

    #[test]
    fn evaluate_all_agrees_with_evaluate() {
        let y = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostNetwork: true\n  hostUsers: false\n  os: {name: windows}\n  volumes: [{name: v, hostPath: {path: /}}]\n  containers:\n  - name: c\n    securityContext:\n      procMount: Unmasked\n      capabilities: {add: [SYS_ADMIN]}\n";
        let o = obj(y);
        for minor in [0, 8, 19, 22, 25, 34, 35, 37, 40] {
            let v = Version::V(minor);
            let all = evaluate_all(&o, v).expect("pod");
            for level in Level::ALL {
                assert_eq!(
                    all.violations(level),
                    evaluate(&o, level, v).expect("pod").as_slice(),
                    "{level} {v}"
                );
            }
        }
        // Windows pod at Restricted v1.25+: the Baseline capabilities control is replaced and
        // the Restricted one exempts Windows, so the added capability goes unreported.
        let r = evaluate(&o, Level::Restricted, Version::V(25)).expect("pod");
        assert!(r.iter().all(|v| v.control != Control::CapabilitiesBaseline
            && v.control != Control::CapabilitiesRestricted));
        let b = evaluate(&o, Level::Baseline, Version::V(25)).expect("pod");
        assert!(b.iter().any(|v| v.control == Control::CapabilitiesBaseline));
        // procMount with hostUsers: false: allowed at Baseline v1.35, not at Restricted.
        let b35 = evaluate(&o, Level::Baseline, Version::V(35)).expect("pod");
        assert!(b35.iter().all(|v| v.control != Control::ProcMount));
        let r35 = evaluate(&o, Level::Restricted, Version::V(35)).expect("pod");
        assert!(
            r35.iter()
                .any(|v| v.control == Control::ProcMountRestricted)
        );
        // Privileged allows everything.
        assert_eq!(
            evaluate(&o, Level::Privileged, Version::Latest),
            Some(vec![])
        );
    }

    #[test]
    fn odd_shapes_do_not_panic() {
        let shapes = [
            "spec: {containers: 5}",
            "spec: {containers: [1, null, [], {name: [x]}], initContainers: {a: b}}",
            "spec: {securityContext: [1], volumes: [null, 3, {name: v, hostPath: 1}]}",
            "spec: {securityContext: {sysctls: [null, 1, {name: {a: b}}], seLinuxOptions: 3, seccompProfile: [x], appArmorProfile: {type: [1]}}}",
            "spec: {hostUsers: 'false', os: [windows], containers: [{name: c, securityContext: {capabilities: {add: [[x], {a: 1}, null], drop: ALL}, procMount: [x], runAsUser: '0'}, ports: [null, {hostPort: x}], livenessProbe: {httpGet: 1, tcpSocket: {host: [1]}}, lifecycle: {preStop: [1]}}]}",
            "metadata: {annotations: [1]}\nspec: {containers: [{name: c}]}",
            "metadata: {annotations: {container.apparmor.security.beta.kubernetes.io/c: [1]}}\nspec: {containers: [{name: c}]}",
        ];
        for shape in shapes {
            let y = format!("apiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\n{shape}\n");
            let (objects, _) = Object::parse_all("t.yaml", &y);
            for o in &objects {
                for minor in [0, 18, 19, 25, 35, 37] {
                    let all = evaluate_all(o, Version::V(minor));
                    assert_eq!(all.is_some(), o.pod_spec().is_some(), "{shape}");
                }
            }
        }
    }
}
