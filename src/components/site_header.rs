//! The bar at the top of every page: the shop, the way around, and who is signed in.

use leptos::prelude::*;

use crate::auth::permissions::WRITE_PRODUCTS;
use crate::auth::session::{use_session, SessionState};

#[component]
pub fn SiteHeader() -> impl IntoView {
    let session = use_session();
    let sign_out = move |_| {
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(crate::auth::browser::sign_out::sign_out(session));
    };
    let account = move || match session.0.get() {
        SessionState::SignedIn(user) => {
            let picture = user.picture.clone().map(|src| {
                view! { <img class="avatar" src=src alt="" width="28" height="28" /> }
            });
            view! {
                <a class="who" href="/profile">{picture}<span class="who-name">{user.name.clone()}</span></a>
                <button type="button" class="link-button" on:click=sign_out>"Sign out"</button>
            }
            .into_any()
        }
        _ => view! { <a href="/login">"Sign in"</a> }.into_any(),
    };
    let staff = move || match session.0.get() {
        SessionState::SignedIn(user) if user.has_permission(WRITE_PRODUCTS) => {
            Some(view! { <a href="/admin/products">"Prices & stock"</a> })
        }
        _ => None,
    };
    view! {
        <header class="site-header">
            <a class="brand" href="/">"Aura Commerce"</a>
            <nav aria-label="Main">
                <a href="/products">"Products"</a>
                {staff}
                {account}
            </nav>
        </header>
    }
}
