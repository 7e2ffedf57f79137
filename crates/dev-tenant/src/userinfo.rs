//! `GET /userinfo`: the signed-in user's profile for an access token that names
//! `{issuer}userinfo` in its audience (i.e. one issued with `openid`).
//!
//! A Bearer token is taken as is. A DPoP-bound token (`cnf.jkt`) only comes with the `DPoP`
//! scheme and a proof by its key for `GET {issuer}userinfo` carrying the token's hash (RFC 9449
//! §7); sent as Bearer it is refused, so a stolen bound token is of no use here.

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use crate::dpop::ProofTarget;
use crate::errors::OAuthError;
use crate::issue::add_profile_claims;
use crate::state::{SharedState, TenantState};
use crate::verify::verify;

/// How the token was presented.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scheme {
    Bearer,
    Dpop,
}

/// The `Authorization` header's scheme and token (schemes are case-insensitive).
fn credentials(headers: &HeaderMap) -> Option<(Scheme, &str)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let scheme = if scheme.eq_ignore_ascii_case("bearer") {
        Scheme::Bearer
    } else if scheme.eq_ignore_ascii_case("dpop") {
        Scheme::Dpop
    } else {
        return None;
    };
    Some((scheme, token.trim())).filter(|(_, t)| !t.is_empty())
}

/// A token bound to a DPoP key needs the DPoP scheme and a proof by that key; an unbound one
/// needs the Bearer scheme.
fn check_binding(
    state: &TenantState,
    headers: &HeaderMap,
    scheme: Scheme,
    token: &str,
    claims: &Value,
) -> Result<(), OAuthError> {
    let bound = claims.pointer("/cnf/jkt").and_then(Value::as_str);
    let Some(bound) = bound else {
        return match scheme {
            Scheme::Bearer => Ok(()),
            Scheme::Dpop => Err(OAuthError::invalid_token(
                "The token is not DPoP-bound; send it with the Bearer scheme.",
            )),
        };
    };
    if scheme == Scheme::Bearer {
        return Err(OAuthError::invalid_token(
            "The token is DPoP-bound; send it with the DPoP scheme and a proof.",
        ));
    }
    let htu = state.config.endpoint("userinfo");
    let target = ProofTarget {
        htm: "GET",
        htu: &htu,
        access_token: Some(token),
    };
    // At a resource a bad proof is 401 (RFC 9449 §7.1), not the token endpoint's 400.
    let unauthorized = |mut e: OAuthError| {
        e.status = StatusCode::UNAUTHORIZED;
        e
    };
    let proof = state
        .dpop
        .check(headers, &target, state.clock.now(), false)
        .map_err(unauthorized)?
        .ok_or_else(|| unauthorized(OAuthError::invalid_dpop_proof("A DPoP proof is required.")))?;
    if proof.jkt != bound {
        return Err(unauthorized(OAuthError::invalid_dpop_proof(
            "The DPoP proof key is not the one the token is bound to.",
        )));
    }
    Ok(())
}

/// `GET /userinfo`.
pub(crate) async fn userinfo(State(state): State<SharedState>, headers: HeaderMap) -> Response {
    let Some((scheme, token)) = credentials(&headers) else {
        // RFC 6750 §3.1: a request with no credentials gets a bare challenge, no error code.
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer realm=\"dev-tenant\"")],
            "Unauthorized",
        )
            .into_response();
    };
    let audience = state.config.endpoint("userinfo");
    let claims = match verify(&state, token, Some(&audience), true) {
        Ok(claims) => claims,
        Err(rejection) => return OAuthError::invalid_token(rejection.describe()).into_response(),
    };
    if let Err(error) = check_binding(&state, &headers, scheme, token, &claims) {
        return error.into_response();
    }
    let sub = claims["sub"].as_str().unwrap_or_default();
    let Some(user) = state.config.user_by_subject(sub) else {
        return OAuthError::invalid_token("The token's user no longer exists.").into_response();
    };
    let scope: Vec<String> = claims["scope"]
        .as_str()
        .unwrap_or_default()
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    let mut body = json!({ "sub": sub });
    add_profile_claims(&mut body, user, &scope);
    Json(body).into_response()
}
