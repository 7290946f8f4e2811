//! Load generator for the webhook (a benchmark, not a test): sends a realistic Deployment
//! AdmissionReview (`tests/data/deployment-create.json`, sent as 3.8 KB of compact JSON like
//! the API server sends it) over HTTPS on loopback and
//! reports throughput and latency percentiles.
//!
//! ```text
//! cargo run --release -p kubeguard-server --example loadgen -- [--rates 500,2000] [--seconds 10]
//!     [--connections 32] [--saturate 16] [--server-threads 2] [--addr HOST:PORT --ca CA.pem]
//! ```
//!
//! Fixed rates are open loop: request `i` is due at `start + i / rate`, on one of a pool of
//! kept-alive connections. Latency is measured from the moment the request is written; the
//! lag between when a request was due and when it was written is reported too (`lag p99`):
//! tokio's timer has millisecond resolution, so a lag up to about 1 ms is the generator's,
//! while a larger one means no connection was free, i.e. the server fell behind (it is the
//! part of the latency a closed-loop generator would hide). Saturation is closed loop: N
//! connections each send the next request as soon as the previous answer arrives.
//!
//! Without `--addr`, the server runs in this process on its own runtime (`--server-threads`
//! workers) with a certificate made at start; the generator has one more thread.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use kubeguard_server::client::{self, Connection};
use kubeguard_server::log::Level;
use kubeguard_server::{ServeOptions, Server};
use tokio::sync::mpsc;

struct Args {
    rates: Vec<u64>,
    seconds: u64,
    connections: usize,
    saturate: usize,
    server_threads: usize,
    addr: Option<SocketAddr>,
    ca: Option<String>,
}

fn args() -> Result<Args, String> {
    let mut a = Args {
        rates: vec![500, 2000],
        seconds: 10,
        connections: 32,
        saturate: 16,
        server_threads: 2,
        addr: None,
        ca: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        let num = |v: String| v.parse::<u64>().map_err(|e| format!("{v}: {e}"));
        match flag.as_str() {
            "--rates" => {
                a.rates = value()?
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .map(|s| num(s.to_string()))
                    .collect::<Result<_, _>>()?;
            }
            "--seconds" => a.seconds = num(value()?)?.max(1),
            "--connections" => a.connections = num(value()?)?.max(1) as usize,
            "--saturate" => a.saturate = num(value()?)? as usize,
            "--server-threads" => a.server_threads = num(value()?)?.max(1) as usize,
            "--addr" => a.addr = Some(value()?.parse().map_err(|e| format!("--addr: {e}"))?),
            "--ca" => {
                let path = value()?;
                a.ca = Some(std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?);
            }
            _ => return Err(format!("unknown flag {flag}")),
        }
    }
    if a.addr.is_some() != a.ca.is_some() {
        return Err("--addr and --ca go together".into());
    }
    Ok(a)
}

/// Latencies in microseconds, and errors.
#[derive(Default)]
struct Sample {
    micros: Vec<u64>,
    /// Dispatch lag (written minus due), microseconds (fixed rates only).
    lag: Vec<u64>,
    errors: usize,
    elapsed: Duration,
}

impl Sample {
    fn report(&mut self, label: &str) {
        self.micros.sort_unstable();
        let n = self.micros.len();
        let q = |p: f64| -> f64 {
            if n == 0 {
                return 0.0;
            }
            let i = ((p * n as f64).ceil() as usize).clamp(1, n) - 1;
            self.micros[i] as f64 / 1000.0
        };
        let lag = if self.lag.is_empty() {
            String::new()
        } else {
            self.lag.sort_unstable();
            let i = ((0.99 * self.lag.len() as f64).ceil() as usize).clamp(1, self.lag.len()) - 1;
            format!("  lag p99 {:.3} ms", self.lag[i] as f64 / 1000.0)
        };
        println!(
            "{label:<14} {:>6.0} req/s  p50 {:>6.3} ms  p99 {:>6.3} ms  p99.9 {:>6.3} ms  max {:>7.3} ms{lag}  ({n} requests, {} errors)",
            n as f64 / self.elapsed.as_secs_f64(),
            q(0.50),
            q(0.99),
            q(0.999),
            self.micros.last().copied().unwrap_or(0) as f64 / 1000.0,
            self.errors,
        );
    }
}

async fn pool(
    addr: SocketAddr,
    tls: Arc<rustls::ClientConfig>,
    n: usize,
) -> Result<Vec<Connection>, String> {
    let mut v = Vec::with_capacity(n);
    for _ in 0..n {
        v.push(
            Connection::open(addr, "localhost", tls.clone())
                .await
                .map_err(|e| format!("connect: {e}"))?,
        );
    }
    Ok(v)
}

async fn send(c: &mut Connection, body: &[u8]) -> bool {
    match c
        .request("POST", "/validate", Some("application/json"), body)
        .await
    {
        Ok(a) => a.status == 200,
        Err(_) => false,
    }
}

/// Open loop at `rate` requests per second.
async fn fixed_rate(
    addr: SocketAddr,
    tls: Arc<rustls::ClientConfig>,
    body: Arc<Vec<u8>>,
    rate: u64,
    seconds: u64,
    connections: usize,
) -> Result<Sample, String> {
    let (free_tx, mut free_rx) = mpsc::unbounded_channel::<Connection>();
    for c in pool(addr, tls.clone(), connections).await? {
        let _ = free_tx.send(c);
    }
    let (done_tx, mut done_rx) = mpsc::unbounded_channel::<(u64, u64, bool)>();
    let total = rate * seconds;
    let start = Instant::now();
    for i in 0..total {
        let due = start + Duration::from_nanos(i * 1_000_000_000 / rate);
        tokio::time::sleep_until(due.into()).await;
        let Some(mut c) = free_rx.recv().await else {
            break;
        };
        let (free_tx, done_tx, body, tls) =
            (free_tx.clone(), done_tx.clone(), body.clone(), tls.clone());
        tokio::spawn(async move {
            let sent = Instant::now();
            let ok = send(&mut c, &body).await;
            let lag = sent.saturating_duration_since(due).as_micros() as u64;
            let _ = done_tx.send((sent.elapsed().as_micros() as u64, lag, ok));
            if ok {
                let _ = free_tx.send(c);
            } else if let Ok(fresh) = Connection::open(addr, "localhost", tls).await {
                // The pool keeps its size: a failed connection is replaced.
                let _ = free_tx.send(fresh);
            }
        });
    }
    drop(done_tx);
    let mut s = Sample::default();
    while let Some((us, lag, ok)) = done_rx.recv().await {
        s.lag.push(lag);
        if ok {
            s.micros.push(us);
        } else {
            s.errors += 1;
        }
        if s.micros.len() + s.errors == total as usize {
            break;
        }
    }
    s.elapsed = start.elapsed();
    Ok(s)
}

/// Closed loop with `n` connections.
async fn saturate(
    addr: SocketAddr,
    tls: Arc<rustls::ClientConfig>,
    body: Arc<Vec<u8>>,
    n: usize,
    seconds: u64,
) -> Result<Sample, String> {
    let start = Instant::now();
    let end = start + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for mut c in pool(addr, tls, n).await? {
        let body = body.clone();
        tasks.push(tokio::spawn(async move {
            let mut s = Sample::default();
            while Instant::now() < end {
                let t = Instant::now();
                if send(&mut c, &body).await {
                    s.micros.push(t.elapsed().as_micros() as u64);
                } else {
                    s.errors += 1;
                    break;
                }
            }
            s
        }));
    }
    let mut all = Sample::default();
    for t in tasks {
        let s = t.await.map_err(|e| e.to_string())?;
        all.micros.extend(s.micros);
        all.errors += s.errors;
    }
    all.elapsed = start.elapsed();
    Ok(all)
}

fn main() -> Result<(), String> {
    let a = args()?;
    let body = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/deployment-create.json"),
    )
    .map_err(|e| e.to_string())?;
    // One line, as the API server sends it.
    let body: serde_json::Value = serde_json::from_slice(&body).map_err(|e| e.to_string())?;
    let body = Arc::new(serde_json::to_vec(&body).map_err(|e| e.to_string())?);

    // The server, in process unless --addr is given.
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let server_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(a.server_threads)
        .thread_name("server")
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let (addr, ca, server) = match (&a.addr, &a.ca) {
        (Some(addr), Some(ca)) => (*addr, ca.clone(), None),
        _ => {
            let g = kubeguard_server::certs::generate(
                "kubeguard",
                "kubeguard",
                std::time::SystemTime::now(),
            )?;
            std::fs::write(dir.path().join("tls.crt"), &g.cert_pem).map_err(|e| e.to_string())?;
            std::fs::write(dir.path().join("tls.key"), &g.key_pem).map_err(|e| e.to_string())?;
            let mut opts = ServeOptions::new(
                "127.0.0.1:0".parse().map_err(|e| format!("{e}"))?,
                dir.path().join("tls.crt"),
                dir.path().join("tls.key"),
            );
            opts.log_level = Level::Warn;
            let server = server_rt.block_on(Server::start(opts))?;
            (server.local_addr(), g.ca_pem, Some(server))
        }
    };
    let tls = client::config(&[&ca])?;
    let client_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("loadgen")
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    println!(
        "kubeguard webhook on {addr}: {} byte Deployment review, {} s per run",
        body.len(),
        a.seconds
    );
    client_rt.block_on(async {
        // Warm up: connections, caches.
        let _ = fixed_rate(addr, tls.clone(), body.clone(), 200, 1, 8).await?;
        for rate in &a.rates {
            let mut s = fixed_rate(
                addr,
                tls.clone(),
                body.clone(),
                *rate,
                a.seconds,
                a.connections,
            )
            .await?;
            s.report(&format!("{rate} req/s"));
        }
        if a.saturate > 0 {
            let mut s = saturate(addr, tls.clone(), body.clone(), a.saturate, a.seconds).await?;
            s.report(&format!("saturation/{}", a.saturate));
        }
        Ok::<(), String>(())
    })?;
    if let Some(s) = server {
        server_rt
            .block_on(s.shutdown())
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}
