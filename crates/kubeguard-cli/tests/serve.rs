//! `kubeguard install webhook` (its manifests pass `lint --add-all-built-in` and
//! `pss --level restricted`) and `kubeguard serve` as a process (starts, answers over TLS,
//! stops on SIGTERM; refuses an invalid configuration).

use std::process::{Command as StdCommand, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use predicates::prelude::*;

fn kubeguard() -> Command {
    let mut c = Command::cargo_bin("kubeguard").expect("binary built");
    c.env("NO_COLOR", "1");
    c
}

fn install(args: &[&str]) -> String {
    let out = kubeguard()
        .args(["install", "webhook"])
        .args(args)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn install_manifests_pass_lint_with_every_check_and_pss_restricted() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, args) in [
        ("self-signed.yaml", &[][..]),
        ("cert-manager.yaml", &["--cert-manager"][..]),
        (
            "narrow.yaml",
            &["--namespace", "guard", "--api-server-cidr", "10.0.0.0/16"][..],
        ),
    ] {
        let text = install(args);
        for kind in [
            "kind: Namespace\n",
            "kind: ServiceAccount\n",
            "kind: Deployment\n",
            "kind: Service\n",
            "kind: PodDisruptionBudget\n",
            "kind: NetworkPolicy\n",
            "kind: ValidatingWebhookConfiguration\n",
        ] {
            assert!(text.contains(kind), "{name}: {kind}");
        }
        let path = dir.path().join(name);
        std::fs::write(&path, &text).expect("write");
        kubeguard()
            .args(["lint", "--add-all-built-in"])
            .arg(&path)
            .assert()
            .code(0)
            .stdout(predicate::str::contains("No findings"));
        kubeguard()
            .args(["pss", "--level", "restricted"])
            .arg(&path)
            .assert()
            .code(0)
            .stdout(predicate::str::contains("1 restricted"));
    }
}

#[test]
fn install_rejects_bad_names_and_cidrs() {
    kubeguard()
        .args(["install", "webhook", "--namespace", "Not_Valid"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a valid namespace name"));
    kubeguard()
        .args(["install", "webhook", "--api-server-cidr", "0.0.0.0/0"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("admits every address"));
}

#[test]
fn serve_refuses_an_invalid_configuration() {
    let dir = tempfile::tempdir().expect("tempdir");
    let g =
        kubeguard_server::certs::generate("kubeguard", "kubeguard", std::time::SystemTime::now())
            .expect("certs");
    std::fs::write(dir.path().join("tls.crt"), &g.cert_pem).expect("write");
    std::fs::write(dir.path().join("tls.key"), &g.key_pem).expect("write");
    std::fs::write(
        dir.path().join("kubeguard.yaml"),
        "serve:\n  modes: {no-such-check: enforce}\n",
    )
    .expect("write");
    kubeguard()
        .current_dir(dir.path())
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--tls-cert",
            "tls.crt",
            "--tls-key",
            "tls.key",
        ])
        .timeout(Duration::from_secs(20))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "kubeguard.yaml:2:11: `modes`: check `no-such-check` does not exist",
        ));
}

#[test]
fn serve_answers_over_tls_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().expect("tempdir");
    let g =
        kubeguard_server::certs::generate("kubeguard", "kubeguard", std::time::SystemTime::now())
            .expect("certs");
    std::fs::write(dir.path().join("tls.crt"), &g.cert_pem).expect("write");
    std::fs::write(dir.path().join("tls.key"), &g.key_pem).expect("write");
    // A free port: bind, read it, release it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let addr: std::net::SocketAddr = format!("127.0.0.1:{port}").parse().expect("addr");
    let mut child = StdCommand::new(assert_cmd::cargo::cargo_bin("kubeguard"))
        .current_dir(dir.path())
        .args(["serve", "--listen", &addr.to_string()])
        .args(["--tls-cert", "tls.crt", "--tls-key", "tls.key"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let tls = kubeguard_server::client::config(&[&g.ca_pem]).expect("client");
    let answer = rt.block_on(async {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(mut c) =
                kubeguard_server::client::Connection::open(addr, "localhost", tls.clone()).await
            {
                break c.request("GET", "/healthz", None, b"").await;
            }
            assert!(Instant::now() < deadline, "the server never came up");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    });
    let answer = answer.expect("answer");
    assert_eq!(answer.status, 200);
    assert_eq!(answer.text(), "ok\n");
    let killed = StdCommand::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        assert!(Instant::now() < deadline, "did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut logs = String::new();
    if let Some(mut e) = child.stderr.take() {
        use std::io::Read;
        let _ = e.read_to_string(&mut logs);
    }
    assert!(status.success(), "{status:?}: {logs}");
    // Structured logs: one JSON object per line.
    let lines: Vec<serde_json::Value> = logs
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert!(lines.iter().any(|l| l["msg"] == "serving"), "{logs}");
    assert!(lines.iter().any(|l| l["msg"] == "stopped"), "{logs}");
}
