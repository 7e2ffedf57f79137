//! CORS for the endpoints a browser calls cross-origin: `/oauth/token`, `/.well-known/*` and
//! `/userinfo`. Only the registered web origins are allowed, without credentials: the SPA sends
//! no cookies to these endpoints, and a wildcard would let any site drive them.

use axum::http::{header, HeaderName, HeaderValue, Method};
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::config::TenantConfig;

/// A layer allowing every client's `web_origins`.
pub(crate) fn layer(config: &TenantConfig) -> CorsLayer {
    let mut origins: Vec<HeaderValue> = Vec::new();
    for origin in config.clients.iter().flat_map(|c| &c.web_origins) {
        match HeaderValue::from_str(origin) {
            Ok(value) if !origins.contains(&value) => origins.push(value),
            Ok(_) => {}
            Err(_) => tracing::warn!(origin, "ignoring a web origin that is not a header value"),
        }
    }
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([
            header::CONTENT_TYPE,
            header::AUTHORIZATION,
            // auth0-spa-js sends this telemetry header; allowing it keeps that library working.
            HeaderName::from_static("auth0-client"),
            // A SPA with DPoP sends its proof in this header (RFC 9449)...
            HeaderName::from_static("dpop"),
        ])
        // ...and must be able to read the server nonce, or nonce mode would fail in browsers.
        .expose_headers([HeaderName::from_static("dpop-nonce")])
        .max_age(std::time::Duration::from_secs(600))
}
