//! The end of sign-in: check the callback, exchange the code, store the tokens.

use gloo_net::http::Request;

use super::{clock::now_secs, page_config, token_store, transaction_store};
use crate::auth::id_token::check_id_token;
use crate::auth::token_response::{OAuthErrorBody, TokenResponse};

/// What `/callback` received in its query string.
#[derive(Clone, Debug, Default)]
pub struct CallbackParams {
    pub code: Option<String>,
    pub state: Option<String>,
    pub error: Option<String>,
    pub error_description: Option<String>,
}

/// Why a sign-in could not be completed; each is shown with a "Sign in again" action.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CallbackError {
    #[error("Sign-in was cancelled or refused: {0}")]
    Denied(String),
    #[error("This sign-in link is not valid here: it was already used, or it was opened in another tab or browser.")]
    NoTransaction,
    #[error("This sign-in response does not match the sign-in this tab started, so it was ignored.")]
    StateMismatch,
    #[error("The sign-in service could not be reached. Check your connection and try again.")]
    TenantUnreachable,
    #[error("The sign-in could not be completed: {0}")]
    ExchangeFailed(String),
    #[error("The sign-in service sent an identity that does not check out: {0}")]
    InvalidIdToken(String),
    #[error("{0}")]
    Browser(String),
}

/// Completes sign-in and returns the path to land on. Nothing is stored unless every check passes.
pub async fn complete_sign_in(params: CallbackParams) -> Result<String, CallbackError> {
    if let Some(error) = params.error {
        // The transaction is spent either way: a retry starts a fresh one.
        transaction_store::clear();
        return Err(CallbackError::Denied(params.error_description.unwrap_or(error)));
    }
    let transaction = transaction_store::load().ok_or(CallbackError::NoTransaction)?;
    // The transaction is left in place on a mismatch, so a forged callback cannot spend the
    // sign-in this tab really started.
    if params.state.as_deref() != Some(transaction.state.as_str()) {
        return Err(CallbackError::StateMismatch);
    }
    let code = params
        .code
        .ok_or_else(|| CallbackError::ExchangeFailed("the response carried no code".into()))?;
    transaction_store::clear();

    let config = page_config::public_auth_config().map_err(CallbackError::Browser)?;
    let body = transaction.token_request_body(&config, &page_config::origin(), &code);
    let response = Request::post(&config.token_endpoint())
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body)
        .map_err(|e| CallbackError::Browser(e.to_string()))?
        .send()
        .await
        .map_err(|_| CallbackError::TenantUnreachable)?;
    if !response.ok() {
        let reason = match response.json::<OAuthErrorBody>().await {
            Ok(body) => body.error_description.unwrap_or(body.error),
            Err(_) => format!("the sign-in service answered {}", response.status()),
        };
        return Err(CallbackError::ExchangeFailed(reason));
    }
    let tokens: TokenResponse = response
        .json()
        .await
        .map_err(|e| CallbackError::ExchangeFailed(format!("unreadable token response: {e}")))?;

    let now = now_secs();
    let id_token = tokens
        .id_token
        .as_deref()
        .ok_or_else(|| CallbackError::InvalidIdToken("no ID token was returned".into()))?;
    check_id_token(id_token, &config.issuer, &config.client_id, Some(&transaction.nonce), now)
        .map_err(|e| CallbackError::InvalidIdToken(e.to_string()))?;

    token_store::save(&tokens, now).map_err(CallbackError::Browser)?;
    Ok(transaction.return_to)
}
