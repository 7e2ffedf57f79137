//! DPoP proofs (RFC 9449) at the token endpoint and `/userinfo`: checking the `DPoP` header, the
//! key thumbprint that binds tokens to the proof's key, the replay cache and the optional server
//! nonce.
//!
//! A proof is honoured whenever one is sent (as Auth0 does for applications with DPoP on); the
//! tenant setting only decides whether a server nonce is required.

use std::collections::HashMap;
use std::sync::Mutex;

use aws_lc_rs::signature::{UnparsedPublicKey, ECDSA_P256_SHA256_FIXED};
use axum::http::HeaderMap;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::errors::OAuthError;
use crate::random;

/// The proof algorithms accepted; advertised as `dpop_signing_alg_values_supported`. Only
/// asymmetric ones make sense: the verifier must not be able to make proofs itself.
pub(crate) const SIGNING_ALGS: [&str; 1] = ["ES256"];
/// How far a proof's `iat` may be from the tenant's clock, either way.
pub(crate) const IAT_WINDOW_SECS: u64 = 60;
/// JWK members only a private or symmetric key has (RFC 7518 §6).
const PRIVATE_MEMBERS: [&str; 8] = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];
/// A proof is a few hundred bytes; anything far larger is not one.
const MAX_PROOF_BYTES: usize = 8 * 1024;
/// At most this many `jti`s are remembered. Each is needed only while its proof's `iat` is in
/// the window, so the set empties itself; the cap only matters under a flood.
const REPLAY_CAPACITY: usize = 10_000;
/// A server nonce is replaced after this long; the one before stays good for as long again.
const NONCE_LIFETIME_SECS: u64 = 300;

/// The request a proof must be for.
pub(crate) struct ProofTarget<'a> {
    /// The HTTP method (`htm`).
    pub htm: &'a str,
    /// The endpoint URL without query and fragment (`htu`).
    pub htu: &'a str,
    /// The access token the request presents, whose hash the proof must carry (`ath`); `None`
    /// at the token endpoint.
    pub access_token: Option<&'a str>,
}

/// A proof that passed every check: the RFC 7638 thumbprint of its key, for `cnf.jkt`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DpopProof {
    pub jkt: String,
}

struct Nonces {
    current: String,
    previous: Option<String>,
    issued_at: u64,
}

/// The tenant's DPoP state: `jti`s seen (replay cache) and the server nonce.
pub(crate) struct DpopVerifier {
    seen_jtis: Mutex<HashMap<String, u64>>,
    nonces: Mutex<Nonces>,
}

/// The RFC 7638 thumbprint of a P-256 public key: base64url(SHA-256) of the JWK's required
/// members in lexicographic order, without whitespace.
pub(crate) fn thumbprint_p256(x: &[u8], y: &[u8]) -> String {
    let canonical = format!(
        r#"{{"crv":"P-256","kty":"EC","x":"{}","y":"{}"}}"#,
        URL_SAFE_NO_PAD.encode(x),
        URL_SAFE_NO_PAD.encode(y)
    );
    URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.as_bytes()))
}

fn invalid(description: &str) -> OAuthError {
    OAuthError::invalid_dpop_proof(description)
}

fn decode_json(part: &str, what: &str) -> Result<Map<String, Value>, OAuthError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|_| invalid(&format!("The DPoP proof {what} is not base64url.")))?;
    match serde_json::from_slice(&bytes) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(invalid(&format!(
            "The DPoP proof {what} is not a JSON object."
        ))),
    }
}

/// The coordinates of a P-256 public key, 32 bytes each.
struct P256PublicKey {
    x: Vec<u8>,
    y: Vec<u8>,
}

impl P256PublicKey {
    /// The uncompressed point `0x04 || x || y`, as the verifier takes it.
    fn point(&self) -> Vec<u8> {
        [&[0x04][..], &self.x, &self.y].concat()
    }
}

/// The header's `jwk`, which must be a public EC P-256 key.
fn public_key(jwk: Option<&Value>) -> Result<P256PublicKey, OAuthError> {
    let jwk = jwk
        .and_then(Value::as_object)
        .ok_or_else(|| invalid("The DPoP proof header has no jwk."))?;
    // A key with its private part in a header is leaked; refusing it keeps clients honest.
    // Every private (or symmetric) member of RFC 7518 §6, not only EC's `d`.
    if PRIVATE_MEMBERS
        .iter()
        .any(|member| jwk.contains_key(*member))
    {
        return Err(invalid(
            "The DPoP proof jwk must not contain a private key.",
        ));
    }
    let not_p256 = || invalid("The DPoP proof jwk must be an EC P-256 public key.");
    if jwk.get("kty").and_then(Value::as_str) != Some("EC")
        || jwk.get("crv").and_then(Value::as_str) != Some("P-256")
    {
        return Err(not_p256());
    }
    let coordinate = |name: &str| {
        jwk.get(name)
            .and_then(Value::as_str)
            .and_then(|v| URL_SAFE_NO_PAD.decode(v).ok())
            .filter(|bytes| bytes.len() == 32)
            .ok_or_else(not_p256)
    };
    Ok(P256PublicKey {
        x: coordinate("x")?,
        y: coordinate("y")?,
    })
}

/// `htu` without its query and fragment (RFC 9449 §4.3 compares it that way).
fn without_query_and_fragment(htu: &str) -> &str {
    htu.split(['?', '#']).next().unwrap_or_default()
}

impl DpopVerifier {
    pub fn new(now: u64) -> Self {
        Self {
            seen_jtis: Mutex::new(HashMap::new()),
            nonces: Mutex::new(Nonces {
                current: random::token(),
                previous: None,
                issued_at: now,
            }),
        }
    }

    fn nonces(&self, now: u64) -> std::sync::MutexGuard<'_, Nonces> {
        let mut nonces = self.nonces.lock().unwrap_or_else(|e| e.into_inner());
        if now >= nonces.issued_at + NONCE_LIFETIME_SECS {
            let fresh = random::token();
            let old = std::mem::replace(&mut nonces.current, fresh);
            // Good one lifetime past its own, no longer: an idle spell does not revive it.
            nonces.previous = (now < nonces.issued_at + 2 * NONCE_LIFETIME_SECS).then_some(old);
            nonces.issued_at = now;
        }
        nonces
    }

    /// The nonce clients must put in their next proof (the `DPoP-Nonce` header).
    pub fn current_nonce(&self, now: u64) -> String {
        self.nonces(now).current.clone()
    }

    fn nonce_is_current(&self, nonce: &str, now: u64) -> bool {
        let nonces = self.nonces(now);
        nonces.current == nonce || nonces.previous.as_deref() == Some(nonce)
    }

    /// Checks the request's `DPoP` header, if any, as a proof for `target`. `Ok(None)`: no
    /// proof was sent. With `require_nonce`, a proof without the current nonce is answered
    /// `use_dpop_nonce`.
    pub fn check(
        &self,
        headers: &HeaderMap,
        target: &ProofTarget<'_>,
        now: u64,
        require_nonce: bool,
    ) -> Result<Option<DpopProof>, OAuthError> {
        let htu = target.htu;
        let mut values = headers.get_all("dpop").iter();
        let Some(value) = values.next() else {
            return Ok(None);
        };
        if values.next().is_some() {
            return Err(invalid("Only one DPoP header is allowed."));
        }
        let proof = value
            .to_str()
            .ok()
            .filter(|p| p.len() <= MAX_PROOF_BYTES)
            .ok_or_else(|| invalid("The DPoP header is not a JWT."))?;
        let parts: Vec<&str> = proof.split('.').collect();
        let [header_b64, claims_b64, signature_b64] = parts[..] else {
            return Err(invalid("The DPoP header is not a JWT."));
        };
        let header = decode_json(header_b64, "header")?;
        if header.get("typ").and_then(Value::as_str) != Some("dpop+jwt") {
            return Err(invalid("The DPoP proof typ must be 'dpop+jwt'."));
        }
        let alg = header.get("alg").and_then(Value::as_str).unwrap_or("");
        if !SIGNING_ALGS.contains(&alg) {
            return Err(invalid(&format!(
                "Unsupported DPoP proof alg '{alg}'; supported: {}.",
                SIGNING_ALGS.join(", ")
            )));
        }
        let key = public_key(header.get("jwk"))?;
        let signature = URL_SAFE_NO_PAD
            .decode(signature_b64)
            .map_err(|_| invalid("The DPoP proof signature is invalid."))?;
        let signing_input = &proof[..header_b64.len() + 1 + claims_b64.len()];
        UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, key.point())
            .verify(signing_input.as_bytes(), &signature)
            .map_err(|_| invalid("The DPoP proof signature is invalid."))?;

        let claims = decode_json(claims_b64, "payload")?;
        let claim = |name: &str| claims.get(name).and_then(Value::as_str);
        if claim("htm") != Some(target.htm) {
            return Err(invalid(&format!(
                "The DPoP proof htm must be '{}'.",
                target.htm
            )));
        }
        if claim("htu").map(without_query_and_fragment) != Some(htu) {
            return Err(invalid(&format!("The DPoP proof htu must be '{htu}'.")));
        }
        let fresh = claims
            .get("iat")
            .and_then(Value::as_u64)
            .is_some_and(|iat| iat.abs_diff(now) <= IAT_WINDOW_SECS);
        if !fresh {
            return Err(invalid(&format!(
                "The DPoP proof iat must be within {IAT_WINDOW_SECS} seconds of the server's time."
            )));
        }
        let jti = claim("jti")
            .filter(|j| !j.is_empty() && j.len() <= 256)
            .ok_or_else(|| invalid("The DPoP proof has no jti."))?;
        if let Some(token) = target.access_token {
            let expected = URL_SAFE_NO_PAD.encode(Sha256::digest(token.as_bytes()));
            if claim("ath") != Some(expected.as_str()) {
                return Err(invalid(
                    "The DPoP proof ath must be the SHA-256 hash of the access token.",
                ));
            }
        }
        if require_nonce && !claim("nonce").is_some_and(|n| self.nonce_is_current(n, now)) {
            return Err(OAuthError::use_dpop_nonce());
        }
        let jkt = thumbprint_p256(&key.x, &key.y);
        self.remember_jti(&jkt, jti, now)?;
        Ok(Some(DpopProof { jkt }))
    }

    /// Records `jti` (per key), refusing one seen before. Last of the checks, so a proof refused
    /// for another reason does not use up its `jti`.
    fn remember_jti(&self, jkt: &str, jti: &str, now: u64) -> Result<(), OAuthError> {
        let mut seen = self.seen_jtis.lock().unwrap_or_else(|e| e.into_inner());
        seen.retain(|_, expires_at| *expires_at > now);
        let key = URL_SAFE_NO_PAD.encode(Sha256::digest(format!("{jkt}.{jti}").as_bytes()));
        if seen.contains_key(&key) {
            return Err(invalid("The DPoP proof jti has been used before."));
        }
        if seen.len() >= REPLAY_CAPACITY {
            // Refuse rather than forget: forgetting would let a replay through.
            return Err(invalid("Too many DPoP proofs; try again shortly."));
        }
        // A proof stays acceptable while its iat is within the window of the clock, which
        // is at most two windows after now.
        seen.insert(key, now + 2 * IAT_WINDOW_SECS + 1);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The thumbprint of RFC 7517 Appendix A.1's EC key, computed independently with Python's
    /// hashlib over the canonical JSON `{"crv":"P-256","kty":"EC","x":"…","y":"…"}`.
    #[test]
    fn thumbprint_matches_an_independent_computation() {
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

    /// `htu` is compared without query and fragment.
    #[test]
    fn htu_ignores_query_and_fragment() {
        assert_eq!(
            without_query_and_fragment("http://h/oauth/token?a=1#f"),
            "http://h/oauth/token"
        );
        assert_eq!(
            without_query_and_fragment("http://h/oauth/token#f"),
            "http://h/oauth/token"
        );
    }

    /// A `jti` is refused while remembered, and forgotten once its proof could no longer pass
    /// the `iat` check; a full cache refuses rather than forgets.
    #[test]
    fn the_replay_cache_refuses_repeats_and_refuses_when_full() {
        let verifier = DpopVerifier::new(0);
        verifier.remember_jti("k", "a", 1_000).unwrap();
        let replay = verifier
            .remember_jti("k", "a", 1_000 + 2 * IAT_WINDOW_SECS)
            .unwrap_err();
        assert_eq!(replay.error, "invalid_dpop_proof");
        assert_eq!(
            replay.description,
            "The DPoP proof jti has been used before."
        );
        verifier.remember_jti("other-key", "a", 1_000).unwrap();
        verifier
            .remember_jti("k", "a", 1_001 + 2 * IAT_WINDOW_SECS)
            .unwrap();

        for n in 0..REPLAY_CAPACITY {
            let _ = verifier.remember_jti("k", &n.to_string(), 5_000);
        }
        let full = verifier.remember_jti("k", "one more", 5_000).unwrap_err();
        assert_eq!(full.status, axum::http::StatusCode::BAD_REQUEST);
        assert_eq!(full.description, "Too many DPoP proofs; try again shortly.");
    }

    /// The nonce rotates; the previous one stays good for one more lifetime.
    #[test]
    fn nonces_rotate_and_the_previous_one_is_still_accepted() {
        let verifier = DpopVerifier::new(1_000);
        let first = verifier.current_nonce(1_000);
        assert!(verifier.nonce_is_current(&first, 1_299));
        let second = verifier.current_nonce(1_300);
        assert_ne!(first, second);
        assert!(verifier.nonce_is_current(&first, 1_300));
        assert!(!verifier.nonce_is_current(&first, 1_600));
        assert!(!verifier.nonce_is_current("made-up", 1_600));
    }

    /// Nobody asked for two lifetimes: the first nonce expired and must stay expired.
    #[test]
    fn after_an_idle_spell_the_old_nonce_is_not_brought_back() {
        let verifier = DpopVerifier::new(1_000);
        let first = verifier.current_nonce(1_000);
        assert!(!verifier.nonce_is_current(&first, 1_700));
    }
}
