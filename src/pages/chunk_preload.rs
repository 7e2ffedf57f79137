//! Loading chunks before the shopper needs them, so that signing in never waits on a download.
//!
//! A sign-in crosses three documents: `/login`, the tenant's form (skipped when the tenant
//! still has a session), and `/callback`, which then shows `/products` in the same document.
//! Everything the click, the callback and the product list run is in the `signed_in` chunk
//! (`wasm_chunks`); on `/login`, once the browser is idle, it is loaded, and with DPoP on the
//! `dpop` chunk too. They land in the HTTP cache (content-hashed names, kept a year — see
//! `startup::site_assets`), so the callback's document finds them there. In a build without
//! `--split` every page is in the one bundle already, and these do nothing.

use leptos_router::LazyRoute;

use crate::pages::split_routes::CallbackRoute;

/// Loads the chunks of the sign-in round trip, when the browser has nothing else to do.
pub fn load_sign_in_chunks_when_idle() {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::closure::Closure;
        use wasm_bindgen::JsCast;

        let load = || leptos::task::spawn_local(load_sign_in_chunks());
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

/// The `signed_in` chunk (the callback's route loads it), and with DPoP on the `dpop` chunk
/// the code exchange needs.
pub async fn load_sign_in_chunks() {
    futures::join!(CallbackRoute::preload(), load_proof_code());
}

/// With DPoP on, the code that makes proofs; nothing with it off, when no proof is ever made.
#[cfg(all(feature = "hydrate", wasm_split))]
async fn load_proof_code() {
    if crate::auth::browser::page_config::dpop_on() {
        crate::auth::browser::dpop_proof::__preload_make_proof().await;
    }
}

#[cfg(not(all(feature = "hydrate", wasm_split)))]
async fn load_proof_code() {}
