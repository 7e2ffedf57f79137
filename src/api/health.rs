//! Liveness and readiness.

use std::time::Duration;

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

/// How long the store may take to answer a readiness check.
const STORE_CHECK_TIMEOUT: Duration = Duration::from_secs(2);

/// Ready once the tenant's signing keys are loaded (before that every token would be refused)
/// and while the catalogue's store answers.
async fn readyz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    if state.validator.keys().is_empty() {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "signing keys not loaded yet",
        );
    }
    match tokio::time::timeout(STORE_CHECK_TIMEOUT, state.products.ping()).await {
        Ok(Ok(())) => (StatusCode::OK, "ready"),
        Ok(Err(error)) => {
            tracing::warn!(%error, "readiness: the catalogue store does not answer");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "the catalogue store does not answer",
            )
        }
        Err(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            "the catalogue store does not answer",
        ),
    }
}
