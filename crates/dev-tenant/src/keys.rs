//! Signing keys: generation, persistence, the published JWKS, and RS256 signing.
//!
//! Keys are RSA-2048 made with aws-lc-rs, which is fast even in debug builds. A key may be
//! persisted as PKCS#8 DER so restarts (for example `cargo leptos watch` rebuilds) keep
//! tokens valid. The key set can grow at run time (key rotation tests): the newest key signs,
//! every key stays published.

use std::fs;
use std::io::Write;
use std::path::Path;
use std::sync::{Arc, RwLock};

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::{KeyPair, KeySize};
use aws_lc_rs::signature::{KeyPair as _, RSA_PKCS1_SHA256};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::errors::TenantError;

/// One RSA signing key with its key ID.
pub struct SigningKey {
    kid: String,
    pair: KeyPair,
}

impl SigningKey {
    /// Generates a fresh RSA-2048 key.
    pub fn generate() -> Result<Self, TenantError> {
        let pair = KeyPair::generate(KeySize::Rsa2048)
            .map_err(|_| TenantError::Key("could not generate an RSA-2048 key".into()))?;
        Ok(Self::from_pair(pair))
    }

    /// Parses a PKCS#8 DER private key.
    pub fn from_pkcs8(der: &[u8]) -> Result<Self, TenantError> {
        let pair = KeyPair::from_pkcs8(der)
            .map_err(|e| TenantError::Key(format!("not an RSA PKCS#8 private key: {e}")))?;
        Ok(Self::from_pair(pair))
    }

    fn from_pair(pair: KeyPair) -> Self {
        // The kid is derived from the public key, so a persisted key keeps its kid across restarts.
        let digest = Sha256::digest(pair.public_key().as_ref());
        let kid = URL_SAFE_NO_PAD.encode(&digest[..16]);
        Self { kid, pair }
    }

    /// Loads the key at `path`, or generates one and writes it there.
    ///
    /// The write goes to a temporary file in the same directory that is then renamed, so a crash
    /// cannot leave half a key behind.
    pub fn load_or_create(path: &Path) -> Result<Self, TenantError> {
        match fs::read(path) {
            Ok(der) => {
                return Self::from_pkcs8(&der).map_err(|e| {
                    TenantError::Key(format!("signing key file {}: {e}", path.display()))
                })
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(TenantError::Io {
                    context: format!("reading signing key {}", path.display()),
                    source: e,
                })
            }
        }
        let key = Self::generate()?;
        write_atomically(path, &key.pkcs8()?)?;
        Ok(key)
    }

    /// The PKCS#8 DER encoding of the private key.
    pub fn pkcs8(&self) -> Result<Vec<u8>, TenantError> {
        let der = self
            .pair
            .as_der()
            .map_err(|_| TenantError::Key("could not encode the key as PKCS#8".into()))?;
        Ok(der.as_ref().to_vec())
    }

    /// The key ID published in the JWKS and put in every token header.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The public key as a JWK.
    pub fn jwk(&self) -> Jwk {
        let public = self.pair.public_key();
        Jwk {
            kty: "RSA",
            key_use: "sig",
            alg: "RS256",
            kid: self.kid.clone(),
            n: URL_SAFE_NO_PAD.encode(public.modulus().big_endian_without_leading_zero()),
            e: URL_SAFE_NO_PAD.encode(public.exponent().big_endian_without_leading_zero()),
        }
    }

    /// The public key for verifying tokens this key signed.
    pub fn decoding_key(&self) -> jsonwebtoken::DecodingKey {
        let public = self.pair.public_key();
        jsonwebtoken::DecodingKey::from_rsa_raw_components(
            public.modulus().big_endian_without_leading_zero(),
            public.exponent().big_endian_without_leading_zero(),
        )
    }

    /// Signs `claims` as a compact RS256 JWT with `typ: JWT` and this key's `kid`.
    pub fn sign<T: Serialize>(&self, claims: &T) -> Result<String, TenantError> {
        let header = serde_json::json!({ "alg": "RS256", "typ": "JWT", "kid": self.kid });
        let header = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&header).map_err(json_error)?);
        let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(claims).map_err(json_error)?);
        let signing_input = format!("{header}.{payload}");
        let mut signature = vec![0; self.pair.public_modulus_len()];
        self.pair
            .sign(
                &RSA_PKCS1_SHA256,
                &SystemRandom::new(),
                signing_input.as_bytes(),
                &mut signature,
            )
            .map_err(|_| TenantError::Key("RS256 signing failed".into()))?;
        Ok(format!(
            "{signing_input}.{}",
            URL_SAFE_NO_PAD.encode(signature)
        ))
    }
}

fn json_error(e: serde_json::Error) -> TenantError {
    TenantError::Key(format!("could not serialise token: {e}"))
}

/// A public key as published in `/.well-known/jwks.json`.
#[derive(Debug, Clone, Serialize)]
pub struct Jwk {
    /// Always `RSA`.
    pub kty: &'static str,
    /// Always `sig`.
    #[serde(rename = "use")]
    pub key_use: &'static str,
    /// Always `RS256`.
    pub alg: &'static str,
    /// Key ID.
    pub kid: String,
    /// Modulus, base64url without padding.
    pub n: String,
    /// Public exponent, base64url without padding.
    pub e: String,
}

/// The tenant's keys. The last one signs; all are published.
#[derive(Clone)]
pub struct KeySet {
    keys: Arc<RwLock<Vec<Arc<SigningKey>>>>,
}

impl KeySet {
    /// A key set holding one key.
    pub fn new(first: SigningKey) -> Self {
        Self {
            keys: Arc::new(RwLock::new(vec![Arc::new(first)])),
        }
    }

    /// The key that signs new tokens.
    pub fn current(&self) -> Arc<SigningKey> {
        let keys = self.keys.read().unwrap_or_else(|e| e.into_inner());
        keys.last().cloned().expect("a key set is never empty")
    }

    /// Adds a key that signs from now on; earlier keys stay published.
    pub fn push(&self, key: SigningKey) {
        let mut keys = self.keys.write().unwrap_or_else(|e| e.into_inner());
        keys.push(Arc::new(key));
    }

    /// Stops publishing the key `kid` (tokens it signed stop verifying). Refuses to remove the
    /// last key, since the tenant always needs one to sign with.
    pub fn remove(&self, kid: &str) -> bool {
        let mut keys = self.keys.write().unwrap_or_else(|e| e.into_inner());
        if keys.len() <= 1 {
            return false;
        }
        let before = keys.len();
        keys.retain(|k| k.kid() != kid);
        keys.len() != before
    }

    /// All published keys, oldest first.
    pub fn jwks(&self) -> Vec<Jwk> {
        let keys = self.keys.read().unwrap_or_else(|e| e.into_inner());
        keys.iter().map(|k| k.jwk()).collect()
    }

    /// The published key with this `kid`.
    pub fn find(&self, kid: &str) -> Option<Arc<SigningKey>> {
        let keys = self.keys.read().unwrap_or_else(|e| e.into_inner());
        keys.iter().find(|k| k.kid() == kid).cloned()
    }
}

/// Writes `bytes` to `path` through a temporary sibling file and a rename.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), TenantError> {
    let io = |context: String| move |source| TenantError::Io { context, source };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::create_dir_all(dir).map_err(io(format!("creating {}", dir.display())))?;
    }
    let mut tmp_name = path.file_name().unwrap_or_default().to_os_string();
    tmp_name.push(format!(".tmp-{}", std::process::id()));
    let tmp = path.with_file_name(tmp_name);
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        // Private keys and refresh tokens are for this user only.
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(&tmp)
        .map_err(io(format!("creating {}", tmp.display())))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(io(format!("writing {}", tmp.display())))?;
    drop(file);
    fs::rename(&tmp, path).map_err(io(format!(
        "renaming {} to {}",
        tmp.display(),
        path.display()
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A token signed here verifies with the published key, and carries `kid` and `typ`.
    #[test]
    fn signed_tokens_verify_with_the_published_key() {
        let key = SigningKey::generate().unwrap();
        let token = key
            .sign(&serde_json::json!({ "sub": "x", "exp": 4_000_000_000u64 }))
            .unwrap();
        let header = jsonwebtoken::decode_header(&token).unwrap();
        assert_eq!(header.kid.as_deref(), Some(key.kid()));
        assert_eq!(header.typ.as_deref(), Some("JWT"));
        let jwk = key.jwk();
        let decoding = jsonwebtoken::DecodingKey::from_rsa_components(&jwk.n, &jwk.e).unwrap();
        let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
        validation.validate_aud = false;
        let claims =
            jsonwebtoken::decode::<serde_json::Value>(&token, &decoding, &validation).unwrap();
        assert_eq!(claims.claims["sub"], "x");
    }

    /// PKCS#8 round trip keeps the key and so its kid.
    #[test]
    fn a_key_reloaded_from_pkcs8_keeps_its_kid() {
        let key = SigningKey::generate().unwrap();
        let again = SigningKey::from_pkcs8(&key.pkcs8().unwrap()).unwrap();
        assert_eq!(again.kid(), key.kid());
        assert_eq!(again.jwk().n, key.jwk().n);
    }

    /// The key set never drops its last key.
    #[test]
    fn the_key_set_keeps_at_least_one_key() {
        let set = KeySet::new(SigningKey::generate().unwrap());
        let first = set.current().kid().to_owned();
        assert!(!set.remove(&first));
        set.push(SigningKey::generate().unwrap());
        assert_ne!(set.current().kid(), first);
        assert!(set.find(&first).is_some());
        assert!(set.remove(&first));
        assert!(set.find(&first).is_none());
        assert_eq!(set.jwks().len(), 1);
    }
}
