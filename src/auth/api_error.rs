//! The typed error every protected server function returns, so the UI can act on it.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// Why a protected call failed, in terms the UI can act on (sign in again, ask for access, retry).
///
/// On the server the same cases also set the HTTP status and an RFC 6750 `WWW-Authenticate`
/// header (see `auth::server::guard`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum ApiError {
    /// No bearer token was sent (401).
    #[error("You are not signed in. Sign in to continue.")]
    Unauthenticated,
    /// A token was sent but is not valid: expired, tampered with, or for another tenant (401).
    #[error("Your session is no longer valid ({0}). Sign in again.")]
    InvalidToken(String),
    /// The token is bound to a DPoP key and its proof was refused (401).
    #[error("Your session could not be verified ({0}). Sign in again.")]
    InvalidDpopProof(String),
    /// The server wants its nonce in the DPoP proof; the call may be retried once with the
    /// nonce from the response's `DPoP-Nonce` header (401).
    #[error("The server asked for a fresh proof. Please try again.")]
    UseDpopNonce,
    /// The token is valid but lacks a permission (403).
    #[error("Your account does not have the '{0}' permission.")]
    InsufficientScope(String),
    /// A user token with no `permissions` claim: the API's RBAC is off in Auth0, so it grants
    /// nothing (403). The message says how to turn it on.
    #[error("Your sign-in carries no permissions ({RBAC_ADVICE}).", RBAC_ADVICE = crate::auth::permissions::RBAC_ADVICE)]
    NoPermissionsClaim(String),
    /// The request asked for something that does not exist (404).
    #[error("{0}")]
    NotFound(String),
    /// A value in the request is not acceptable; `field` names it (400).
    #[error("{message}")]
    Invalid { field: String, message: String },
    /// The change was made from an outdated copy and someone else's change came first (409).
    #[error("{0}")]
    Conflict(String),
    /// The server cannot take the request just now; retrying shortly will do (503).
    #[error("The server is busy. Please try again in a moment.")]
    Busy,
    /// Something failed on the server; the cause is logged there, not sent.
    #[error("Something went wrong on our side. Please try again.")]
    Internal,
    /// The call itself failed (network, encoding) before the server could answer.
    #[error("The server could not be reached: {0}")]
    Transport(String),
}

impl ApiError {
    /// Whether signing in again is the way out of this error.
    pub fn needs_sign_in(&self) -> bool {
        matches!(
            self,
            ApiError::Unauthenticated | ApiError::InvalidToken(_) | ApiError::InvalidDpopProof(_)
        )
    }
}

#[cfg(feature = "ssr")]
impl ApiError {
    /// The HTTP status that goes with this error: the one place statuses are decided, for
    /// server functions, REST routes and auth rejections alike. A refused value is a 400
    /// whether it came as a query parameter, a server function's argument or a REST body.
    pub fn status(&self) -> axum::http::StatusCode {
        use axum::http::StatusCode;
        match self {
            ApiError::Unauthenticated
            | ApiError::InvalidToken(_)
            | ApiError::InvalidDpopProof(_)
            | ApiError::UseDpopNonce => StatusCode::UNAUTHORIZED,
            ApiError::InsufficientScope(_) | ApiError::NoPermissionsClaim(_) => {
                StatusCode::FORBIDDEN
            }
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Invalid { .. } => StatusCode::BAD_REQUEST,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::Busy => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal | ApiError::Transport(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The OAuth-style `error` code of a REST answer's body.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::Unauthenticated => "invalid_request",
            ApiError::InvalidToken(_) => "invalid_token",
            ApiError::InvalidDpopProof(_) => "invalid_dpop_proof",
            ApiError::UseDpopNonce => "use_dpop_nonce",
            ApiError::InsufficientScope(_) | ApiError::NoPermissionsClaim(_) => {
                "insufficient_scope"
            }
            ApiError::NotFound(_) => "not_found",
            ApiError::Invalid { .. } => "invalid_request",
            ApiError::Conflict(_) => "conflict",
            ApiError::Busy => "temporarily_unavailable",
            ApiError::Internal | ApiError::Transport(_) => "server_error",
        }
    }
}

impl FromServerFnError for ApiError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // On the server: the request's arguments could not be decoded (a hand-made call
            // with an unknown sort order, say). That is the caller's mistake: a 400, not a 500.
            ServerFnErrorErr::Args(message) | ServerFnErrorErr::Deserialization(message)
                if cfg!(feature = "ssr") =>
            {
                let error = ApiError::Invalid {
                    field: "arguments".to_owned(),
                    message: format!("The request's arguments could not be read: {message}"),
                };
                #[cfg(feature = "ssr")]
                if let Some(response) =
                    leptos::prelude::use_context::<leptos_axum::ResponseOptions>()
                {
                    response.set_status(error.status());
                }
                error
            }
            other => ApiError::Transport(other.to_string()),
        }
    }
}
