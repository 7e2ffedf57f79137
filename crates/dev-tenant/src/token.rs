//! `POST /oauth/token`: the authorization_code (PKCE S256), refresh_token (rotating) and
//! client_credentials grants, with form-encoded or JSON bodies as Auth0 accepts both.
//!
//! A `DPoP` proof (RFC 9449) on a user grant makes the tokens DPoP-bound: `token_type: DPoP`,
//! `cnf.jkt` in the access token, and a public client's refresh token usable only with proofs
//! by the same key. client_credentials tokens stay Bearer; their `DPoP` header is not read.
//!
//! Checks run in Auth0's order: the grant type must exist, the client must authenticate
//! correctly for its kind (public clients send no secret, confidential ones must), the grant
//! type must be enabled for the client, and then the grant's own parameters are checked.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use sha2::{Digest, Sha256};

use crate::config::{ClientConfig, GrantType};
use crate::dpop::ProofTarget;
use crate::errors::OAuthError;
use crate::issue::{self, granted_user_scopes, UserGrant};
use crate::refresh::{Grant, Rotation};
use crate::request::{authenticate, Params};
use crate::state::{SharedState, TenantState};

/// The token endpoint.
pub(crate) async fn token(
    State(state): State<SharedState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut response = match handle(&state, &headers, &body) {
        Ok(tokens) => {
            let mut response = Json(tokens).into_response();
            let h = response.headers_mut();
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            h.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
            response
        }
        Err(error) => error.into_response(),
    };
    // Every answer carries the nonce in nonce mode, so a client learns it (and its rotation)
    // without a failed request each time (RFC 9449 §8).
    if state.config.dpop.nonce {
        if let Ok(nonce) = HeaderValue::from_str(&state.dpop.current_nonce(state.clock.now())) {
            response.headers_mut().insert("dpop-nonce", nonce);
        }
    }
    response
}

/// The thumbprint of the request's DPoP key, if it sent a proof and the grant is a user grant.
fn dpop_key(
    state: &TenantState,
    grant: GrantType,
    headers: &HeaderMap,
) -> Result<Option<String>, OAuthError> {
    if grant == GrantType::ClientCredentials {
        return Ok(None);
    }
    let htu = state.config.endpoint("oauth/token");
    let target = ProofTarget {
        htm: "POST",
        htu: &htu,
        access_token: None,
    };
    let proof = state
        .dpop
        .check(headers, &target, state.clock.now(), state.config.dpop.nonce)?;
    Ok(proof.map(|p| p.jkt))
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
    // The proof is checked before the grant, so a bad proof does not spend a code.
    let issued = dpop_key(state, grant, headers).and_then(|dpop_jkt| match grant {
        GrantType::AuthorizationCode => authorization_code(state, client, &params, dpop_jkt),
        GrantType::RefreshToken => refresh_token(state, client, &params, dpop_jkt),
        GrantType::ClientCredentials => client_credentials(state, client, &params),
    });
    // Outcomes only: never a token, code or secret.
    match &issued {
        Ok(tokens) => tracing::info!(
            grant = grant.as_str(),
            client_id = %client.client_id,
            scope = %tokens.scope,
            "token issued"
        ),
        Err(e) => tracing::info!(
            grant = grant.as_str(),
            client_id = %client.client_id,
            error = e.error,
            description = %e.description,
            "token request refused"
        ),
    }
    issued
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
    dpop_jkt: Option<String>,
) -> Result<issue::TokenResponse, OAuthError> {
    let code = params.require("code")?;
    let verifier = params.get("code_verifier");
    // Public clients always use PKCE; refuse before spending the code on an incomplete request.
    if client.is_public() && verifier.is_none() {
        return Err(OAuthError::missing_verifier());
    }
    let now = state.clock.now();
    // Taking the code removes it, whatever happens next: a code is good for one attempt only.
    let Some(pending) = state.codes.take(code, now) else {
        revoke_what_the_code_issued(state, code, now);
        return Err(OAuthError::invalid_code());
    };
    state.used_codes.first_use(
        code,
        now,
        now + state.config.lifetimes.authorization_code_secs,
    );
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
    let rbac = state.config.rbac_enabled(&pending.request.audience);
    let scope = granted_user_scopes(&pending.request.scope, client, user, rbac);
    let tokens = issue::user_tokens(
        state,
        UserGrant {
            client,
            user,
            scope,
            audience: pending.request.audience,
            nonce: pending.request.nonce,
            auth_time: pending.auth_time,
            new_refresh_token: true,
            dpop_jkt,
        },
    )?;
    if let Some(family_id) = &tokens.refresh_family {
        if !state.used_codes.started_family(code, family_id) {
            // The code came back while this answer was being made: it is as compromised as if
            // the replay had come later.
            revoke_family(state, family_id);
        }
    }
    Ok(tokens)
}

/// A code presented again after its first use: revoke the refresh tokens that use issued, since
/// either the code leaked or the first answer went to someone else.
fn revoke_what_the_code_issued(state: &TenantState, code: &str, now: u64) {
    if let Some(family_id) = state.used_codes.replayed(code, now) {
        revoke_family(state, &family_id);
    }
}

fn revoke_family(state: &TenantState, family_id: &str) {
    match state.refresh.revoke_family(family_id) {
        Ok(revoked) => tracing::warn!(
            revoked,
            "authorization code reused; its refresh tokens revoked"
        ),
        Err(e) => tracing::error!(error = %e, "revoking the refresh tokens of a reused code"),
    }
}

fn refresh_token(
    state: &TenantState,
    client: &ClientConfig,
    params: &Params,
    dpop_jkt: Option<String>,
) -> Result<issue::TokenResponse, OAuthError> {
    let presented = params.require("refresh_token")?;
    let now = state.clock.now();
    // Everything about the request is checked before the token is spent (see `Rotation`).
    let accept = |grant: &Grant| {
        let user = state
            .config
            .user_by_subject(&grant.subject)
            .ok_or_else(OAuthError::invalid_refresh_token)?;
        check_dpop_binding(grant, dpop_jkt.as_deref())?;
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
        Ok((user, scope, grant.audience.clone(), grant.auth_time))
    };
    let rotation = state
        .refresh
        .rotate(
            presented,
            &client.client_id,
            now,
            &state.config.lifetimes,
            accept,
        )
        .map_err(|e| OAuthError::server_error(&e))?;
    let ((user, scope, audience, auth_time), next) = match rotation {
        Rotation::Rotated(accepted, next) => (accepted, next),
        Rotation::NotAccepted(error) => return Err(error),
        Rotation::Refused(refusal) => {
            tracing::info!(?refusal, client_id = %client.client_id, "refresh token refused");
            return Err(OAuthError::invalid_refresh_token());
        }
    };
    let mut tokens = issue::user_tokens(
        state,
        UserGrant {
            client,
            user,
            scope,
            audience,
            nonce: None,
            auth_time,
            new_refresh_token: false,
            dpop_jkt,
        },
    )?;
    tokens.refresh_token = Some(next);
    Ok(tokens)
}

/// A family bound to a DPoP key is refreshed only with a proof by that key. Refused as
/// `invalid_dpop_proof` (the refresh token itself is good, and is not spent).
fn check_dpop_binding(grant: &Grant, dpop_jkt: Option<&str>) -> Result<(), OAuthError> {
    match (grant.jkt.as_deref(), dpop_jkt) {
        (None, _) => Ok(()),
        (Some(_), None) => Err(OAuthError::invalid_dpop_proof(
            "This refresh token is bound to a DPoP key; send a DPoP proof made with it.",
        )),
        (Some(bound), Some(presented)) if bound != presented => {
            Err(OAuthError::invalid_dpop_proof(
                "The DPoP proof key is not the one this refresh token is bound to.",
            ))
        }
        (Some(_), Some(_)) => Ok(()),
    }
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
