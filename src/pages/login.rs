use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::auth::session::end_reason;
use crate::components::hydrated::use_hydrated;

/// `/login`: starts the Authorization Code + PKCE flow in the browser.
/// `?returnTo=/path` says where to land afterwards; `?reason=` why the shopper is here.
#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let hydrated = use_hydrated();
    let (error, set_error) = signal(None::<String>);
    // The pages a sign-in goes through next, loaded while the shopper reads this one.
    Effect::new(move |_| {
        if hydrated.get() {
            crate::pages::chunk_preload::load_sign_in_chunks_when_idle();
        }
    });
    let reason = move || {
        query
            .read()
            .get("reason")
            .and_then(|reason| end_reason::message(&reason))
            .map(|message| view! { <p class="notice-inline" role="status">{message}</p> })
    };
    let sign_in = move |_| {
        let return_to = query.read_untracked().get("returnTo");
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            if let Err(message) = crate::auth::browser::sign_in::start_sign_in(return_to).await {
                set_error.set(Some(message));
            }
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = (return_to, set_error);
    };
    view! {
        <section class="sign-in">
            <h1>"Sign in"</h1>
            {reason}
            <p>"You will be sent to our sign-in page and brought back here."</p>
            <button type="button" class="button" on:click=sign_in disabled=move || !hydrated.get()>
                "Sign in"
            </button>
            {move || error.get().map(|message| view! { <p class="error" role="alert">{message}</p> })}
        </section>
    }
}
