//! `kubeguard serve` (the admission webhook) and `kubeguard install webhook` (its manifests).

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context as _, Result};
use clap::{Args, Subcommand, ValueEnum};
use kubeguard_server::install::{InstallOptions, Tls, render};
use kubeguard_server::log::Level;
use kubeguard_server::{ServeOptions, Server};

use crate::ExitStatus;

/// Arguments of `serve`.
#[derive(Debug, Args)]
#[command(disable_version_flag = true)]
pub struct ServeArgs {
    /// Address and port to listen on (HTTPS).
    #[arg(long, value_name = "ADDR:PORT", default_value = "0.0.0.0:8443")]
    pub listen: SocketAddr,

    /// Serving certificate chain (PEM); reloaded when the file changes.
    #[arg(long, value_name = "FILE")]
    pub tls_cert: PathBuf,

    /// Private key of the certificate (PEM); reloaded when the file changes.
    #[arg(long, value_name = "FILE")]
    pub tls_key: PathBuf,

    /// Configuration file (default: kubeguard.yaml or .kubeguard.yaml, else .kube-linter.yaml
    /// or .kube-linter.yml, in the working directory, as for `lint`); its `serve` section sets
    /// modes, exemptions and limits (docs/serve.md). Reloaded when it changes.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// The webhook's own namespace, exempt by default (default: $POD_NAMESPACE, else kubeguard).
    #[arg(long, value_name = "NS")]
    pub namespace: Option<String>,

    /// How often the configuration and certificate files are checked for changes.
    #[arg(long, value_name = "DURATION", default_value = "2s", value_parser = duration)]
    pub reload_interval: Duration,

    /// On SIGTERM: how long to keep serving (with /readyz failing) before no longer accepting
    /// connections.
    #[arg(long, value_name = "DURATION", default_value = "0s", value_parser = duration)]
    pub shutdown_delay: Duration,

    /// On SIGTERM: how long requests in flight may take to finish.
    #[arg(long, value_name = "DURATION", default_value = "20s", value_parser = duration)]
    pub shutdown_grace: Duration,

    /// Longest TLS handshake, and longest wait for a request's headers.
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = duration)]
    pub client_timeout: Duration,

    /// Most decisions computed at once (default: four per core).
    #[arg(long, value_name = "N")]
    pub max_concurrent: Option<usize>,

    /// Worker threads (default: one per core).
    #[arg(long, short = 'j', value_name = "N")]
    pub threads: Option<usize>,

    /// Least severe log level written (JSON lines on stderr).
    #[arg(long, value_enum, default_value_t = LogLevel::Info)]
    pub log_level: LogLevel,
}

/// Log levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogLevel {
    /// Every request.
    Debug,
    /// Decisions other than a plain allow, reloads, start and stop.
    Info,
    /// Break-glass use, refused reloads, unchecked requests.
    Warn,
    /// Failures only.
    Error,
}

/// `install` sub-commands.
#[derive(Debug, Subcommand)]
pub enum InstallCommand {
    /// Print the manifests that run `kubeguard serve` as a validating admission webhook.
    Webhook(InstallWebhookArgs),
}

/// Arguments of `install webhook`.
#[derive(Debug, Args)]
pub struct InstallWebhookArgs {
    /// Namespace of the webhook (created with restricted Pod Security labels, and exempt).
    #[arg(long, value_name = "NS", default_value = "kubeguard")]
    pub namespace: String,

    /// Container image of kubeguard.
    #[arg(long, value_name = "IMAGE", default_value = concat!("ghcr.io/kubeguard/kubeguard:", env!("CARGO_PKG_VERSION")))]
    pub image: String,

    /// Let cert-manager issue the serving certificate and inject the CA (instead of a CA and
    /// certificate generated now and shipped in a Secret).
    #[arg(long)]
    pub cert_manager: bool,

    /// What the API server does when the webhook cannot be reached.
    #[arg(long, value_enum, default_value_t = FailurePolicy::Fail)]
    pub failure_policy: FailurePolicy,

    /// Where the API server calls from (repeatable): the only sources the NetworkPolicy lets
    /// reach the webhook (default: any source).
    #[arg(long, value_name = "CIDR", value_parser = cidr)]
    pub api_server_cidr: Vec<String>,

    /// The API server's timeout for one call (1 to 30 seconds).
    #[arg(long, value_name = "SECONDS", default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=30))]
    pub timeout_seconds: u32,
}

/// `failurePolicy` of the webhook.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailurePolicy {
    /// Reject requests while the webhook is unreachable.
    Fail,
    /// Admit requests unchecked while the webhook is unreachable.
    Ignore,
}

fn cidr(s: &str) -> Result<String, String> {
    kubeguard_server::install::check_cidr(s.trim()).map(|()| s.trim().to_string())
}

fn duration(s: &str) -> Result<Duration, String> {
    kubeguard_server::server::parse_duration(s.trim())
        .ok_or_else(|| format!("invalid duration `{s}` (use e.g. 500ms, 2s, 1m30s)"))
}

/// Runs `serve` until SIGTERM or SIGINT.
pub fn run(args: &ServeArgs) -> Result<ExitStatus> {
    let mut opts = ServeOptions::new(args.listen, args.tls_cert.clone(), args.tls_key.clone());
    // The same configuration file `lint` reads.
    opts.config = crate::lint::config_path(args.config.as_deref());
    opts.namespace = args
        .namespace
        .clone()
        .or_else(|| std::env::var("POD_NAMESPACE").ok())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "kubeguard".into());
    opts.reload_interval = args.reload_interval;
    opts.shutdown_delay = args.shutdown_delay;
    opts.shutdown_grace = args.shutdown_grace;
    opts.client_timeout = args.client_timeout;
    if let Some(n) = args.max_concurrent {
        opts.max_concurrent = n.max(1);
    }
    opts.log_level = match args.log_level {
        LogLevel::Debug => Level::Debug,
        LogLevel::Info => Level::Info,
        LogLevel::Warn => Level::Warn,
        LogLevel::Error => Level::Error,
    };
    let mut rt = tokio::runtime::Builder::new_multi_thread();
    rt.enable_all();
    if let Some(n) = args.threads {
        rt.worker_threads(n.max(1));
    }
    let rt = rt.build().context("starting the runtime")?;
    rt.block_on(async {
        let server = match Server::start(opts).await {
            Ok(s) => s,
            Err(e) => {
                let mut err = anstream::stderr();
                for line in e.lines() {
                    let _ = writeln!(err, "error: {line}");
                }
                return Ok(ExitStatus::Error);
            }
        };
        server
            .run_until_signal()
            .await
            .context("serving")
            .map(|()| ExitStatus::Clean)
    })
}

/// Runs `install`.
pub fn install(cmd: &InstallCommand) -> Result<ExitStatus> {
    match cmd {
        InstallCommand::Webhook(args) => {
            let ns = &args.namespace;
            let label_ok = !ns.is_empty()
                && ns.len() <= 63
                && ns
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && !ns.starts_with('-')
                && !ns.ends_with('-');
            if !label_ok {
                anyhow::bail!(
                    "--namespace `{ns}` is not a valid namespace name (lowercase letters, digits and `-`, at most 63)"
                );
            }
            let mut o = InstallOptions::self_signed(&args.namespace, &args.image)
                .map_err(anyhow::Error::msg)?;
            if args.cert_manager {
                o.tls = Tls::CertManager;
            }
            o.failure_policy = match args.failure_policy {
                FailurePolicy::Fail => "Fail".into(),
                FailurePolicy::Ignore => "Ignore".into(),
            };
            o.timeout_seconds = args.timeout_seconds;
            o.api_server_cidrs = args.api_server_cidr.clone();
            let mut out = std::io::stdout().lock();
            out.write_all(render(&o).as_bytes())?;
            out.flush()?;
            Ok(ExitStatus::Clean)
        }
    }
}
