//! Keeps the [`Session`] signal in step with storage: at start, when another tab changes the
//! tokens (the `storage` event), on the refresh schedule, and when a page comes back from the
//! back/forward cache.

use std::cell::Cell;

use leptos::ev;
use leptos::prelude::*;

use super::clock::now_secs;
use super::refresh::{refresh, RefreshError, RefreshReason};
use super::token_store;
use crate::auth::access_token_view::AccessTokenView;
use crate::auth::dangerous::decode_unverified_payload;
use crate::auth::id_token::IdTokenClaims;
use crate::auth::return_to::login_href;
use crate::auth::session::{end_reason, Session, SessionState, SignedIn};
use crate::wasm_chunks::in_chunk;

in_chunk!(
    signed_in,
    /// The session as storage has it now. In the `signed_in` chunk of a split build: reading
    /// the token claims needs serde_json, which the first chunk every page downloads goes
    /// without.
    pub async fn load_state() -> SessionState {
        read_state()
    }
);

fn read_state() -> SessionState {
    let Some(access) = token_store::access_token()
        .as_deref()
        .and_then(AccessTokenView::read)
    else {
        return SessionState::SignedOut;
    };
    let profile: Option<IdTokenClaims> = token_store::id_token()
        .as_deref()
        .and_then(decode_unverified_payload);
    let name = profile
        .as_ref()
        .and_then(|p| p.name.clone().or_else(|| p.email.clone()))
        .unwrap_or_else(|| access.sub.clone());
    SessionState::SignedIn(SignedIn {
        sub: access.sub.clone(),
        name,
        email: profile.as_ref().and_then(|p| p.email.clone()),
        picture: profile.and_then(|p| p.picture),
        permissions: access.permissions(),
        permissions_issued: access.has_permissions_claim(),
        audiences: access.audiences(),
        scope: access.scope.clone(),
        expires_at: token_store::expires_at().unwrap_or(access.exp),
    })
}

thread_local! {
    /// The app's session, until the page has finished hydrating.
    static AWAITING_HYDRATION: Cell<Option<Session>> = const { Cell::new(None) };
    static HYDRATED: Cell<bool> = const { Cell::new(false) };
}

/// Called by the entry point once the whole page, lazily loaded routes included, has hydrated.
/// Reading the session any earlier could change what a still-hydrating route renders, and
/// make it differ from the server's HTML (which always shows the session as unknown).
pub fn hydration_finished() {
    HYDRATED.set(true);
    if let Some(session) = AWAITING_HYDRATION.take() {
        reload(session);
    }
}

pub fn start(session: Session) {
    AWAITING_HYDRATION.set(Some(session));

    // Another tab signed in, refreshed or signed out.
    let storage = window_event_listener(ev::storage, move |event| {
        let ours = event
            .key()
            .is_none_or(|key| key == token_store::ACCESS_TOKEN_KEY);
        // Before hydration has finished, `hydration_finished` reads storage anyway.
        if ours && HYDRATED.get() {
            reload(session);
        }
    });

    // Back/forward cache: a page restored after sign-out must not show what it held.
    let pageshow = window_event_listener(ev::pageshow, move |event| {
        if event.persisted() && token_store::access_token().is_none() {
            let _ = window().location().reload();
        }
    });

    // Refresh a little before expiry. Each tab keeps a timer; the cross-tab lock and the
    // rotation check in `refresh` make sure only one of them spends the refresh token.
    let timer = StoredValue::new(None::<TimeoutHandle>);
    Effect::new(move |_| {
        if let Some(handle) = timer.get_value() {
            handle.clear();
        }
        let SessionState::SignedIn(_) = session.0.get() else {
            return;
        };
        // Nothing to schedule without a refresh token or a due time (tokens put there by
        // hand, say): the next call's 401 decides then, instead of a timer racing it.
        let (Some(refresh_at), Some(_)) = (token_store::refresh_at(), token_store::refresh_token())
        else {
            return;
        };
        let due_in = refresh_at.saturating_sub(now_secs());
        let handle = set_timeout_with_handle(
            move || {
                leptos::task::spawn_local(async move {
                    match refresh(RefreshReason::Due).await {
                        Ok(()) => session.0.set(load_state().await),
                        Err(RefreshError::Unreachable) => {
                            // Keep the tokens: the next call retries, and ends the session
                            // only if the server refuses them.
                        }
                        Err(_) => end_session(session, end_reason::EXPIRED),
                    }
                });
            },
            std::time::Duration::from_secs(due_in),
        )
        .ok();
        timer.set_value(handle);
    });

    on_cleanup(move || {
        storage.remove();
        pageshow.remove();
    });
}

/// Re-reads the session from storage. Without an access token the answer is known at once,
/// so a signed-out visit never downloads the claim-reading chunk.
fn reload(session: Session) {
    if token_store::access_token().is_none() {
        session.0.set(SessionState::SignedOut);
        return;
    }
    leptos::task::spawn_local(async move { session.0.set(load_state().await) });
}

/// Ends the session here without the shopper asking, and sends them to sign in again, back to
/// where they were.
pub fn end_session(session: Session, reason: &str) {
    token_store::clear();
    session.0.set(SessionState::SignedOut);
    let location = window().location();
    let here = format!(
        "{}{}",
        location.pathname().unwrap_or_default(),
        location.search().unwrap_or_default()
    );
    let _ = location.assign(&login_href(&here, reason));
}
