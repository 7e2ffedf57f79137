//! Validation of access tokens (DESIGN §5).

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{Algorithm, Validation};
use serde::Deserialize;

use super::access_claims::AccessClaims;
use super::jwks_cache::JwksCache;

/// Tokens longer than this are refused before any decoding (Auth0 tokens are ~1 KiB).
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
}

/// What the validator checks against.
#[derive(Clone, Debug)]
pub struct ValidatorSettings {
    /// Exact issuer, with Auth0's trailing `/`.
    pub issuer: String,
    /// The API identifier that `aud` must contain.
    pub audience: String,
    /// Accepted algorithms; the token's header can only choose among these.
    pub algorithms: Vec<Algorithm>,
    pub leeway: Duration,
}

impl ValidatorSettings {
    /// RS256 only, 5 s leeway.
    pub fn new(issuer: &str, audience: &str) -> Self {
        Self {
            issuer: issuer.to_owned(),
            audience: audience.to_owned(),
            algorithms: vec![Algorithm::RS256],
            leeway: DEFAULT_LEEWAY,
        }
    }
}

/// The header fields we look at. Unknown fields (`jku`, `x5u`, `jwk`, …) are ignored: keys
/// come only from the configured tenant's key set, never from the token.
#[derive(Deserialize)]
struct TokenHeader {
    alg: String,
    #[serde(default)]
    kid: Option<String>,
    #[serde(default)]
    crit: Option<serde_json::Value>,
}

/// Validates bearer tokens for one issuer and audience.
pub struct TokenValidator {
    settings: ValidatorSettings,
    keys: Arc<JwksCache>,
}

impl TokenValidator {
    pub fn new(settings: ValidatorSettings, keys: Arc<JwksCache>) -> Self {
        Self { settings, keys }
    }

    pub fn keys(&self) -> &Arc<JwksCache> {
        &self.keys
    }

    /// Checks the token and returns its claims.
    pub async fn validate(&self, token: &str) -> Result<AccessClaims, TokenError> {
        if token.len() > MAX_TOKEN_BYTES {
            return Err(TokenError::TooLarge);
        }
        let header = decode_header(token)?;
        // The algorithm must be on our list before anything else is looked at.
        let alg: Algorithm = header
            .alg
            .parse()
            .map_err(|_| TokenError::AlgorithmNotAllowed)?;
        if !self.settings.algorithms.contains(&alg) {
            return Err(TokenError::AlgorithmNotAllowed);
        }
        if header.crit.is_some() {
            return Err(TokenError::UnsupportedCritical);
        }
        let kid = header.kid.ok_or(TokenError::MissingKid)?;
        let key = self.keys.key(&kid).await.ok_or(TokenError::UnknownKey)?;
        if key.alg.is_some_and(|key_alg| key_alg != alg) {
            return Err(TokenError::AlgorithmNotAllowed);
        }

        let mut validation = Validation::new(alg);
        validation.set_issuer(&[&self.settings.issuer]);
        validation.set_audience(&[&self.settings.audience]);
        validation.required_spec_claims = HashSet::from(["exp", "iss", "aud"].map(str::to_owned));
        validation.leeway = self.settings.leeway.as_secs();
        validation.validate_nbf = true;
        let data = jsonwebtoken::decode::<AccessClaims>(token, &key.key, &validation)
            .map_err(map_jwt_error)?;
        Ok(data.claims)
    }
}

fn decode_header(token: &str) -> Result<TokenHeader, TokenError> {
    let mut segments = token.split('.');
    let (Some(header), Some(_), Some(_), None) = (
        segments.next(),
        segments.next(),
        segments.next(),
        segments.next(),
    ) else {
        return Err(TokenError::Malformed);
    };
    let bytes = URL_SAFE_NO_PAD
        .decode(header)
        .map_err(|_| TokenError::Malformed)?;
    serde_json::from_slice(&bytes).map_err(|_| TokenError::Malformed)
}

fn map_jwt_error(error: jsonwebtoken::errors::Error) -> TokenError {
    use jsonwebtoken::errors::ErrorKind;
    match error.kind() {
        ErrorKind::InvalidSignature => TokenError::BadSignature,
        ErrorKind::ExpiredSignature => TokenError::Expired,
        ErrorKind::ImmatureSignature => TokenError::NotYetValid,
        ErrorKind::InvalidIssuer => TokenError::WrongIssuer,
        ErrorKind::InvalidAudience => TokenError::WrongAudience,
        ErrorKind::InvalidAlgorithm => TokenError::AlgorithmNotAllowed,
        ErrorKind::MissingRequiredClaim(_)
        | ErrorKind::InvalidClaimFormat(_)
        | ErrorKind::Json(_) => TokenError::BadClaims,
        _ => TokenError::Malformed,
    }
}
