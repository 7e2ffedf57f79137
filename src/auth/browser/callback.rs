//! The end of sign-in: check the callback, exchange the code, store the tokens.

use super::dpop_key::KeyUse;
use super::token_endpoint::{request_tokens, TokenEndpointError};
use super::{clock::now_secs, page_config, token_store, transaction_store};
use crate::auth::callback_check::accept_callback;
pub use crate::auth::callback_check::{CallbackError, CallbackParams};
use crate::auth::id_token::check_id_token;

/// Completes sign-in and returns the path to land on. Nothing is stored unless every check passes.
pub async fn complete_sign_in(params: CallbackParams) -> Result<String, CallbackError> {
    let transaction = transaction_store::load();
    let code = accept_callback(&params, transaction.as_ref());
    if matches!(code, Err(CallbackError::Denied(_))) {
        // The tenant really ended this sign-in: a retry starts a fresh one.
        transaction_store::clear();
    }
    // On a state mismatch, or an error that is not this tab's, the transaction is left in
    // place, so a forged callback cannot spend the sign-in this tab really started.
    let code = code?;
    let transaction = transaction.ok_or(CallbackError::NoTransaction)?;
    transaction_store::clear();

    let config = page_config::public_auth_config().map_err(CallbackError::Browser)?;
    let body = transaction.token_request_body(&config, &page_config::origin(), &code);
    let tokens = request_tokens(&config, body, KeyUse::NewBinding)
        .await
        .map_err(|error| match error {
            TokenEndpointError::Unreachable | TokenEndpointError::TimedOut => {
                CallbackError::TenantUnreachable
            }
            TokenEndpointError::Refused { status, reason } => CallbackError::ExchangeFailed(
                reason.unwrap_or_else(|| format!("the sign-in service answered {status}")),
            ),
            TokenEndpointError::Unreadable(message) => CallbackError::ExchangeFailed(message),
            TokenEndpointError::NoProof(problem) => CallbackError::ExchangeFailed(format!(
                "this browser could not make a DPoP proof ({problem})"
            )),
            // The code exchange makes the key when there is none, so it is never gone.
            TokenEndpointError::DpopKeyGone => {
                CallbackError::ExchangeFailed("this browser could not make a DPoP proof".into())
            }
        })?;

    let now = now_secs();
    let id_token = tokens
        .id_token
        .as_deref()
        .ok_or_else(|| CallbackError::InvalidIdToken("no ID token was returned".into()))?;
    check_id_token(
        id_token,
        config.issuer.as_str(),
        config.client_id.as_str(),
        Some(&transaction.nonce),
        now,
    )
    .map_err(|e| CallbackError::InvalidIdToken(e.to_string()))?;

    token_store::save(&tokens, now).map_err(CallbackError::Browser)?;
    Ok(transaction.return_to)
}
