//! Reading and checking the ID token the browser receives from the code exchange.
//!
//! The ID token comes straight from the tenant's token endpoint over the connection the browser
//! opened itself, so (OpenID Connect Core §3.1.3.7) its signature need not be checked again here;
//! its claims must be: it was issued by our tenant, for our SPA, for this sign-in, and is current.

use serde::{Deserialize, Serialize};

use super::audience_claim::AudienceClaim;
use super::dangerous::decode_unverified_payload;

/// Clock skew tolerated on `exp`, in seconds.
pub const ID_TOKEN_LEEWAY_SECS: u64 = 60;

/// The shopper's profile as the ID token states it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdTokenClaims {
    pub iss: String,
    pub aud: AudienceClaim,
    pub sub: String,
    pub exp: u64,
    #[serde(default)]
    pub nonce: Option<String>,
    /// The authorised party: the client the token was issued to.
    #[serde(default)]
    pub azp: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub picture: Option<String>,
}

/// Why an ID token was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IdTokenError {
    #[error("the ID token is not a well-formed JWT")]
    Malformed,
    #[error("the ID token was issued by {0}, not by the configured tenant")]
    WrongIssuer(String),
    #[error("the ID token was issued for another application")]
    WrongAudience,
    #[error("the ID token does not belong to this sign-in (nonce mismatch)")]
    NonceMismatch,
    #[error("the ID token has expired")]
    Expired,
    #[error("the ID token names several audiences but was not issued to this application (azp)")]
    WrongAuthorizedParty,
    #[error("the refreshed ID token is about another user or tenant than the one signed in")]
    AnotherSubject,
}

/// Checks `iss`, `aud`, `nonce` and `exp` of an ID token, at time `now` (seconds since the epoch).
/// `nonce` is `None` for ID tokens from a refresh, which carry none of their own.
pub fn check_id_token(
    jwt: &str,
    issuer: &str,
    client_id: &str,
    nonce: Option<&str>,
    now: u64,
) -> Result<IdTokenClaims, IdTokenError> {
    let claims: IdTokenClaims = decode_unverified_payload(jwt).ok_or(IdTokenError::Malformed)?;
    if claims.iss != issuer {
        return Err(IdTokenError::WrongIssuer(claims.iss));
    }
    if !claims.aud.contains(client_id) {
        return Err(IdTokenError::WrongAudience);
    }
    // OIDC Core §3.1.3.7: with several audiences `azp` must be there, and whenever it is there
    // it must name this client.
    let several = claims.aud.as_slice().len() > 1;
    match claims.azp.as_deref() {
        Some(azp) if azp != client_id => return Err(IdTokenError::WrongAuthorizedParty),
        None if several => return Err(IdTokenError::WrongAuthorizedParty),
        _ => {}
    }
    if let Some(nonce) = nonce {
        if claims.nonce.as_deref() != Some(nonce) {
            return Err(IdTokenError::NonceMismatch);
        }
    }
    if claims.exp + ID_TOKEN_LEEWAY_SECS < now {
        return Err(IdTokenError::Expired);
    }
    Ok(claims)
}

/// Checks an ID token from a refresh: everything [`check_id_token`] checks (no nonce), and
/// that it is about the same user at the same tenant as `previous`, the ID token it replaces
/// (OIDC Core §12.2). Without a previous ID token there is nothing to compare.
pub fn check_refreshed_id_token(
    jwt: &str,
    issuer: &str,
    client_id: &str,
    previous: Option<&IdTokenClaims>,
    now: u64,
) -> Result<IdTokenClaims, IdTokenError> {
    let claims = check_id_token(jwt, issuer, client_id, None, now)?;
    if let Some(previous) = previous {
        if claims.sub != previous.sub || claims.iss != previous.iss {
            return Err(IdTokenError::AnotherSubject);
        }
    }
    Ok(claims)
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    use serde_json::json;

    const ISSUER: &str = "http://127.0.0.1:4000/";
    const NOW: u64 = 1_800_000_000;

    fn jwt(claims: serde_json::Value) -> String {
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"RS256","kid":"k"}"#);
        let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
        format!("{header}.{payload}.c2lnbmF0dXJl")
    }

    fn good_claims() -> serde_json::Value {
        json!({"iss": ISSUER, "aud": "aura-spa", "sub": "auth0|shopper", "exp": NOW + 3600,
               "nonce": "n1", "name": "Sam Shopper", "email": "shopper@aura.test"})
    }

    fn check(claims: serde_json::Value) -> Result<IdTokenClaims, IdTokenError> {
        check_id_token(&jwt(claims), ISSUER, "aura-spa", Some("n1"), NOW)
    }

    #[test]
    fn a_good_id_token_yields_the_profile() {
        let claims = check(good_claims()).expect("accepted");
        assert_eq!(claims.name.as_deref(), Some("Sam Shopper"));
    }

    #[test]
    fn audience_may_be_an_array_with_azp() {
        let mut claims = good_claims();
        claims["aud"] = json!(["other", "aura-spa"]);
        claims["azp"] = json!("aura-spa");
        assert!(check(claims).is_ok());
    }

    #[test]
    fn each_wrong_claim_is_refused_with_its_reason() {
        let cases = [
            (
                "iss",
                json!("http://127.0.0.1:4000"),
                IdTokenError::WrongIssuer("http://127.0.0.1:4000".into()),
            ),
            ("aud", json!("aura-m2m"), IdTokenError::WrongAudience),
            ("nonce", json!("n2"), IdTokenError::NonceMismatch),
            (
                "exp",
                json!(NOW - ID_TOKEN_LEEWAY_SECS - 1),
                IdTokenError::Expired,
            ),
            ("exp", json!("9999999999"), IdTokenError::Malformed),
        ];
        for (claim, value, expected) in cases {
            let mut claims = good_claims();
            claims[claim] = value;
            assert_eq!(check(claims), Err(expected), "claim {claim}");
        }
    }

    #[test]
    fn a_missing_nonce_is_refused() {
        let mut claims = good_claims();
        claims.as_object_mut().unwrap().remove("nonce");
        assert_eq!(check(claims), Err(IdTokenError::NonceMismatch));
    }

    #[test]
    fn a_refreshed_id_token_needs_no_nonce_but_the_rest_is_checked() {
        let mut claims = good_claims();
        claims.as_object_mut().unwrap().remove("nonce");
        assert!(check_id_token(&jwt(claims.clone()), ISSUER, "aura-spa", None, NOW).is_ok());
        claims["aud"] = json!("someone-else");
        assert_eq!(
            check_id_token(&jwt(claims), ISSUER, "aura-spa", None, NOW),
            Err(IdTokenError::WrongAudience)
        );
    }

    #[test]
    fn several_audiences_need_an_azp_naming_this_client() {
        let mut claims = good_claims();
        claims["aud"] = json!(["aura-spa", "other"]);
        assert_eq!(
            check(claims.clone()),
            Err(IdTokenError::WrongAuthorizedParty)
        );
        claims["azp"] = json!("other");
        assert_eq!(
            check(claims.clone()),
            Err(IdTokenError::WrongAuthorizedParty)
        );
        claims["azp"] = json!("aura-spa");
        assert!(check(claims).is_ok());
    }

    #[test]
    fn an_azp_naming_another_client_is_refused_even_with_one_audience() {
        let mut claims = good_claims();
        claims["azp"] = json!("someone-else");
        assert_eq!(check(claims), Err(IdTokenError::WrongAuthorizedParty));
    }

    #[test]
    fn a_refreshed_id_token_keeps_sub_and_iss() {
        let previous = check(good_claims()).unwrap();
        let mut refreshed = good_claims();
        refreshed.as_object_mut().unwrap().remove("nonce");
        let refresh = |claims: serde_json::Value| {
            check_refreshed_id_token(&jwt(claims), ISSUER, "aura-spa", Some(&previous), NOW)
        };
        assert!(refresh(refreshed.clone()).is_ok());
        let mut other_user = refreshed.clone();
        other_user["sub"] = json!("auth0|someone-else");
        assert_eq!(refresh(other_user), Err(IdTokenError::AnotherSubject));
        assert!(
            check_refreshed_id_token(&jwt(refreshed), ISSUER, "aura-spa", None, NOW).is_ok(),
            "nothing to compare with"
        );
    }

    #[test]
    fn garbage_is_malformed() {
        for token in ["", "a.b", "a.b.c.d", "a.!!!.c"] {
            assert_eq!(
                check_id_token(token, ISSUER, "aura-spa", Some("n1"), NOW),
                Err(IdTokenError::Malformed)
            );
        }
    }
}
