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
    /// The token is valid but lacks a permission (403).
    #[error("Your account does not have the '{0}' permission.")]
    InsufficientScope(String),
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
        matches!(self, ApiError::Unauthenticated | ApiError::InvalidToken(_))
    }
}

impl FromServerFnError for ApiError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        ApiError::Transport(value.to_string())
    }
}
