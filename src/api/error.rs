//! The REST API's errors, each answered as `{"error", "error_description"}` with the status
//! [`ApiError::status`] gives it — the same as a server function answering the same mistake.

use axum::response::{IntoResponse, Response};
use axum::Json;

use crate::auth::server::AuthRejection;
use crate::auth::ApiError;

/// Why a REST call failed.
#[derive(Debug)]
pub enum RestError {
    /// No, a bad, or an insufficient bearer token (401/403 with `WWW-Authenticate`).
    Auth(AuthRejection),
    /// Anything else the caller is told: not found, a refused value, a conflict, or (logged,
    /// not described) an internal failure.
    Api(ApiError),
}

impl RestError {
    /// No such resource (404).
    pub fn not_found(what: impl Into<String>) -> Self {
        RestError::Api(ApiError::NotFound(what.into()))
    }

    /// A refused parameter, body or value; `field` names it (400).
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        RestError::Api(ApiError::Invalid {
            field: field.to_owned(),
            message: message.into(),
        })
    }

    /// The change was made from an outdated version of the resource (409).
    pub fn conflict(why: impl Into<String>) -> Self {
        RestError::Api(ApiError::Conflict(why.into()))
    }

    /// Logs an unexpected failure and hides its cause from the caller (500).
    pub fn internal(error: impl std::fmt::Display) -> Self {
        tracing::error!(%error, "REST request failed");
        RestError::Api(ApiError::Internal)
    }
}

impl From<AuthRejection> for RestError {
    fn from(rejection: AuthRejection) -> Self {
        RestError::Auth(rejection)
    }
}

impl IntoResponse for RestError {
    fn into_response(self) -> Response {
        match self {
            RestError::Auth(rejection) => rejection.into_response(),
            RestError::Api(error) => {
                let body = serde_json::json!({
                    "error": error.code(),
                    "error_description": error.to_string(),
                });
                (error.status(), Json(body)).into_response()
            }
        }
    }
}
