//! The claims of a validated access token, typed.

use serde::Deserialize;

use crate::auth::id_token::Audience;

/// `gty` of tokens issued through the client_credentials grant (Auth0's marker of M2M tokens).
pub const CLIENT_CREDENTIALS_GTY: &str = "client-credentials";

/// An access token's claims after validation. Wrong JSON types (for example `"exp": "9"`) fail
/// deserialisation, so such a token is invalid rather than treated as lacking the claim.
#[derive(Clone, Debug, Deserialize)]
pub struct AccessClaims {
    pub iss: String,
    pub sub: String,
    pub aud: Audience,
    pub exp: u64,
    #[serde(default)]
    pub azp: Option<String>,
    #[serde(default)]
    pub scope: Option<String>,
    #[serde(default)]
    pub permissions: Option<Vec<String>>,
    #[serde(default)]
    pub gty: Option<String>,
}

impl AccessClaims {
    /// Whether the token grants `permission`: Auth0 RBAC's `permissions` claim when present,
    /// otherwise the space-separated `scope`.
    pub fn has_permission(&self, permission: &str) -> bool {
        match &self.permissions {
            Some(permissions) => permissions.iter().any(|p| p == permission),
            None => self
                .scope
                .as_deref()
                .is_some_and(|scope| scope.split(' ').any(|s| s == permission)),
        }
    }

    /// Whether this token was issued to a machine (client_credentials) rather than a person.
    pub fn is_machine(&self) -> bool {
        self.gty.as_deref() == Some(CLIENT_CREDENTIALS_GTY)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(scope: Option<&str>, permissions: Option<&[&str]>) -> AccessClaims {
        AccessClaims {
            iss: "i".into(),
            sub: "s".into(),
            aud: Audience::One("a".into()),
            exp: 0,
            azp: None,
            scope: scope.map(str::to_owned),
            permissions: permissions.map(|p| p.iter().map(|s| s.to_string()).collect()),
            gty: None,
        }
    }

    #[test]
    fn permissions_claim_wins_over_scope() {
        let c = claims(Some("write:products"), Some(&["read:products"]));
        assert!(c.has_permission("read:products"));
        assert!(!c.has_permission("write:products"));
    }

    #[test]
    fn scope_is_the_fallback_and_matches_whole_words() {
        let c = claims(Some("openid read:products"), None);
        assert!(c.has_permission("read:products"));
        assert!(!c.has_permission("read"));
    }
}
