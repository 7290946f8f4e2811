//! Check templates written in Rust, and the built-in checks bound to them as data.
//!
//! Each template lives in its own file under `src/templates/` with its documentation. Each
//! built-in check is a YAML file under `builtin/` in the very schema users write custom checks
//! in (`customChecks` of `kubeguard.yaml`), so every built-in is an example of a custom check.

use std::sync::{Arc, OnceLock};

use kubeguard_engine::{CheckSpec, Config, ConfigError, Engine, Templates};
use kubeguard_source::SourceFile;

pub mod cel_k8s;
pub mod docs;
pub mod host_namespace;
pub mod netpol_facts;
pub mod quantity;
pub mod required_metadata;
pub mod requirements;
pub mod schema;
pub mod templates;
pub mod util;

include!(concat!(env!("OUT_DIR"), "/builtin_files.rs"));

/// Every template, keyed by its key.
pub fn templates() -> &'static Templates {
    static T: OnceLock<Templates> = OnceLock::new();
    T.get_or_init(|| templates::ALL.iter().map(|t| (t.key(), *t)).collect())
}

/// The built-in check definitions, parsed once.
///
/// # Panics
/// Never at run time for a released binary: the registry test parses every file, so a
/// malformed built-in fails the build's tests.
pub fn builtin_checks() -> &'static [CheckSpec] {
    static B: OnceLock<Vec<CheckSpec>> = OnceLock::new();
    B.get_or_init(|| {
        BUILTIN_FILES
            .iter()
            .filter_map(|(name, text)| {
                let src: Arc<SourceFile> = SourceFile::new(format!("builtin/{name}"), *text);
                CheckSpec::from_file(&src).ok()
            })
            .collect()
    })
}

/// The engine of a configuration over every template and built-in check: the one construction
/// `kubeguard lint` and the admission webhook (`kubeguard serve`) share, so both run the same
/// checks with the same parameters, severities and exclusions.
pub fn engine(config: &Config) -> Result<Engine, Vec<ConfigError>> {
    Engine::new(templates(), builtin_checks(), config)
}

#[cfg(test)]
mod registry_tests {
    use super::*;

    #[test]
    fn every_builtin_parses_and_binds() {
        let mut names = Vec::new();
        for (file, text) in BUILTIN_FILES {
            let src = SourceFile::new(format!("builtin/{file}"), *text);
            let spec = CheckSpec::from_file(&src).unwrap_or_else(|e| panic!("{file}: {e:?}"));
            assert_eq!(
                format!("{}.yaml", spec.name),
                *file,
                "file name must be the check name"
            );
            assert!(
                !spec.description.is_empty()
                    && !spec.remediation.is_empty()
                    && !spec.rationale.is_empty(),
                "{file}: docs"
            );
            let cfg = kubeguard_engine::Config::default();
            kubeguard_engine::build_check(&spec, templates(), true, &cfg)
                .unwrap_or_else(|e| panic!("{file}: {e:?}"));
            names.push(spec.name);
        }
        assert_eq!(builtin_checks().len(), names.len());
    }

    #[test]
    fn default_set_is_kube_linters() {
        let defaults: Vec<&str> = builtin_checks()
            .iter()
            .filter(|c| c.enabled_by_default)
            .map(|c| c.name.as_str())
            .collect();
        for name in [
            "dangling-service",
            "deprecated-service-account-field",
            "docker-sock",
            "drop-net-raw-capability",
            "duplicate-env-var",
            "env-var-secret",
            "host-ipc",
            "host-network",
            "host-pid",
            "invalid-target-ports",
            "job-ttl-seconds-after-finished",
            "latest-tag",
            "liveness-port",
            "mismatching-selector",
            "no-anti-affinity",
            "no-extensions-v1beta",
            "no-read-only-root-fs",
            "non-existent-service-account",
            "pdb-max-unavailable",
            "pdb-min-available",
            "pdb-unhealthy-pod-eviction-policy",
            "privilege-escalation-container",
            "privileged-container",
            "readiness-port",
            "run-as-non-root",
            "sensitive-host-mounts",
            "ssh-port",
            "startup-port",
            "unsafe-sysctls",
            "unset-cpu-requirements",
            "unset-memory-requirements",
        ] {
            assert!(defaults.contains(&name), "{name} must be a default check");
        }
    }

    #[test]
    fn templates_are_unique_and_documented() {
        let mut keys: Vec<_> = templates::ALL.iter().map(|t| t.key()).collect();
        let n = keys.len();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), n, "duplicate template keys");
        for t in templates::ALL {
            assert!(
                !t.description().is_empty() && !t.name().is_empty(),
                "{}",
                t.key()
            );
            assert!(!t.supported_kinds().is_empty(), "{}", t.key());
        }
    }
}
