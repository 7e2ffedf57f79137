//! Calling a protected server function the way a shopper expects: a token that is about to
//! expire is renewed first, a refused token is renewed and the call retried once, and a session
//! that cannot be renewed ends with a clear way back in.

use std::future::Future;

use super::ApiError;
#[cfg(feature = "hydrate")]
use leptos::prelude::Set;

pub async fn call_protected<T, Fut>(call: impl Fn() -> Fut) -> Result<T, ApiError>
where
    Fut: Future<Output = Result<T, ApiError>>,
{
    #[cfg(feature = "hydrate")]
    {
        use super::browser::refresh::{is_due, refresh, RefreshReason};
        use super::browser::session_sync::{end_session, load_state};
        use super::session::{end_reason, use_session};

        let session = use_session();
        if is_due() {
            // A failure here is not final: the call itself tells whether the token still works.
            if refresh(RefreshReason::Due).await.is_ok() {
                session.0.set(load_state().await);
            }
        }
        let first = call().await;
        match &first {
            Err(error) if error.needs_sign_in() => match refresh(RefreshReason::Rejected).await {
                Ok(()) => {
                    session.0.set(load_state().await);
                    let second = call().await;
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
