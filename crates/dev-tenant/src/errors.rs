//! Errors: [`TenantError`] for starting the tenant, [`OAuthError`] for Auth0-shaped JSON error
//! responses from `/oauth/token` and `/userinfo`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

/// Why the tenant could not be built or served.
#[derive(Debug, thiserror::Error)]
pub enum TenantError {
    /// The configuration is not usable.
    #[error("invalid tenant configuration: {0}")]
    Config(String),
    /// A signing key could not be made, read or used.
    #[error("signing key: {0}")]
    Key(String),
    /// The listener is bound to an address other computers can reach.
    #[error("refusing to serve on {0}: the local tenant binds loopback addresses only (127.0.0.1 or ::1)")]
    NotLoopback(std::net::SocketAddr),
    /// Stored state (refresh tokens) could not be read or written.
    #[error("tenant state: {0}")]
    State(String),
    /// A file or socket operation failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}

/// An OAuth error as Auth0 sends it: a status code and `{"error", "error_description"}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthError {
    /// HTTP status.
    pub status: StatusCode,
    /// The `error` code, e.g. `invalid_grant`.
    pub error: &'static str,
    /// The human-readable `error_description`.
    pub description: String,
}

impl OAuthError {
    fn new(status: StatusCode, error: &'static str, description: impl Into<String>) -> Self {
        Self {
            status,
            error,
            description: description.into(),
        }
    }

    /// 401 `access_denied` / `Unauthorized`: wrong or missing secret of a confidential client,
    /// or an unknown client.
    pub fn unauthorized() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "access_denied", "Unauthorized")
    }

    /// 401 `invalid_client`: a public client sent a secret.
    pub fn public_client_sent_secret(client_id: &str) -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            format!(
                "Client '{client_id}' is a public client (token endpoint authentication method \
                 'none') and must not send a client secret."
            ),
        )
    }

    /// 403 `unauthorized_client`: the grant type is not enabled for the client.
    pub fn grant_not_allowed(grant_type: &str) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "unauthorized_client",
            format!("Grant type '{grant_type}' not allowed for the client."),
        )
    }

    /// 403 `invalid_grant` / `Invalid authorization code`: unknown, used, expired or foreign code.
    pub fn invalid_code() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "invalid_grant",
            "Invalid authorization code",
        )
    }

    /// 403 `invalid_grant`: `redirect_uri` differs from the one given to `/authorize`.
    pub fn redirect_uri_mismatch() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "invalid_grant",
            "Callback URL mismatch. The redirect_uri must equal the one sent to /authorize.",
        )
    }

    /// 403 `invalid_grant` / `Failed to verify code verifier`.
    pub fn verifier_mismatch() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "invalid_grant",
            "Failed to verify code verifier",
        )
    }

    /// 403 `invalid_grant` / `Unknown or invalid refresh token.`
    pub fn invalid_refresh_token() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "invalid_grant",
            "Unknown or invalid refresh token.",
        )
    }

    /// 400 `invalid_request` / `Missing required parameter: {name}`.
    pub fn missing_parameter(name: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            format!("Missing required parameter: {name}"),
        )
    }

    /// 400 `invalid_request` / `Parameter 'code_verifier' is required`.
    pub fn missing_verifier() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Parameter 'code_verifier' is required",
        )
    }

    /// 400 `invalid_request` with a free description.
    pub fn invalid_request(description: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_request", description)
    }

    /// 421 `invalid_request`: the request's `Host` is not this tenant (DNS rebinding).
    pub fn misdirected(host: &str) -> Self {
        let host: String = host.chars().filter(|c| !c.is_control()).take(100).collect();
        Self::new(
            StatusCode::MISDIRECTED_REQUEST,
            "invalid_request",
            format!("This tenant does not serve the host '{host}'."),
        )
    }

    /// 400 `unsupported_grant_type`.
    pub fn unsupported_grant_type(grant_type: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            format!("Unsupported grant type: {grant_type}"),
        )
    }

    /// 403 `access_denied`: the audience is not a known API.
    pub fn unknown_audience(audience: &str) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "access_denied",
            format!("Service not found: {audience}"),
        )
    }

    /// 403 `access_denied`: the client has no grant for the audience.
    pub fn no_client_grant(client_id: &str, audience: &str) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "access_denied",
            format!("Client '{client_id}' is not authorized to access \"{audience}\"."),
        )
    }

    /// 403 `access_denied`: scopes asked that the client was not granted.
    pub fn scopes_not_granted(scopes: &str) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "access_denied",
            format!("Client has not been granted scopes: {scopes}"),
        )
    }

    /// 403 `invalid_scope`: a refresh asked for a scope the grant does not hold.
    pub fn invalid_scope(scope: &str) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "invalid_scope",
            format!("Scope '{scope}' was not granted and cannot be added on refresh."),
        )
    }

    /// 400 `invalid_dpop_proof`: the `DPoP` header is malformed, fails a check, or is missing or
    /// made with another key where the refresh token is bound to one.
    pub fn invalid_dpop_proof(description: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_dpop_proof", description)
    }

    /// 400 `use_dpop_nonce`: nonce mode is on and the proof lacks the current nonce, which the
    /// response's `DPoP-Nonce` header carries.
    pub fn use_dpop_nonce() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "use_dpop_nonce",
            "Authorization server requires nonce in DPoP proof",
        )
    }

    /// 401 `invalid_token` for `/userinfo`.
    pub fn invalid_token(description: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "invalid_token", description)
    }

    /// 500 `server_error`; the cause is logged, never sent.
    pub fn server_error(cause: &dyn std::fmt::Display) -> Self {
        tracing::error!(%cause, "dev-tenant internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            "Internal error",
        )
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({
            "error": self.error,
            "error_description": self.description,
        });
        let mut response = (self.status, Json(body)).into_response();
        let headers = response.headers_mut();
        // Token responses must never be cached (RFC 6749 §5.1); errors go the same way.
        headers.insert(
            axum::http::header::CACHE_CONTROL,
            axum::http::HeaderValue::from_static("no-store"),
        );
        if self.status == StatusCode::UNAUTHORIZED && self.error == "invalid_token" {
            let challenge = format!(
                "Bearer error=\"invalid_token\", error_description=\"{}\"",
                self.description.replace('"', "'")
            );
            if let Ok(v) = axum::http::HeaderValue::from_str(&challenge) {
                headers.insert(axum::http::header::WWW_AUTHENTICATE, v);
            }
        }
        if self.status == StatusCode::UNAUTHORIZED && self.error == "invalid_dpop_proof" {
            let challenge = format!(
                "DPoP algs=\"{}\", error=\"invalid_dpop_proof\", error_description=\"{}\"",
                crate::dpop::SIGNING_ALGS.join(" "),
                self.description.replace('"', "'")
            );
            if let Ok(v) = axum::http::HeaderValue::from_str(&challenge) {
                headers.insert(axum::http::header::WWW_AUTHENTICATE, v);
            }
        }
        response
    }
}
