//! The command-line definition (clap derive). Help, completions and the man page are all
//! generated from it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Secure Kubernetes declaratively: lint manifests with exact file:line:column findings.
#[derive(Debug, Parser)]
#[command(name = "kubeguard", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// Commands.
// Parsed once per process: the size of the `lint` variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint manifests: files, directories (recursively) or `-` for stdin.
    Lint(LintArgs),
    /// Pod Security Standards: the highest level each workload meets, every violation with
    /// its location, and whether its namespace's Pod Security Admission labels let it in.
    Pss(PssArgs),
    /// RBAC: who can do what, whether a subject can, and a subject's effective permissions,
    /// each answer with the binding and rule that grant it.
    #[command(subcommand)]
    Rbac(crate::rbac::RbacCommand),
    /// NetworkPolicies: who can reach whom (the connectivity map).
    #[command(subcommand)]
    Netpol(crate::netpol::NetpolCommand),
    /// Cluster configuration audit: RKE, RKE2, kubeadm static pods, kubelet, audit policy,
    /// encryption and admission configuration against CIS and hardening rules.
    Cluster(crate::cluster::ClusterArgs),
    /// Run the admission webhook: the checks of `lint`, enforced at deploy time (HTTPS,
    /// AdmissionReview v1 and v1beta1).
    Serve(crate::serve::ServeArgs),
    /// Print the manifests to install kubeguard in a cluster.
    #[command(subcommand)]
    Install(crate::serve::InstallCommand),
    /// List or explain checks.
    #[command(subcommand)]
    Checks(ChecksCommand),
    /// List check templates (for custom checks).
    #[command(subcommand)]
    Templates(TemplatesCommand),
    /// Print a shell completion script.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff).
    Man,
    /// Print the version.
    Version,
}

/// `checks` sub-commands.
#[derive(Debug, Subcommand)]
pub enum ChecksCommand {
    /// List all checks (built-in and from the configuration).
    List {
        /// Output format.
        #[arg(long, value_enum, default_value_t = ListFormat::Plain)]
        format: ListFormat,
        /// Configuration file (default: kubeguard.yaml, then .kube-linter.yaml in the working directory).
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Explain one check: what it detects, why it matters, how to fix it.
    Explain {
        /// The check's name.
        name: String,
        /// Configuration file, for custom checks.
        #[arg(long)]
        config: Option<PathBuf>,
    },
}

/// `templates` sub-commands.
#[derive(Debug, Subcommand)]
pub enum TemplatesCommand {
    /// List all templates with their parameters.
    List {
        /// Output format.
        #[arg(long, value_enum, default_value_t = ListFormat::Plain)]
        format: ListFormat,
    },
}

/// Formats of `checks list` and `templates list`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// Aligned text (`text` is accepted too).
    #[value(alias = "text")]
    Plain,
    /// A Markdown table.
    Markdown,
    /// JSON.
    Json,
}

/// When to colour text output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless NO_COLOR is set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// Arguments of `lint`.
#[derive(Debug, Args)]
pub struct LintArgs {
    /// Files, directories (searched recursively) or `-` for standard input.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<String>,

    /// Configuration file (default: kubeguard.yaml or .kubeguard.yaml, else .kube-linter.yaml
    /// or .kube-linter.yml, in the working directory).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Output format; repeat together with --output to write several formats.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Vec<OutputFormat>,

    /// Output file for the --format at the same position (`-` for stdout).
    #[arg(short, long, value_name = "FILE")]
    pub output: Vec<String>,

    /// Add these checks (comma-separated or repeated); replaces `checks.include` of the config.
    #[arg(long, value_delimiter = ',', value_name = "CHECK")]
    pub include: Vec<String>,

    /// Remove these checks; always wins. Replaces `checks.exclude` of the config.
    #[arg(long, value_delimiter = ',', value_name = "CHECK")]
    pub exclude: Vec<String>,

    /// Enable every built-in check.
    #[arg(long)]
    pub add_all_built_in: bool,

    /// Do not enable the default checks automatically.
    #[arg(long)]
    pub do_not_auto_add_defaults: bool,

    /// Skip paths matching these globs (`**` supported); replaces `checks.ignorePaths`.
    #[arg(long, value_delimiter = ',', value_name = "GLOB")]
    pub ignore_paths: Vec<String>,

    /// Exit with an error when no Kubernetes object is found.
    #[arg(long)]
    pub fail_if_no_objects_found: bool,

    /// Exit 1 only for findings at or above this severity (default: any finding).
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<SeverityArg>,

    /// Accepted for KubeLinter compatibility (deprecated there): unparsable input is always an
    /// error in kubeguard (exit 2) unless --allow-invalid is given.
    #[arg(long, hide = true)]
    pub fail_on_invalid_resource: bool,

    /// Report parse errors but do not let them change the exit code.
    #[arg(long)]
    pub allow_invalid: bool,

    /// Also show suppressed findings, with their reasons.
    #[arg(long)]
    pub show_suppressed: bool,

    /// List skipped files and documents, and more detail on stderr.
    #[arg(short, long)]
    pub verbose: bool,

    /// When to use colours in text output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// How inputs are read and rendered.
    #[command(flatten)]
    pub input: InputArgs,

    /// Worker threads (default: one per core).
    #[arg(long, short = 'j', value_name = "N")]
    pub threads: Option<usize>,

    /// Kubernetes version whose schemas `schema-validation` (and custom checks from the
    /// `kubeconform` template) validate against: 1.25 ... 1.37 (default: the latest).
    #[arg(long, value_name = "VERSION", value_parser = parse_kubernetes_version)]
    pub kubernetes_version: Option<String>,

    /// Pod Security Standards policy version of the `pss-baseline` and `pss-restricted` checks
    /// (and of custom checks from the `pod-security-standard` template that set none):
    /// `latest` (default) or `v1.N`.
    #[arg(long, value_name = "VERSION", value_parser = parse_pss_version)]
    pub pss_version: Option<kubeguard_pss::Version>,
}

/// How inputs are read, and how Helm charts are rendered (shared by `lint` and `pss`).
#[derive(Debug, Args)]
pub struct InputArgs {
    /// Largest file read, in bytes (suffixes K, M, G, Ki, Mi, Gi accepted).
    #[arg(long, value_name = "SIZE", default_value = "50Mi", value_parser = parse_size)]
    pub max_file_size: u64,

    /// Helm values file for charts (`helm template --values`); repeatable, applied in order.
    #[arg(short = 'f', long = "values", value_name = "FILE")]
    pub values: Vec<PathBuf>,

    /// Helm value override for charts (`helm template --set K=V`); repeatable.
    #[arg(long = "set", value_name = "K=V")]
    pub set: Vec<String>,

    /// Helm release name used to render charts.
    #[arg(long, value_name = "NAME", default_value = "test-release")]
    pub release_name: String,

    /// Namespace passed to `helm template --namespace` when rendering charts.
    #[arg(long, value_name = "NS")]
    pub namespace: Option<String>,
}

/// Arguments of `pss`.
#[derive(Debug, Args)]
#[command(disable_version_flag = true)]
pub struct PssArgs {
    /// Files, directories (searched recursively) or `-` for standard input.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<String>,

    /// Gate: exit 1 when a workload does not meet this level, or when its namespace's enforce
    /// level would reject its pods.
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub level: Option<PssLevel>,

    /// Policy version the workloads are evaluated at: `latest` or `v1.N` (namespaces are
    /// evaluated at their own `enforce-version`, `audit-version` and `warn-version`).
    #[arg(long, value_name = "VERSION", default_value = "latest", value_parser = parse_pss_version)]
    pub version: kubeguard_pss::Version,

    /// Output format.
    #[arg(long, value_enum, default_value_t = PssFormat::Text)]
    pub format: PssFormat,

    /// An AdmissionConfiguration with a PodSecurity plugin configuration, or a bare
    /// PodSecurityConfiguration: its defaults apply to namespaces without labels, and its
    /// namespace and runtime class exemptions apply.
    #[arg(long, value_name = "FILE")]
    pub admission_config: Option<PathBuf>,

    /// Evaluate as requests of this user, for the `usernames` exemptions of
    /// --admission-config (manifests do not say who applies them).
    #[arg(long, value_name = "NAME")]
    pub username: Option<String>,

    /// Skip paths matching these globs (`**` supported).
    #[arg(long, value_delimiter = ',', value_name = "GLOB")]
    pub ignore_paths: Vec<String>,

    /// List skipped files and documents.
    #[arg(short, long)]
    pub verbose: bool,

    /// When to use colours in text output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// How inputs are read and rendered.
    #[command(flatten)]
    pub input: InputArgs,
}

/// Levels `pss --level` gates on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PssLevel {
    /// Baseline.
    Baseline,
    /// Restricted.
    Restricted,
}

impl PssLevel {
    /// The evaluator's level.
    pub fn level(self) -> kubeguard_pss::Level {
        match self {
            PssLevel::Baseline => kubeguard_pss::Level::Baseline,
            PssLevel::Restricted => kubeguard_pss::Level::Restricted,
        }
    }
}

/// Formats of `pss`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PssFormat {
    /// One block per workload with code frames.
    Text,
    /// The versioned JSON report (docs/pss.md).
    Json,
}

/// Output formats of `lint`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Human-readable with code frames.
    Text,
    /// The versioned JSON contract (docs/json-format.md).
    Json,
    /// SARIF 2.1.0.
    Sarif,
    /// JUnit XML.
    Junit,
    /// GitHub Actions annotations.
    Github,
    /// KubeLinter's JSON report shape (`kube-linter lint --format json`).
    KubeLinterJson,
    /// KubeLinter's plain output (`kube-linter lint --format plain`).
    KubeLinterPlain,
}

/// Severities on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SeverityArg {
    /// Info.
    Info,
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
    /// Critical.
    Critical,
}

/// Accepts `1.30`, `v1.30`, `1.30.0` or `latest` for a version with bundled schemas.
pub fn parse_kubernetes_version(s: &str) -> Result<String, String> {
    kubeguard_checks::schema::parse_version(s).map(|_| s.trim().to_string())
}

/// Accepts a Pod Security Standards policy version: `latest` or `v1.N`.
pub fn parse_pss_version(s: &str) -> Result<kubeguard_pss::Version, String> {
    s.trim()
        .parse()
        .map_err(|e: kubeguard_pss::ParseError| e.to_string())
}

/// Parses sizes such as `50Mi`, `10M`, `1048576`.
pub fn parse_size(s: &str) -> Result<u64, String> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: u64 = num.parse().map_err(|_| format!("invalid size `{s}`"))?;
    let mult: u64 = match unit {
        "" => 1,
        "K" | "k" | "KB" => 1000,
        "M" | "MB" => 1000 * 1000,
        "G" | "GB" => 1000 * 1000 * 1000,
        "Ki" | "KiB" => 1024,
        "Mi" | "MiB" => 1024 * 1024,
        "Gi" | "GiB" => 1024 * 1024 * 1024,
        _ => {
            return Err(format!(
                "invalid size unit `{unit}` (use K, M, G, Ki, Mi or Gi)"
            ));
        }
    };
    n.checked_mul(mult)
        .ok_or_else(|| format!("size `{s}` is too large"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("50Mi"), Ok(50 * 1024 * 1024));
        assert_eq!(parse_size("10K"), Ok(10_000));
        assert_eq!(parse_size("7"), Ok(7));
        assert!(parse_size("5X").is_err());
        assert!(parse_size("").is_err());
    }

    #[test]
    fn cli_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
