//! Verifying tokens the tenant issued itself (`/userinfo` bearer tokens, `id_token_hint`).

use jsonwebtoken::{Algorithm, Validation};
use serde_json::Value;

use crate::state::TenantState;

/// Why a token was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rejection {
    Malformed,
    UnknownKey,
    BadSignatureOrClaims,
    Expired,
}

impl Rejection {
    pub fn describe(self) -> &'static str {
        match self {
            Self::Malformed => "The token is malformed.",
            Self::UnknownKey => "The token was not signed by a key of this tenant.",
            Self::BadSignatureOrClaims => "The token's signature, issuer or audience is invalid.",
            Self::Expired => "The token has expired.",
        }
    }
}

/// Verifies an RS256 token signed by one of the tenant's keys, issued by this issuer, whose
/// `aud` contains `audience` (when given). `check_expiry` is false for `id_token_hint`, which
/// OpenID lets be expired.
pub(crate) fn verify(
    state: &TenantState,
    token: &str,
    audience: Option<&str>,
    check_expiry: bool,
) -> Result<Value, Rejection> {
    let header = jsonwebtoken::decode_header(token).map_err(|_| Rejection::Malformed)?;
    // The algorithm is fixed here, never taken from the header.
    if header.alg != Algorithm::RS256 {
        return Err(Rejection::Malformed);
    }
    let key = header
        .kid
        .and_then(|kid| state.keys.find(&kid))
        .ok_or(Rejection::UnknownKey)?;
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_issuer(&[&state.config.issuer]);
    match audience {
        Some(aud) => validation.set_audience(&[aud]),
        None => validation.validate_aud = false,
    }
    // Expiry is checked below against the tenant's clock, which tests can move forward;
    // the library only knows the wall clock.
    validation.validate_exp = false;
    validation.required_spec_claims.clear();
    let claims = jsonwebtoken::decode::<Value>(token, &key.decoding_key(), &validation)
        .map_err(|_| Rejection::BadSignatureOrClaims)?
        .claims;
    let exp = claims["exp"]
        .as_u64()
        .ok_or(Rejection::BadSignatureOrClaims)?;
    if check_expiry && exp <= state.clock.now() {
        return Err(Rejection::Expired);
    }
    Ok(claims)
}
