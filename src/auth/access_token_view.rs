//! What the UI may read from its own access token: who, which permissions, until when.
//!
//! For display and navigation only. The server never trusts this: it validates the signature
//! and every claim itself (`auth::server`).

use serde::Deserialize;

use super::audience_claim::AudienceClaim;
use super::dangerous::decode_unverified_payload;
use super::permissions::{granted_permissions, Grantee};

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct AccessTokenView {
    pub sub: String,
    pub exp: u64,
    #[serde(default)]
    pub iat: Option<u64>,
    pub aud: AudienceClaim,
    #[serde(default)]
    pub azp: Option<String>,
    #[serde(default)]
    pub scope: Option<String>,
    #[serde(default)]
    pub permissions: Option<Vec<String>>,
    #[serde(default)]
    pub gty: Option<String>,
}

impl AccessTokenView {
    /// Reads an access token's claims without verifying it.
    pub fn read(jwt: &str) -> Option<Self> {
        decode_unverified_payload(jwt)
    }

    /// What the token grants, by the server's rule (`auth::permissions`).
    pub fn permissions(&self) -> Vec<String> {
        granted_permissions(
            self.permissions.as_deref(),
            self.scope.as_deref(),
            Grantee::from_gty(self.gty.as_deref()),
        )
        .map(str::to_owned)
        .collect()
    }

    /// Whether the tenant issued a `permissions` claim (it does not when the API's RBAC is off).
    pub fn has_permissions_claim(&self) -> bool {
        self.permissions.is_some()
    }

    /// The audiences, as a list.
    pub fn audiences(&self) -> Vec<String> {
        self.aud.as_slice().to_vec()
    }
}
