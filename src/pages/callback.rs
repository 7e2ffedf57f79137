use leptos::prelude::*;

/// `/callback`: where the tenant sends the shopper back; finishes sign-in in the browser.
#[component]
pub fn CallbackPage() -> impl IntoView {
    let (error, set_error) = signal(None::<String>);
    #[cfg(feature = "hydrate")]
    {
        use crate::auth::browser::callback::{complete_sign_in, CallbackParams};
        use crate::auth::browser::session_sync::load_state;
        use crate::auth::session::use_session;
        use leptos_router::hooks::{use_navigate, use_query_map};
        use leptos_router::NavigateOptions;

        let query = use_query_map();
        let navigate = use_navigate();
        let session = use_session();
        Effect::new(move |_| {
            let query = query.get_untracked();
            let params = CallbackParams {
                code: query.get("code"),
                state: query.get("state"),
                error: query.get("error"),
                error_description: query.get("error_description"),
            };
            let navigate = navigate.clone();
            leptos::task::spawn_local(async move {
                match complete_sign_in(params).await {
                    // `replace` also drops `code` and `state` from the history.
                    Ok(return_to) => {
                        session.0.set(load_state().await);
                        navigate(
                            &return_to,
                            NavigateOptions {
                                replace: true,
                                ..Default::default()
                            },
                        )
                    }
                    Err(e) => set_error.set(Some(e.to_string())),
                }
            });
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = set_error;
    view! {
        <section class="sign-in">
            {move || match error.get() {
                None => view! { <p class="status" role="status">"Signing you in…"</p> }.into_any(),
                Some(message) => view! {
                    <h1>"We could not sign you in"</h1>
                    <p class="error" role="alert">{message}</p>
                    <a class="button" href="/login">"Sign in again"</a>
                }.into_any(),
            }}
        </section>
    }
}
