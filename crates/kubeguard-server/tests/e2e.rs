//! End to end over real TLS on loopback, with certificates made in the test (rcgen).

mod common;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::*;
use kubeguard_server::certs::{self, Generated};
use kubeguard_server::client::{self, Answer, Connection};
use kubeguard_server::log::Level;
use kubeguard_server::{ServeOptions, Server};
use serde_json::Value;
use tokio::io::AsyncReadExt;

struct Harness {
    dir: tempfile::TempDir,
    server: Option<Server>,
    certs: Generated,
}

impl Harness {
    async fn start(config: Option<&str>, tweak: impl FnOnce(&mut ServeOptions)) -> Harness {
        let dir = tempfile::tempdir().expect("tempdir");
        let certs =
            certs::generate("kubeguard", "kubeguard", std::time::SystemTime::now()).expect("certs");
        std::fs::write(dir.path().join("tls.crt"), &certs.cert_pem).expect("write");
        std::fs::write(dir.path().join("tls.key"), &certs.key_pem).expect("write");
        let mut opts = ServeOptions::new(
            "127.0.0.1:0".parse().expect("addr"),
            dir.path().join("tls.crt"),
            dir.path().join("tls.key"),
        );
        if let Some(c) = config {
            let path = dir.path().join("kubeguard.yaml");
            std::fs::write(&path, c).expect("write");
            opts.config = Some(path);
        }
        opts.reload_interval = Duration::from_millis(50);
        opts.shutdown_grace = Duration::from_secs(5);
        opts.client_timeout = Duration::from_secs(1);
        opts.log_level = Level::Error;
        tweak(&mut opts);
        let server = Server::start(opts).await.expect("server starts");
        Harness {
            dir,
            server: Some(server),
            certs,
        }
    }

    fn addr(&self) -> std::net::SocketAddr {
        self.server.as_ref().expect("running").local_addr()
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    async fn connect(&self) -> Connection {
        let tls = client::config(&[&self.certs.ca_pem]).expect("client");
        Connection::open(self.addr(), "localhost", tls)
            .await
            .expect("connects")
    }

    async fn post(&self, body: &[u8]) -> Answer {
        self.connect()
            .await
            .request("POST", "/validate", Some("application/json"), body)
            .await
            .expect("answer")
    }

    async fn get(&self, path: &str) -> Answer {
        self.connect()
            .await
            .request("GET", path, None, b"")
            .await
            .expect("answer")
    }

    async fn metrics(&self) -> String {
        self.get("/metrics").await.text()
    }
}

fn response(a: &Answer) -> Value {
    assert_eq!(a.status, 200, "{}", a.text());
    a.json()["response"].clone()
}

/// The value of one metric line (`name{labels}`), 0 when absent.
fn metric(text: &str, series: &str) -> u64 {
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn allowed_denied_and_warned_over_tls() {
    let h = Harness::start(None, |_| {}).await;
    let r = response(&h.post(&bytes(&deployment())).await);
    assert_eq!(r["allowed"], true);
    assert_eq!(r["uid"], "705ab4f5-6393-11e8-b7cc-42010a800002");

    let a = h.post(&bytes(&privileged_deployment())).await;
    assert_eq!(a.json()["apiVersion"], "admission.k8s.io/v1");
    let r = response(&a);
    assert_eq!(r["allowed"], false);
    assert!(
        r["status"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("privileged-container")),
        "{r}"
    );

    let r = response(&h.post(&bytes(&latest_tag_deployment())).await);
    assert_eq!(r["allowed"], true);
    assert_eq!(r["warnings"].as_array().map(Vec::len), Some(1));

    let a = h.post(&bytes(&review("pod-create-v1beta1.json"))).await;
    assert_eq!(a.json()["apiVersion"], "admission.k8s.io/v1beta1");
    assert_eq!(response(&a)["allowed"], false);

    // Several requests on one kept-alive connection.
    let mut c = h.connect().await;
    for _ in 0..3 {
        let a = c
            .request(
                "POST",
                "/validate",
                Some("application/json"),
                &bytes(&deployment()),
            )
            .await
            .expect("answer");
        assert_eq!(response(&a)["allowed"], true);
    }

    assert_eq!(h.get("/healthz").await.status, 200);
    assert_eq!(h.get("/readyz").await.status, 200);
    assert_eq!(h.get("/nope").await.status, 404);
    let m = h.metrics().await;
    assert_eq!(
        metric(
            &m,
            "kubeguard_admission_decisions_total{check=\"privileged-container\",mode=\"enforce\"}"
        ),
        2,
        "the Deployment and the Pod"
    );
    assert_eq!(
        metric(
            &m,
            "kubeguard_admission_decisions_total{check=\"latest-tag\",mode=\"warn\"}"
        ),
        1
    );
    assert_eq!(
        metric(
            &m,
            "kubeguard_admission_reviews_total{operation=\"CREATE\",outcome=\"denied\",dry_run=\"false\"}"
        ),
        2
    );
    assert_eq!(metric(&m, "kubeguard_admission_duration_seconds_count"), 7);
    assert!(m.contains("# TYPE kubeguard_admission_duration_seconds histogram"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dry_run_is_answered_but_not_counted_as_enforcement() {
    let h = Harness::start(None, |_| {}).await;
    let mut r = privileged_deployment();
    r["request"]["dryRun"] = Value::Bool(true);
    let resp = response(&h.post(&bytes(&r)).await);
    assert_eq!(resp["allowed"], false, "a dry run gets the real answer");
    let m = h.metrics().await;
    assert_eq!(
        metric(
            &m,
            "kubeguard_admission_decisions_total{check=\"privileged-container\",mode=\"enforce\"}"
        ),
        0
    );
    assert_eq!(
        metric(
            &m,
            "kubeguard_admission_reviews_total{operation=\"CREATE\",outcome=\"denied\",dry_run=\"true\"}"
        ),
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exec_exempt_namespace_and_break_glass() {
    let h = Harness::start(
        Some("serve:\n  connect:\n    deny:\n    - namespaces: [payments]\n"),
        |_| {},
    )
    .await;
    let r = response(&h.post(&bytes(&review("pod-exec-connect.json"))).await);
    assert_eq!(r["allowed"], false);
    assert!(
        r["status"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("pods/exec"))
    );
    let r = response(
        &h.post(&bytes(&in_namespace(
            review("pod-exec-connect.json"),
            "dev",
        )))
        .await,
    );
    assert_eq!(r["allowed"], true);

    let r = response(
        &h.post(&bytes(&in_namespace(
            privileged_deployment(),
            "kube-system",
        )))
        .await,
    );
    assert_eq!(r["allowed"], true, "kube-system is exempt");
    let r = response(
        &h.post(&bytes(&in_namespace(privileged_deployment(), "kubeguard")))
            .await,
    );
    assert_eq!(r["allowed"], true, "the webhook's namespace is exempt");

    let bg = with_template_annotation(privileged_deployment(), "kubeguard.io/break-glass", "INC-1");
    let r = response(&h.post(&bytes(&bg)).await);
    assert_eq!(r["allowed"], true);
    assert_eq!(r["auditAnnotations"]["break-glass"], "INC-1");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_oversized_and_wrong_type_bodies() {
    let h = Harness::start(Some("serve:\n  maxBodyBytes: 64Ki\n"), |_| {}).await;
    for body in [
        &b"{not json"[..],
        b"",
        b"{\"kind\":\"AdmissionReview\"}",
        b"\xff\xfe",
    ] {
        let a = h.post(body).await;
        assert_eq!(a.status, 400, "{}", a.text());
        let j = a.json();
        assert_eq!(j["kind"], "Status");
        assert_eq!(j["reason"], "BadRequest");
        assert!(!j["message"].as_str().unwrap_or_default().is_empty());
    }
    // Declared too large: refused before reading.
    let big = vec![b' '; 100 * 1024];
    let a = h.post(&big).await;
    assert_eq!(a.status, 413, "{}", a.text());
    assert!(a.text().contains("maxBodyBytes"));
    // Chunked with no length: refused once the limit is passed.
    let mut c = h.connect().await;
    c.write_raw(b"POST /validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
        .await
        .expect("write");
    let chunk = vec![b' '; 16 * 1024];
    for _ in 0..5 {
        let mut frame = format!("{:x}\r\n", chunk.len()).into_bytes();
        frame.extend_from_slice(&chunk);
        frame.extend_from_slice(b"\r\n");
        if c.write_raw(&frame).await.is_err() {
            break;
        }
    }
    let a = c.read_answer().await.expect("answer");
    assert_eq!(a.status, 413);
    // Not JSON.
    let a = h
        .connect()
        .await
        .request(
            "POST",
            "/validate",
            Some("text/plain"),
            &bytes(&deployment()),
        )
        .await
        .expect("answer");
    assert_eq!(a.status, 415);
    // Still serving.
    assert_eq!(
        response(&h.post(&bytes(&deployment())).await)["allowed"],
        true
    );
    let m = h.metrics().await;
    assert_eq!(
        metric(
            &m,
            "kubeguard_http_requests_total{path=\"/validate\",code=\"400\"}"
        ),
        4
    );
    assert_eq!(
        metric(
            &m,
            "kubeguard_http_requests_total{path=\"/validate\",code=\"413\"}"
        ),
        2
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_clients_do_not_hold_up_others() {
    let h = Harness::start(Some("serve:\n  timeoutSeconds: 2\n"), |_| {}).await;
    // A client that connects and never speaks TLS, and one that stops mid-headers.
    let mut silent = tokio::net::TcpStream::connect(h.addr()).await.expect("tcp");
    let mut partial = h.connect().await;
    partial
        .write_raw(b"POST /validate HTTP/1.1\r\nHost: x\r\nContent-Le")
        .await
        .expect("write");
    // Others are served meanwhile.
    let t = Instant::now();
    for _ in 0..5 {
        assert_eq!(
            response(&h.post(&bytes(&deployment())).await)["allowed"],
            true
        );
    }
    assert!(t.elapsed() < Duration::from_secs(1), "{:?}", t.elapsed());
    // Both are cut off after the client timeout (1 s).
    let mut buf = [0u8; 16];
    let n = tokio::time::timeout(Duration::from_secs(5), silent.read(&mut buf))
        .await
        .expect("closed in time");
    assert!(matches!(n, Ok(0) | Err(_)), "{n:?}");
    let a = tokio::time::timeout(Duration::from_secs(5), partial.read_answer())
        .await
        .expect("closed in time");
    assert!(
        a.is_err() || a.as_ref().is_ok_and(|a| a.status == 408),
        "{a:?}"
    );

    // A body that trickles in is answered (408) before the API server's timeout.
    let mut slow = h.connect().await;
    let body = bytes(&deployment());
    slow.write_raw(
        format!(
            "POST /validate?timeout=1s HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            body.len()
        )
        .as_bytes(),
    )
    .await
    .expect("write");
    slow.write_raw(&body[..10]).await.expect("write");
    let t = Instant::now();
    let a = slow.read_answer().await.expect("answer");
    assert_eq!(a.status, 408, "{}", a.text());
    assert!(
        t.elapsed() < Duration::from_secs(1),
        "answered after {:?}",
        t.elapsed()
    );
}

/// Requests in a loop until `stop`; counts successes and failures.
fn hammer(
    addr: std::net::SocketAddr,
    tls: Arc<rustls::ClientConfig>,
    body: Vec<u8>,
    stop: Arc<AtomicBool>,
    ok: Arc<AtomicUsize>,
    failed: Arc<AtomicUsize>,
    denied: Arc<AtomicUsize>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        while !stop.load(Ordering::SeqCst) {
            // A new connection each time, so each request sees the certificate in force.
            let result = async {
                let mut c = Connection::open(addr, "localhost", tls.clone()).await?;
                c.request("POST", "/validate", Some("application/json"), &body)
                    .await
            }
            .await;
            match result {
                Ok(a) if a.status == 200 => {
                    ok.fetch_add(1, Ordering::SeqCst);
                    if a.json()["response"]["allowed"] == false {
                        denied.fetch_add(1, Ordering::SeqCst);
                    }
                }
                _ => {
                    failed.fetch_add(1, Ordering::SeqCst);
                }
            }
        }
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn certificate_rotation_while_requests_flow() {
    let h = Harness::start(None, |_| {}).await;
    let next =
        certs::generate("kubeguard", "kubeguard", std::time::SystemTime::now()).expect("certs");
    let both = client::config(&[&h.certs.ca_pem, &next.ca_pem]).expect("client");
    let (stop, ok, failed, denied) = (
        Arc::new(AtomicBool::new(false)),
        Arc::new(AtomicUsize::new(0)),
        Arc::new(AtomicUsize::new(0)),
        Arc::new(AtomicUsize::new(0)),
    );
    let task = hammer(
        h.addr(),
        both,
        bytes(&deployment()),
        stop.clone(),
        ok.clone(),
        failed.clone(),
        denied.clone(),
    );
    tokio::time::sleep(Duration::from_millis(200)).await;
    // Rotate: key first, then certificate (a half-written pair is refused, then retried).
    std::fs::write(h.path("tls.key"), &next.key_pem).expect("write");
    tokio::time::sleep(Duration::from_millis(150)).await;
    std::fs::write(h.path("tls.crt"), &next.cert_pem).expect("write");
    let only_new = client::config(&[&next.ca_pem]).expect("client");
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        if Connection::open(h.addr(), "localhost", only_new.clone())
            .await
            .is_ok()
        {
            break;
        }
        assert!(Instant::now() < deadline, "the new certificate never came");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    stop.store(true, Ordering::SeqCst);
    task.await.expect("task");
    let only_old = client::config(&[&h.certs.ca_pem]).expect("client");
    assert!(
        Connection::open(h.addr(), "localhost", only_old)
            .await
            .is_err(),
        "the old certificate is no longer served"
    );
    assert!(
        ok.load(Ordering::SeqCst) > 10,
        "{}",
        ok.load(Ordering::SeqCst)
    );
    assert_eq!(
        failed.load(Ordering::SeqCst),
        0,
        "no request failed during rotation"
    );
    let m = Connection::open(h.addr(), "localhost", only_new)
        .await
        .expect("connects")
        .request("GET", "/metrics", None, b"")
        .await
        .expect("answer")
        .text();
    assert!(
        metric(&m, "kubeguard_tls_reloads_total{result=\"success\"}") >= 1,
        "{m}"
    );
    assert!(
        metric(&m, "kubeguard_tls_reloads_total{result=\"failure\"}") >= 1,
        "the half-rotated pair was refused: {m}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn config_rotation_while_requests_flow_and_invalid_configs_are_refused() {
    let h = Harness::start(Some("checks:\n  exclude: [latest-tag]\n"), |_| {}).await;
    let tls = client::config(&[&h.certs.ca_pem]).expect("client");
    let (stop, ok, failed, denied) = (
        Arc::new(AtomicBool::new(false)),
        Arc::new(AtomicUsize::new(0)),
        Arc::new(AtomicUsize::new(0)),
        Arc::new(AtomicUsize::new(0)),
    );
    let task = hammer(
        h.addr(),
        tls,
        bytes(&latest_tag_deployment()),
        stop.clone(),
        ok.clone(),
        failed.clone(),
        denied.clone(),
    );
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(denied.load(Ordering::SeqCst), 0);
    std::fs::write(
        h.path("kubeguard.yaml"),
        "serve:\n  modes: {latest-tag: enforce}\n",
    )
    .expect("write");
    let deadline = Instant::now() + Duration::from_secs(5);
    while denied.load(Ordering::SeqCst) == 0 {
        assert!(
            Instant::now() < deadline,
            "the new configuration never came"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // An invalid configuration is refused: the previous one stays in force.
    std::fs::write(
        h.path("kubeguard.yaml"),
        "serve:\n  modes: {latest-tag: sometimes}\n",
    )
    .expect("write");
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.store(true, Ordering::SeqCst);
    task.await.expect("task");
    assert_eq!(failed.load(Ordering::SeqCst), 0);
    let r = response(&h.post(&bytes(&latest_tag_deployment())).await);
    assert_eq!(r["allowed"], false, "still the last valid configuration");
    let m = h.metrics().await;
    assert_eq!(
        metric(&m, "kubeguard_config_reloads_total{result=\"success\"}"),
        1,
        "{m}"
    );
    assert_eq!(
        metric(&m, "kubeguard_config_reloads_total{result=\"failure\"}"),
        1,
        "{m}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graceful_shutdown_drains_requests_in_flight() {
    let mut h = Harness::start(None, |_| {}).await;
    let body = bytes(&deployment());
    let mut inflight = h.connect().await;
    inflight
        .write_raw(
            format!(
                "POST /validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                body.len()
            )
            .as_bytes(),
        )
        .await
        .expect("write");
    inflight.write_raw(&body[..100]).await.expect("write");
    tokio::time::sleep(Duration::from_millis(100)).await;
    let server = h.server.take().expect("running");
    let addr = server.local_addr();
    let stopping = tokio::spawn(server.shutdown());
    tokio::time::sleep(Duration::from_millis(200)).await;
    // New connections are refused...
    let tls = client::config(&[&h.certs.ca_pem]).expect("client");
    assert!(
        Connection::open(addr, "localhost", tls).await.is_err(),
        "no new connections while draining"
    );
    // ...while the request in flight completes.
    inflight.write_raw(&body[100..]).await.expect("write");
    let a = inflight.read_answer().await.expect("answer");
    assert_eq!(response(&a)["allowed"], true);
    tokio::time::timeout(Duration::from_secs(5), stopping)
        .await
        .expect("stops")
        .expect("task")
        .expect("clean stop");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_configuration_or_certificate_at_start_is_an_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let certs =
        certs::generate("kubeguard", "kubeguard", std::time::SystemTime::now()).expect("certs");
    std::fs::write(dir.path().join("c.pem"), &certs.cert_pem).expect("write");
    std::fs::write(dir.path().join("k.pem"), &certs.key_pem).expect("write");
    std::fs::write(dir.path().join("bad.yaml"), "serve:\n  onTimeout: later\n").expect("write");
    let mut opts = ServeOptions::new(
        "127.0.0.1:0".parse().expect("addr"),
        dir.path().join("c.pem"),
        dir.path().join("k.pem"),
    );
    opts.log_level = Level::Error;
    opts.config = Some(dir.path().join("bad.yaml"));
    let e = Server::start(opts.clone()).await.err().expect("refused");
    assert!(e.contains("bad.yaml:2:14: `onTimeout`"), "{e}");
    opts.config = None;
    opts.tls_key = dir.path().join("missing.pem");
    let e = Server::start(opts).await.err().expect("refused");
    assert!(e.contains("missing.pem"), "{e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_always_comes_before_the_api_servers_timeout() {
    let h = Harness::start(Some("serve:\n  onTimeout: deny\n"), |_| {}).await;
    // A pod template with thousands of containers: far more work than half a second.
    let mut r = deployment();
    let c = r["request"]["object"]["spec"]["template"]["spec"]["containers"][0].clone();
    let many: Vec<Value> = (0..4000)
        .map(|i| {
            let mut c = c.clone();
            c["name"] = Value::String(format!("c{i}"));
            c
        })
        .collect();
    r["request"]["object"]["spec"]["template"]["spec"]["containers"] = Value::Array(many);
    let body = bytes(&r);
    let t = Instant::now();
    let a = h
        .connect()
        .await
        .request(
            "POST",
            "/validate?timeout=500ms",
            Some("application/json"),
            &body,
        )
        .await
        .expect("answer");
    let took = t.elapsed();
    assert!(took < Duration::from_millis(700), "answered after {took:?}");
    // In a debug build the decision takes seconds: the onTimeout answer comes instead (or a
    // 408 if even the body was late). An optimised build may decide in time.
    match a.status {
        200 => {
            let resp = &a.json()["response"];
            let msg = resp["status"]["message"].as_str().unwrap_or_default();
            if cfg!(debug_assertions) {
                assert_eq!(resp["allowed"], false, "onTimeout: deny");
                assert!(msg.contains("could not check"), "{msg}");
            }
        }
        code => assert_eq!(code, 408, "{}", a.text()),
    }
}
