//! Aura Commerce: a Leptos storefront whose sign-in runs on Auth0.
//!
//! # Layout
//! - [`app`]: the HTML shell, the router and its routes.
//! - [`auth`]: the shared identifiers, claim and token types, PKCE, the permission rule and the
//!   typed error; `auth::browser` (sign-in, storage, refresh; `hydrate` only) and
//!   `auth::server` (JWKS, the token validator, the guards, the M2M client in
//!   `auth::server::m2m`; `ssr` only).
//! - [`catalog`]: products, their store and the server functions that serve them.
//! - [`pages`], [`components`]: the UI.
//! - `api`: the REST routes; `app_state`: what they and the server functions reach (`ssr`).
//! - `config`: the environment parsed once into typed settings; `startup`: building and
//!   running the server from them; `outbound_http`: the one outbound HTTP client builder;
//!   `doctor`, `security_headers`, `browser_bundle` (`ssr` only).
//!
//! Browser-only code is gated by the `hydrate` feature and server-only code by `ssr`, so that
//! nothing heavy (and nothing secret) is compiled into the WASM bundle.

pub mod app;
#[cfg(feature = "ssr")]
pub mod app_state;
pub mod auth;
pub mod catalog;
pub mod components;
pub mod pages;
pub mod site_icon;
pub mod wasm_chunks;

/// The REST API (`ssr` only).
#[cfg(feature = "ssr")]
pub mod access_log;
#[cfg(feature = "ssr")]
pub mod api;
#[cfg(feature = "ssr")]
pub mod browser_bundle;
#[cfg(feature = "ssr")]
pub mod config;
#[cfg(feature = "ssr")]
pub mod doctor;
#[cfg(feature = "ssr")]
pub mod outbound_http;
#[cfg(feature = "ssr")]
pub mod security_headers;
#[cfg(feature = "ssr")]
pub mod startup;

/// Entry point of the WASM bundle: hydrates the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Asynchronous hydration: a route in `pages::split_routes` loads its chunk first. The
    // session is read from storage only once the whole page has hydrated, so that nothing
    // differs from the server's HTML while a route is still hydrating.
    wasm_bindgen_futures::spawn_local(async {
        let mounted =
            leptos::mount::hydrate_from_async(leptos::tachys::dom::body(), app::App).await;
        mounted.forget();
        auth::browser::session_sync::hydration_finished();
    });
}
