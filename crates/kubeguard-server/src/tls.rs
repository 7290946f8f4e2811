//! TLS: the serving certificate and key (PEM) as a rustls configuration, on the ring crypto
//! provider (the one provider shared with rcgen; no aws-lc, no OpenSSL).

use std::sync::Arc;

use rustls::ServerConfig;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// The crypto provider of every TLS endpoint of kubeguard.
pub fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// A server configuration for a PEM certificate chain (leaf first) and its PEM private key
/// (PKCS#8, PKCS#1 or SEC1). HTTP/2 and HTTP/1.1 are offered by ALPN. The key must match the
/// certificate, so a half-rotated pair is refused rather than served.
pub fn server_config(cert_pem: &[u8], key_pem: &[u8]) -> Result<Arc<ServerConfig>, String> {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(cert_pem)
        .collect::<Result<_, _>>()
        .map_err(|e| format!("cannot read the certificate PEM: {e}"))?;
    if certs.is_empty() {
        return Err("the certificate file holds no CERTIFICATE block".into());
    }
    let key = PrivateKeyDer::from_pem_slice(key_pem)
        .map_err(|e| format!("cannot read the private key PEM: {e}"))?;
    let mut cfg = ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS setup: {e}"))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| format!("the certificate and key cannot be used together: {e}"))?;
    cfg.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(Arc::new(cfg))
}

/// A certificate and key read from files: the configuration, and the bytes it came from (to
/// notice when the files change).
pub struct Loaded {
    /// The server configuration.
    pub config: Arc<ServerConfig>,
    /// The certificate file's content.
    pub cert: Vec<u8>,
    /// The key file's content.
    pub key: Vec<u8>,
}

/// Reads a certificate and key pair of files.
pub fn read(cert: &std::path::Path, key: &std::path::Path) -> Result<Loaded, String> {
    let c = std::fs::read(cert).map_err(|e| format!("cannot read {}: {e}", cert.display()))?;
    let k = std::fs::read(key).map_err(|e| format!("cannot read {}: {e}", key.display()))?;
    let config = server_config(&c, &k)
        .map_err(|e| format!("{} and {}: {e}", cert.display(), key.display()))?;
    Ok(Loaded {
        config,
        cert: c,
        key: k,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_pair_loads_and_mismatched_pairs_do_not() {
        let a = crate::certs::generate("svc", "ns", std::time::SystemTime::now()).expect("certs");
        let b = crate::certs::generate("svc", "ns", std::time::SystemTime::now()).expect("certs");
        let cfg = server_config(a.cert_pem.as_bytes(), a.key_pem.as_bytes()).expect("loads");
        assert_eq!(cfg.alpn_protocols[0], b"h2");
        let e = server_config(a.cert_pem.as_bytes(), b.key_pem.as_bytes()).expect_err("mismatch");
        assert!(e.contains("cannot be used together"), "{e}");
        let e = server_config(b"", a.key_pem.as_bytes()).expect_err("empty");
        assert!(e.contains("no CERTIFICATE"), "{e}");
        let e = server_config(a.cert_pem.as_bytes(), b"junk").expect_err("no key");
        assert!(e.contains("private key"), "{e}");
    }
}
