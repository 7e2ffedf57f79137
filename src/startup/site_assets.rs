//! The site's files and how long a browser may keep each answer: the one home of the caching
//! rule.
//!
//! - `/pkg/*` (the bundle, its chunks, the stylesheet): served as the build left them, with
//!   the `.br` or `.gz` file `cargo leptos build --release --precompress` wrote beside each
//!   one when the browser accepts it (the response layer compresses anything else). When the
//!   build gave them content-hashed names (`hash-files`), a name never changes its content, so
//!   the browser keeps them a year without asking again ([`IMMUTABLE`]); a new build has new
//!   names, which only fresh HTML points at.
//! - The icon: the page links it by a name made from its content ([`site_icon`]), kept a year
//!   like the bundle; its plain name `/favicon.svg` stays for links from elsewhere.
//! - The pictures and the plain-named icon (`public/`, not renamed by the build): kept, but
//!   revalidated on use ([`REVALIDATE`]; `Last-Modified` makes that a 304).
//! - Everything else — pages (each with its own CSP nonce), server functions and the REST API
//!   (a shopper's data) — is never stored ([`NEVER_STORE`]), unless a handler said otherwise.

use std::path::Path;

use axum::body::Bytes;
use axum::extract::Request;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, VARY};
use axum::http::HeaderValue;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use leptos::config::LeptosOptions;
use tower_http::services::{ServeDir, ServeFile};

use crate::app_state::AppState;
use crate::auth::pkce::sha256_base64url;
use crate::site_icon::SiteIcon;

/// For a file whose name is its content's hash.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// For a file whose name may keep while its content changes.
pub const REVALIDATE: &str = "no-cache";
/// For pages and data.
pub const NEVER_STORE: &str = "no-store";

/// wasm-bindgen's inline JS: cargo-leptos leaves these names as they are (the bundle imports
/// them by name), so they are not content-named even in a hashed build.
const UNHASHED_PKG_DIR: &str = "/snippets/";

/// The icon as read at start-up: its content-named path and the very bytes that name was made
/// from, which that path serves — an icon edited later (under `cargo leptos watch`) can never
/// be sent under the old name, which browsers keep a year.
pub struct IconFile {
    pub icon: SiteIcon,
    bytes: Option<Bytes>,
}

/// The icon's content-named path, `/favicon.<hash>.svg` (the first 16 characters of the
/// base64url SHA-256 of the file), or the plain path when the site has no icon file.
pub fn site_icon(options: &LeptosOptions) -> IconFile {
    let file = Path::new(options.site_root.as_ref()).join("favicon.svg");
    match std::fs::read(file) {
        Ok(bytes) => {
            let hash = sha256_base64url(&bytes);
            IconFile {
                icon: SiteIcon(format!("/favicon.{}.svg", &hash[..16])),
                bytes: Some(Bytes::from(bytes)),
            }
        }
        Err(_) => IconFile {
            icon: SiteIcon::default(),
            bytes: None,
        },
    }
}

/// Routes for `/pkg`, `/images`, `/favicon.svg` and the icon's content-named path under
/// `options.site_root`.
pub fn site_assets(options: &LeptosOptions, icon: &IconFile) -> Router<AppState> {
    let site_root = Path::new(options.site_root.as_ref());
    let pkg_dir = options.site_pkg_dir.to_string();
    let hashed_names = options.hash_files;
    let pkg = ServeDir::new(site_root.join(&pkg_dir))
        .precompressed_br()
        .precompressed_gzip();
    let bundle = Router::new()
        .nest_service(&format!("/{pkg_dir}"), pkg)
        .layer(middleware::from_fn(
            move |request: Request, next: Next| async move {
                let policy = pkg_policy(request.uri().path(), hashed_names);
                with_policy(next.run(request).await, policy)
            },
        ));
    let public_files = Router::new()
        .nest_service("/images", ServeDir::new(site_root.join("images")))
        .route_service(
            "/favicon.svg",
            ServeFile::new(site_root.join("favicon.svg")),
        )
        .layer(middleware::from_fn(revalidate));
    let routes = bundle.merge(public_files);
    let Some(bytes) = icon.bytes.clone() else {
        return routes;
    };
    let serve_icon = move || {
        let bytes = bytes.clone();
        async move { ([(CONTENT_TYPE, "image/svg+xml")], bytes) }
    };
    routes.merge(
        Router::new()
            .route(icon.icon.path(), get(serve_icon))
            .layer(middleware::from_fn(
                |request: Request, next: Next| async move {
                    with_policy(next.run(request).await, IMMUTABLE)
                },
            )),
    )
}

/// The policy for the bundle's file at `path`.
fn pkg_policy(path: &str, hashed_names: bool) -> &'static str {
    if hashed_names && !path.contains(UNHASHED_PKG_DIR) {
        IMMUTABLE
    } else {
        REVALIDATE
    }
}

async fn revalidate(request: Request, next: Next) -> Response {
    with_policy(next.run(request).await, REVALIDATE)
}

/// `policy` on a file that was found; a miss is never kept (the file may be there after the
/// deploy that is under way).
fn with_policy(mut response: Response, policy: &'static str) -> Response {
    let found = response.status().is_success() || response.status().as_u16() == 304;
    let headers = response.headers_mut();
    headers.insert(
        CACHE_CONTROL,
        HeaderValue::from_static(if found { policy } else { NEVER_STORE }),
    );
    // A precompressed answer depends on Accept-Encoding as much as one compressed on the fly.
    headers.insert(VARY, HeaderValue::from_static("accept-encoding"));
    response
}

/// Marks every answer that did not choose a policy as never to be stored.
pub async fn never_store_by_default(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    response
        .headers_mut()
        .entry(CACHE_CONTROL)
        .or_insert(HeaderValue::from_static(NEVER_STORE));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_bundle_files_are_immutable_and_snippets_are_revalidated() {
        assert_eq!(
            pkg_policy("/pkg/aura-commerce.Abc123.wasm", true),
            IMMUTABLE
        );
        assert_eq!(
            pkg_policy("/pkg/snippets/web-sys-1/inline0.js", true),
            REVALIDATE
        );
    }

    #[test]
    fn unhashed_bundle_files_are_revalidated() {
        assert_eq!(pkg_policy("/pkg/aura-commerce.wasm", false), REVALIDATE);
    }
}
