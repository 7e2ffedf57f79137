//! One DPoP proof (RFC 9449 §4.3), checked against the request it came with: its form, its key,
//! its signature and its claims. What needs memory across requests (the `jti`s seen, the server
//! nonce) is [`super::dpop_verifier`]'s.
//!
//! The order follows the RFC's list: shape, `typ`, `alg` from the allow-list (before the key is
//! even read), a public `jwk`, the signature, then `htm`, `htu`, `iat`, `jti` and `ath`. The key
//! is taken from the proof header on purpose — that is what DPoP is — and is trusted only once
//! the access token's `cnf.jkt` names it.

use aws_lc_rs::signature::{UnparsedPublicKey, ECDSA_P256_SHA256_FIXED};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::auth::pkce::access_token_hash;

/// The proof algorithms accepted, as `WWW-Authenticate: DPoP algs="…"` lists them. Asymmetric
/// only: with a shared secret the verifier could make proofs itself.
pub const DPOP_ALGS: &[&str] = &["ES256"];
/// A proof is a few hundred bytes; anything far larger is refused before decoding.
pub const MAX_PROOF_BYTES: usize = 4 * 1024;
/// Longest `jti` remembered (a UUID is 36 characters).
const MAX_JTI_BYTES: usize = 128;
/// JWK members that only a private (or symmetric) key has (RFC 7518 §6).
const PRIVATE_MEMBERS: [&str; 8] = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

/// Why a proof was refused. The text is safe to send back in `error_description`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    #[error("the DPoP scheme needs a DPoP proof header")]
    Missing,
    #[error("send exactly one DPoP header")]
    Several,
    #[error("the DPoP proof is not a well-formed JWT")]
    Malformed,
    #[error("the DPoP proof's typ must be dpop+jwt")]
    Typ,
    #[error("the DPoP proof's algorithm is not accepted")]
    Algorithm,
    #[error("the DPoP proof's jwk must be a public EC P-256 key")]
    Key,
    #[error("the DPoP proof's jwk must not contain private key members")]
    PrivateKey,
    #[error("the DPoP proof names critical header parameters (crit), which this server does not support")]
    Critical,
    #[error("the DPoP proof's signature is invalid")]
    Signature,
    #[error("the DPoP proof's htm is not this request's method")]
    Htm,
    #[error("the DPoP proof's htu is not this request's URL")]
    Htu,
    #[error("the DPoP proof's iat is outside the accepted window")]
    Iat,
    #[error("the DPoP proof has no usable jti")]
    Jti,
    #[error("the DPoP proof's ath is not the hash of the access token")]
    Ath,
    #[error("the DPoP proof's key is not the one the access token is bound to")]
    KeyMismatch,
    #[error("the DPoP proof has been used before")]
    Replayed,
}

/// The request a proof must be made for.
pub struct ProofTarget<'a> {
    /// The request's method (`htm`).
    pub method: &'a str,
    /// The request's path, without its query (`htu` is compared as origin + path).
    pub path: &'a str,
    /// Origins the app is reached at: `htu` must name one of them.
    pub origins: &'a [String],
    /// The access token presented beside the proof (`ath`).
    pub access_token: &'a str,
    /// How far `iat` may be from the server's clock, either way (seconds).
    pub iat_window: u64,
    /// Seconds since the Unix epoch.
    pub now: u64,
}

/// What a valid proof tells the verifier.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedProof {
    /// The RFC 7638 thumbprint of the proof's key: the token's `cnf.jkt` must equal it.
    pub jkt: String,
    pub jti: String,
    pub nonce: Option<String>,
}

/// `dpop+jwt`, as a media type: any case, with or without `application/` (RFC 7515 §4.1.9).
fn is_dpop_typ(typ: &str) -> bool {
    const PREFIX: &str = "application/";
    let typ = typ
        .get(..PREFIX.len())
        .filter(|prefix| prefix.eq_ignore_ascii_case(PREFIX))
        .map_or(typ, |_| &typ[PREFIX.len()..]);
    typ.eq_ignore_ascii_case("dpop+jwt")
}

/// Checks `proof` (the `DPoP` header's value) against `target`.
pub fn check_proof(proof: &str, target: &ProofTarget<'_>) -> Result<CheckedProof, ProofError> {
    if proof.len() > MAX_PROOF_BYTES {
        return Err(ProofError::Malformed);
    }
    let (signing_input, signature) = proof.rsplit_once('.').ok_or(ProofError::Malformed)?;
    let (header, claims) = signing_input.split_once('.').ok_or(ProofError::Malformed)?;
    if claims.contains('.') {
        return Err(ProofError::Malformed);
    }
    let header = json_object(header)?;
    if !header
        .get("typ")
        .and_then(Value::as_str)
        .is_some_and(is_dpop_typ)
    {
        return Err(ProofError::Typ);
    }
    // As for access tokens (RFC 7515 §4.1.11): no extension is understood, so none may be
    // required.
    if header.contains_key("crit") {
        return Err(ProofError::Critical);
    }
    let alg = header.get("alg").and_then(Value::as_str);
    if !alg.is_some_and(|alg| DPOP_ALGS.contains(&alg)) {
        return Err(ProofError::Algorithm);
    }
    let key = P256Key::from_jwk(header.get("jwk"))?;
    let signature = URL_SAFE_NO_PAD
        .decode(signature)
        .map_err(|_| ProofError::Malformed)?;
    UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, key.point())
        .verify(signing_input.as_bytes(), &signature)
        .map_err(|_| ProofError::Signature)?;

    let claims = json_object(claims)?;
    let text = |name: &str| claims.get(name).and_then(Value::as_str);
    if text("htm") != Some(target.method) {
        return Err(ProofError::Htm);
    }
    if !text("htu").is_some_and(|htu| htu_matches(htu, target.origins, target.path)) {
        return Err(ProofError::Htu);
    }
    let fresh = claims
        .get("iat")
        .and_then(Value::as_u64)
        .is_some_and(|iat| iat.abs_diff(target.now) <= target.iat_window);
    if !fresh {
        return Err(ProofError::Iat);
    }
    let jti = text("jti")
        .filter(|jti| !jti.is_empty() && jti.len() <= MAX_JTI_BYTES)
        .ok_or(ProofError::Jti)?;
    if text("ath") != Some(access_token_hash(target.access_token).as_str()) {
        return Err(ProofError::Ath);
    }
    let nonce = match claims.get("nonce") {
        None => None,
        Some(Value::String(nonce)) => Some(nonce.clone()),
        Some(_) => return Err(ProofError::Malformed),
    };
    Ok(CheckedProof {
        jkt: key.thumbprint(),
        jti: jti.to_owned(),
        nonce,
    })
}

/// Whether `htu` names `path` at one of `origins`, ignoring its query and fragment (RFC 9449
/// §4.3 step 9). Parsing normalises what RFC 3986 lets differ: scheme and host case, a default
/// port written out.
fn htu_matches(htu: &str, origins: &[String], path: &str) -> bool {
    let Ok(url) = url::Url::parse(htu) else {
        return false;
    };
    let origin = url.origin().ascii_serialization();
    url.path() == path && origins.contains(&origin)
}

/// A header or claims segment: base64url without padding, holding a JSON object (an array
/// would otherwise fill fields by position). Of a member given twice the last counts, as
/// serde_json's map keeps it (RFC 7515 §4 allows either refusing or taking the last).
fn json_object(segment: &str) -> Result<Map<String, Value>, ProofError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(segment)
        .map_err(|_| ProofError::Malformed)?;
    match serde_json::from_slice(&bytes) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(ProofError::Malformed),
    }
}

/// A P-256 public key's coordinates, 32 bytes each.
struct P256Key {
    x: Vec<u8>,
    y: Vec<u8>,
}

impl P256Key {
    /// The header's `jwk`: an EC P-256 public key, and nothing private. A private member means
    /// the client leaked its key; refusing it keeps such a client from working at all.
    fn from_jwk(jwk: Option<&Value>) -> Result<Self, ProofError> {
        let jwk = jwk.and_then(Value::as_object).ok_or(ProofError::Key)?;
        if PRIVATE_MEMBERS
            .iter()
            .any(|member| jwk.contains_key(*member))
        {
            return Err(ProofError::PrivateKey);
        }
        if jwk.get("kty").and_then(Value::as_str) != Some("EC")
            || jwk.get("crv").and_then(Value::as_str) != Some("P-256")
        {
            return Err(ProofError::Key);
        }
        let coordinate = |name: &str| {
            jwk.get(name)
                .and_then(Value::as_str)
                .and_then(|value| URL_SAFE_NO_PAD.decode(value).ok())
                .filter(|bytes| bytes.len() == 32)
                .ok_or(ProofError::Key)
        };
        Ok(Self {
            x: coordinate("x")?,
            y: coordinate("y")?,
        })
    }

    /// The uncompressed point `0x04 || x || y`, as the verifier takes it.
    fn point(&self) -> Vec<u8> {
        [&[0x04][..], &self.x, &self.y].concat()
    }

    /// RFC 7638: base64url(SHA-256) of the required members in lexicographic order, no spaces.
    fn thumbprint(&self) -> String {
        thumbprint_p256(&self.x, &self.y)
    }
}

/// The RFC 7638 thumbprint of the P-256 public key (`x`, `y`).
pub fn thumbprint_p256(x: &[u8], y: &[u8]) -> String {
    let canonical = format!(
        r#"{{"crv":"P-256","kty":"EC","x":"{}","y":"{}"}}"#,
        URL_SAFE_NO_PAD.encode(x),
        URL_SAFE_NO_PAD.encode(y)
    );
    URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 7517 Appendix A.1's EC key; the expected thumbprint was computed independently
    /// (Python's hashlib over the canonical JSON).
    #[test]
    fn the_thumbprint_matches_an_independent_computation() {
        let x = URL_SAFE_NO_PAD
            .decode("MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4")
            .unwrap();
        let y = URL_SAFE_NO_PAD
            .decode("4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM")
            .unwrap();
        assert_eq!(
            thumbprint_p256(&x, &y),
            "cn-I_WNMClehiVp51i_0VpOENW1upEerA8sEam5hn-s"
        );
    }

    #[test]
    fn htu_is_compared_as_origin_and_path_without_query_or_fragment() {
        let origins = ["https://shop.example".to_owned()];
        assert!(htu_matches("https://shop.example/fn/x", &origins, "/fn/x"));
        assert!(htu_matches(
            "HTTPS://Shop.Example:443/fn/x?a=1#f",
            &origins,
            "/fn/x"
        ));
        assert!(!htu_matches(
            "https://other.example/fn/x",
            &origins,
            "/fn/x"
        ));
        assert!(!htu_matches("https://shop.example/fn/y", &origins, "/fn/x"));
        assert!(!htu_matches(
            "https://shop.example:8443/fn/x",
            &origins,
            "/fn/x"
        ));
        assert!(!htu_matches("/fn/x", &origins, "/fn/x"));
    }

    #[test]
    fn any_private_member_is_refused() {
        for member in PRIVATE_MEMBERS {
            let jwk =
                serde_json::json!({ "kty": "EC", "crv": "P-256", "x": "", "y": "", member: "AA" });
            assert_eq!(
                P256Key::from_jwk(Some(&jwk)).err(),
                Some(ProofError::PrivateKey),
                "{member}"
            );
        }
    }
}
