//! Liveness and readiness.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;

use crate::app_state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
}

/// Ready once the tenant's signing keys are loaded: before that, every token would be refused.
async fn readyz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    if state.validator.keys().is_empty() {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            "signing keys not loaded yet",
        )
    } else {
        (StatusCode::OK, "ready")
    }
}
