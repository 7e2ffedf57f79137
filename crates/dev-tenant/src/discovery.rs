//! `/.well-known/openid-configuration` and `/.well-known/jwks.json`.

use std::sync::atomic::Ordering;

use axum::extract::State;
use axum::response::IntoResponse;
use axum::Json;
use serde_json::json;

use crate::dpop;
use crate::state::SharedState;

/// The OpenID Provider metadata, shaped like Auth0's.
pub(crate) async fn openid_configuration(State(state): State<SharedState>) -> impl IntoResponse {
    let c = &state.config;
    Json(json!({
        "issuer": c.issuer,
        "authorization_endpoint": c.endpoint("authorize"),
        "token_endpoint": c.endpoint("oauth/token"),
        "userinfo_endpoint": c.endpoint("userinfo"),
        "jwks_uri": c.endpoint(".well-known/jwks.json"),
        "end_session_endpoint": c.endpoint("oidc/logout"),
        "revocation_endpoint": c.endpoint("oauth/revoke"),
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "code_challenge_methods_supported": ["S256"],
        "dpop_signing_alg_values_supported": dpop::SIGNING_ALGS,
        "claims_supported": [
            "aud", "auth_time", "email", "email_verified", "exp", "iat", "iss", "name",
            "nickname", "nonce", "picture", "sid", "sub"
        ],
        "request_uri_parameter_supported": false,
    }))
}

/// The public signing keys. Counts fetches so tests can assert how often clients ask.
pub(crate) async fn jwks(State(state): State<SharedState>) -> impl IntoResponse {
    state.counters.jwks_fetches.fetch_add(1, Ordering::SeqCst);
    Json(json!({ "keys": state.keys.jwks() }))
}
