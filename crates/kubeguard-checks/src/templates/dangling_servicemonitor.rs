//! Template `dangling-servicemonitor`: Prometheus-operator ServiceMonitors selecting no
//! Service.
//!
//! ## What it does
//! For a `monitoring.coreos.com/v1` ServiceMonitor, reads `spec.selector.matchLabels` (only
//! matchLabels, as KubeLinter) and `spec.namespaceSelector` (`any`, `matchNames`). With
//! neither set it reports the missing selector. Otherwise it looks for a `v1` Service among
//! the linted objects (all namespaces) that the monitor selects:
//! - with a namespace selector, the Service's namespace (as written) must be listed (or `any`
//!   set), and its labels must match the label selector when one is set;
//! - without one, the Service's labels must match the label selector.
//!
//! ## Why is this bad?
//! A ServiceMonitor that selects no Service scrapes nothing: the metrics and the alerts built
//! on them silently go missing.
//!
//! ## Messages
//! - `service monitor has no selector specified`
//! - `service monitor has invalid label selector: <error>`
//! - `no services found matching the service monitor's label selector (<selector>) and
//!   namespace selector ([<names>])`
//!
//! All point at `spec.selector` (or its nearest existing parent).

use kubeguard_engine::{CheckFn, Diagnostic, ParamSpec, Params, Template};
use kubeguard_model::{Context, Object, string_map};
use kubeguard_source::Node;

use crate::util::k8s_labels::{LabelSelectorSpec, selector_string};
use crate::util::{locate_in, text};

/// The template.
pub struct DanglingServiceMonitor;

/// Registered instance.
pub static TEMPLATE: DanglingServiceMonitor = DanglingServiceMonitor;

impl Template for DanglingServiceMonitor {
    fn key(&self) -> &'static str {
        "dangling-servicemonitor"
    }
    fn name(&self) -> &'static str {
        "Dangling Service Monitor"
    }
    fn description(&self) -> &'static str {
        "Flag service monitors which do not match any service"
    }
    fn supported_kinds(&self) -> &'static [&'static str] {
        &["ServiceMonitor"]
    }
    fn params(&self) -> &'static [ParamSpec] {
        &[]
    }
    fn instantiate(&self, _params: &Params) -> Result<Box<dyn CheckFn>, String> {
        Ok(Box::new(Check))
    }
}

struct Check;

impl CheckFn for Check {
    fn check(&self, ctx: &Context, obj: &Object, out: &mut Vec<Diagnostic>) {
        if obj.api_version != "monitoring.coreos.com/v1" || obj.kind != "ServiceMonitor" {
            return;
        }
        let field = locate_in(obj, "spec.selector");
        let spec = obj.spec();
        let ns_selector = spec.and_then(|s| s.get("namespaceSelector"));
        let any = ns_selector
            .and_then(|n| n.get("any"))
            .and_then(Node::as_bool)
            .unwrap_or(false);
        let names: Vec<String> = ns_selector
            .and_then(|n| n.get("matchNames"))
            .and_then(Node::as_seq)
            .unwrap_or(&[])
            .iter()
            .map(|n| text(Some(n)))
            .collect();
        let ns_set = any || !names.is_empty();
        let labels = string_map(
            spec.and_then(|s| s.path(&["selector", "matchLabels"]))
                .and_then(Node::as_map),
        );
        let labels_set = !labels.is_empty();
        if !labels_set && !ns_set {
            out.push(Diagnostic::new(
                "service monitor has no selector specified",
                field,
            ));
            return;
        }
        let selector = match LabelSelectorSpec::from_map(&labels).to_selector() {
            Ok(s) => s,
            Err(e) => {
                out.push(Diagnostic::new(
                    format!("service monitor has invalid label selector: {e}"),
                    field,
                ));
                return;
            }
        };
        for svc in ctx.of_kind("Service") {
            if svc.api_version != "v1" {
                continue;
            }
            let svc_ns = svc.namespace.as_deref().unwrap_or("");
            let matches = selector.matches(svc.labels());
            if any || names.iter().any(|n| n == svc_ns) {
                if !labels_set || matches {
                    return;
                }
                continue;
            }
            if matches && labels_set && !ns_set {
                return;
            }
        }
        out.push(Diagnostic::new(
            format!(
                "no services found matching the service monitor's label selector ({}) and namespace selector ([{}])",
                selector_string(Some(&selector)),
                names.join(" ")
            ),
            field,
        ));
    }
}
