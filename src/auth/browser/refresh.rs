//! Renewing the access token with the rotating refresh token, one tab at a time.

use std::time::Duration;

use super::clock::now_secs;
use super::cross_tab_lock::{sleep, with_cross_tab_lock};
use super::dpop_key::KeyUse;
use super::dpop_proof::ProofError;
use super::token_endpoint::{request_tokens, TokenEndpointError, TOKEN_REQUEST_TIMEOUT};
use super::{page_config, refresh_ledger, token_store};
use crate::auth::dangerous::decode_unverified_payload;
use crate::auth::id_token::{check_refreshed_id_token, IdTokenClaims};
use crate::auth::token_response::TokenResponse;
use crate::wasm_chunks::in_chunk;

/// The cross-tab lock under which the token set changes: refreshes, and sign-out.
pub(super) const LOCK_NAME: &str = "aura-token-refresh";

/// How long the lock is kept after new tokens are stored when the browser offers no IndexedDB
/// (the ledger cannot be written): localStorage reaches the other tabs' renderer processes
/// asynchronously, and this is the best that can be done without a consistent store.
const STORAGE_SETTLE_WITHOUT_LEDGER: Duration = Duration::from_millis(300);

/// Why a refresh is asked for; it decides whether another tab's refresh already answers it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefreshReason {
    /// The access token is about to expire.
    Due,
    /// The server refused the access token.
    Rejected,
    /// The shopper pressed "Refresh now".
    Manual,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RefreshError {
    #[error("there is no refresh token")]
    NoRefreshToken,
    #[error("the sign-in service refused to renew the session: {0}")]
    Rejected(String),
    #[error("the sign-in service could not be reached")]
    Unreachable,
}

/// Whether the access token is due for a refresh now.
pub fn is_due() -> bool {
    token_store::refresh_at().is_some_and(|at| at <= now_secs())
}

in_chunk!(
    signed_in,
    /// Refreshes the token set unless another tab already did it while this one waited. In the
    /// `signed_in` chunk of a split build: the exchange, the ID-token check and the cross-tab
    /// lock are needed only when a refresh is due or a call was refused.
    pub async fn refresh(reason: RefreshReason) -> Result<(), RefreshError> {
        refresh_now(reason).await
    }
);

async fn refresh_now(reason: RefreshReason) -> Result<(), RefreshError> {
    let seen = token_store::refresh_token();
    if !token_store::shared_by_tabs() {
        // sessionStorage or memory: this tab's own set, nobody to agree with.
        return refresh_unless_renewed(reason, seen, false).await;
    }
    // Two token requests and the second between them (see `refresh_unless_renewed`).
    let longest_hold = 2 * TOKEN_REQUEST_TIMEOUT + Duration::from_secs(1);
    with_cross_tab_lock(
        LOCK_NAME,
        longest_hold,
        refresh_unless_renewed(reason, seen, true),
    )
    .await
}

/// The work done under the lock. `seen` is the refresh token this tab held when it asked.
async fn refresh_unless_renewed(
    reason: RefreshReason,
    seen: Option<String>,
    shared: bool,
) -> Result<(), RefreshError> {
    let mut current = token_store::refresh_token().ok_or(RefreshError::NoRefreshToken)?;
    // The refresh token rotates on every use: if it changed, another tab has just renewed the
    // set, and spending the old one again would revoke the whole family.
    let mut renewed_elsewhere = seen.as_deref() != Some(current.as_str());
    let mut ledger_usable = shared;
    if shared {
        // What the previous holder of the lock did is certain in the ledger, even when its
        // localStorage writes have not reached this tab yet.
        match refresh_ledger::successor_of(&current).await {
            Ok(Some(latest)) => {
                token_store::restore(&latest).map_err(|_| RefreshError::Unreachable)?;
                current = token_store::refresh_token().ok_or(RefreshError::NoRefreshToken)?;
                renewed_elsewhere = true;
            }
            Ok(None) => {}
            Err(problem) => {
                leptos::logging::warn!("the refresh ledger cannot be read: {problem}");
                ledger_usable = false;
            }
        }
    }
    let needed = match reason {
        RefreshReason::Due => !renewed_elsewhere && is_due(),
        RefreshReason::Rejected => !renewed_elsewhere,
        RefreshReason::Manual => true,
    };
    if !needed {
        return Ok(());
    }
    let tokens = match exchange(&current).await {
        // Nothing reached the tenant: one more try. A timed-out request is not repeated (the
        // tenant may have spent the token), and the lock is released for the next tab.
        Err(ExchangeError::NotSent) => {
            sleep(Duration::from_secs(1)).await;
            exchange(&current).await
        }
        other => other,
    };
    let tokens = match tokens {
        Ok(tokens) => tokens,
        Err(ExchangeError::Refused(reason)) => {
            if shared {
                // The family is over: the ledger's set with it.
                let _ = refresh_ledger::clear().await;
            }
            return Err(RefreshError::Rejected(reason));
        }
        Err(ExchangeError::NotSent | ExchangeError::NoAnswer) => {
            return Err(RefreshError::Unreachable)
        }
    };
    token_store::save(&tokens, now_secs()).map_err(|_| RefreshError::Unreachable)?;
    let rotated = tokens
        .refresh_token
        .as_deref()
        .is_some_and(|new| new != current);
    if shared && rotated {
        let recorded = if ledger_usable {
            refresh_ledger::record_rotation(&current, &token_store::snapshot()).await
        } else {
            Err(super::indexed_db::IndexedDbError("unavailable".to_owned()))
        };
        if let Err(problem) = recorded {
            leptos::logging::warn!("the refresh ledger cannot be written: {problem}");
            sleep(STORAGE_SETTLE_WITHOUT_LEDGER).await;
        }
    }
    Ok(())
}

enum ExchangeError {
    /// The request never reached the tenant (or it failed at once); safe to send again.
    NotSent,
    /// Sent, but no answer in time: the token may be spent.
    NoAnswer,
    /// The tenant refused; its reason.
    Refused(String),
}

async fn exchange(refresh_token: &str) -> Result<TokenResponse, ExchangeError> {
    let config = page_config::public_auth_config().map_err(|_| ExchangeError::NotSent)?;
    let body = form_urlencoded::Serializer::new(String::new())
        .append_pair("grant_type", "refresh_token")
        .append_pair("client_id", config.client_id.as_str())
        .append_pair("refresh_token", refresh_token)
        .finish();
    let tokens =
        request_tokens(&config, body, KeyUse::Bound)
            .await
            .map_err(|error| match error {
                TokenEndpointError::Unreachable => ExchangeError::NotSent,
                TokenEndpointError::TimedOut => ExchangeError::NoAnswer,
                // A tenant in trouble is not a verdict on the refresh token: try again later.
                TokenEndpointError::Refused { status, .. } if status >= 500 => {
                    ExchangeError::NoAnswer
                }
                TokenEndpointError::Refused { status, reason } => {
                    ExchangeError::Refused(reason.unwrap_or_else(|| format!("status {status}")))
                }
                TokenEndpointError::Unreadable(message) => ExchangeError::Refused(message),
                // Nothing was sent, and the browser may do better next time: the token is unspent.
                TokenEndpointError::NoProof(_) => ExchangeError::NotSent,
                // Without its key the session cannot be renewed (another tab signed out).
                TokenEndpointError::DpopKeyGone => {
                    ExchangeError::Refused(ProofError::KeyGone.to_string())
                }
            })?;
    if let Some(id_token) = &tokens.id_token {
        let previous: Option<IdTokenClaims> = token_store::id_token()
            .as_deref()
            .and_then(decode_unverified_payload);
        check_refreshed_id_token(
            id_token,
            config.issuer.as_str(),
            config.client_id.as_str(),
            previous.as_ref(),
            now_secs(),
        )
        .map_err(|e| ExchangeError::Refused(e.to_string()))?;
    }
    Ok(tokens)
}
