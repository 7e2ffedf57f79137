//! The browser's requests to the tenant's `/oauth/token`: the code exchange at the end of
//! sign-in and the refresh. Both post a form and read the same two kinds of answer.

use std::time::Duration;

use gloo_net::http::Request;

use crate::auth::public_config::PublicAuthConfig;
use crate::auth::token_response::{OAuthErrorBody, TokenResponse};

/// Why a token request gave no token set.
pub enum TokenEndpointError {
    /// No answer: the network, the tenant, or CORS.
    Unreachable,
    /// No answer within [`TOKEN_REQUEST_TIMEOUT`]; the request was abandoned. Whether the tenant
    /// acted on it is unknown, so it is not sent again.
    TimedOut,
    /// An error status; `reason` is the tenant's `error_description` (or `error`), if it sent one.
    Refused { status: u16, reason: Option<String> },
    /// A success whose body is not a token response.
    Unreadable(String),
}

/// How long a token request may take before it is abandoned. A refresh is made while holding
/// the cross-tab lock: a tenant that never answers must not keep every other tab waiting.
pub const TOKEN_REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// Posts `form` (already `application/x-www-form-urlencoded`) to `{issuer}oauth/token`, and
/// gives up after [`TOKEN_REQUEST_TIMEOUT`] (the body included).
pub async fn request_tokens(
    config: &PublicAuthConfig,
    form: String,
) -> Result<TokenResponse, TokenEndpointError> {
    let abort = web_sys::AbortController::new().map_err(|_| TokenEndpointError::Unreachable)?;
    let timer = {
        let abort = abort.clone();
        leptos::prelude::set_timeout_with_handle(move || abort.abort(), TOKEN_REQUEST_TIMEOUT)
            .map_err(|_| TokenEndpointError::Unreachable)?
    };
    let outcome = exchange(config, form, &abort.signal()).await;
    timer.clear();
    match outcome {
        Err(TokenEndpointError::Unreachable) if abort.signal().aborted() => {
            Err(TokenEndpointError::TimedOut)
        }
        other => other,
    }
}

async fn exchange(
    config: &PublicAuthConfig,
    form: String,
    signal: &web_sys::AbortSignal,
) -> Result<TokenResponse, TokenEndpointError> {
    let response = Request::post(&config.token_endpoint())
        .header("Content-Type", "application/x-www-form-urlencoded")
        .abort_signal(Some(signal))
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
    response.json().await.map_err(|e| {
        if signal.aborted() {
            TokenEndpointError::Unreachable
        } else {
            TokenEndpointError::Unreadable(format!("unreadable token response: {e}"))
        }
    })
}
