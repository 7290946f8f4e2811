//! The policy the webhook applies: the lint engine built from `kubeguard.yaml` exactly as
//! `kubeguard lint` builds it (`kubeguard_checks::engine`), plus the `serve` settings.

use std::path::Path;
use std::sync::Arc;

use kubeguard_engine::{Config, ConfigError, Engine, Errors};
use kubeguard_source::SourceFile;

use crate::settings::Settings;

/// The engine and settings in force.
#[derive(Debug)]
pub struct Policy {
    /// The lint engine (same checks, parameters, severities and exclusions as `kubeguard lint`).
    pub engine: Engine,
    /// The `serve` settings.
    pub settings: Settings,
    /// Where it came from: the configuration file, or `<defaults>`.
    pub origin: String,
}

impl Policy {
    /// The policy of a parsed configuration. `own_namespace` is the webhook's namespace
    /// (exempt by default).
    pub fn from_config(config: &Config, own_namespace: &str) -> Result<Policy, Vec<ConfigError>> {
        let engine = kubeguard_checks::engine(config);
        let names: Vec<&str> = kubeguard_checks::builtin_checks()
            .iter()
            .map(|c| c.name.as_str())
            .chain(config.custom_checks.iter().map(|c| c.name.as_str()))
            .collect();
        let (settings, mut errors) = match &config.source {
            Some(source) => {
                let mut errs = Errors::new(source);
                let s = Settings::parse(config.serve.as_ref(), own_namespace, &names, &mut errs);
                (s, errs.list)
            }
            None => (Settings::defaults(own_namespace), Vec::new()),
        };
        match engine {
            Ok(engine) if errors.is_empty() => Ok(Policy {
                engine,
                settings,
                origin: config
                    .source
                    .as_ref()
                    .map_or_else(|| "<defaults>".to_string(), |s| s.path().to_string()),
            }),
            Ok(_) => Err(errors),
            Err(mut e) => {
                e.append(&mut errors);
                Err(e)
            }
        }
    }

    /// Reads `path` (or takes the defaults when `None`) and builds the policy. The same
    /// parsing as `kubeguard lint --config`.
    pub fn load(path: Option<&Path>, own_namespace: &str) -> Result<Policy, Vec<ConfigError>> {
        let config = match path {
            None => Config::default(),
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| {
                    vec![ConfigError {
                        path: path.display().to_string(),
                        line: 0,
                        column: 0,
                        message: format!("cannot read configuration: {e}"),
                    }]
                })?;
                Config::parse(&SourceFile::new(path.display().to_string(), text))?
            }
        };
        Policy::from_config(&config, own_namespace)
    }

    /// The policy of a configuration text (tests and embedding).
    pub fn from_text(
        path: &str,
        text: &str,
        own_namespace: &str,
    ) -> Result<Policy, Vec<ConfigError>> {
        let source: Arc<SourceFile> = SourceFile::new(path, text);
        Policy::from_config(&Config::parse(&source)?, own_namespace)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_run_the_default_checks() {
        let p = Policy::load(None, "kubeguard").expect("defaults");
        assert!(p.engine.checks().any(|c| c.name == "privileged-container"));
        assert_eq!(p.origin, "<defaults>");
    }

    #[test]
    fn config_errors_of_engine_and_serve_section_are_reported_together() {
        let e = Policy::from_text(
            "kubeguard.yaml",
            "checks:\n  include: [no-such-check]\nserve:\n  onTimeout: maybe\n",
            "kubeguard",
        )
        .expect_err("invalid");
        let msgs: Vec<String> = e.iter().map(ToString::to_string).collect();
        assert!(msgs.iter().any(|m| m.contains("no-such-check")), "{msgs:?}");
        assert!(
            msgs.iter()
                .any(|m| m.starts_with("kubeguard.yaml:4:14: `onTimeout`")),
            "{msgs:?}"
        );
    }

    #[test]
    fn custom_checks_can_have_modes() {
        let p = Policy::from_text(
            "kubeguard.yaml",
            "customChecks:\n- name: owner-label\n  template: required-label\n  params: {key: owner}\nserve:\n  modes: {owner-label: enforce}\n",
            "kubeguard",
        )
        .expect("valid");
        assert!(p.engine.checks().any(|c| c.name == "owner-label"));
        assert_eq!(
            p.settings
                .mode("owner-label", kubeguard_engine::Severity::Low),
            crate::settings::Mode::Enforce
        );
    }
}
