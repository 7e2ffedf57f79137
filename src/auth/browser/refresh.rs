//! Renewing the access token with the rotating refresh token, one tab at a time.

use std::time::Duration;

use super::clock::now_secs;
use super::cross_tab_lock::{sleep, with_cross_tab_lock};
use super::token_endpoint::{request_tokens, TokenEndpointError};
use super::{page_config, token_store};
use crate::auth::dangerous::decode_unverified_payload;
use crate::auth::id_token::{check_refreshed_id_token, IdTokenClaims};
use crate::auth::token_response::TokenResponse;

const LOCK_NAME: &str = "aura-token-refresh";

/// How long the lock is kept after new tokens are stored. localStorage reaches the other tabs'
/// renderer processes asynchronously (tens of milliseconds on a busy machine): a tab that took
/// the lock at once could still read the spent refresh token, spend it again, and make the
/// tenant revoke the whole family. Seen in the two-tab browser test under CPU load.
const STORAGE_SETTLE: Duration = Duration::from_millis(300);

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

/// Refreshes the token set unless another tab already did it while this one waited.
///
/// Lazily loaded (its own WASM chunk under `--split`): the exchange, the ID-token check and the
/// cross-tab lock are needed only when a refresh is due or a call was refused.
// Its own chunk in a `--split` build (see `build.rs`).
#[cfg_attr(wasm_split, leptos::lazy)]
pub async fn refresh(reason: RefreshReason) -> Result<(), RefreshError> {
    let seen = token_store::refresh_token();
    with_cross_tab_lock(LOCK_NAME, async move {
        let current = token_store::refresh_token().ok_or(RefreshError::NoRefreshToken)?;
        // The refresh token rotates on every use: if it changed, another tab has just renewed
        // the set, and spending the old one again would revoke the whole family.
        let renewed_elsewhere = seen.as_deref() != Some(current.as_str());
        let needed = match reason {
            RefreshReason::Due => !renewed_elsewhere && is_due(),
            RefreshReason::Rejected => !renewed_elsewhere,
            RefreshReason::Manual => true,
        };
        if !needed {
            return Ok(());
        }
        let tokens = match exchange(&current).await {
            Err(RefreshError::Unreachable) => {
                sleep(Duration::from_secs(1)).await;
                exchange(&current).await?
            }
            other => other?,
        };
        token_store::save(&tokens, now_secs()).map_err(|_| RefreshError::Unreachable)?;
        sleep(STORAGE_SETTLE).await;
        Ok(())
    })
    .await
}

async fn exchange(refresh_token: &str) -> Result<TokenResponse, RefreshError> {
    let config = page_config::public_auth_config().map_err(|_| RefreshError::Unreachable)?;
    let body = form_urlencoded::Serializer::new(String::new())
        .append_pair("grant_type", "refresh_token")
        .append_pair("client_id", config.client_id.as_str())
        .append_pair("refresh_token", refresh_token)
        .finish();
    let tokens = request_tokens(&config, body)
        .await
        .map_err(|error| match error {
            // A tenant in trouble is not a verdict on the refresh token: retry later.
            TokenEndpointError::Unreachable => RefreshError::Unreachable,
            TokenEndpointError::Refused { status, .. } if status >= 500 => {
                RefreshError::Unreachable
            }
            TokenEndpointError::Refused { status, reason } => {
                RefreshError::Rejected(reason.unwrap_or_else(|| format!("status {status}")))
            }
            TokenEndpointError::Unreadable(message) => RefreshError::Rejected(message),
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
        .map_err(|e| RefreshError::Rejected(e.to_string()))?;
    }
    Ok(tokens)
}
