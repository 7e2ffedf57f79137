//! `POST /oauth/revoke`: revokes a refresh token and its whole family (RFC 7009, as Auth0
//! does it). The client authenticates as at the token endpoint. Unknown tokens get the same
//! 200 as known ones, so the endpoint cannot be used to test whether a token exists.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::errors::OAuthError;
use crate::request::{authenticate, Params};
use crate::state::{SharedState, TenantState};

/// `POST /oauth/revoke`.
pub(crate) async fn revoke(
    State(state): State<SharedState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match handle(&state, &headers, &body) {
        Ok(()) => StatusCode::OK.into_response(),
        Err(error) => error.into_response(),
    }
}

fn handle(state: &TenantState, headers: &HeaderMap, body: &[u8]) -> Result<(), OAuthError> {
    let params = Params::parse(headers, body)?;
    let client = authenticate(state, headers, &params)?;
    let token = params.require("token")?;
    let revoked = state
        .refresh
        .revoke(token, &client.client_id)
        .map_err(|e| OAuthError::server_error(&e))?;
    tracing::debug!(client_id = %client.client_id, revoked, "revocation request");
    Ok(())
}
