//! Validation of access tokens (DESIGN §5).
//!
//! The order of the checks is part of the design: size, shape and base64 first; then the
//! header's algorithm against the allow-list and `crit`, before any key is looked up; then the
//! key by `kid` (never from `jku`, `x5u`, `jwk` or `x5c`, which are ignored); then the
//! signature; and only then the payload, parsed strictly into [`AccessClaims`] and checked for
//! issuer, audience and time.
//!
//! The signature is checked with aws-lc-rs directly, against keys parsed once per key-set
//! fetch: `jsonwebtoken::decode` (same backend) rebuilds the RSA key from `n`/`e` on every
//! call and parses the claims twice, which the `token_validation` bench shows costs more than
//! the RSA check itself leaves room for.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::de::IgnoredAny;
use serde::Deserialize;

use super::access_claims::{present, AccessClaims};
use super::dpop_verifier::DpopVerifier;
use super::jwks_cache::{JwksCache, JwksSettings};
use super::signing_algorithm::SigningAlgorithm;
use super::verified_token_cache::{VerifiedTokenCache, DEFAULT_CAPACITY};
use crate::auth::{Audience, Issuer};

/// Default limit on a token's length: tokens over it are refused before any decoding (Auth0
/// access tokens are about 1 KiB).
pub const MAX_TOKEN_BYTES: usize = 8 * 1024;
/// Default clock leeway, the same as Auth0's own Node validator.
pub const DEFAULT_LEEWAY: Duration = Duration::from_secs(5);

/// Why a token was refused. The text is safe to send back in `error_description`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("the token is too large")]
    TooLarge,
    #[error("the token is not a well-formed JWT")]
    Malformed,
    #[error("the token's algorithm is not accepted")]
    AlgorithmNotAllowed,
    #[error("the token has no key id (kid)")]
    MissingKid,
    #[error("the token names a critical extension this server does not support")]
    UnsupportedCritical,
    #[error("the token was signed with an unknown key")]
    UnknownKey,
    #[error("the token's signature is invalid")]
    BadSignature,
    #[error("the token has expired")]
    Expired,
    #[error("the token is not valid yet")]
    NotYetValid,
    #[error("the token was issued by another issuer")]
    WrongIssuer,
    #[error("the token is meant for another audience")]
    WrongAudience,
    #[error("the token lacks a required claim or has one of the wrong type")]
    BadClaims,
    // How the token was presented rather than what it says (DPoP, RFC 9449 §7).
    #[error("the token is bound to a DPoP key: send it with the DPoP scheme and a proof made with that key")]
    BoundToKey,
    #[error("the token is not bound to a DPoP key: send it with the Bearer scheme")]
    NotBoundToKey,
    #[error("this API takes a user's token only bound to a DPoP key: sign in again")]
    DpopRequired,
}

/// What the validator checks against.
#[derive(Clone, Debug)]
pub struct ValidatorSettings {
    /// Exact issuer, with Auth0's trailing `/`.
    pub issuer: Issuer,
    /// The API identifier that `aud` must contain.
    pub audience: Audience,
    /// Accepted algorithms (default RS256 only); the token's header can only choose among
    /// these, and the type admits RSA algorithms only.
    pub algorithms: Vec<SigningAlgorithm>,
    /// Clock leeway for `exp` and `nbf` (default 5 s).
    pub leeway: Duration,
    /// Longest token accepted (default 8 KiB).
    pub max_token_bytes: usize,
    /// How many verified tokens are remembered (default 10 000; zero turns the cache off).
    pub cache_capacity: usize,
}

impl ValidatorSettings {
    /// RS256 only, 5 s leeway, 8 KiB tokens, 10 000 cached tokens.
    pub fn new(issuer: &Issuer, audience: &Audience) -> Self {
        Self {
            issuer: issuer.clone(),
            audience: audience.clone(),
            algorithms: vec![SigningAlgorithm::RS256],
            leeway: DEFAULT_LEEWAY,
            max_token_bytes: MAX_TOKEN_BYTES,
            cache_capacity: DEFAULT_CAPACITY,
        }
    }
}

/// The header fields we look at. Other fields (`jku`, `x5u`, `jwk`, `x5c`, `typ`, …) are
/// ignored: keys come only from the configured tenant's key set, never from the token.
#[derive(Deserialize)]
struct TokenHeader {
    alg: String,
    #[serde(default, deserialize_with = "present")]
    kid: Option<String>,
    /// Any `crit` at all, even `null`: this validator understands no extension.
    #[serde(default, deserialize_with = "present")]
    crit: Option<IgnoredAny>,
}

/// Validates bearer tokens for one issuer and audience, remembering the ones it verified.
pub struct TokenValidator {
    settings: ValidatorSettings,
    keys: Arc<JwksCache>,
    verified: VerifiedTokenCache,
    /// With DPoP on: the proofs' checks, per request (`token_presentation`).
    dpop: Option<DpopVerifier>,
}

impl TokenValidator {
    /// A validator whose keys come from `settings.issuer`'s discovery document. No key is held
    /// until `keys().refresh()` (see `startup::spawn_key_refresh`).
    pub fn new(settings: ValidatorSettings, jwks: JwksSettings) -> Self {
        let keys = Arc::new(JwksCache::new(&settings.issuer, jwks, &settings.algorithms));
        let verified = VerifiedTokenCache::new(settings.cache_capacity);
        Self {
            settings,
            keys,
            verified,
            dpop: None,
        }
    }

    /// This validator, also taking DPoP-bound tokens with their proofs (DPoP on).
    pub fn with_dpop(mut self, dpop: DpopVerifier) -> Self {
        self.dpop = Some(dpop);
        self
    }

    pub fn keys(&self) -> &Arc<JwksCache> {
        &self.keys
    }

    /// The DPoP proof checks, when DPoP is on.
    pub fn dpop(&self) -> Option<&DpopVerifier> {
        self.dpop.as_ref()
    }

    /// Checks the token and returns its claims: from the verified-token cache when the same
    /// token was verified before, otherwise by every check of DESIGN §5.
    pub async fn validate(&self, token: &str) -> Result<Arc<AccessClaims>, TokenError> {
        if token.len() > self.settings.max_token_bytes {
            return Err(TokenError::TooLarge);
        }
        let key_generation = self.keys.generation();
        if let Some(claims) = self.verified.get(token, unix_now(), key_generation) {
            return Ok(claims);
        }
        let claims = Arc::new(self.verify(token).await?);
        // A fresh `now`: the key lookup may have waited for a key-set fetch.
        self.verified
            .insert(token, claims.clone(), unix_now(), key_generation);
        Ok(claims)
    }

    /// Forgets a verified token, so its next validation runs every check again.
    pub fn forget(&self, token: &str) {
        self.verified.remove(token);
    }

    /// How many verified tokens are remembered.
    pub fn remembered_tokens(&self) -> usize {
        self.verified.len()
    }

    async fn verify(&self, token: &str) -> Result<AccessClaims, TokenError> {
        let (signing_input, signature) = token.rsplit_once('.').ok_or(TokenError::Malformed)?;
        let (header, payload) = signing_input.split_once('.').ok_or(TokenError::Malformed)?;
        if payload.contains('.') {
            return Err(TokenError::Malformed);
        }
        let header: TokenHeader = json_object(&base64url(header)?).ok_or(TokenError::Malformed)?;
        let payload = base64url(payload)?;
        let signature = base64url(signature)?;

        // The allow-list decides, before any key is looked up; the header only picks from it.
        let alg = SigningAlgorithm::from_name(&header.alg)
            .filter(|alg| self.settings.algorithms.contains(alg))
            .ok_or(TokenError::AlgorithmNotAllowed)?;
        if header.crit.is_some() {
            return Err(TokenError::UnsupportedCritical);
        }
        let kid = header.kid.ok_or(TokenError::MissingKid)?;
        let key = self.keys.key(&kid).await.ok_or(TokenError::UnknownKey)?;
        // `None` when the key's own `alg` names another algorithm.
        let public_key = key.verifier(alg).ok_or(TokenError::AlgorithmNotAllowed)?;
        public_key
            .verify_sig(signing_input.as_bytes(), &signature)
            .map_err(|_| TokenError::BadSignature)?;

        let claims: AccessClaims = json_object(&payload).ok_or(TokenError::BadClaims)?;
        if claims.iss != self.settings.issuer.as_str() {
            return Err(TokenError::WrongIssuer);
        }
        if !claims.aud.contains(self.settings.audience.as_str()) {
            return Err(TokenError::WrongAudience);
        }
        let now = unix_now();
        let leeway = self.settings.leeway.as_secs();
        if now >= claims.exp.saturating_add(leeway) {
            return Err(TokenError::Expired);
        }
        if claims
            .nbf
            .is_some_and(|nbf| nbf > now.saturating_add(leeway))
        {
            return Err(TokenError::NotYetValid);
        }
        Ok(claims)
    }
}

/// Seconds since the Unix epoch.
pub(super) fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// A base64url segment without padding (RFC 7515 §2); anything else is malformed.
fn base64url(segment: &str) -> Result<Vec<u8>, TokenError> {
    URL_SAFE_NO_PAD
        .decode(segment)
        .map_err(|_| TokenError::Malformed)
}

/// `bytes` as a JSON object of type `T`. A JSON array would otherwise fill a struct by
/// position; JWS headers and JWT claim sets must be objects.
fn json_object<T: for<'de> Deserialize<'de>>(bytes: &[u8]) -> Option<T> {
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace())?;
    if *first != b'{' {
        return None;
    }
    serde_json::from_slice(bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_lc_rs::rsa::{KeyPair, KeySize, PublicKeyComponents};
    use aws_lc_rs::signature::{KeyPair as _, RsaEncoding, RSA_PKCS1_SHA256, RSA_PKCS1_SHA512};

    const ISSUER: &str = "https://tenant.example/";
    const AUDIENCE: &str = "https://api.example";

    fn b64(bytes: impl AsRef<[u8]>) -> String {
        URL_SAFE_NO_PAD.encode(bytes)
    }

    /// A validator allowing `algorithms`, holding `pair` as key `k1` with JWK `alg` = `key_alg`.
    fn validator(
        pair: &KeyPair,
        algorithms: &[SigningAlgorithm],
        key_alg: Option<&str>,
    ) -> TokenValidator {
        let public = PublicKeyComponents::<Vec<u8>>::from(pair.public_key());
        let mut jwk = serde_json::json!({ "kty": "RSA", "kid": "k1", "n": b64(&public.n), "e": b64(&public.e) });
        if let Some(alg) = key_alg {
            jwk["alg"] = alg.into();
        }
        let settings = ValidatorSettings {
            algorithms: algorithms.to_vec(),
            ..ValidatorSettings::new(
                &Issuer::from_checked(ISSUER.into()),
                &Audience::from_checked(AUDIENCE.into()),
            )
        };
        let validator = TokenValidator::new(settings, JwksSettings::default());
        let document = serde_json::json!({ "keys": [jwk] }).to_string();
        validator.keys().load_key_set(document.as_bytes()).unwrap();
        validator
    }

    fn sign(pair: &KeyPair, alg: &str, encoding: &'static dyn RsaEncoding) -> String {
        let header = serde_json::json!({ "alg": alg, "kid": "k1" });
        let claims = serde_json::json!({ "iss": ISSUER, "sub": "s", "aud": AUDIENCE, "exp": unix_now() + 60 });
        let input = format!("{}.{}", b64(header.to_string()), b64(claims.to_string()));
        let mut signature = vec![0; pair.public_modulus_len()];
        let rng = aws_lc_rs::rand::SystemRandom::new();
        pair.sign(encoding, &rng, input.as_bytes(), &mut signature)
            .unwrap();
        format!("{input}.{}", b64(signature))
    }

    fn validate(validator: &TokenValidator, token: &str) -> Result<Arc<AccessClaims>, TokenError> {
        futures::executor::block_on(validator.validate(token))
    }

    /// The key's own `alg` narrows the allow-list: an RS256 key does not verify RS512 tokens
    /// even where RS512 is allowed, and a key without `alg` serves every allowed algorithm.
    #[test]
    fn a_keys_alg_is_respected_and_the_allow_list_is_configurable() {
        let pair = KeyPair::generate(KeySize::Rsa2048).unwrap();
        let both = [SigningAlgorithm::RS256, SigningAlgorithm::RS512];
        let rs512 = sign(&pair, "RS512", &RSA_PKCS1_SHA512);
        let rs256 = sign(&pair, "RS256", &RSA_PKCS1_SHA256);

        let pinned = validator(&pair, &both, Some("RS256"));
        assert!(validate(&pinned, &rs256).is_ok());
        assert_eq!(
            validate(&pinned, &rs512).unwrap_err(),
            TokenError::AlgorithmNotAllowed
        );

        let open = validator(&pair, &both, None);
        assert!(validate(&open, &rs512).is_ok());

        let default = validator(&pair, &[SigningAlgorithm::RS256], None);
        assert_eq!(
            validate(&default, &rs512).unwrap_err(),
            TokenError::AlgorithmNotAllowed
        );
    }

    /// A token whose header says RS256 but whose signature is RS512 fails as a bad signature:
    /// the header cannot make the validator use another algorithm than the one it names.
    #[test]
    fn the_signature_must_match_the_named_algorithm() {
        let pair = KeyPair::generate(KeySize::Rsa2048).unwrap();
        let v = validator(
            &pair,
            &[SigningAlgorithm::RS256, SigningAlgorithm::RS512],
            None,
        );
        let lying = sign(&pair, "RS256", &RSA_PKCS1_SHA512);
        assert_eq!(validate(&v, &lying).unwrap_err(), TokenError::BadSignature);
    }

    /// A key republished under the same `kid` with other material drops the verdicts the old
    /// key produced: a token it verified is refused once the new set is loaded.
    #[test]
    fn a_kid_republished_with_other_material_forgets_what_the_old_key_verified() {
        let old = KeyPair::generate(KeySize::Rsa2048).unwrap();
        let new = KeyPair::generate(KeySize::Rsa2048).unwrap();
        let v = validator(&old, &[SigningAlgorithm::RS256], None);
        let token = sign(&old, "RS256", &RSA_PKCS1_SHA256);
        assert!(validate(&v, &token).is_ok());
        assert_eq!(v.remembered_tokens(), 1);

        let public = PublicKeyComponents::<Vec<u8>>::from(new.public_key());
        let jwk = serde_json::json!({ "kty": "RSA", "kid": "k1", "n": b64(&public.n), "e": b64(&public.e) });
        let document = serde_json::json!({ "keys": [jwk] }).to_string();
        v.keys().load_key_set(document.as_bytes()).unwrap();
        assert_eq!(validate(&v, &token).unwrap_err(), TokenError::BadSignature);
    }

    #[test]
    fn headers_must_be_objects_with_a_string_alg() {
        assert!(json_object::<TokenHeader>(br#"{"alg":"RS256","kid":"k"}"#).is_some());
        assert!(json_object::<TokenHeader>(br#"["RS256","k"]"#).is_none());
        assert!(json_object::<TokenHeader>(br#"{"alg":256}"#).is_none());
        assert!(json_object::<TokenHeader>(br#"{"alg":"RS256","kid":7}"#).is_none());
        assert!(json_object::<TokenHeader>(br#"{"alg":"RS256","alg":"none"}"#).is_none());
    }

    #[test]
    fn any_crit_is_noticed_even_null() {
        for crit in ["null", "[]", r#"["b64"]"#, "7"] {
            let header = format!(r#"{{"alg":"RS256","kid":"k","crit":{crit}}}"#);
            let header: TokenHeader = json_object(header.as_bytes()).unwrap();
            assert!(header.crit.is_some(), "{crit}");
        }
    }

    #[test]
    fn padded_or_standard_base64_is_malformed() {
        assert!(base64url("eyJhIjoxfQ").is_ok());
        assert_eq!(base64url("eyJhIjoxfQ=="), Err(TokenError::Malformed));
        assert_eq!(base64url("ab+/"), Err(TokenError::Malformed));
    }
}
