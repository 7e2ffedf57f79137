//! `POST /oauth/token`: the authorization_code (PKCE S256), refresh_token (rotating) and
//! client_credentials grants, with form-encoded or JSON bodies as Auth0 accepts both.
//!
//! Checks run in Auth0's order: the grant type must exist, the client must authenticate
//! correctly for its kind (public clients send no secret, confidential ones must), the grant
//! type must be enabled for the client, and then the grant's own parameters are checked.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use sha2::{Digest, Sha256};

use crate::config::{ClientConfig, GrantType};
use crate::errors::OAuthError;
use crate::issue::{self, granted_user_scopes, UserGrant};
use crate::state::{SharedState, TenantState};

/// The request parameters, whatever the body encoding.
struct Params(HashMap<String, String>);

impl Params {
    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    fn require(&self, name: &str) -> Result<&str, OAuthError> {
        self.get(name)
            .ok_or_else(|| OAuthError::missing_parameter(name))
    }

    /// Reads a form-encoded or JSON body, chosen by `Content-Type`.
    fn parse(headers: &HeaderMap, body: &[u8]) -> Result<Self, OAuthError> {
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

/// The token endpoint.
pub(crate) async fn token(
    State(state): State<SharedState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match handle(&state, &headers, &body) {
        Ok(tokens) => {
            let mut response = Json(tokens).into_response();
            let h = response.headers_mut();
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            h.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
            response
        }
        Err(error) => error.into_response(),
    }
}

fn handle(
    state: &TenantState,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<issue::TokenResponse, OAuthError> {
    let params = Params::parse(headers, body)?;
    let grant_name = params.require("grant_type")?;
    let grant = GrantType::parse(grant_name)
        .ok_or_else(|| OAuthError::unsupported_grant_type(grant_name))?;
    let client = authenticate(state, headers, &params)?;
    if !client.allows(grant) {
        return Err(OAuthError::grant_not_allowed(grant.as_str()));
    }
    match grant {
        GrantType::AuthorizationCode => authorization_code(state, client, &params),
        GrantType::RefreshToken => refresh_token(state, client, &params),
        GrantType::ClientCredentials => client_credentials(state, client, &params),
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
fn authenticate<'a>(
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

/// Whether `verifier` is a well-formed PKCE verifier whose S256 hash is `challenge`.
fn verifier_matches(verifier: &str, challenge: &str) -> bool {
    let well_formed = (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b));
    well_formed && URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())) == challenge
}

fn authorization_code(
    state: &TenantState,
    client: &ClientConfig,
    params: &Params,
) -> Result<issue::TokenResponse, OAuthError> {
    let code = params.require("code")?;
    let verifier = params.get("code_verifier");
    // Public clients always use PKCE; refuse before spending the code on an incomplete request.
    if client.is_public() && verifier.is_none() {
        return Err(OAuthError::missing_verifier());
    }
    let now = state.clock.now();
    // Taking the code removes it, whatever happens next: a code is good for one attempt only.
    let pending = state
        .codes
        .take(code, now)
        .ok_or_else(OAuthError::invalid_code)?;
    if pending.request.client_id != client.client_id {
        return Err(OAuthError::invalid_code());
    }
    match params.get("redirect_uri") {
        None => return Err(OAuthError::missing_parameter("redirect_uri")),
        Some(uri) if uri != pending.request.redirect_uri => {
            return Err(OAuthError::redirect_uri_mismatch())
        }
        Some(_) => {}
    }
    match (&pending.request.code_challenge, verifier) {
        (Some(_), None) => return Err(OAuthError::missing_verifier()),
        (Some(challenge), Some(verifier)) if !verifier_matches(verifier, challenge) => {
            return Err(OAuthError::verifier_mismatch())
        }
        // A verifier for a code made without a challenge is a confused or downgraded client.
        (None, Some(_)) => return Err(OAuthError::verifier_mismatch()),
        _ => {}
    }
    let user = state
        .config
        .user_by_subject(&pending.subject)
        .ok_or_else(OAuthError::invalid_code)?;
    let scope = granted_user_scopes(&pending.request.scope, client, user);
    issue::user_tokens(
        state,
        UserGrant {
            client,
            user,
            scope,
            audience: pending.request.audience,
            nonce: pending.request.nonce,
            auth_time: pending.auth_time,
            new_refresh_token: true,
        },
    )
}

fn refresh_token(
    state: &TenantState,
    client: &ClientConfig,
    params: &Params,
) -> Result<issue::TokenResponse, OAuthError> {
    let presented = params.require("refresh_token")?;
    let now = state.clock.now();
    let (grant, next) = state
        .refresh
        .rotate(presented, &client.client_id, now, &state.config.lifetimes)
        .map_err(|e| OAuthError::server_error(&e))?
        .map_err(|refusal| {
            tracing::info!(?refusal, client_id = %client.client_id, "refresh token refused");
            OAuthError::invalid_refresh_token()
        })?;
    let user = state
        .config
        .user_by_subject(&grant.subject)
        .ok_or_else(OAuthError::invalid_refresh_token)?;
    // A narrower scope may be asked (RFC 6749 §6), never a wider one.
    let scope = match params.get("scope") {
        None => grant.scope.clone(),
        Some(asked) => {
            let asked: Vec<String> = asked.split_whitespace().map(str::to_owned).collect();
            if let Some(extra) = asked.iter().find(|s| !grant.scope.contains(s)) {
                return Err(OAuthError::invalid_scope(extra));
            }
            asked
        }
    };
    let mut tokens = issue::user_tokens(
        state,
        UserGrant {
            client,
            user,
            scope,
            audience: grant.audience,
            nonce: None,
            auth_time: grant.auth_time,
            new_refresh_token: false,
        },
    )?;
    tokens.refresh_token = Some(next);
    Ok(tokens)
}

fn client_credentials(
    state: &TenantState,
    client: &ClientConfig,
    params: &Params,
) -> Result<issue::TokenResponse, OAuthError> {
    let audience = params.get("audience").unwrap_or(&state.config.audience);
    if !state.config.knows_audience(audience) {
        return Err(OAuthError::unknown_audience(audience));
    }
    let granted = client
        .api_grants
        .iter()
        .find(|g| g.audience == audience)
        .ok_or_else(|| OAuthError::no_client_grant(&client.client_id, audience))?;
    let scopes: Vec<String> = match params.get("scope") {
        None => granted.scopes.clone(),
        Some(asked) => {
            let asked: Vec<String> = asked.split_whitespace().map(str::to_owned).collect();
            let missing: Vec<&str> = asked
                .iter()
                .filter(|s| !granted.scopes.contains(s))
                .map(String::as_str)
                .collect();
            if !missing.is_empty() {
                return Err(OAuthError::scopes_not_granted(&missing.join(" ")));
            }
            asked
        }
    };
    issue::m2m_token(state, client, audience, &scopes)
}
