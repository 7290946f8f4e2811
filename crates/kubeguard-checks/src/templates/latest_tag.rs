//! Template `latest-tag`: container images outside an allow list or inside a block list.
//!
//! ## What it does
//! For every container (init, regular, ephemeral), matches `image` (empty when missing)
//! against the regular expressions of `blockList` or `allowList` (unanchored; only one of the
//! two lists may be given). With `blockList`, an image matching any entry is reported; with
//! `allowList`, an image matching none is reported. The built-in `latest-tag` check blocks the
//! `latest` tag and untagged images (`nginx`, `localhost:5000/app`); digests and other tags
//! pass.
//!
//! ## Why is this bad?
//! A mutable or missing tag means the image that runs is whatever the registry returns at pull
//! time: rollbacks stop being reproducible and nodes may run different code for the same spec.
//!
//! ## Messages
//! - ``The container "<c>" is using an invalid container image, "<image>". Please use images that are not blocked by the `BlockList` criteria : ["<re>" ...]``
//! - ``The container "<c>" is using an invalid container image, "<image>". Please use images that satisfies the `AllowList` criteria : ["<re>" ...]``
//!
//! Both point at the `image` value.

use kubeguard_engine::{CheckFn, Diagnostic, ParamKind, ParamSpec, Params, Template};
use kubeguard_model::{Context, Object};
use regex::Regex;

use crate::util::{go_quote, go_quote_list, text};

/// The template.
pub struct LatestTag;

/// Registered instance.
pub static TEMPLATE: LatestTag = LatestTag;

static PARAMS: &[ParamSpec] = &[
    ParamSpec::new("blockList", ParamKind::StringList, "list of regular expressions specifying pattern(s) for container images that will be blocked.").regex(),
    ParamSpec::new("allowList", ParamKind::StringList, "list of regular expressions specifying pattern(s) for container images that will be allowed.").regex(),
];

impl Template for LatestTag {
    fn key(&self) -> &'static str {
        "latest-tag"
    }
    fn name(&self) -> &'static str {
        "Latest Tag"
    }
    fn description(&self) -> &'static str {
        "Flag applications running container images that do not satisfies \"allowList\" & \"blockList\" parameters criteria."
    }
    fn supported_kinds(&self) -> &'static [&'static str] {
        &["DeploymentLike"]
    }
    fn params(&self) -> &'static [ParamSpec] {
        PARAMS
    }
    fn instantiate(&self, params: &Params) -> Result<Box<dyn CheckFn>, String> {
        let compile = |name: &str| -> Result<(Vec<Regex>, String), String> {
            let sources = params.strings(name);
            let regexes = sources
                .iter()
                .map(|s| Regex::new(s).map_err(|e| format!("invalid regex {s}: {e}")))
                .collect::<Result<Vec<_>, _>>()?;
            Ok((regexes, go_quote_list(&sources)))
        };
        let (block, block_text) = compile("blockList")?;
        let (allow, allow_text) = compile("allowList")?;
        if !block.is_empty() && !allow.is_empty() {
            return Err("only one of the paramater lists can be used at a time: check has both \"allowList\" & \"blockList\" parameter's values set".into());
        }
        Ok(Box::new(LatestTagCheck {
            block,
            block_text,
            allow,
            allow_text,
        }))
    }
}

struct LatestTagCheck {
    block: Vec<Regex>,
    /// The block list as Go prints it (`["a" "b"]`).
    block_text: String,
    allow: Vec<Regex>,
    allow_text: String,
}

impl CheckFn for LatestTagCheck {
    fn check(&self, _: &Context, obj: &Object, out: &mut Vec<Diagnostic>) {
        let Some(pod) = obj.pod_spec() else { return };
        for c in pod.all_containers() {
            let image = text(c.image());
            let message = if !self.block.is_empty() && self.block.iter().any(|r| r.is_match(&image))
            {
                format!(
                    "The container {} is using an invalid container image, {}. Please use images that are not blocked by the `BlockList` criteria : {}",
                    go_quote(c.name()),
                    go_quote(&image),
                    self.block_text
                )
            } else if !self.allow.is_empty() && !self.allow.iter().any(|r| r.is_match(&image)) {
                format!(
                    "The container {} is using an invalid container image, {}. Please use images that satisfies the `AllowList` criteria : {}",
                    go_quote(c.name()),
                    go_quote(&image),
                    self.allow_text
                )
            } else {
                continue;
            };
            out.push(Diagnostic::in_container(&c, message, c.locate("image")));
        }
    }
}
