//! What the UI may read from its own access token: who, which permissions, until when.
//!
//! For display and navigation only. The server never trusts this: it validates the signature
//! and every claim itself (`auth::server`).

use serde::Deserialize;

use super::id_token::{decode_payload, Audience};

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct AccessTokenView {
    pub sub: String,
    pub exp: u64,
    #[serde(default)]
    pub iat: Option<u64>,
    pub aud: Audience,
    #[serde(default)]
    pub azp: Option<String>,
    #[serde(default)]
    pub scope: Option<String>,
    #[serde(default)]
    pub permissions: Option<Vec<String>>,
}

impl AccessTokenView {
    /// Reads an access token's claims without verifying it.
    pub fn read(jwt: &str) -> Option<Self> {
        decode_payload(jwt)
    }

    /// The `permissions` claim, or the `scope` words when there is none (as the server decides).
    pub fn permissions(&self) -> Vec<String> {
        match &self.permissions {
            Some(permissions) => permissions.clone(),
            None => self
                .scope
                .as_deref()
                .unwrap_or_default()
                .split_whitespace()
                .map(str::to_owned)
                .collect(),
        }
    }

    /// The audiences, as a list.
    pub fn audiences(&self) -> Vec<String> {
        match &self.aud {
            Audience::One(aud) => vec![aud.clone()],
            Audience::Many(auds) => auds.clone(),
        }
    }
}
