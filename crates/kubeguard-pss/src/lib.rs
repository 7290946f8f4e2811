//! The Kubernetes Pod Security Standards, evaluated with the semantics of upstream Pod Security
//! Admission (`k8s.io/pod-security-admission`) for every policy version from `v1.0` to
//! `v1.37` (`latest` is the newest, v1.37; newer versions evaluate as v1.37).
//!
//! Pure: works on the spanned tree of an [`Object`](kubeguard_model::Object) and reads no
//! files. Violations carry the dotted field path and its file location (the value, or the
//! nearest existing parent when a required field is missing).
//!
//! # API
//!
//! - [`Level`] (`privileged`, `baseline`, `restricted`) and [`Version`] (`latest`, `v1.N`),
//!   both `FromStr` + `Display` with upstream's spelling; other majors are rejected.
//! - [`evaluate`]`(obj, level, version) -> Option<Vec<Violation>>` — `None` when the object
//!   has no pod spec. Pods and every kind with a pod template are covered (through
//!   `Object::pod_spec`), init and ephemeral containers included; annotations are read from
//!   the pod's metadata (a workload's template metadata).
//! - [`evaluate_all`] (Baseline and Restricted in one pass, [`Evaluation`]) and
//!   [`highest_level`].
//! - [`Control`]: the upstream checks by ID, with [`Control::level`], [`Control::since`],
//!   [`Control::revisions`], [`Control::overrides`] and [`Control::applies`].
//! - [`namespace`]: the `pod-security.kubernetes.io/{enforce,audit,warn}[-version]` labels of
//!   Namespace objects ([`NamespaceLabels`]) and the [`Policy`] they give.
//! - [`admission`]: the `PodSecurity` admission plugin configuration ([`parse_config`],
//!   [`PodSecurityConfig`]) and the effective policy of a namespace or object
//!   ([`PodSecurityConfig::decide`], [`Decision`]).
//!
//! # Controls
//!
//! Restricted is every Baseline control, except those a Restricted control replaces while it
//! applies, plus the Restricted controls. "v1.N+" gives the first version a control applies
//! at; other versions listed are where its behaviour changes.
//!
//! | Control (upstream ID) | Level | Versions |
//! | --- | --- | --- |
//! | `hostNamespaces` | Baseline | v1.0+ |
//! | `privileged` | Baseline | v1.0+ |
//! | `capabilities_baseline` | Baseline | v1.0+; replaced at Restricted from v1.22 |
//! | `hostPathVolumes` | Baseline | v1.0+; replaced at Restricted (always) |
//! | `hostPorts` | Baseline | v1.0+ |
//! | `appArmorProfile` | Baseline | v1.0+ (annotations and fields at every version) |
//! | `seLinuxOptions` | Baseline | v1.0+; `container_engine_t` allowed from v1.31 |
//! | `procMount` | Baseline | v1.0+; `hostUsers: false` pods exempt from v1.35; replaced at Restricted from v1.35 |
//! | `seccompProfile_baseline` | Baseline | v1.0+ annotations; fields from v1.19; replaced at Restricted from v1.19 |
//! | `sysctls` | Baseline | v1.0+; safe list grows at v1.27, v1.29, v1.32, v1.37 |
//! | `windowsHostProcess` | Baseline | v1.0+ |
//! | `hostProbesAndHostLifecycle` | Baseline | v1.34+ |
//! | `restrictedVolumes` | Restricted | v1.0+ (`image` allowed at every version) |
//! | `allowPrivilegeEscalation` | Restricted | v1.8+; Windows pods exempt from v1.25 |
//! | `runAsNonRoot` | Restricted | v1.0+; `hostUsers: false` pods exempt from v1.35 |
//! | `runAsUser` | Restricted | v1.23+; `hostUsers: false` pods exempt from v1.35 |
//! | `seccompProfile_restricted` | Restricted | v1.19+; Windows pods exempt from v1.25 |
//! | `capabilities_restricted` | Restricted | v1.22+; Windows pods exempt from v1.25 |
//! | `procMount_restricted` | Restricted | v1.35+ |
//!
//! Each check's module documentation (`src/checks/*.rs`) gives its exact rule.
//!
//! # Reporting
//!
//! Upstream reports one result per check; here each offending field is its own
//! [`Violation`], so a pod with two privileged containers has two `privileged` violations.
//! The allow/deny outcome is the same: a pod is allowed exactly when upstream allows it.
//!
//! Fields are read as the API server decodes them: `null` is the same as absent, booleans and
//! integers only count when typed as such (a quoted `"true"` would be rejected by the API
//! server before admission), and string fields take any scalar.

pub mod admission;
mod checks;
mod control;
mod evaluate;
pub mod namespace;
mod pod;
pub mod psp;
mod version;

pub use admission::{
    AdmissionConfig, ConfigError, ConfigSource, Decision, Exemption, Exemptions, PodSecurityConfig,
    parse_config,
};
pub use control::Control;
pub use evaluate::{Evaluation, evaluate, evaluate_all, highest_level};
pub use namespace::{LabelDiagnostic, LabelProblem, LevelVersion, Mode, NamespaceLabels, Policy};
pub use pod::Violation;
pub use version::{Level, NEWEST_MINOR, ParseError, Version};
