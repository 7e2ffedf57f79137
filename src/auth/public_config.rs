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
    /// Whether tokens are bound to a browser-held key (DPoP, RFC 9449); `AUTH0_DPOP`.
    #[serde(default)]
    pub dpop: DpopMode,
}

/// Whether access and refresh tokens are sender-constrained with DPoP (`AUTH0_DPOP`).
///
/// Off by default, so an access token copied from the browser's storage works with curl as
/// the guide shows; on, a copied token is useless without the browser's non-extractable key.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DpopMode {
    /// Bearer tokens only (the default).
    #[default]
    Off,
    /// The browser proves possession of its key on every token request and protected call;
    /// the server refuses a DPoP-bound token without a proof by that key.
    On,
}

impl DpopMode {
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "off" => Some(Self::Off),
            "on" => Some(Self::On),
            _ => None,
        }
    }

    pub fn is_on(self) -> bool {
        self == Self::On
    }
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
