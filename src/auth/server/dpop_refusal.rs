//! [`DpopRefusal`]: the 401s of an API that takes DPoP (RFC 9449 §7.1). Each answer offers both
//! schemes — a `DPoP algs="…"` challenge and the `Bearer` one, since machine tokens stay bearer
//! — and puts the error in the challenge of the scheme it concerns.

use axum::http::HeaderValue;

use super::dpop_proof::{ProofError, DPOP_ALGS};
use super::rejection::quoted_string_safe;
use super::token_validator::TokenError;

/// `error_description` of [`DpopRefusal::UseNonce`], Auth0's wording.
const USE_NONCE: &str = "Resource server requires nonce in DPoP proof";

/// `error_description` of [`DpopRefusal::Busy`].
const BUSY: &str = "too many DPoP proofs at once; try again shortly";

/// Why a request was refused, with DPoP on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DpopRefusal {
    /// No token: both challenges, bare.
    Missing,
    /// A token sent as `Bearer` that did not validate: the error goes in the Bearer challenge.
    InvalidBearer(TokenError),
    /// A token refused under the DPoP rules — bound but sent as `Bearer`, sent as `DPoP` but not
    /// bound or not valid, a user's token without a binding: `invalid_token` in the DPoP
    /// challenge.
    InvalidToken(TokenError),
    /// A proof missing or failing a check: `invalid_dpop_proof`.
    InvalidProof(ProofError),
    /// A proof without the current server nonce, which goes in `DPoP-Nonce`: `use_dpop_nonce`.
    UseNonce(String),
    /// A good proof that could not be remembered (the replay cache is full): a 503 to retry
    /// shortly, never a reason to sign the client out.
    Busy,
}

impl DpopRefusal {
    /// The `WWW-Authenticate` values: the DPoP challenge first, then the Bearer one.
    pub fn challenges(&self) -> Vec<HeaderValue> {
        let algs = DPOP_ALGS.join(" ");
        let bare_bearer = r#"Bearer realm="api""#.to_owned();
        let (dpop, bearer) = match self {
            DpopRefusal::Missing | DpopRefusal::Busy => {
                (format!(r#"DPoP algs="{algs}""#), bare_bearer)
            }
            DpopRefusal::InvalidBearer(error) => (
                format!(r#"DPoP algs="{algs}""#),
                format!(
                    r#"Bearer realm="api", error="invalid_token", error_description="{}""#,
                    quoted_string_safe(&error.to_string())
                ),
            ),
            _ => {
                let (error, description) = self.error_body();
                (
                    format!(
                        r#"DPoP algs="{algs}", error="{error}", error_description="{}""#,
                        quoted_string_safe(&description)
                    ),
                    bare_bearer,
                )
            }
        };
        [dpop, bearer]
            .into_iter()
            .filter_map(|value| HeaderValue::from_str(&value).ok())
            .collect()
    }

    /// `(error, error_description)` for the JSON body.
    pub fn error_body(&self) -> (&'static str, String) {
        match self {
            DpopRefusal::Missing => ("invalid_request", "No access token was sent.".to_owned()),
            DpopRefusal::InvalidBearer(error) | DpopRefusal::InvalidToken(error) => {
                ("invalid_token", error.to_string())
            }
            DpopRefusal::InvalidProof(error) => ("invalid_dpop_proof", error.to_string()),
            DpopRefusal::UseNonce(_) => ("use_dpop_nonce", USE_NONCE.to_owned()),
            DpopRefusal::Busy => ("temporarily_unavailable", BUSY.to_owned()),
        }
    }

    /// The nonce the client must use next, for the `DPoP-Nonce` header.
    pub fn nonce(&self) -> Option<&str> {
        match self {
            DpopRefusal::UseNonce(nonce) => Some(nonce),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_go_in_the_challenge_of_the_scheme_they_concern() {
        assert_eq!(
            DpopRefusal::Missing.challenges(),
            [r#"DPoP algs="ES256""#, r#"Bearer realm="api""#]
        );
        assert_eq!(
            DpopRefusal::InvalidBearer(TokenError::Expired).challenges(),
            [
                r#"DPoP algs="ES256""#,
                r#"Bearer realm="api", error="invalid_token", error_description="the token has expired""#
            ]
        );
        assert_eq!(
            DpopRefusal::InvalidProof(ProofError::Htm).challenges(),
            [
                r#"DPoP algs="ES256", error="invalid_dpop_proof", error_description="the DPoP proof's htm is not this request's method""#,
                r#"Bearer realm="api""#
            ]
        );
        let nonce = DpopRefusal::UseNonce("n-1".into());
        assert_eq!(nonce.nonce(), Some("n-1"));
        assert_eq!(
            nonce.challenges()[0],
            r#"DPoP algs="ES256", error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof""#
        );
    }
}
