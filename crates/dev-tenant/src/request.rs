//! Reading requests to `/oauth/token` and `/oauth/revoke`: the parameters (form-encoded or JSON
//! body, as Auth0 accepts both) and client authentication (`client_secret_post`,
//! `client_secret_basic`, or none for public clients).

use std::collections::HashMap;

use axum::http::{header, HeaderMap};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

use crate::config::ClientConfig;
use crate::errors::OAuthError;
use crate::params::query_param;
use crate::state::TenantState;

/// The request parameters, whatever the body encoding.
pub(crate) struct Params(HashMap<String, String>);

impl Params {
    pub fn get(&self, name: &str) -> Option<&str> {
        query_param(&self.0, name)
    }

    pub fn require(&self, name: &str) -> Result<&str, OAuthError> {
        self.get(name)
            .ok_or_else(|| OAuthError::missing_parameter(name))
    }

    /// Reads a form-encoded or JSON body, chosen by `Content-Type`.
    pub fn parse(headers: &HeaderMap, body: &[u8]) -> Result<Self, OAuthError> {
        let content_type = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_ascii_lowercase();
        let mut map = HashMap::new();
        if content_type.starts_with("application/json") {
            let value: serde_json::Value = serde_json::from_slice(body)
                .map_err(|_| OAuthError::invalid_request("The request body is not valid JSON."))?;
            let object = value.as_object().ok_or_else(|| {
                OAuthError::invalid_request("The request body must be a JSON object.")
            })?;
            for (name, value) in object {
                let value = value.as_str().ok_or_else(|| {
                    OAuthError::invalid_request(format!("Parameter '{name}' must be a string."))
                })?;
                map.insert(name.clone(), value.to_owned());
            }
        } else if content_type.starts_with("application/x-www-form-urlencoded") {
            for (name, value) in url::form_urlencoded::parse(body) {
                // RFC 6749 §3.2: parameters must not be repeated.
                if map.insert(name.to_string(), value.into_owned()).is_some() {
                    return Err(OAuthError::invalid_request(format!(
                        "Parameter '{name}' must not be repeated."
                    )));
                }
            }
        } else {
            return Err(OAuthError::invalid_request(
                "Content-Type must be application/x-www-form-urlencoded or application/json.",
            ));
        }
        Ok(Self(map))
    }
}

/// `client_secret_basic` credentials from the `Authorization` header.
fn basic_credentials(headers: &HeaderMap) -> Result<Option<(String, String)>, OAuthError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let malformed = || OAuthError::invalid_request("Malformed Basic authorization header.");
    let value = value.to_str().map_err(|_| malformed())?;
    let Some(encoded) = value
        .strip_prefix("Basic ")
        .or_else(|| value.strip_prefix("basic "))
    else {
        return Err(malformed());
    };
    let decoded = STANDARD.decode(encoded.trim()).map_err(|_| malformed())?;
    let decoded = String::from_utf8(decoded).map_err(|_| malformed())?;
    let (id, secret) = decoded.split_once(':').ok_or_else(malformed)?;
    // RFC 6749 §2.3.1: both parts are form-urlencoded before being joined.
    let unescape = |s: &str| {
        url::form_urlencoded::parse(format!("v={s}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    Ok(Some((unescape(id), unescape(secret))))
}

/// Identifies the client and checks its secret (or its absence, for a public client).
pub(crate) fn authenticate<'a>(
    state: &'a TenantState,
    headers: &HeaderMap,
    params: &Params,
) -> Result<&'a ClientConfig, OAuthError> {
    let basic = basic_credentials(headers)?;
    let body_id = params.get("client_id");
    let body_secret = params.get("client_secret");
    let (client_id, secret) = match &basic {
        Some((id, secret)) => {
            if body_id.is_some_and(|b| b != id) || body_secret.is_some() {
                return Err(OAuthError::invalid_request(
                    "Use one client authentication method: Basic header or body parameters, not both.",
                ));
            }
            (id.as_str(), Some(secret.as_str()).filter(|s| !s.is_empty()))
        }
        None => (
            body_id.ok_or_else(|| OAuthError::missing_parameter("client_id"))?,
            body_secret,
        ),
    };
    let client = state
        .config
        .client(client_id)
        .ok_or_else(OAuthError::unauthorized)?;
    match (&client.client_secret, secret) {
        (None, None) => Ok(client),
        (None, Some(_)) => Err(OAuthError::public_client_sent_secret(client_id)),
        (Some(expected), Some(given)) if expected.matches(given) => Ok(client),
        (Some(_), _) => Err(OAuthError::unauthorized()),
    }
}
