//! kubeguard's validating admission webhook: the checks of `kubeguard lint`, enforced when
//! objects are created or updated.
//!
//! `POST /validate` takes an AdmissionReview (`admission.k8s.io/v1` or `v1beta1`) and answers
//! in the same version with the request's uid. The object is serialised to JSON and parsed by
//! kubeguard-source into the same spanned tree a manifest gives, and the engine that
//! `kubeguard lint` builds from the same `kubeguard.yaml` ([`kubeguard_checks::engine`]) runs
//! on it. Each violated check then has a [`Mode`]: enforce (deny, listing each check, field
//! and remediation), warn (admission warnings) or audit (logged only); by default critical and
//! high checks enforce and the others warn. The `serve` section of `kubeguard.yaml`
//! ([`Settings`]) sets modes, exempt namespaces, the break-glass annotation, which namespaces
//! deny `pods/exec`, `pods/attach` and `pods/portforward`, namespace Pod Security Standards
//! levels, the body limit and the deadline.
//!
//! Also `/healthz`, `/readyz` and `/metrics` (Prometheus text). The configuration and the
//! certificate files are reloaded when they change (an invalid new configuration or
//! certificate is refused and the running one kept); shutdown drains requests in flight; logs
//! are JSON lines on standard error.
//!
//! # Modules
//!
//! - [`decide`]: AdmissionReview in, decision out (pure, synchronous).
//! - [`settings`]: the `serve` section.
//! - [`policy`]: engine plus settings, loaded from `kubeguard.yaml`.
//! - [`server`]: the HTTPS server ([`Server::start`], [`ServeOptions`]).
//! - [`metrics`], [`log`], [`tls`], [`client`] (a small HTTPS client for tests and the load
//!   generator), [`certs`] (a self-signed CA and serving certificate),
//!   [`install`] (the manifests of `kubeguard install webhook`).

#![deny(missing_docs)]

pub mod certs;
pub mod client;
pub mod decide;
pub mod install;
pub mod log;
pub mod metrics;
pub mod policy;
pub mod server;
pub mod settings;
pub mod tls;

pub use decide::{Outcome, Verdict, Violation, decide, parse_review};
pub use policy::Policy;
pub use server::{ServeOptions, Server};
pub use settings::{Mode, Settings};
