//! Template `forbidden-service-types`: Services of a forbidden type.
//!
//! ## What it does
//! For a `v1` Service, reports each entry of `forbiddenServiceTypes` (in parameter order)
//! equal to `spec.type`, ignoring case (an absent type is the empty string, not
//! `ClusterIP`).
//!
//! ## Why is this bad?
//! `NodePort` and `LoadBalancer` Services expose pods outside the cluster network, often to the
//! internet, bypassing the ingress layer where authentication and TLS are usually enforced.
//!
//! ## Message
//! `"<type>" service type is forbidden.` (the parameter entry, Go-quoted), pointing at
//! `spec.type`.

use kubeguard_engine::{CheckFn, Diagnostic, ParamKind, ParamSpec, Params, Template};
use kubeguard_model::{Context, Object};

use crate::util::{go_quote, locate_in, text};

/// The template.
pub struct ForbiddenServiceTypes;

/// Registered instance.
pub static TEMPLATE: ForbiddenServiceTypes = ForbiddenServiceTypes;

static PARAMS: &[ParamSpec] = &[ParamSpec::new(
    "forbiddenServiceTypes",
    ParamKind::StringList,
    "An array of service types that should not be used (compared ignoring case).",
)];

impl Template for ForbiddenServiceTypes {
    fn key(&self) -> &'static str {
        "forbidden-service-types"
    }
    fn name(&self) -> &'static str {
        "Forbidden Service Types"
    }
    fn description(&self) -> &'static str {
        "Flag forbidden services"
    }
    fn supported_kinds(&self) -> &'static [&'static str] {
        &["Service"]
    }
    fn params(&self) -> &'static [ParamSpec] {
        PARAMS
    }
    fn instantiate(&self, params: &Params) -> Result<Box<dyn CheckFn>, String> {
        Ok(Box::new(Check {
            forbidden: params.strings("forbiddenServiceTypes"),
        }))
    }
}

struct Check {
    forbidden: Vec<String>,
}

/// Go's `strings.EqualFold` (Unicode simple case folding; lowercase comparison is close
/// enough for service type names).
fn equal_fold(a: &str, b: &str) -> bool {
    a.chars().count() == b.chars().count()
        && a.chars().zip(b.chars()).all(|(x, y)| {
            x == y || x.to_lowercase().eq(y.to_lowercase()) || x.to_uppercase().eq(y.to_uppercase())
        })
}

impl CheckFn for Check {
    fn check(&self, _ctx: &Context, obj: &Object, out: &mut Vec<Diagnostic>) {
        if obj.api_version != "v1" || obj.kind != "Service" {
            return;
        }
        let ty = text(obj.root.path(&["spec", "type"]));
        for f in &self.forbidden {
            if equal_fold(&ty, f) {
                out.push(Diagnostic::new(
                    format!("{} service type is forbidden.", go_quote(f)),
                    locate_in(obj, "spec.type"),
                ));
            }
        }
    }
}
