//! The browser's requests to the tenant's `/oauth/token`: the code exchange at the end of
//! sign-in and the refresh. Both post a form and read the same two kinds of answer.

use gloo_net::http::Request;

use crate::auth::public_config::PublicAuthConfig;
use crate::auth::token_response::{OAuthErrorBody, TokenResponse};

/// Why a token request gave no token set.
pub enum TokenEndpointError {
    /// No answer: the network, the tenant, or CORS.
    Unreachable,
    /// An error status; `reason` is the tenant's `error_description` (or `error`), if it sent one.
    Refused { status: u16, reason: Option<String> },
    /// A success whose body is not a token response.
    Unreadable(String),
}

/// Posts `form` (already `application/x-www-form-urlencoded`) to `{issuer}oauth/token`.
pub async fn request_tokens(
    config: &PublicAuthConfig,
    form: String,
) -> Result<TokenResponse, TokenEndpointError> {
    let response = Request::post(&config.token_endpoint())
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(form)
        .map_err(|_| TokenEndpointError::Unreachable)?
        .send()
        .await
        .map_err(|_| TokenEndpointError::Unreachable)?;
    if !response.ok() {
        let reason = response
            .json::<OAuthErrorBody>()
            .await
            .ok()
            .map(|body| body.error_description.unwrap_or(body.error));
        return Err(TokenEndpointError::Refused {
            status: response.status(),
            reason,
        });
    }
    response
        .json()
        .await
        .map_err(|e| TokenEndpointError::Unreadable(format!("unreadable token response: {e}")))
}
