//! The claims of a validated access token, typed.

use serde::{Deserialize, Deserializer};

use crate::auth::audience_claim::AudienceClaim;
pub use crate::auth::permissions::CLIENT_CREDENTIALS_GTY;
use crate::auth::permissions::{granted_permissions, Grantee};

/// An access token's claims after validation. Wrong JSON types (for example `"exp": "9"`, a
/// negative or fractional time, or `null`) fail deserialisation, so such a token is invalid
/// rather than treated as lacking the claim. A claim given twice is invalid too.
#[derive(Clone, Debug, Deserialize)]
pub struct AccessClaims {
    pub iss: String,
    pub sub: String,
    pub aud: AudienceClaim,
    /// Expiry, seconds since the Unix epoch; required.
    pub exp: u64,
    /// Not before, when present.
    #[serde(default, deserialize_with = "present")]
    pub nbf: Option<u64>,
    /// Issued at; only its type is checked.
    #[serde(default, deserialize_with = "present")]
    pub iat: Option<u64>,
    /// The client the token was issued to (the M2M application's client ID for M2M tokens).
    #[serde(default, deserialize_with = "present")]
    pub azp: Option<String>,
    /// Space-separated OAuth scopes.
    #[serde(default, deserialize_with = "present")]
    pub scope: Option<String>,
    /// Auth0 RBAC permissions.
    #[serde(default, deserialize_with = "present")]
    pub permissions: Option<Vec<String>>,
    /// Grant type; `client-credentials` for M2M tokens.
    #[serde(default, deserialize_with = "present")]
    pub gty: Option<String>,
    /// Confirmation (RFC 7800): present when the token is bound to a key of its client.
    #[serde(default, deserialize_with = "present")]
    pub cnf: Option<Confirmation>,
}

/// A token's `cnf` claim. Only DPoP's `jkt` is understood; a `cnf` without it (an mTLS
/// `x5t#S256`, say) still means "not a bearer token", and such a token is refused.
#[derive(Clone, Debug, Deserialize)]
pub struct Confirmation {
    /// The RFC 7638 thumbprint of the DPoP key the token is bound to (RFC 9449 §6).
    #[serde(default, deserialize_with = "present")]
    pub jkt: Option<String>,
}

/// An optional claim (or header) that, when present, must have its type: `null` is not "absent".
pub(super) fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

impl AccessClaims {
    /// Whether the token grants `permission` (`auth::permissions`'s rule: the `permissions`
    /// claim, or a machine token's `scope`).
    pub fn has_permission(&self, permission: &str) -> bool {
        granted_permissions(
            self.permissions.as_deref(),
            self.scope.as_deref(),
            self.grantee(),
        )
        .any(|granted| granted == permission)
    }

    /// Whether this token was issued to a machine (client_credentials) rather than a person.
    pub fn is_machine(&self) -> bool {
        self.grantee() == Grantee::Machine
    }

    /// A user's token without a `permissions` claim: Auth0 issues those when the API's RBAC
    /// (or "Add Permissions in the Access Token") is off, and they are granted nothing.
    pub fn lacks_permissions_claim(&self) -> bool {
        self.grantee() == Grantee::User && self.permissions.is_none()
    }

    /// Whether the token is bound to a key (any `cnf`): such a token is never a bearer token.
    pub fn is_sender_constrained(&self) -> bool {
        self.cnf.is_some()
    }

    /// The thumbprint of the DPoP key the token is bound to.
    pub fn dpop_jkt(&self) -> Option<&str> {
        self.cnf.as_ref().and_then(|cnf| cnf.jkt.as_deref())
    }

    fn grantee(&self) -> Grantee {
        Grantee::from_gty(self.gty.as_deref())
    }

    /// The scopes, split.
    pub fn scopes(&self) -> Vec<&str> {
        self.scope
            .as_deref()
            .map(|scope| scope.split(' ').filter(|s| !s.is_empty()).collect())
            .unwrap_or_default()
    }

    /// The client the token was issued to: `azp`, or for Auth0 M2M tokens the `sub` without
    /// its `@clients` suffix.
    pub fn client_id(&self) -> Option<&str> {
        self.azp
            .as_deref()
            .or_else(|| self.sub.strip_suffix("@clients"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(scope: Option<&str>, permissions: Option<&[&str]>) -> AccessClaims {
        AccessClaims {
            iss: "i".into(),
            sub: "s".into(),
            aud: AudienceClaim::One("a".into()),
            exp: 0,
            nbf: None,
            iat: None,
            azp: None,
            scope: scope.map(str::to_owned),
            permissions: permissions.map(|p| p.iter().map(|s| s.to_string()).collect()),
            gty: None,
            cnf: None,
        }
    }

    fn parse(json: serde_json::Value) -> Result<AccessClaims, serde_json::Error> {
        serde_json::from_value(json)
    }

    #[test]
    fn claims_of_the_wrong_type_are_invalid_not_absent() {
        let good = serde_json::json!({ "iss": "i", "sub": "s", "aud": "a", "exp": 9 });
        assert!(parse(good.clone()).is_ok());
        for (claim, value) in [
            ("exp", serde_json::json!("9999999999")),
            ("exp", serde_json::json!(-1)),
            ("exp", serde_json::json!(1.5)),
            ("exp", serde_json::Value::Null),
            ("nbf", serde_json::json!("0")),
            ("nbf", serde_json::Value::Null),
            ("iat", serde_json::json!(true)),
            ("aud", serde_json::json!(7)),
            ("aud", serde_json::json!(["a", 7])),
            ("iss", serde_json::json!(["i"])),
            ("scope", serde_json::json!(["read:products"])),
            ("permissions", serde_json::json!("read:products")),
            ("gty", serde_json::Value::Null),
            ("cnf", serde_json::json!("thumbprint")),
            ("cnf", serde_json::json!({ "jkt": 7 })),
            ("cnf", serde_json::Value::Null),
        ] {
            let mut json = good.clone();
            json[claim] = value.clone();
            assert!(parse(json).is_err(), "{claim}: {value}");
        }
    }

    #[test]
    fn m2m_tokens_name_their_client() {
        let mut c = claims(Some("read:products ai:recommend"), None);
        c.sub = "aura-m2m@clients".into();
        c.gty = Some(CLIENT_CREDENTIALS_GTY.into());
        assert!(c.is_machine());
        assert_eq!(c.client_id(), Some("aura-m2m"));
        assert_eq!(c.scopes(), ["read:products", "ai:recommend"]);
    }

    #[test]
    fn permissions_claim_wins_over_scope() {
        let c = claims(Some("write:products"), Some(&["read:products"]));
        assert!(c.has_permission("read:products"));
        assert!(!c.has_permission("write:products"));
    }

    #[test]
    fn a_machines_scope_is_the_fallback_and_matches_whole_words() {
        let mut c = claims(Some("openid read:products"), None);
        c.gty = Some(CLIENT_CREDENTIALS_GTY.into());
        assert!(c.has_permission("read:products"));
        assert!(!c.has_permission("read"));
    }

    #[test]
    fn a_users_scope_grants_nothing_and_says_why() {
        let c = claims(Some("openid read:products write:products"), None);
        assert!(!c.has_permission("write:products"));
        assert!(c.lacks_permissions_claim());
    }
}
