//! The part of the configuration that the browser needs: nothing secret lives here.

use serde::{Deserialize, Serialize};

use super::identifiers::{Audience, Issuer, SpaClientId};

/// Name of the `<meta>` tag through which the server hands [`PublicAuthConfig`] to the browser.
/// Sending it at run time means one build serves every environment.
pub const PUBLIC_CONFIG_META: &str = "aura-auth-config";

/// What the browser needs to sign a shopper in: the tenant, the public SPA client and the API.
///
/// This is a separate type from the server's settings on purpose: the M2M secret is not a field
/// here, so it cannot be serialised into a page by accident.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicAuthConfig {
    /// The tenant's issuer URL, always ending in `/` (Auth0's form), e.g. `https://t.auth0.com/`.
    pub issuer: Issuer,
    /// The Single Page Application's client ID (public).
    pub client_id: SpaClientId,
    /// The API identifier access tokens are requested for.
    pub audience: Audience,
    /// Where the browser keeps the token set.
    #[serde(default)]
    pub token_storage: TokenStorageKind,
}

/// Where the browser keeps tokens (`AUTH0_TOKEN_STORAGE`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenStorageKind {
    /// Survives reloads and is shared by every tab (the default).
    #[default]
    Local,
    /// Survives reloads of this tab only.
    Session,
    /// Gone on reload: the most cautious, at the cost of signing in again.
    Memory,
}

impl TokenStorageKind {
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "local" | "localStorage" => Some(Self::Local),
            "session" | "sessionStorage" => Some(Self::Session),
            "memory" => Some(Self::Memory),
            _ => None,
        }
    }
}

impl PublicAuthConfig {
    /// `{issuer}authorize`, Auth0's authorization endpoint.
    pub fn authorize_endpoint(&self) -> String {
        self.issuer.endpoint("authorize")
    }

    /// `{issuer}oauth/token`, Auth0's token endpoint.
    pub fn token_endpoint(&self) -> String {
        self.issuer.endpoint("oauth/token")
    }
}
