//! Calling a protected server function the way a shopper expects: a token that is about to
//! expire is renewed first, a refused token is renewed and the call retried once, and a session
//! that cannot be renewed ends with a clear way back in.

use std::future::Future;

use super::ApiError;
#[cfg(feature = "hydrate")]
use leptos::prelude::Set;

/// Calls `call` as a shopper expects (see the module doc). The session is looked up now, in
/// the caller's reactive context, not when the returned future first runs.
// Not an `async fn` for that reason; on the server (no session) clippy cannot see it.
#[cfg_attr(not(feature = "hydrate"), allow(clippy::manual_async_fn))]
pub fn call_protected<T, Fut>(call: impl Fn() -> Fut) -> impl Future<Output = Result<T, ApiError>>
where
    Fut: Future<Output = Result<T, ApiError>>,
{
    #[cfg(feature = "hydrate")]
    let session = super::session::use_session();
    async move {
        #[cfg(feature = "hydrate")]
        {
            use super::browser::refresh::{is_due, refresh, RefreshReason};
            use super::browser::session_sync::{end_session, load_state};
            use super::session::end_reason;

            if is_due() {
                // A failure here is not final: the call itself tells whether the token still works.
                if refresh(RefreshReason::Due).await.is_ok() {
                    session.0.set(load_state().await);
                }
            }
            // A server asking for its DPoP nonce, which the client now holds, gets the call
            // once more — the first time and after a refresh alike.
            let attempt = || async {
                match call().await {
                    Err(ApiError::UseDpopNonce) => call().await,
                    other => other,
                }
            };
            let first = attempt().await;
            match &first {
                Err(error) if error.needs_sign_in() => match refresh(RefreshReason::Rejected).await
                {
                    Ok(()) => {
                        session.0.set(load_state().await);
                        let second = attempt().await;
                        if matches!(&second, Err(e) if e.needs_sign_in()) {
                            end_session(session, end_reason::EXPIRED);
                        }
                        second
                    }
                    Err(_) => {
                        end_session(session, end_reason::EXPIRED);
                        first
                    }
                },
                _ => first,
            }
        }
        #[cfg(not(feature = "hydrate"))]
        {
            call().await
        }
    }
}
