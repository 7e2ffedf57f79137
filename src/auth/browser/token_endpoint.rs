//! The browser's requests to the tenant's `/oauth/token`: the code exchange at the end of
//! sign-in and the refresh. Both post a form and read the same two kinds of answer. With DPoP
//! on, each carries a fresh proof, and a tenant asking for a nonce (`use_dpop_nonce`) gets the
//! same request once more with it — safe, since the tenant refused it before spending anything.

use std::time::Duration;

use gloo_net::http::Request;

use super::dpop_key::KeyUse;
use super::dpop_proof::{make_proof, remember_nonce, ProofError, ProofRequest};
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
    /// DPoP is on and this browser could not make a proof (no WebCrypto or IndexedDB); nothing
    /// was sent.
    NoProof(String),
    /// DPoP is on and the key the tokens are bound to was deleted (a sign-out in another tab);
    /// nothing was sent.
    DpopKeyGone,
}

/// What one attempt gave, before the nonce retry.
enum Attempt {
    Done(Result<TokenResponse, TokenEndpointError>),
    /// The tenant wants a DPoP nonce, now remembered for the next proof.
    UseDpopNonce,
}

/// How long a token request may take before it is abandoned. A refresh is made while holding
/// the cross-tab lock: a tenant that never answers must not keep every other tab waiting.
pub const TOKEN_REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// Posts `form` (already `application/x-www-form-urlencoded`) to `{issuer}oauth/token`, and
/// gives up after [`TOKEN_REQUEST_TIMEOUT`] (the body included).
pub async fn request_tokens(
    config: &PublicAuthConfig,
    form: String,
    key_use: KeyUse,
) -> Result<TokenResponse, TokenEndpointError> {
    let abort = web_sys::AbortController::new().map_err(|_| TokenEndpointError::Unreachable)?;
    let timer = {
        let abort = abort.clone();
        leptos::prelude::set_timeout_with_handle(move || abort.abort(), TOKEN_REQUEST_TIMEOUT)
            .map_err(|_| TokenEndpointError::Unreachable)?
    };
    let outcome = match exchange(config, &form, key_use, &abort.signal()).await {
        Attempt::Done(outcome) => outcome,
        Attempt::UseDpopNonce => match exchange(config, &form, key_use, &abort.signal()).await {
            Attempt::Done(outcome) => outcome,
            Attempt::UseDpopNonce => Err(TokenEndpointError::Refused {
                status: 400,
                reason: Some("the sign-in service keeps asking for a new DPoP nonce".into()),
            }),
        },
    };
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
    form: &str,
    key_use: KeyUse,
    signal: &web_sys::AbortSignal,
) -> Attempt {
    let endpoint = config.token_endpoint();
    let mut request = Request::post(&endpoint)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .abort_signal(Some(signal));
    if config.dpop.is_on() {
        let proof = make_proof(ProofRequest {
            method: "POST".to_owned(),
            url: endpoint.clone(),
            access_token: None,
            key_use,
        })
        .await;
        match proof {
            Ok(proof) => request = request.header("DPoP", &proof),
            Err(ProofError::KeyGone) => return Attempt::Done(Err(TokenEndpointError::DpopKeyGone)),
            Err(ProofError::Failed(problem)) => {
                return Attempt::Done(Err(TokenEndpointError::NoProof(problem)))
            }
        }
    }
    let Ok(response) = request.body(form.to_owned()) else {
        return Attempt::Done(Err(TokenEndpointError::Unreachable));
    };
    let Ok(response) = response.send().await else {
        return Attempt::Done(Err(TokenEndpointError::Unreachable));
    };
    if let Some(nonce) = response.headers().get("DPoP-Nonce") {
        remember_nonce(&endpoint, &nonce);
    }
    if !response.ok() {
        let body = response.json::<OAuthErrorBody>().await.ok();
        if body
            .as_ref()
            .is_some_and(|body| body.error == "use_dpop_nonce")
        {
            return Attempt::UseDpopNonce;
        }
        return Attempt::Done(Err(TokenEndpointError::Refused {
            status: response.status(),
            reason: body.map(|body| body.error_description.unwrap_or(body.error)),
        }));
    }
    Attempt::Done(response.json().await.map_err(|e| {
        if signal.aborted() {
            TokenEndpointError::Unreachable
        } else {
            TokenEndpointError::Unreadable(format!("unreadable token response: {e}"))
        }
    }))
}
