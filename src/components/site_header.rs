//! The bar at the top of every page.

use leptos::prelude::*;

use super::hydrated::use_hydrated;

#[component]
pub fn SiteHeader() -> impl IntoView {
    let hydrated = use_hydrated();
    let sign_out = move |_| {
        #[cfg(feature = "hydrate")]
        crate::auth::browser::sign_out::sign_out();
    };
    view! {
        <header class="site-header">
            <a class="brand" href="/">"Aura Commerce"</a>
            <nav aria-label="Main">
                <a href="/products">"Products"</a>
                <a href="/login">"Sign in"</a>
                <button type="button" class="link-button" on:click=sign_out disabled=move || !hydrated.get()>
                    "Sign out"
                </button>
            </nav>
        </header>
    }
}
