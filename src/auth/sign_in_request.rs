//! The sign-in transaction and the `/authorize` URL it produces.

use serde::{Deserialize, Serialize};

use super::pkce::code_challenge_s256;
use super::public_config::PublicAuthConfig;

/// What the app asks the tenant for: an ID token with the profile, a refresh token, and an access
/// token that may read the catalogue.
pub const SIGN_IN_SCOPE: &str = "openid profile email offline_access read:products";

/// The callback path registered with the tenant (`{origin}/callback`).
pub const CALLBACK_PATH: &str = "/callback";

/// One sign-in in flight, kept in sessionStorage between `/login` and `/callback`.
///
/// sessionStorage (not localStorage) because the transaction belongs to the tab that started it,
/// and it must not outlive that tab.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInTransaction {
    /// PKCE code verifier; only its S256 challenge leaves the browser before the code exchange.
    pub verifier: String,
    /// Echoed back by the tenant; a mismatch means the callback is not ours.
    pub state: String,
    /// Echoed in the ID token; binds the ID token to this sign-in.
    pub nonce: String,
    /// A same-origin path to land on afterwards (already sanitised).
    pub return_to: String,
}

impl SignInTransaction {
    /// The full `{issuer}authorize?…` URL for this transaction.
    pub fn authorize_url(&self, config: &PublicAuthConfig, origin: &str) -> String {
        let query = form_urlencoded::Serializer::new(String::new())
            .append_pair("response_type", "code")
            .append_pair("client_id", config.client_id.as_str())
            .append_pair("redirect_uri", &redirect_uri(origin))
            .append_pair("scope", SIGN_IN_SCOPE)
            .append_pair("audience", config.audience.as_str())
            .append_pair("state", &self.state)
            .append_pair("nonce", &self.nonce)
            .append_pair("code_challenge", &code_challenge_s256(&self.verifier))
            .append_pair("code_challenge_method", "S256")
            .finish();
        format!("{}?{query}", config.authorize_endpoint())
    }

    /// The form body of the code exchange: no client secret, the verifier instead.
    pub fn token_request_body(
        &self,
        config: &PublicAuthConfig,
        origin: &str,
        code: &str,
    ) -> String {
        form_urlencoded::Serializer::new(String::new())
            .append_pair("grant_type", "authorization_code")
            .append_pair("client_id", config.client_id.as_str())
            .append_pair("code", code)
            .append_pair("code_verifier", &self.verifier)
            .append_pair("redirect_uri", &redirect_uri(origin))
            .finish()
    }
}

/// `{origin}/callback`.
pub fn redirect_uri(origin: &str) -> String {
    format!("{}{CALLBACK_PATH}", origin.trim_end_matches('/'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::{Audience, Issuer, SpaClientId};

    fn config() -> PublicAuthConfig {
        PublicAuthConfig {
            issuer: Issuer::from_checked("http://127.0.0.1:4000/".into()),
            client_id: SpaClientId::from_checked("aura-spa".into()),
            audience: Audience::from_checked("https://api.auracommerce.com".into()),
            token_storage: Default::default(),
            dpop: Default::default(),
        }
    }

    fn transaction() -> SignInTransaction {
        SignInTransaction {
            verifier: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk".into(),
            state: "st&te".into(),
            nonce: "n0nce".into(),
            return_to: "/products".into(),
        }
    }

    fn query_of(url: &str) -> Vec<(String, String)> {
        let query = url.split_once('?').expect("a query").1;
        form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect()
    }

    #[test]
    fn authorize_url_carries_every_parameter_auth0_needs() {
        let url = transaction().authorize_url(&config(), "http://127.0.0.1:3000");
        assert!(url.starts_with("http://127.0.0.1:4000/authorize?"));
        let query = query_of(&url);
        let get = |k: &str| query.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("response_type"), Some("code"));
        assert_eq!(get("client_id"), Some("aura-spa"));
        assert_eq!(get("redirect_uri"), Some("http://127.0.0.1:3000/callback"));
        assert_eq!(get("scope"), Some(SIGN_IN_SCOPE));
        assert_eq!(get("audience"), Some("https://api.auracommerce.com"));
        assert_eq!(get("state"), Some("st&te"), "state is encoded, not split");
        assert_eq!(get("nonce"), Some("n0nce"));
        assert_eq!(
            get("code_challenge"),
            Some("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
        );
        assert_eq!(get("code_challenge_method"), Some("S256"));
    }

    #[test]
    fn the_verifier_never_appears_in_the_authorize_url() {
        let url = transaction().authorize_url(&config(), "http://127.0.0.1:3000");
        assert!(!url.contains(&transaction().verifier));
    }

    #[test]
    fn token_request_sends_the_verifier_and_no_secret() {
        let body = transaction().token_request_body(&config(), "http://127.0.0.1:3000/", "c0de");
        let pairs = query_of(&format!("?{body}"));
        let names: Vec<&str> = pairs.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "grant_type",
                "client_id",
                "code",
                "code_verifier",
                "redirect_uri"
            ]
        );
        assert!(!body.contains("secret"));
        assert!(body.contains("redirect_uri=http%3A%2F%2F127.0.0.1%3A3000%2Fcallback"));
    }
}
