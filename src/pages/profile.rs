use leptos::prelude::*;

use crate::auth::session::{use_session, SessionState};
use crate::components::require_session::RequireSession;

/// `/profile`: who you are according to your tokens, and how long the access token has left.
#[component]
pub fn ProfilePage() -> impl IntoView {
    view! {
        <section class="profile">
            <h1>"Your profile"</h1>
            <RequireSession>
                <ProfileDetails />
            </RequireSession>
        </section>
    }
}

#[component]
fn ProfileDetails() -> impl IntoView {
    let session = use_session();
    let (now, set_now) = signal(0u64);
    let (refresh_error, set_refresh_error) = signal(None::<String>);

    #[cfg(feature = "hydrate")]
    {
        use crate::auth::browser::clock::now_secs;
        set_now.set(now_secs());
        let tick = set_interval_with_handle(
            move || set_now.set(now_secs()),
            std::time::Duration::from_secs(1),
        )
        .ok();
        on_cleanup(move || {
            if let Some(tick) = tick {
                tick.clear();
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = set_now;

    let refresh_now = move |_| {
        set_refresh_error.set(None);
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            use crate::auth::browser::refresh::{refresh, RefreshReason};
            use crate::auth::browser::session_sync::load_state;
            match refresh(RefreshReason::Manual).await {
                Ok(()) => session.0.set(load_state().await),
                Err(error) => set_refresh_error.set(Some(error.to_string())),
            }
        });
    };

    // Only the countdown depends on the clock, so the rest (and the button) is not rebuilt
    // every second.
    let expires_in = move || {
        let expires_at = session.0.with(|state| match state {
            SessionState::SignedIn(user) => Some(user.expires_at),
            _ => None,
        });
        expires_at.map(|at| {
            let remaining = at.saturating_sub(now.get());
            format!("{} min {:02} s", remaining / 60, remaining % 60)
        })
    };
    move || {
        let SessionState::SignedIn(user) = session.0.get() else {
            return ().into_any();
        };
        view! {
            <div class="profile-card">
                {user.picture.clone().map(|src| view! { <img class="avatar-large" src=src alt="" width="64" height="64" /> })}
                <dl>
                    <dt>"Name"</dt><dd data-field="name">{user.name.clone()}</dd>
                    <dt>"Email"</dt><dd data-field="email">{user.email.clone().unwrap_or_default()}</dd>
                    <dt>"Subject"</dt><dd data-field="sub">{user.sub.clone()}</dd>
                    <dt>"Permissions"</dt><dd data-field="permissions">{user.permissions.join(" ")}</dd>
                    <dt>"Audience"</dt><dd data-field="aud">{user.audiences.join(" ")}</dd>
                    <dt>"Scope"</dt><dd data-field="scope">{user.scope.clone().unwrap_or_default()}</dd>
                    <dt>"Access token expires in"</dt><dd data-field="expires-in">{expires_in}</dd>
                </dl>
                <button type="button" class="button" on:click=refresh_now>"Refresh now"</button>
                {move || refresh_error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            </div>
        }
        .into_any()
    }
}
