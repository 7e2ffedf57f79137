//! Minting tokens: access tokens with Auth0's claims, ID tokens, and the token response body.

use std::sync::atomic::Ordering;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde::Serialize;
use serde_json::{json, Value};

use crate::config::{ClientConfig, GrantType, UserConfig};
use crate::errors::OAuthError;
use crate::refresh::Grant;
use crate::state::TenantState;

/// Scopes that are about the user's identity rather than an API.
const OIDC_SCOPES: [&str; 4] = ["openid", "profile", "email", "offline_access"];

/// The successful `/oauth/token` body.
#[derive(Debug, Serialize)]
pub(crate) struct TokenResponse {
    pub access_token: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    pub token_type: &'static str,
    pub expires_in: u64,
    pub scope: String,
    /// The refresh-token family this response started; never sent.
    #[serde(skip)]
    pub refresh_family: Option<String>,
}

/// What a user's token set is for.
pub(crate) struct UserGrant<'a> {
    pub client: &'a ClientConfig,
    pub user: &'a UserConfig,
    pub scope: Vec<String>,
    pub audience: String,
    pub nonce: Option<String>,
    pub auth_time: u64,
    /// Whether to start a refresh-token family (false when rotating: the caller has the token).
    pub new_refresh_token: bool,
    /// The thumbprint of the request's DPoP key: the access token is bound to it (`cnf.jkt`,
    /// `token_type: DPoP`), and so is a public client's new refresh-token family.
    pub dpop_jkt: Option<String>,
}

/// The scopes a user's token carries: identity scopes as asked (`offline_access` only if the
/// client may refresh); API scopes only when the user holds that permission with RBAC on, every
/// one asked with RBAC off (what Auth0 does when the API does not enforce RBAC).
pub(crate) fn granted_user_scopes(
    asked: &[String],
    client: &ClientConfig,
    user: &UserConfig,
    rbac: bool,
) -> Vec<String> {
    asked
        .iter()
        .filter(|s| {
            if s.as_str() == "offline_access" {
                client.allows(GrantType::RefreshToken)
            } else {
                !rbac || OIDC_SCOPES.contains(&s.as_str()) || user.permissions.contains(s)
            }
        })
        .cloned()
        .collect()
}

/// Issues the access token, the ID token (with `openid`) and a refresh token (with
/// `offline_access`) for a signed-in user.
pub(crate) fn user_tokens(
    state: &TenantState,
    grant: UserGrant<'_>,
) -> Result<TokenResponse, OAuthError> {
    let config = &state.config;
    let now = state.clock.now();
    let key = state.keys.current();
    let sub = grant.user.subject();
    let has = |s: &str| grant.scope.iter().any(|g| g == s);
    let scope = grant.scope.join(" ");

    let aud = if has("openid") {
        json!([grant.audience, config.endpoint("userinfo")])
    } else {
        json!(grant.audience)
    };
    let mut access_claims = json!({
        "iss": config.issuer,
        "sub": sub,
        "aud": aud,
        "iat": now,
        "exp": now + config.lifetimes.access_token_secs,
        "azp": grant.client.client_id,
        "scope": scope,
    });
    if config.rbac_enabled(&grant.audience) {
        access_claims["permissions"] = json!(grant.user.permissions);
    }
    if let Some(jkt) = &grant.dpop_jkt {
        access_claims["cnf"] = json!({ "jkt": jkt });
    }
    let access_token = key
        .sign(&access_claims)
        .map_err(|e| OAuthError::server_error(&e))?;

    let id_token = if has("openid") {
        let mut claims = json!({
            "iss": config.issuer,
            "sub": sub,
            "aud": grant.client.client_id,
            "iat": now,
            "exp": now + config.lifetimes.id_token_secs,
            "auth_time": grant.auth_time,
        });
        if let Some(nonce) = &grant.nonce {
            claims["nonce"] = json!(nonce);
        }
        add_profile_claims(&mut claims, grant.user, &grant.scope);
        Some(
            key.sign(&claims)
                .map_err(|e| OAuthError::server_error(&e))?,
        )
    } else {
        None
    };

    let (refresh_token, refresh_family) = if grant.new_refresh_token && has("offline_access") {
        let family = Grant {
            client_id: grant.client.client_id.clone(),
            subject: sub.clone(),
            scope: grant.scope.clone(),
            audience: grant.audience.clone(),
            auth_time: grant.auth_time,
            // RFC 9449 §5: a public client's refresh token is bound to its key; a confidential
            // client's is already bound to the client's own authentication.
            jkt: grant.dpop_jkt.clone().filter(|_| grant.client.is_public()),
        };
        let (token, family_id) = state
            .refresh
            .issue(family, now, &config.lifetimes)
            .map_err(|e| OAuthError::server_error(&e))?;
        (Some(token), Some(family_id))
    } else {
        (None, None)
    };

    state.counters.tokens_issued.fetch_add(1, Ordering::SeqCst);
    Ok(TokenResponse {
        access_token,
        id_token,
        refresh_token,
        token_type: if grant.dpop_jkt.is_some() {
            "DPoP"
        } else {
            "Bearer"
        },
        expires_in: config.lifetimes.access_token_secs,
        scope,
        refresh_family,
    })
}

/// Adds the `profile` and `email` claims the scope asks for (ID token and `/userinfo`).
pub(crate) fn add_profile_claims(claims: &mut Value, user: &UserConfig, scope: &[String]) {
    if scope.iter().any(|s| s == "profile") {
        let nickname = user.email.split('@').next().unwrap_or_default();
        claims["name"] = json!(user.name);
        claims["nickname"] = json!(nickname);
        claims["picture"] = json!(avatar_data_url(&user.name));
    }
    if scope.iter().any(|s| s == "email") {
        claims["email"] = json!(user.email);
        // Demo users are trusted configuration, so their addresses count as verified.
        claims["email_verified"] = json!(true);
    }
}

/// A small SVG avatar with the user's initials, as a `data:` URL: the app's CSP allows no
/// external images, and a local tenant must not depend on the internet.
fn avatar_data_url(name: &str) -> String {
    let initials: String = name
        .split_whitespace()
        .filter_map(|w| w.chars().next())
        .filter(char::is_ascii_alphanumeric)
        .take(2)
        .collect::<String>()
        .to_uppercase();
    let svg = format!(
        "<svg xmlns='http://www.w3.org/2000/svg' width='64' height='64' viewBox='0 0 64 64'>\
         <rect width='64' height='64' rx='32' fill='#4f46e5'/>\
         <text x='32' y='41' font-family='sans-serif' font-size='26' fill='#fff' \
         text-anchor='middle'>{initials}</text></svg>"
    );
    format!("data:image/svg+xml;base64,{}", STANDARD.encode(svg))
}

/// Issues a `client_credentials` access token.
pub(crate) fn m2m_token(
    state: &TenantState,
    client: &ClientConfig,
    audience: &str,
    scopes: &[String],
) -> Result<TokenResponse, OAuthError> {
    let config = &state.config;
    let now = state.clock.now();
    let scope = scopes.join(" ");
    let claims = json!({
        "iss": config.issuer,
        "sub": format!("{}@clients", client.client_id),
        "aud": audience,
        "iat": now,
        "exp": now + config.lifetimes.access_token_secs,
        "scope": scope,
        "gty": "client-credentials",
        "azp": client.client_id,
        "permissions": scopes,
    });
    let access_token = state
        .keys
        .current()
        .sign(&claims)
        .map_err(|e| OAuthError::server_error(&e))?;
    state
        .counters
        .client_credentials_issued
        .fetch_add(1, Ordering::SeqCst);
    state.counters.tokens_issued.fetch_add(1, Ordering::SeqCst);
    Ok(TokenResponse {
        access_token,
        id_token: None,
        refresh_token: None,
        token_type: "Bearer",
        expires_in: config.lifetimes.access_token_secs,
        scope,
        refresh_family: None,
    })
}
