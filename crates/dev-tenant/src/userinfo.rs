//! `GET /userinfo`: the signed-in user's profile for a bearer access token that names
//! `{issuer}userinfo` in its audience (i.e. one issued with `openid`).

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::errors::OAuthError;
use crate::issue::add_profile_claims;
use crate::state::SharedState;
use crate::verify::verify;

/// `GET /userinfo`.
pub(crate) async fn userinfo(State(state): State<SharedState>, headers: HeaderMap) -> Response {
    let Some(token) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
    else {
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
