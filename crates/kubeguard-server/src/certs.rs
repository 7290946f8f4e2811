//! A self-signed CA and the webhook's serving certificate (for `kubeguard install webhook`
//! without cert-manager, and for tests).

use std::time::{SystemTime, UNIX_EPOCH};

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose, date_time_ymd,
};

/// A generated CA and serving certificate, all PEM.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The CA certificate (the webhook configuration's `caBundle`).
    pub ca_pem: String,
    /// The serving certificate, signed by the CA.
    pub cert_pem: String,
    /// The serving certificate's private key (PKCS#8).
    pub key_pem: String,
}

/// The DNS names the API server may use for a Service: `svc`, `svc.ns`, `svc.ns.svc` and
/// `svc.ns.svc.cluster.local` (it uses `svc.ns.svc`).
pub fn service_names(service: &str, namespace: &str) -> Vec<String> {
    vec![
        service.to_string(),
        format!("{service}.{namespace}"),
        format!("{service}.{namespace}.svc"),
        format!("{service}.{namespace}.svc.cluster.local"),
    ]
}

/// The civil date (year, month, day) of a time.
fn ymd(t: SystemTime) -> (i32, u8, u8) {
    let days = (t.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs() / 86_400) as i64;
    let (y, m, d) = kubeguard_engine::civil_from_days(days);
    (y as i32, m as u8, d as u8)
}

/// A CA valid ten years and a serving certificate for the Service's names (plus `localhost`
/// and 127.0.0.1 for port-forwarded checks) valid one year, both from yesterday on.
pub fn generate(service: &str, namespace: &str, now: SystemTime) -> Result<Generated, String> {
    let err = |e: rcgen::Error| format!("certificate generation: {e}");
    let (y, m, d) = ymd(now - std::time::Duration::from_secs(86_400));
    // February 29th does not exist in most years: validity ends on the 28th then.
    let end = |years: i32| date_time_ymd(y + years, m, if m == 2 && d == 29 { 28 } else { d });

    let ca_key = KeyPair::generate().map_err(err)?;
    let mut ca = CertificateParams::new(Vec::<String>::new()).map_err(err)?;
    ca.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    ca.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, "kubeguard webhook CA");
    ca.distinguished_name = dn;
    ca.not_before = date_time_ymd(y, m, d);
    ca.not_after = end(10);
    let ca_cert = ca.self_signed(&ca_key).map_err(err)?;

    let mut names = service_names(service, namespace);
    names.push("localhost".into());
    names.push("127.0.0.1".into());
    let key = KeyPair::generate().map_err(err)?;
    let mut leaf = CertificateParams::new(names).map_err(err)?;
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, format!("{service}.{namespace}.svc"));
    leaf.distinguished_name = dn;
    leaf.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    leaf.not_before = date_time_ymd(y, m, d);
    leaf.not_after = end(1);
    let issuer = Issuer::new(ca, &ca_key);
    let cert = leaf.signed_by(&key, &issuer).map_err(err)?;
    Ok(Generated {
        ca_pem: ca_cert.pem(),
        cert_pem: cert.pem(),
        key_pem: key.serialize_pem(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(ymd(UNIX_EPOCH), (1970, 1, 1));
        let t = UNIX_EPOCH + std::time::Duration::from_secs(19_723 * 86_400 + 5);
        assert_eq!(ymd(t), (2024, 1, 1));
    }

    #[test]
    fn generates_pem() {
        let g = generate("kubeguard", "kubeguard", SystemTime::now()).expect("generated");
        assert!(g.ca_pem.starts_with("-----BEGIN CERTIFICATE-----"));
        assert!(g.cert_pem.starts_with("-----BEGIN CERTIFICATE-----"));
        assert!(g.key_pem.starts_with("-----BEGIN PRIVATE KEY-----"));
        assert_ne!(g.ca_pem, g.cert_pem);
        assert_eq!(
            service_names("s", "n")[2],
            "s.n.svc",
            "the name the API server uses"
        );
    }
}
