//! Loading page chunks before the shopper needs them, so that signing in never waits on a
//! download.
//!
//! A sign-in crosses three documents: `/login`, the tenant's form (skipped when the tenant
//! still has a session), and `/callback`, which then shows `/products` in the same document.
//! On `/login`, once the browser is idle, the chunks of the click's own code (starting the
//! sign-in), of the callback and of the product list are loaded: they land in the HTTP cache (content-hashed names, kept a year — see
//! `startup::site_assets`), so the callback's document finds them there. On `/callback` the
//! product list's chunk loads while the code is exchanged. In a build without `--split` every
//! page is in the one bundle already, and these do nothing.

use leptos_router::LazyRoute;

use crate::pages::split_routes::{CallbackRoute, ProductsRoute};

/// Loads the chunks of the pages after `/login`, when the browser has nothing else to do.
pub fn load_sign_in_pages_when_idle() {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::closure::Closure;
        use wasm_bindgen::JsCast;

        let load = || leptos::task::spawn_local(load_sign_in_pages());
        let Some(window) = web_sys::window() else {
            return;
        };
        let callback = Closure::once_into_js(load);
        // Every browser this app supports has requestIdleCallback; without it, load now.
        if window
            .request_idle_callback(callback.unchecked_ref())
            .is_err()
        {
            load();
        }
    }
}

/// The chunks of starting the sign-in, of the callback and of the product list, and with DPoP
/// on the proof code the code exchange needs.
pub async fn load_sign_in_pages() {
    futures::join!(
        load_sign_in_start(),
        load_proof_code(),
        CallbackRoute::preload(),
        ProductsRoute::preload()
    );
}

/// The code the click on "Sign in" runs, a chunk of its own in a split build.
#[cfg(all(feature = "hydrate", wasm_split))]
async fn load_sign_in_start() {
    crate::auth::browser::sign_in::__preload_start_sign_in().await;
}

#[cfg(not(all(feature = "hydrate", wasm_split)))]
async fn load_sign_in_start() {}

/// With DPoP on, the code that makes proofs (a chunk of its own in a split build); nothing
/// with it off, when no proof is ever made.
#[cfg(all(feature = "hydrate", wasm_split))]
async fn load_proof_code() {
    if crate::auth::browser::page_config::public_auth_config()
        .is_ok_and(|config| config.dpop.is_on())
    {
        crate::auth::browser::dpop_proof::__preload_make_proof().await;
    }
}

#[cfg(not(all(feature = "hydrate", wasm_split)))]
async fn load_proof_code() {}

/// The product list's chunk: where a sign-in lands by default.
pub async fn load_product_list() {
    ProductsRoute::preload().await;
}
