//! The HTTPS server: routes, deadlines, limits, hot reload and graceful shutdown.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes, HttpBody as _};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum_server::Handle;
use axum_server::tls_rustls::{RustlsAcceptor, RustlsConfig};
use http_body_util::BodyExt as _;
use tokio::sync::Semaphore;
use tokio::task::JoinHandle;

use crate::decide::{self, Outcome, Request, Verdict};
use crate::fields;
use crate::log::{Level, Logger};
use crate::metrics::Metrics;
use crate::policy::Policy;
use crate::tls;

/// How the server runs.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Address to listen on (port 0: any free port, see [`Server::local_addr`]).
    pub listen: SocketAddr,
    /// Serving certificate chain (PEM), reloaded when it changes.
    pub tls_cert: PathBuf,
    /// Its private key (PEM), reloaded when it changes.
    pub tls_key: PathBuf,
    /// `kubeguard.yaml`, reloaded when it changes (`None`: the defaults).
    pub config: Option<PathBuf>,
    /// The webhook's own namespace (exempt by default).
    pub namespace: String,
    /// How often the configuration and certificate files are checked for changes.
    pub reload_interval: Duration,
    /// How long in-flight requests may take to finish on shutdown.
    pub shutdown_grace: Duration,
    /// How long the server keeps answering (with /readyz failing) after a shutdown signal
    /// before it stops accepting connections, so load balancers stop sending first.
    pub shutdown_delay: Duration,
    /// Longest a client may take for the TLS handshake, and for the headers of a request.
    pub client_timeout: Duration,
    /// Most decisions computed at once; requests beyond wait (within their deadline).
    pub max_concurrent: usize,
    /// Log level.
    pub log_level: Level,
}

impl ServeOptions {
    /// Options with the defaults for everything but the addresses and files.
    pub fn new(listen: SocketAddr, tls_cert: PathBuf, tls_key: PathBuf) -> ServeOptions {
        ServeOptions {
            listen,
            tls_cert,
            tls_key,
            config: None,
            namespace: "kubeguard".into(),
            reload_interval: Duration::from_secs(2),
            shutdown_grace: Duration::from_secs(20),
            shutdown_delay: Duration::ZERO,
            client_timeout: Duration::from_secs(10),
            max_concurrent: 4 * std::thread::available_parallelism().map_or(2, |n| n.get()),
            log_level: Level::Info,
        }
    }
}

/// State shared by the handlers and the reloader.
struct AppState {
    policy: RwLock<Arc<Policy>>,
    metrics: Metrics,
    logger: Logger,
    ready: AtomicBool,
    permits: Arc<Semaphore>,
}

impl AppState {
    fn policy(&self) -> Arc<Policy> {
        match self.policy.read() {
            Ok(p) => p.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn set_policy(&self, p: Policy) {
        match self.policy.write() {
            Ok(mut g) => *g = Arc::new(p),
            Err(poisoned) => *poisoned.into_inner() = Arc::new(p),
        }
    }
}

/// A running server.
pub struct Server {
    addr: SocketAddr,
    handle: Handle<SocketAddr>,
    serve: JoinHandle<std::io::Result<()>>,
    reloader: JoinHandle<()>,
    state: Arc<AppState>,
    opts: ServeOptions,
}

impl Server {
    /// Loads the configuration and the certificate, binds, and starts serving. Errors (an
    /// invalid configuration, unreadable certificate, address in use) are returned before
    /// anything is served.
    pub async fn start(opts: ServeOptions) -> Result<Server, String> {
        let policy = Policy::load(opts.config.as_deref(), &opts.namespace).map_err(|errs| {
            errs.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        })?;
        let loaded = tls::read(&opts.tls_cert, &opts.tls_key)?;
        let rustls = RustlsConfig::from_config(loaded.config);
        let logger = Logger {
            level: opts.log_level,
        };
        let state = Arc::new(AppState {
            policy: RwLock::new(Arc::new(policy)),
            metrics: Metrics::default(),
            logger,
            ready: AtomicBool::new(false),
            permits: Arc::new(Semaphore::new(opts.max_concurrent.max(1))),
        });

        let listener = std::net::TcpListener::bind(opts.listen)
            .map_err(|e| format!("cannot listen on {}: {e}", opts.listen))?;
        listener
            .set_nonblocking(true)
            .map_err(|e| format!("cannot listen on {}: {e}", opts.listen))?;
        let addr = listener
            .local_addr()
            .map_err(|e| format!("cannot listen on {}: {e}", opts.listen))?;
        let handle: Handle<SocketAddr> = Handle::new();
        let acceptor = RustlsAcceptor::new(rustls.clone()).handshake_timeout(opts.client_timeout);
        let mut server = axum_server::from_tcp(listener)
            .map_err(|e| format!("cannot listen on {addr}: {e}"))?
            .acceptor(acceptor)
            .handle(handle.clone())
            .first_request_timeout(opts.client_timeout);
        server
            .http_builder()
            .http1()
            .header_read_timeout(Some(opts.client_timeout));
        let app = router(state.clone());
        let serve = tokio::spawn(server.serve(app.into_make_service()));

        let reloader = tokio::spawn(reload_loop(
            state.clone(),
            rustls,
            opts.clone(),
            loaded.cert,
            loaded.key,
        ));
        state.ready.store(true, Ordering::SeqCst);
        state.logger.log(
            Level::Info,
            "serving",
            fields! {
                "listen" => addr.to_string(),
                "config" => state.policy().origin.clone(),
                "checks" => state.policy().engine.checks().count(),
            },
        );
        Ok(Server {
            addr,
            handle,
            serve,
            reloader,
            state,
            opts,
        })
    }

    /// The address it listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops gracefully: /readyz fails at once; after the shutdown delay no new connection is
    /// accepted, and requests in flight get up to the grace period to finish.
    pub async fn shutdown(self) -> std::io::Result<()> {
        self.state.ready.store(false, Ordering::SeqCst);
        self.state.logger.log(
            Level::Info,
            "shutting down",
            fields! {
                "delay_seconds" => self.opts.shutdown_delay.as_secs_f64(),
                "grace_seconds" => self.opts.shutdown_grace.as_secs_f64(),
            },
        );
        if !self.opts.shutdown_delay.is_zero() {
            tokio::time::sleep(self.opts.shutdown_delay).await;
        }
        self.handle
            .graceful_shutdown(Some(self.opts.shutdown_grace));
        self.reloader.abort();
        let result = match self.serve.await {
            Ok(r) => r,
            Err(e) => Err(std::io::Error::other(e)),
        };
        self.state.logger.log(
            Level::Info,
            "stopped",
            fields! {"connections_left" => self.handle.connection_count()},
        );
        result
    }

    /// Serves until SIGTERM or SIGINT (Ctrl-C), then shuts down gracefully.
    pub async fn run_until_signal(self) -> std::io::Result<()> {
        let ctrl_c = tokio::signal::ctrl_c();
        #[cfg(unix)]
        {
            let mut term =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
            tokio::select! {
                _ = ctrl_c => {},
                _ = term.recv() => {},
            }
        }
        #[cfg(not(unix))]
        {
            let _ = ctrl_c.await;
        }
        self.shutdown().await
    }
}

fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/validate", post(validate))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .fallback(not_found)
        .with_state(state)
}

async fn healthz(State(st): State<Arc<AppState>>) -> Response {
    st.metrics.http("/healthz", 200);
    (StatusCode::OK, "ok\n").into_response()
}

async fn readyz(State(st): State<Arc<AppState>>) -> Response {
    if st.ready.load(Ordering::SeqCst) {
        st.metrics.http("/readyz", 200);
        (StatusCode::OK, "ready\n").into_response()
    } else {
        st.metrics.http("/readyz", 503);
        (StatusCode::SERVICE_UNAVAILABLE, "shutting down\n").into_response()
    }
}

async fn metrics(State(st): State<Arc<AppState>>) -> Response {
    st.metrics.http("/metrics", 200);
    (
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
        )],
        st.metrics.render(),
    )
        .into_response()
}

async fn not_found(State(st): State<Arc<AppState>>) -> Response {
    st.metrics.http("other", 404);
    (StatusCode::NOT_FOUND, "not found\n").into_response()
}

/// An error answer: a `Status` object with the reason.
fn error(st: &AppState, code: StatusCode, reason: &str, message: &str) -> Response {
    st.metrics.http("/validate", code.as_u16());
    st.logger.log(
        Level::Info,
        "bad request",
        fields! {"code" => code.as_u16(), "reason" => message},
    );
    let body = serde_json::json!({
        "apiVersion": "v1",
        "kind": "Status",
        "status": "Failure",
        "code": code.as_u16(),
        "reason": reason,
        "message": message,
    });
    (
        code,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body.to_string(),
    )
        .into_response()
}

/// The `timeout` the API server puts in the webhook URL's query (`?timeout=10s`), as a Go
/// duration of whole hours, minutes, seconds or milliseconds.
pub fn query_timeout(query: Option<&str>) -> Option<Duration> {
    let value = query?
        .split('&')
        .find_map(|kv| kv.strip_prefix("timeout="))?;
    parse_duration(value).filter(|d| !d.is_zero())
}

/// A Go-style duration of whole units: `10s`, `1m30s`, `500ms`, `2h`; `0` is zero.
pub fn parse_duration(value: &str) -> Option<Duration> {
    if value == "0" {
        return Some(Duration::ZERO);
    }
    if value.is_empty() {
        return None;
    }
    let mut total = Duration::ZERO;
    let mut rest = value;
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !c.is_ascii_digit())?;
        let n: u64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let d = match &rest[..unit_len] {
            "h" => Duration::from_secs(n.checked_mul(3600)?),
            "m" => Duration::from_secs(n.checked_mul(60)?),
            "s" => Duration::from_secs(n),
            "ms" => Duration::from_millis(n),
            _ => return None,
        };
        total = total.checked_add(d)?;
        rest = &rest[unit_len..];
    }
    Some(total)
}

/// The time this request may take: the configured timeout, or less when the API server
/// says it gives up sooner (we answer at 90 % of its timeout, to leave room for the network).
fn budget(configured: Duration, api_server: Option<Duration>) -> Duration {
    match api_server {
        Some(t) => configured.min(t.mul_f64(0.9)),
        None => configured,
    }
}

async fn validate(
    State(st): State<Arc<AppState>>,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let start = Instant::now();
    let policy = st.policy();
    let settings = &policy.settings;
    let deadline = start + budget(settings.timeout, query_timeout(uri.query()));
    let limit = settings.max_body_bytes;

    if let Some(ct) = headers.get(header::CONTENT_TYPE)
        && !ct
            .to_str()
            .is_ok_and(|v| v.trim_start().starts_with("application/json"))
    {
        return error(
            &st,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UnsupportedMediaType",
            "the body must be application/json",
        );
    }
    if let Some(len) = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        && len > limit as u64
    {
        return error(
            &st,
            StatusCode::PAYLOAD_TOO_LARGE,
            "RequestEntityTooLarge",
            &format!(
                "the body of {len} bytes exceeds the limit of {limit} bytes (serve.maxBodyBytes)"
            ),
        );
    }
    let bytes = match tokio::time::timeout_at(deadline.into(), read_body(body, limit)).await {
        Err(_) => {
            return error(
                &st,
                StatusCode::REQUEST_TIMEOUT,
                "Timeout",
                "the body did not arrive before the deadline",
            );
        }
        Ok(Err(BodyError::TooLarge)) => {
            return error(
                &st,
                StatusCode::PAYLOAD_TOO_LARGE,
                "RequestEntityTooLarge",
                &format!("the body exceeds the limit of {limit} bytes (serve.maxBodyBytes)"),
            );
        }
        Ok(Err(BodyError::Read(e))) => {
            return error(
                &st,
                StatusCode::BAD_REQUEST,
                "BadRequest",
                &format!("the body could not be read: {e}"),
            );
        }
        Ok(Ok(b)) => b,
    };
    let request = match decide::parse_review(&bytes) {
        Ok(r) => Arc::new(r),
        Err(reason) => return error(&st, StatusCode::BAD_REQUEST, "BadRequest", &reason),
    };
    drop(bytes);

    let verdict = decide_in_time(&st, policy.clone(), request.clone(), deadline).await;
    let elapsed = start.elapsed();
    let operation = format!("{:?}", request.operation).to_uppercase();
    st.metrics.review(&verdict, &operation, elapsed);
    log_verdict(&st.logger, &request, &verdict, &operation, elapsed);
    st.metrics.http("/validate", 200);
    (
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        verdict.body(),
    )
        .into_response()
}

enum BodyError {
    TooLarge,
    Read(String),
}

/// Reads the body, stopping as soon as it exceeds `limit` bytes.
async fn read_body(mut body: Body, limit: usize) -> Result<Bytes, BodyError> {
    let mut buf: Vec<u8> = Vec::new();
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| BodyError::Read(e.to_string()))?;
        if let Ok(data) = frame.into_data() {
            if buf.len() + data.len() > limit {
                return Err(BodyError::TooLarge);
            }
            if buf.is_empty() && body.is_end_stream() {
                return Ok(data);
            }
            buf.extend_from_slice(&data);
        }
    }
    Ok(Bytes::from(buf))
}

/// Decides on a blocking thread under the deadline; past it, `onTimeout` answers. At most
/// `max_concurrent` decisions run at once, so a flood queues (and times out) instead of
/// spawning threads without bound.
async fn decide_in_time(
    st: &AppState,
    policy: Arc<Policy>,
    request: Arc<Request>,
    deadline: Instant,
) -> Verdict {
    let permits = st.permits.clone();
    let work = {
        let request = request.clone();
        let policy = policy.clone();
        async move {
            let permit = permits.acquire_owned().await.ok()?;
            tokio::task::spawn_blocking(move || {
                let v = decide::decide(&policy, &request);
                drop(permit);
                v
            })
            .await
            .ok()
        }
    };
    match tokio::time::timeout_at(deadline.into(), work).await {
        Ok(Some(v)) => v,
        Ok(None) => decide::unchecked(
            &request,
            policy.settings.on_timeout,
            "the decision failed unexpectedly",
        ),
        Err(_) => decide::unchecked(
            &request,
            policy.settings.on_timeout,
            "no decision before the deadline",
        ),
    }
}

fn log_verdict(logger: &Logger, req: &Request, v: &Verdict, operation: &str, elapsed: Duration) {
    let level = match v.outcome {
        Outcome::BreakGlass | Outcome::Unchecked => Level::Warn,
        Outcome::Denied | Outcome::Warned => Level::Info,
        _ if !v.violations.is_empty() => Level::Info,
        _ => Level::Debug,
    };
    if !logger.enabled(level) {
        return;
    }
    let violations: Vec<serde_json::Value> = v
        .violations
        .iter()
        .map(|x| {
            serde_json::json!({
                "check": x.check,
                "mode": x.mode.as_str(),
                "field": x.field,
                "message": x.message,
            })
        })
        .collect();
    logger.log(
        level,
        "admission",
        fields! {
            "uid" => req.uid,
            "operation" => operation,
            "kind" => req.kind.kind,
            "namespace" => req.namespace.clone().unwrap_or_default(),
            "name" => req.name,
            "user" => req.user_info.username.clone().unwrap_or_default(),
            "dry_run" => v.dry_run,
            "allowed" => v.response.allowed,
            "outcome" => v.outcome.as_str(),
            "note" => v.note,
            "violations" => violations,
            "duration_ms" => elapsed.as_secs_f64() * 1000.0,
        },
    );
}

/// Checks the configuration and certificate files every `reload_interval`; a changed file is
/// loaded and swapped in, an invalid one is refused (logged, counted) and the running one kept.
async fn reload_loop(
    st: Arc<AppState>,
    rustls: RustlsConfig,
    opts: ServeOptions,
    mut cert: Vec<u8>,
    mut key: Vec<u8>,
) {
    let mut config_seen: Option<Vec<u8>> = opts.config.as_ref().and_then(|p| std::fs::read(p).ok());
    let mut tick = tokio::time::interval(opts.reload_interval.max(Duration::from_millis(10)));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tick.tick().await;
    loop {
        tick.tick().await;
        if let Some(path) = &opts.config
            && let Ok(now) = std::fs::read(path)
            && config_seen.as_ref() != Some(&now)
        {
            config_seen = Some(now);
            match Policy::load(Some(path), &opts.namespace) {
                Ok(p) => {
                    let checks = p.engine.checks().count();
                    st.set_policy(p);
                    st.metrics.config_reload(true);
                    st.logger.log(
                        Level::Info,
                        "configuration reloaded",
                        fields! {"config" => path.display().to_string(), "checks" => checks},
                    );
                }
                Err(errs) => {
                    st.metrics.config_reload(false);
                    st.logger.log(
                        Level::Warn,
                        "configuration refused, the previous one stays in force",
                        fields! {
                            "config" => path.display().to_string(),
                            "errors" => errs.iter().map(ToString::to_string).collect::<Vec<_>>(),
                        },
                    );
                }
            }
        }
        let (Ok(c), Ok(k)) = (std::fs::read(&opts.tls_cert), std::fs::read(&opts.tls_key)) else {
            continue;
        };
        if c == cert && k == key {
            continue;
        }
        match tls::server_config(&c, &k) {
            Ok(cfg) => {
                rustls.reload_from_config(cfg);
                st.metrics.tls_reload(true);
                st.logger.log(
                    Level::Info,
                    "certificate reloaded",
                    fields! {"cert" => opts.tls_cert.display().to_string()},
                );
                cert = c;
                key = k;
            }
            Err(e) => {
                // Often a pair caught half-written: tried again on the next tick, while the
                // previous certificate keeps serving. Logged once per content seen.
                st.metrics.tls_reload(false);
                st.logger.log(
                    Level::Warn,
                    "certificate refused, the previous one stays in force",
                    fields! {"error" => e},
                );
                cert = c;
                key = k;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_server_timeouts() {
        assert_eq!(
            query_timeout(Some("timeout=10s")),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            query_timeout(Some("a=b&timeout=1m30s")),
            Some(Duration::from_secs(90))
        );
        assert_eq!(
            query_timeout(Some("timeout=500ms")),
            Some(Duration::from_millis(500))
        );
        assert_eq!(query_timeout(Some("timeout=10x")), None);
        assert_eq!(query_timeout(Some("timeout=")), None);
        assert_eq!(query_timeout(None), None);
        assert_eq!(query_timeout(Some("timeout=0s")), None);
        assert_eq!(parse_duration("0"), Some(Duration::ZERO));
        assert_eq!(parse_duration("2h"), Some(Duration::from_secs(7200)));
        assert_eq!(parse_duration("5"), None);
        assert_eq!(
            budget(Duration::from_secs(9), Some(Duration::from_secs(2))),
            Duration::from_millis(1800)
        );
        assert_eq!(budget(Duration::from_secs(9), None), Duration::from_secs(9));
    }
}
