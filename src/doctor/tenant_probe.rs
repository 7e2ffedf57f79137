//! The raw HTTP questions the doctor asks the tenant.

use std::time::Duration;

use serde::Deserialize;

use crate::auth::sign_in_request::redirect_uri;
use crate::auth::PublicAuthConfig;

/// Every call the doctor makes, to the tenant or to the app, gives up after this long.
pub(super) const TIMEOUT: Duration = Duration::from_secs(10);

pub struct TenantProbe {
    http: reqwest::Client,
}

#[derive(Deserialize)]
pub struct Discovery {
    pub issuer: String,
    pub jwks_uri: String,
    /// The DPoP proof algorithms the tenant accepts; absent when it does not do DPoP.
    #[serde(default)]
    pub dpop_signing_alg_values_supported: Vec<String>,
}

/// What the token endpoint said to a secret-less client_credentials request for the SPA.
pub enum PublicClientAnswer {
    /// Refused because the client may not use the grant: a public SPA, as it should be.
    GrantRefused,
    /// Refused because it must authenticate: a confidential client, or an unknown one.
    Unauthorized,
    /// A token was issued without a secret.
    Issued,
    Other(u16, String),
}

impl TenantProbe {
    pub fn new() -> Self {
        Self {
            http: crate::outbound_http::outbound_client(TIMEOUT),
        }
    }

    pub async fn discovery(&self, issuer: &str) -> Result<Discovery, String> {
        let url = format!("{issuer}.well-known/openid-configuration");
        let response = self
            .http
            .get(&url)
            .send()
            .await
            .map_err(|e| format!("{url}: {e}"))?;
        if !response.status().is_success() {
            return Err(format!("{url} answered {}", response.status()));
        }
        response
            .json()
            .await
            .map_err(|e| format!("{url} is not a discovery document: {e}"))
    }

    /// How many keys of the key set the server could check RS256 tokens with (the
    /// validator's own rules: RSA, for signatures, a well-formed key of an accepted size).
    pub async fn rs256_signing_keys(&self, jwks_uri: &str) -> Result<usize, String> {
        use crate::auth::server::jwks_cache::usable_keys;
        use crate::auth::server::signing_algorithm::SigningAlgorithm;

        let document = self
            .http
            .get(jwks_uri)
            .send()
            .await
            .map_err(|e| format!("{jwks_uri}: {e}"))?
            .bytes()
            .await
            .map_err(|e| format!("{jwks_uri}: {e}"))?;
        usable_keys(&document, &[SigningAlgorithm::RS256])
            .map(|keys| keys.len())
            .map_err(|e| format!("{jwks_uri} is not a key set: {e}"))
    }

    /// Asks for a client_credentials token as the SPA, without a secret, as Auth0's guide says a
    /// public client must never succeed in doing.
    pub async fn spa_client_credentials(
        &self,
        config: &PublicAuthConfig,
    ) -> Result<PublicClientAnswer, String> {
        let body = serde_json::json!({
            "grant_type": "client_credentials",
            "client_id": config.client_id,
            "audience": config.audience,
        });
        let response = self
            .http
            .post(config.token_endpoint())
            .json(&body)
            .send()
            .await
            .map_err(|e| format!("{}: {e}", config.token_endpoint()))?;
        let status = response.status().as_u16();
        let body: serde_json::Value = response.json().await.unwrap_or_default();
        let error = body["error"].as_str().unwrap_or_default();
        Ok(match (status, error) {
            (200, _) => PublicClientAnswer::Issued,
            (403, "unauthorized_client") => PublicClientAnswer::GrantRefused,
            (401, "access_denied" | "invalid_client") => PublicClientAnswer::Unauthorized,
            (status, _) => PublicClientAnswer::Other(status, body.to_string()),
        })
    }

    /// Whether `/authorize` accepts `{app_origin}/callback` for the SPA: it shows a sign-in page
    /// (or sends the browser to one) rather than an error.
    pub async fn callback_allowed(
        &self,
        config: &PublicAuthConfig,
        app_origin: &str,
    ) -> Result<bool, String> {
        let query = form_urlencoded::Serializer::new(String::new())
            .append_pair("response_type", "code")
            .append_pair("client_id", config.client_id.as_str())
            .append_pair("redirect_uri", &redirect_uri(app_origin))
            .append_pair("scope", "openid")
            .append_pair("audience", config.audience.as_str())
            .append_pair("state", "doctor")
            .append_pair(
                "code_challenge",
                "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
            )
            .append_pair("code_challenge_method", "S256")
            .finish();
        let url = format!("{}?{query}", config.authorize_endpoint());
        let response = self
            .http
            .get(&url)
            .send()
            .await
            .map_err(|e| format!("{url}: {e}"))?;
        let status = response.status();
        if status.is_success() {
            return Ok(true);
        }
        if status.is_redirection() {
            let location = response
                .headers()
                .get("location")
                .and_then(|l| l.to_str().ok())
                .unwrap_or_default();
            // Auth0 sends a good request on to its login page and a bad one to an error page.
            return Ok(!location.contains("error"));
        }
        Ok(false)
    }
}
