//! What the UI may read from its own access token: who, which permissions, until when.
//!
//! For display and navigation only. The server never trusts this: it validates the signature
//! and every claim itself (`auth::server`).

use serde::Deserialize;

use super::id_token::{decode_payload, Audience};

/// The permissions an access token grants, one rule for the server's checks and the UI's
/// menus: Auth0 RBAC's `permissions` claim when present, otherwise the words of `scope`
/// (space-separated, RFC 6749 §3.3).
pub fn granted_permissions<'a>(
    permissions: Option<&'a [String]>,
    scope: Option<&'a str>,
) -> impl Iterator<Item = &'a str> {
    let from_scope = match permissions {
        Some(_) => None,
        None => scope.map(|scope| scope.split(' ').filter(|word| !word.is_empty())),
    };
    permissions
        .into_iter()
        .flatten()
        .map(String::as_str)
        .chain(from_scope.into_iter().flatten())
}

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
        granted_permissions(self.permissions.as_deref(), self.scope.as_deref())
            .map(str::to_owned)
            .collect()
    }

    /// The audiences, as a list.
    pub fn audiences(&self) -> Vec<String> {
        match &self.aud {
            Audience::One(aud) => vec![aud.clone()],
            Audience::Many(auds) => auds.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn granted(permissions: Option<&[String]>, scope: Option<&str>) -> Vec<String> {
        granted_permissions(permissions, scope)
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn the_permissions_claim_wins_over_scope() {
        let permissions = vec!["read:products".to_owned()];
        assert_eq!(
            granted(Some(&permissions), Some("openid write:products")),
            ["read:products"]
        );
        assert!(granted(Some(&[]), Some("write:products")).is_empty());
    }

    #[test]
    fn without_permissions_the_scope_words_count() {
        assert_eq!(
            granted(None, Some("openid  read:products")),
            ["openid", "read:products"]
        );
        assert!(granted(None, None).is_empty());
    }
}
