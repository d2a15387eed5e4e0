//! Certificates made at test time (rcgen): a CA, and a server certificate
//! it signs for chosen names, written as PEM files in a directory of their
//! own that is removed on drop (`#[path]` includes this file).

// Test code: a panic is the failure report (clippy.toml allows unwrap in #[test] functions only).
#![allow(clippy::unwrap_used)]
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};

pub struct TestCa {
    issuer: CertifiedIssuer<'static, KeyPair>,
    dir: PathBuf,
}

/// A server's certificate and key, and the CA that signed it, as files.
pub struct ServerCert {
    pub cert: PathBuf,
    pub key: PathBuf,
    pub ca: PathBuf,
}

impl TestCa {
    /// A new CA whose certificate is `<dir>/ca.pem`; `label` tells CAs apart.
    pub fn new(label: &str) -> TestCa {
        let dir = std::env::temp_dir().join(format!("userhash-tls-{}-{label}-{}", std::process::id(), unique()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, format!("userhash test CA {label}"));
        let issuer = CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap();
        std::fs::write(dir.join("ca.pem"), issuer.pem()).unwrap();
        TestCa { issuer, dir }
    }

    pub fn ca_file(&self) -> PathBuf {
        self.dir.join("ca.pem")
    }

    /// A server certificate for `names` (host names or IP addresses).
    pub fn server_cert(&self, names: &[&str]) -> ServerCert {
        let key = KeyPair::generate().unwrap();
        let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        let mut params = CertificateParams::new(names).unwrap();
        params.distinguished_name.push(DnType::CommonName, "userhash test server");
        let cert = params.signed_by(&key, &self.issuer).unwrap();
        let stem = unique();
        let (cert_file, key_file) =
            (self.dir.join(format!("server-{stem}.pem")), self.dir.join(format!("server-{stem}.key")));
        std::fs::write(&cert_file, cert.pem()).unwrap();
        std::fs::write(&key_file, key.serialize_pem()).unwrap();
        ServerCert { cert: cert_file, key: key_file, ca: self.ca_file() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

impl Drop for TestCa {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}
