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

use crate::startup::AppState;

/// Every REST route.
pub fn router() -> Router<AppState> {
    let router = Router::new()
        .merge(products::router())
        .merge(ai::router())
        .merge(health::router());
    #[cfg(feature = "bench-unauthenticated")]
    let router = router.merge(products::unauthenticated_router());
    router
}
