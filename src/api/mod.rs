//! The REST API (DESIGN §3), for users' and machines' bearer tokens alike.
//!
//! - [`products`]: `GET /api/products`, `GET /api/products/{id}` (`read:products`) and
//!   `PATCH /api/products/{id}` (`write:products`).
//! - [`ai`]: `GET /api/ai/authenticate`, machine-to-machine tokens only.
//! - [`health`]: `/healthz` and `/readyz`.
//! - [`error`]: the one error type of this boundary and its JSON answers.

pub mod ai;
pub mod error;
pub mod health;
pub mod products;

use axum::Router;

use crate::app_state::AppState;

/// Every REST route. Browsers on `cors_origins` (and only those) may call the API from their
/// pages; the app's own pages are same-origin and need no CORS.
pub fn router(cors_origins: &[String]) -> Router<AppState> {
    let router = Router::new().merge(products::router()).merge(ai::router());
    #[cfg(feature = "bench-unauthenticated")]
    let router = router.merge(products::unauthenticated_router());
    let router = match cors_layer(cors_origins) {
        Some(cors) => router.layer(cors),
        None => router,
    };
    router.merge(health::router())
}

/// CORS for the configured origins: GET and PATCH with a bearer token (or a DPoP-bound one and
/// its proof; the answer may carry a nonce for the next proof), no cookies.
fn cors_layer(origins: &[String]) -> Option<tower_http::cors::CorsLayer> {
    use axum::http::{header, HeaderValue, Method};
    use tower_http::cors::{AllowOrigin, CorsLayer};

    let origins: Vec<HeaderValue> = origins
        .iter()
        .filter_map(|origin| HeaderValue::from_str(origin).ok())
        .collect();
    (!origins.is_empty()).then(|| {
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(origins))
            .allow_methods([Method::GET, Method::PATCH])
            .allow_headers([
                header::AUTHORIZATION,
                header::CONTENT_TYPE,
                header::HeaderName::from_static("dpop"),
            ])
            .expose_headers([
                header::WWW_AUTHENTICATE,
                header::HeaderName::from_static("dpop-nonce"),
            ])
    })
}
