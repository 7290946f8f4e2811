//! Template `job-ttl-seconds-after-finished`: Job clean-up settings.
//!
//! ## What it does
//! - Reports a `batch/v1` Job that does not set `spec.ttlSecondsAfterFinished` (a Job written
//!   out with an owner reference still counts as standalone).
//! - Reports a `batch/v1` CronJob whose `spec.jobTemplate.spec.ttlSecondsAfterFinished` is set
//!   (to any value, 0 included).
//!
//! ## Why is this bad?
//! Finished standalone Jobs and their pods stay in the cluster until something deletes them.
//! For Jobs created by a CronJob, clean-up is governed by the history limits; a TTL competes
//! with them and makes it hard to predict which finished Jobs remain.
//!
//! ## Messages
//! - `Standalone Job does not specify ttlSecondsAfterFinished`
//! - `Managed Job specifies ttlSecondsAfterFinished which might conflict with successfulJobsHistoryLimit and failedJobsHistoryLimit from CronJob that have default values. Final behaviour is determined by the strictest parameter, and therefore, setting ttlSecondsAfterFinished at the job level can result with unexpected behaviour with regard to finished jobs removal`

use kubeguard_engine::{CheckFn, Diagnostic, ParamSpec, Params, Template};
use kubeguard_model::{Context, Object, locate, parse_path};

/// The template.
pub struct JobTtlSecondsAfterFinished;

/// Registered instance.
pub static TEMPLATE: JobTtlSecondsAfterFinished = JobTtlSecondsAfterFinished;

impl Template for JobTtlSecondsAfterFinished {
    fn key(&self) -> &'static str {
        "job-ttl-seconds-after-finished"
    }
    fn name(&self) -> &'static str {
        "ttlSecondsAfterFinished impact for standalone and managed Job objects"
    }
    fn description(&self) -> &'static str {
        "Flag standalone Job objects not setting ttlSecondsAfterFinished. Flag CronJob objects setting ttlSecondsAfterFinished"
    }
    fn supported_kinds(&self) -> &'static [&'static str] {
        &["JobLike"]
    }
    fn params(&self) -> &'static [ParamSpec] {
        &[]
    }
    fn instantiate(&self, _: &Params) -> Result<Box<dyn CheckFn>, String> {
        Ok(Box::new(JobTtlSecondsAfterFinished))
    }
}

impl CheckFn for JobTtlSecondsAfterFinished {
    fn check(&self, _: &Context, obj: &Object, out: &mut Vec<Diagnostic>) {
        // KubeLinter's JobLike is exactly batch/v1 Job and CronJob.
        if obj.api_version != "batch/v1" {
            return;
        }
        let path = match obj.kind.as_str() {
            "Job" => "spec.ttlSecondsAfterFinished",
            "CronJob" => "spec.jobTemplate.spec.ttlSecondsAfterFinished",
            _ => return,
        };
        let field = locate(&obj.root, "", &parse_path(path));
        let set = field.present
            && obj
                .root
                .path(&path.split('.').collect::<Vec<_>>())
                .is_some_and(|n| !n.is_null());
        match (obj.kind.as_str(), set) {
            ("Job", false) => out.push(Diagnostic::new("Standalone Job does not specify ttlSecondsAfterFinished", field)),
            ("CronJob", true) => out.push(Diagnostic::new(
                "Managed Job specifies ttlSecondsAfterFinished which might conflict with successfulJobsHistoryLimit and failedJobsHistoryLimit from CronJob that have default values. Final behaviour is determined by the strictest parameter, and therefore, setting ttlSecondsAfterFinished at the job level can result with unexpected behaviour with regard to finished jobs removal",
                field,
            )),
            _ => {}
        }
    }
}
