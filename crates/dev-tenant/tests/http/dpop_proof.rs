//! Making DPoP proofs (RFC 9449) for the tests: a P-256 key and JWTs signed with it, well
//! formed or deliberately not.

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{EcdsaKeyPair, KeyPair as _, ECDSA_P256_SHA256_FIXED_SIGNING};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::support::TestTenant;

/// A client's DPoP key.
pub struct DpopKey {
    pair: EcdsaKeyPair,
}

impl DpopKey {
    pub fn new() -> Self {
        Self {
            pair: EcdsaKeyPair::generate(&ECDSA_P256_SHA256_FIXED_SIGNING).unwrap(),
        }
    }

    /// The public key as a JWK.
    pub fn jwk(&self) -> Value {
        // The public key is the uncompressed point 0x04 || x || y.
        let point = self.pair.public_key().as_ref();
        json!({
            "kty": "EC",
            "crv": "P-256",
            "x": URL_SAFE_NO_PAD.encode(&point[1..33]),
            "y": URL_SAFE_NO_PAD.encode(&point[33..65]),
        })
    }

    /// The RFC 7638 thumbprint, computed here from the JWK's members in lexicographic order.
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

    /// A good proof for the tenant's token endpoint, with `nonce` when given.
    pub fn proof(&self, tenant: &TestTenant, nonce: Option<&str>) -> String {
        let mut claims = token_endpoint_claims(tenant);
        if let Some(nonce) = nonce {
            claims["nonce"] = json!(nonce);
        }
        self.sign(&self.header(), &claims)
    }

    /// A good proof for `GET {issuer}userinfo` presenting `access_token` (`ath`).
    pub fn userinfo_proof(&self, tenant: &TestTenant, access_token: &str) -> String {
        let mut claims = token_endpoint_claims(tenant);
        claims["htm"] = json!("GET");
        claims["htu"] = json!(tenant.url("userinfo"));
        claims["ath"] = json!(URL_SAFE_NO_PAD.encode(Sha256::digest(access_token.as_bytes())));
        self.sign(&self.header(), &claims)
    }

    /// Signs any header and claims with this key (ES256, whatever the header says).
    pub fn sign(&self, header: &Value, claims: &Value) -> String {
        self.sign_raw(&header.to_string(), &claims.to_string())
    }

    /// Signs a header and payload given as text, JSON or not.
    pub fn sign_raw(&self, header: &str, payload: &str) -> String {
        let input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header),
            URL_SAFE_NO_PAD.encode(payload)
        );
        let signature = self
            .pair
            .sign(&SystemRandom::new(), input.as_bytes())
            .unwrap();
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature.as_ref()))
    }
}

/// The claims of a good proof for `POST {issuer}oauth/token`, at the tenant's time, with a
/// fresh `jti`.
pub fn token_endpoint_claims(tenant: &TestTenant) -> Value {
    use std::sync::atomic::{AtomicU64, Ordering};
    static JTI: AtomicU64 = AtomicU64::new(0);
    json!({
        "htm": "POST",
        "htu": tenant.url("oauth/token"),
        "iat": tenant.handle.now(),
        "jti": format!("jti-{}-{}", std::process::id(), JTI.fetch_add(1, Ordering::SeqCst)),
    })
}
