//! The tenant's answer to a token request, and its error body.

use serde::{Deserialize, Serialize};

/// A successful `/oauth/token` response (RFC 6749 §5.1 plus OIDC's `id_token`).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TokenResponse {
    pub access_token: String,
    #[serde(default)]
    pub id_token: Option<String>,
    #[serde(default)]
    pub refresh_token: Option<String>,
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    #[serde(default)]
    pub scope: Option<String>,
}

/// Auth0's error body: `{"error": "...", "error_description": "..."}`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct OAuthErrorBody {
    pub error: String,
    #[serde(default)]
    pub error_description: Option<String>,
}
