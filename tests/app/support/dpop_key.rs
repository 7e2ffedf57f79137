//! A client's DPoP key (P-256) and the proofs it makes (RFC 9449 §4.2), well formed or
//! deliberately not.

use std::sync::atomic::{AtomicU64, Ordering};

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{EcdsaKeyPair, KeyPair as _, ECDSA_P256_SHA256_FIXED_SIGNING};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::fake_issuer::now;

pub struct DpopKey {
    pair: EcdsaKeyPair,
}

impl DpopKey {
    pub fn generate() -> Self {
        Self {
            pair: EcdsaKeyPair::generate(&ECDSA_P256_SHA256_FIXED_SIGNING).unwrap(),
        }
    }

    /// The public key as a JWK (the point is `0x04 || x || y`).
    pub fn jwk(&self) -> Value {
        let point = self.pair.public_key().as_ref();
        json!({
            "kty": "EC",
            "crv": "P-256",
            "x": URL_SAFE_NO_PAD.encode(&point[1..33]),
            "y": URL_SAFE_NO_PAD.encode(&point[33..65]),
        })
    }

    /// The RFC 7638 thumbprint, computed here independently of the app's code.
    pub fn thumbprint(&self) -> String {
        let jwk = self.jwk();
        let canonical = format!(
            r#"{{"crv":"P-256","kty":"EC","x":{},"y":{}}}"#,
            jwk["x"], jwk["y"]
        );
        URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.as_bytes()))
    }

    /// The header of a good proof.
    pub fn header(&self) -> Value {
        json!({ "typ": "dpop+jwt", "alg": "ES256", "jwk": self.jwk() })
    }

    /// A good proof for `method url` presenting `access_token`.
    pub fn proof(&self, method: &str, url: &str, access_token: &str) -> String {
        self.sign(&self.header(), &proof_claims(method, url, access_token))
    }

    /// Signs any header and claims with this key (ES256, whatever the header says).
    pub fn sign(&self, header: &Value, claims: &Value) -> String {
        let input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let signature = self
            .pair
            .sign(&SystemRandom::new(), input.as_bytes())
            .unwrap();
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature.as_ref()))
    }
}

/// The claims of a good proof: now, a fresh `jti`, and the token's hash.
pub fn proof_claims(method: &str, url: &str, access_token: &str) -> Value {
    static JTI: AtomicU64 = AtomicU64::new(0);
    json!({
        "htm": method,
        "htu": url,
        "iat": now(),
        "jti": format!("jti-{}-{}", std::process::id(), JTI.fetch_add(1, Ordering::SeqCst)),
        "ath": URL_SAFE_NO_PAD.encode(Sha256::digest(access_token.as_bytes())),
    })
}
