//! The REST API's errors, each answered as `{"error", "error_description"}` with its status.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

use crate::auth::server::AuthRejection;

/// Why a REST call failed.
#[derive(Debug)]
pub enum RestError {
    /// No, a bad, or an insufficient bearer token (401/403 with `WWW-Authenticate`).
    Auth(AuthRejection),
    /// No such resource (404).
    NotFound(String),
    /// The body is not the JSON the route takes (400).
    InvalidRequest(String),
    /// Well-formed, but a value is out of range (422).
    InvalidValue(String),
    /// The change was made from an outdated version of the resource (409).
    Conflict(String),
    /// Something failed on the server; the cause is logged, not sent (500).
    Internal,
}

impl RestError {
    /// Logs an unexpected failure and hides its cause from the caller.
    pub fn internal(error: impl std::fmt::Display) -> Self {
        tracing::error!(%error, "REST request failed");
        RestError::Internal
    }
}

impl From<AuthRejection> for RestError {
    fn from(rejection: AuthRejection) -> Self {
        RestError::Auth(rejection)
    }
}

impl IntoResponse for RestError {
    fn into_response(self) -> Response {
        let (status, error, description) = match self {
            RestError::Auth(rejection) => return rejection.into_response(),
            RestError::NotFound(what) => (StatusCode::NOT_FOUND, "not_found", what),
            RestError::InvalidRequest(why) => (StatusCode::BAD_REQUEST, "invalid_request", why),
            RestError::InvalidValue(why) => {
                (StatusCode::UNPROCESSABLE_ENTITY, "invalid_request", why)
            }
            RestError::Conflict(why) => (StatusCode::CONFLICT, "conflict", why),
            RestError::Internal => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "server_error",
                "something went wrong on our side; please try again".to_owned(),
            ),
        };
        let body = serde_json::json!({ "error": error, "error_description": description });
        (status, Json(body)).into_response()
    }
}
