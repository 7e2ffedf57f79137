//! The HTML shell and the router.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags, Title};
use leptos_router::components::{FlatRoutes, Route, Router};
use leptos_router::{path, Lazy};

use crate::auth::public_config::{PublicAuthConfig, PUBLIC_CONFIG_META};
use crate::auth::session::Session;
use crate::components::site_header::SiteHeader;
use crate::pages::split_routes::{
    AdminProductsRoute, CallbackRoute, ProductDetailRoute, ProductsRoute, ProfileRoute,
};
use crate::pages::{home::HomePage, login::LoginPage, not_found::NotFound};
use crate::site_icon::SiteIcon;

/// The document around the app, rendered on the server only.
///
/// The browser's sign-in settings travel in a `<meta>` tag (attribute-escaped by Leptos), read
/// once by `auth::browser::page_config`; nothing in it is secret.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let config = use_context::<PublicAuthConfig>();
    let icon = use_context::<SiteIcon>().unwrap_or_default();
    #[cfg(feature = "ssr")]
    set_content_security_policy(&options, config.as_ref());
    let public_config = config
        .and_then(|config| serde_json::to_string(&config).ok())
        .unwrap_or_default();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name=PUBLIC_CONFIG_META content=public_config />
                <AutoReload options=options.clone() />
                // The stylesheet's name carries its content hash when the build gave it one.
                <HashedStylesheet options=options.clone() id="leptos" />
                <HydrationScripts options />
                <link rel="icon" type="image/svg+xml" href=icon.path().to_owned() />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// Sets this page's CSP, with the nonce Leptos puts on its own inline scripts.
#[cfg(feature = "ssr")]
fn set_content_security_policy(options: &LeptosOptions, config: Option<&PublicAuthConfig>) {
    use crate::security_headers::page_policy;
    use axum::http::{header::CONTENT_SECURITY_POLICY, HeaderValue};

    let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    let tenant = config
        .map(|c| c.issuer.origin().to_owned())
        .unwrap_or_default();
    // cargo-leptos's live reload talks over a WebSocket during `cargo leptos watch` only.
    let live_reload = (options.env == leptos::config::Env::DEV).then(|| {
        let host = options.site_addr.ip();
        format!(
            "ws://{host}:{port} ws://localhost:{port}",
            port = options.reload_port
        )
    });
    let policy = page_policy(nonce.as_inner(), &tenant, live_reload.as_deref());
    if let Ok(value) = HeaderValue::from_str(&policy) {
        response.insert_header(CONTENT_SECURITY_POLICY, value);
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let session = Session::unknown();
    provide_context(session);
    // In the browser, the session follows storage, other tabs and the refresh schedule.
    #[cfg(feature = "hydrate")]
    crate::auth::browser::session_sync::start(session);
    #[cfg(not(feature = "hydrate"))]
    let _ = session;
    view! {
        <Title text="Aura Commerce" />
        <Router>
            <SiteHeader />
            <main id="main">
                // Flat, not nested: no route has children, and the nested router's code (its
                // outlets and the concurrent preloading of every matched level) cost the first
                // WASM chunk about 16 KB brotli.
                <FlatRoutes fallback=NotFound>
                    <Route path=path!("/") view=HomePage />
                    <Route path=path!("/login") view=LoginPage />
                    // Every page but these two is in a chunk (see `wasm_chunks`).
                    <Route path=path!("/callback") view={Lazy::<CallbackRoute>::new()} />
                    <Route path=path!("/products") view={Lazy::<ProductsRoute>::new()} />
                    <Route path=path!("/products/:id") view={Lazy::<ProductDetailRoute>::new()} />
                    <Route path=path!("/admin/products") view={Lazy::<AdminProductsRoute>::new()} />
                    <Route path=path!("/profile") view={Lazy::<ProfileRoute>::new()} />
                </FlatRoutes>
            </main>
        </Router>
    }
}
