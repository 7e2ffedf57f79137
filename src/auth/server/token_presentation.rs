//! Whether a token was presented the way its kind requires: the rules around the validator.
//!
//! DPoP off: only `Bearer`, and a token bound to a key (`cnf`) is refused — accepting it as a
//! bearer token would undo its binding.
//!
//! DPoP on (RFC 9449 §7):
//! - `DPoP <token>`: the token validates (cached), is bound to a key (`cnf.jkt`), and comes with
//!   one proof by that key for this request (checked every time, [`DpopVerifier`]).
//! - `Bearer <token>`: a bound token is refused; so is a user's token without a binding — the
//!   browser always asks for bound tokens, so an unbound one was obtained around it (a script
//!   running its own sign-in to get tokens it can carry away). Machine tokens stay bearer.

use std::sync::Arc;

use axum::http::{HeaderMap, Method};

use super::bearer::{presented_token, Scheme};
use super::dpop_refusal::DpopRefusal;
use super::dpop_verifier::{DpopFailure, DpopVerifier, ProvenRequest};
use super::token_validator::{unix_now, TokenError};
use super::{AccessClaims, AuthRejection, TokenValidator};

/// What of a request decides who the caller is.
pub struct RequestHead<'a> {
    pub method: &'a Method,
    /// The path as the client asked for it, without the query (a proof's `htu` names it).
    pub path: &'a str,
    pub headers: &'a HeaderMap,
}

/// The claims of the request's token, if it is valid and presented as its kind requires.
pub async fn presented_claims(
    validator: &TokenValidator,
    request: &RequestHead<'_>,
) -> Result<Arc<AccessClaims>, AuthRejection> {
    let presented =
        presented_token(request.headers).map_err(|_| AuthRejection::SeveralAuthorizationHeaders)?;
    match validator.dpop() {
        None => bearer_only(validator, presented).await,
        Some(dpop) => with_dpop(validator, dpop, request, presented).await,
    }
}

async fn bearer_only(
    validator: &TokenValidator,
    presented: Option<(Scheme, &str)>,
) -> Result<Arc<AccessClaims>, AuthRejection> {
    let Some((Scheme::Bearer, token)) = presented else {
        return Err(AuthRejection::Missing);
    };
    let claims = validator
        .validate(token)
        .await
        .map_err(AuthRejection::Invalid)?;
    if claims.is_sender_constrained() {
        return Err(AuthRejection::Invalid(TokenError::BoundToKey));
    }
    Ok(claims)
}

async fn with_dpop(
    validator: &TokenValidator,
    dpop: &DpopVerifier,
    request: &RequestHead<'_>,
    presented: Option<(Scheme, &str)>,
) -> Result<Arc<AccessClaims>, AuthRejection> {
    let refuse = |refusal| Err(AuthRejection::Dpop(refusal));
    match presented {
        None => refuse(DpopRefusal::Missing),
        Some((Scheme::Bearer, token)) => {
            let claims = match validator.validate(token).await {
                Ok(claims) => claims,
                Err(error) => return refuse(DpopRefusal::InvalidBearer(error)),
            };
            if claims.is_sender_constrained() {
                return refuse(DpopRefusal::InvalidToken(TokenError::BoundToKey));
            }
            if !claims.is_machine() {
                return refuse(DpopRefusal::InvalidToken(TokenError::DpopRequired));
            }
            Ok(claims)
        }
        Some((Scheme::Dpop, token)) => {
            let claims = match validator.validate(token).await {
                Ok(claims) => claims,
                Err(error) => return refuse(DpopRefusal::InvalidToken(error)),
            };
            let Some(bound_jkt) = claims.dpop_jkt() else {
                return refuse(DpopRefusal::InvalidToken(TokenError::NotBoundToKey));
            };
            let proven = ProvenRequest {
                method: request.method.as_str(),
                path: request.path,
                headers: request.headers,
                access_token: token,
                bound_jkt,
            };
            match dpop.verify(&proven, unix_now()) {
                Ok(()) => Ok(claims),
                Err(DpopFailure::Proof(error)) => refuse(DpopRefusal::InvalidProof(error)),
                Err(DpopFailure::UseNonce(nonce)) => refuse(DpopRefusal::UseNonce(nonce)),
                Err(DpopFailure::Busy) => refuse(DpopRefusal::Busy),
            }
        }
    }
}
