//! Signing out: revoke the refresh token, forget the tokens in every tab, then end the
//! tenant's session.

use std::time::Duration;

use leptos::prelude::Set;

use super::cross_tab_lock::with_cross_tab_lock;
use super::{dpop_key, page_config, refresh, refresh_ledger, token_store};
use crate::auth::public_config::PublicAuthConfig;
use crate::auth::session::{Session, SessionState};
use crate::wasm_chunks::in_chunk;

/// How long sign-out waits for the tenant to revoke the refresh token before going on: a
/// tenant that does not answer must not keep the shopper signed in.
const REVOKE_TIMEOUT_MS: i32 = 3_000;

/// The longest sign-out holds the refresh lock: the revocation's timeout and 2 s for the
/// storage work.
const SIGN_OUT_LONGEST_HOLD: Duration = Duration::from_millis(REVOKE_TIMEOUT_MS as u64 + 2_000);

in_chunk!(
    signed_in,
    /// Revokes the refresh token at `{issuer}oauth/revoke` (so a copy taken before sign-out stops
    /// working: the local tenant and Auth0 revoke its whole family), clears the token set (other
    /// tabs see it through the `storage` event and sign out too) and sends the browser to
    /// `{issuer}v2/logout`, which ends the tenant's session and returns to the landing page. With
    /// DPoP on (and tokens shared by the tabs) it deletes the browser's key too. In the
    /// `signed_in` chunk of a split build: a signed-out visit never needs it.
    pub async fn sign_out(session: Session) {
        end_here_and_at_tenant(session).await
    }
);

async fn end_here_and_at_tenant(session: Session) {
    let config = page_config::public_auth_config();
    // Under the refresh lock: a refresh under way in another tab finishes first, so it cannot
    // store a new token set (bound to the key deleted here) after this tab cleared the old one.
    with_cross_tab_lock(
        refresh::LOCK_NAME,
        SIGN_OUT_LONGEST_HOLD,
        forget_tokens(config.clone()),
    )
    .await;
    session.0.set(SessionState::SignedOut);
    let location = leptos::prelude::window().location();
    let Ok(config) = config else {
        let _ = location.assign("/");
        return;
    };
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("client_id", config.client_id.as_str())
        .append_pair("returnTo", &format!("{}/", page_config::origin()))
        .finish();
    let _ = location.assign(&format!("{}?{query}", config.issuer.endpoint("v2/logout")));
}

/// Revokes the refresh token, then forgets the ledger, the tokens and (DPoP) the key.
async fn forget_tokens(config: Result<PublicAuthConfig, String>) {
    if let (Ok(config), Some(refresh_token)) = (&config, token_store::refresh_token()) {
        if let Err(problem) = revoke(config, &refresh_token).await {
            // Signing out goes on: the tokens are forgotten here whatever the tenant said.
            leptos::logging::warn!("the refresh token could not be revoked: {problem}");
        }
    }
    let shared = token_store::shared_by_tabs();
    if shared {
        if let Err(problem) = refresh_ledger::clear().await {
            leptos::logging::warn!("the refresh ledger could not be emptied: {problem}");
        }
    }
    token_store::clear();
    // The tokens bound to the key die with it, copies included; the next sign-in makes a new
    // one. Only when the tokens are shared by the tabs: with sessionStorage or memory each tab
    // has a session of its own, bound to the same key, which this sign-out must not end.
    if shared && page_config::dpop_on() {
        if let Err(problem) = dpop_key::delete_key_pair().await {
            leptos::logging::warn!("the DPoP key could not be deleted: {problem}");
        }
    }
}

/// `POST {issuer}oauth/revoke` with the public client's ID and the token (RFC 7009), given up
/// after [`REVOKE_TIMEOUT_MS`].
async fn revoke(config: &PublicAuthConfig, refresh_token: &str) -> Result<(), String> {
    let abort = web_sys::AbortController::new().map_err(|_| "no AbortController".to_owned())?;
    let give_up = {
        let abort = abort.clone();
        leptos::prelude::set_timeout_with_handle(
            move || abort.abort(),
            std::time::Duration::from_millis(REVOKE_TIMEOUT_MS as u64),
        )
        .ok()
    };
    let body = form_urlencoded::Serializer::new(String::new())
        .append_pair("client_id", config.client_id.as_str())
        .append_pair("token", refresh_token)
        .append_pair("token_type_hint", "refresh_token")
        .finish();
    let sent = gloo_net::http::Request::post(&config.issuer.endpoint("oauth/revoke"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .abort_signal(Some(&abort.signal()))
        .body(body)
        .map_err(|e| e.to_string())?
        .send()
        .await;
    if let Some(handle) = give_up {
        handle.clear();
    }
    let response = sent.map_err(|e| e.to_string())?;
    if response.ok() {
        Ok(())
    } else {
        Err(format!("the tenant answered {}", response.status()))
    }
}
