//! Tenant configuration: issuer, the API audience, clients, users, lifetimes and where state
//! lives. [`TenantConfig::with_defaults`] gives the Aura Commerce setup; a JSON file can extend it
//! (see [`ConfigFile`]).

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::errors::TenantError;
use crate::{
    DEFAULT_AUDIENCE, DEFAULT_M2M_CLIENT_ID, DEFAULT_M2M_CLIENT_SECRET, DEFAULT_SPA_CLIENT_ID,
    DEMO_PASSWORD,
};

/// Everything the tenant needs to run.
#[derive(Debug, Clone)]
pub struct TenantConfig {
    /// The issuer URL, ending with `/` like Auth0's (e.g. `http://127.0.0.1:4000/`). Every
    /// endpoint URL in discovery is built from it.
    pub issuer: String,
    /// The default API identifier, used when `/authorize` or `client_credentials` names none.
    pub audience: String,
    /// Further API identifiers the tenant accepts as `audience`.
    pub extra_audiences: Vec<String>,
    /// Registered applications.
    pub clients: Vec<ClientConfig>,
    /// Users who can sign in.
    pub users: Vec<UserConfig>,
    /// Where the signing key is kept (PKCS#8 DER). `None`: a fresh key per start.
    pub signing_key_path: Option<PathBuf>,
    /// Where refresh-token families are kept so restarts do not revoke them. `None`: memory only.
    pub state_dir: Option<PathBuf>,
    /// Token, code and session lifetimes.
    pub lifetimes: Lifetimes,
    /// Per-API settings (Auth0's API "RBAC settings"). An API not listed has RBAC on.
    pub apis: Vec<ApiConfig>,
    /// DPoP at `/oauth/token`. Proofs are honoured whenever sent; this says what else applies.
    pub dpop: DpopConfig,
}

/// DPoP settings (RFC 9449). Default: no server nonce.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DpopConfig {
    /// Require the tenant's nonce in every proof: a proof without it gets 400
    /// `use_dpop_nonce` and the nonce in a `DPoP-Nonce` header (sent on every token response).
    pub nonce: bool,
}

/// Settings of one API (Auth0 "resource server"), named by its identifier (`audience`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiConfig {
    /// The API identifier; must be the audience or one of the extra audiences.
    pub identifier: String,
    /// Auth0's "Enable RBAC" + "Add Permissions in the Access Token". `true` (the default):
    /// user tokens carry a `permissions` claim and only the asked API scopes the user holds.
    /// `false`: no `permissions` claim, and `scope` holds every API scope the user asked for,
    /// granted or not, as Auth0 does with RBAC off.
    #[serde(default = "rbac_default")]
    pub rbac: bool,
}

fn rbac_default() -> bool {
    true
}

/// Lifetimes in seconds. Defaults follow Auth0's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Lifetimes {
    /// Access tokens. Default 86400 (24 h, Auth0's API default).
    pub access_token_secs: u64,
    /// ID tokens. Default 36000 (10 h, Auth0's default).
    pub id_token_secs: u64,
    /// Authorization codes. Default 60.
    pub authorization_code_secs: u64,
    /// Refresh tokens: how long one may go unused. Default 1 296 000 (15 days).
    pub refresh_token_idle_secs: u64,
    /// Refresh tokens: how long a family lives at most, however used. Default 2 592 000 (30 days).
    pub refresh_token_absolute_secs: u64,
    /// A sign-in form left open. Default 600.
    pub login_transaction_secs: u64,
    /// The tenant's own sign-in session (the cookie that skips the form). Default 259 200 (3 days).
    pub session_secs: u64,
}

impl Default for Lifetimes {
    fn default() -> Self {
        Self {
            access_token_secs: 86_400,
            id_token_secs: 36_000,
            authorization_code_secs: 60,
            refresh_token_idle_secs: 1_296_000,
            refresh_token_absolute_secs: 2_592_000,
            login_transaction_secs: 600,
            session_secs: 259_200,
        }
    }
}

/// A grant type a client may use at `/oauth/token`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum GrantType {
    /// `authorization_code`
    #[serde(rename = "authorization_code")]
    AuthorizationCode,
    /// `refresh_token`
    #[serde(rename = "refresh_token")]
    RefreshToken,
    /// `client_credentials`
    #[serde(rename = "client_credentials")]
    ClientCredentials,
}

impl GrantType {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AuthorizationCode => "authorization_code",
            Self::RefreshToken => "refresh_token",
            Self::ClientCredentials => "client_credentials",
        }
    }

    /// Parses a wire name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "authorization_code" => Some(Self::AuthorizationCode),
            "refresh_token" => Some(Self::RefreshToken),
            "client_credentials" => Some(Self::ClientCredentials),
            _ => None,
        }
    }
}

/// A client secret. Its `Debug` never shows the value.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct ClientSecret(String);

impl ClientSecret {
    /// Wraps a secret.
    pub fn new(secret: impl Into<String>) -> Self {
        Self(secret.into())
    }

    /// Compares in constant time, so the check does not leak how much of a guess was right.
    pub fn matches(&self, candidate: &str) -> bool {
        let a = Sha256::digest(self.0.as_bytes());
        let b = Sha256::digest(candidate.as_bytes());
        a.iter()
            .zip(b.iter())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
    }
}

impl fmt::Debug for ClientSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ClientSecret(<redacted>)")
    }
}

/// An application registered with the tenant.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientConfig {
    /// The client ID.
    pub client_id: String,
    /// Display name, shown on the sign-in page.
    #[serde(default)]
    pub name: String,
    /// `None`: a public client (SPA), which must use PKCE and must not send a secret.
    #[serde(default)]
    pub client_secret: Option<ClientSecret>,
    /// Grant types the client may use.
    pub grant_types: Vec<GrantType>,
    /// Allowed `redirect_uri` values (exact match).
    #[serde(default)]
    pub callbacks: Vec<String>,
    /// Allowed `returnTo` / `post_logout_redirect_uri` values (exact match).
    #[serde(default)]
    pub logout_urls: Vec<String>,
    /// Origins allowed to call the tenant from a browser (CORS).
    #[serde(default)]
    pub web_origins: Vec<String>,
    /// For `client_credentials`: the scopes granted per API audience.
    #[serde(default)]
    pub api_grants: Vec<ApiGrant>,
}

impl ClientConfig {
    /// Whether the client is public (no secret).
    pub fn is_public(&self) -> bool {
        self.client_secret.is_none()
    }

    /// Whether the client may use `grant`.
    pub fn allows(&self, grant: GrantType) -> bool {
        self.grant_types.contains(&grant)
    }
}

/// Scopes a confidential client is granted on one API.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiGrant {
    /// The API identifier.
    pub audience: String,
    /// Granted scopes; they become the token's `scope` and `permissions`.
    pub scopes: Vec<String>,
}

/// A user who can sign in.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserConfig {
    /// `sub` without the `auth0|` prefix. Default: derived from the email, so it is stable.
    #[serde(default)]
    pub user_id: Option<String>,
    /// Email address, the sign-in name.
    pub email: String,
    /// Password (plain text: this tenant holds demo users only).
    pub password: String,
    /// Full name.
    pub name: String,
    /// Role name, informational.
    #[serde(default)]
    pub role: String,
    /// Permissions put in the access token's `permissions` claim.
    #[serde(default)]
    pub permissions: Vec<String>,
}

impl UserConfig {
    /// The `sub` claim: `auth0|<id>`.
    pub fn subject(&self) -> String {
        match &self.user_id {
            Some(id) => format!("auth0|{id}"),
            None => {
                let digest = Sha256::digest(self.email.to_ascii_lowercase().as_bytes());
                let hex: String = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
                format!("auth0|{hex}")
            }
        }
    }
}

/// The JSON file that extends the defaults. Every field is optional; clients and users with an
/// ID or email already present replace the existing entry.
///
/// ```json
/// {
///   "extra_audiences": ["https://inventory.example"],
///   "lifetimes": { "access_token_secs": 600 },
///   "clients": [{ "client_id": "reports", "client_secret": "s3cret",
///                 "grant_types": ["client_credentials"],
///                 "api_grants": [{ "audience": "https://api.auracommerce.com", "scopes": ["read:products"] }] }],
///   "users": [{ "email": "ops@aura.test", "password": "aura-demo", "name": "Olu Ops",
///               "role": "admin", "permissions": ["read:products", "write:products"] }],
///   "allowed_app_origins": ["http://127.0.0.1:8080"]
/// }
/// ```
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ConfigFile {
    /// Replaces the default audience.
    pub audience: Option<String>,
    /// Added to the accepted audiences.
    pub extra_audiences: Vec<String>,
    /// Added or replacing clients.
    pub clients: Vec<ClientConfig>,
    /// Added or replacing users.
    pub users: Vec<UserConfig>,
    /// Passed to [`TenantConfig::allow_app_origin`].
    pub allowed_app_origins: Vec<String>,
    /// Replaces the lifetimes (unnamed ones keep their defaults).
    pub lifetimes: Option<Lifetimes>,
    /// Added or replacing per-API settings (same identifier replaces).
    pub apis: Vec<ApiConfig>,
    /// Replaces the DPoP settings.
    pub dpop: Option<DpopConfig>,
}

impl TenantConfig {
    /// Defaults for Aura Commerce: the SPA client (public, callbacks
    /// `http://127.0.0.1:3000/callback` and `http://localhost:3000/callback`, logout URLs
    /// `http://127.0.0.1:3000/` and `http://localhost:3000/`, web origins `http://127.0.0.1:3000`
    /// and `http://localhost:3000`, grants `authorization_code` + `refresh_token`), the M2M client
    /// (confidential, `client_credentials`, granted `read:products ai:recommend` for the audience),
    /// and two users: `admin@aura.test` ("Ada Admin", `read:products write:products`) and
    /// `shopper@aura.test` ("Sam Shopper", `read:products`), both with password `aura-demo`.
    ///
    /// A missing trailing `/` is added to `issuer`.
    pub fn with_defaults(issuer: &str) -> Self {
        let mut issuer = issuer.to_owned();
        if !issuer.ends_with('/') {
            issuer.push('/');
        }
        let mut config = Self {
            issuer,
            audience: DEFAULT_AUDIENCE.to_owned(),
            extra_audiences: Vec::new(),
            clients: vec![
                ClientConfig {
                    client_id: DEFAULT_SPA_CLIENT_ID.to_owned(),
                    name: "Aura Commerce".to_owned(),
                    client_secret: None,
                    grant_types: vec![GrantType::AuthorizationCode, GrantType::RefreshToken],
                    callbacks: Vec::new(),
                    logout_urls: Vec::new(),
                    web_origins: Vec::new(),
                    api_grants: Vec::new(),
                },
                ClientConfig {
                    client_id: DEFAULT_M2M_CLIENT_ID.to_owned(),
                    name: "Aura Commerce Backend".to_owned(),
                    client_secret: Some(ClientSecret::new(DEFAULT_M2M_CLIENT_SECRET)),
                    grant_types: vec![GrantType::ClientCredentials],
                    callbacks: Vec::new(),
                    logout_urls: Vec::new(),
                    web_origins: Vec::new(),
                    api_grants: vec![ApiGrant {
                        audience: DEFAULT_AUDIENCE.to_owned(),
                        scopes: vec!["read:products".to_owned(), "ai:recommend".to_owned()],
                    }],
                },
            ],
            users: vec![
                UserConfig {
                    user_id: None,
                    email: "admin@aura.test".to_owned(),
                    password: DEMO_PASSWORD.to_owned(),
                    name: "Ada Admin".to_owned(),
                    role: "admin".to_owned(),
                    permissions: vec!["read:products".to_owned(), "write:products".to_owned()],
                },
                UserConfig {
                    user_id: None,
                    email: "shopper@aura.test".to_owned(),
                    password: DEMO_PASSWORD.to_owned(),
                    name: "Sam Shopper".to_owned(),
                    role: "shopper".to_owned(),
                    permissions: vec!["read:products".to_owned()],
                },
            ],
            signing_key_path: None,
            state_dir: None,
            lifetimes: Lifetimes::default(),
            apis: Vec::new(),
            dpop: DpopConfig::default(),
        };
        config.allow_app_origin("http://127.0.0.1:3000");
        config.allow_app_origin("http://localhost:3000");
        config
    }

    /// Adds `{origin}/callback` as an allowed callback, `{origin}/` as an allowed logout URL, and
    /// `origin` as an allowed CORS/web origin for the SPA client (used when the app runs on another
    /// port, e.g. in tests). A trailing `/` on `origin` is ignored.
    pub fn allow_app_origin(&mut self, origin: &str) {
        let origin = origin.trim_end_matches('/');
        let Some(spa) = self
            .clients
            .iter_mut()
            .find(|c| c.client_id == DEFAULT_SPA_CLIENT_ID)
        else {
            return;
        };
        push_unique(&mut spa.callbacks, format!("{origin}/callback"));
        push_unique(&mut spa.logout_urls, format!("{origin}/"));
        push_unique(&mut spa.web_origins, origin.to_owned());
    }

    /// Reads a JSON [`ConfigFile`] and merges it into this configuration.
    pub fn extend_from_file(&mut self, path: &Path) -> Result<(), TenantError> {
        let text = std::fs::read_to_string(path).map_err(|source| TenantError::Io {
            context: format!("reading config file {}", path.display()),
            source,
        })?;
        let file: ConfigFile = serde_json::from_str(&text)
            .map_err(|e| TenantError::Config(format!("config file {}: {e}", path.display())))?;
        self.extend(file);
        Ok(())
    }

    /// Merges a [`ConfigFile`] into this configuration.
    pub fn extend(&mut self, file: ConfigFile) {
        if let Some(audience) = file.audience {
            self.audience = audience;
        }
        for audience in file.extra_audiences {
            push_unique(&mut self.extra_audiences, audience);
        }
        for client in file.clients {
            self.clients.retain(|c| c.client_id != client.client_id);
            self.clients.push(client);
        }
        for user in file.users {
            self.users
                .retain(|u| !u.email.eq_ignore_ascii_case(&user.email));
            self.users.push(user);
        }
        for origin in file.allowed_app_origins {
            self.allow_app_origin(&origin);
        }
        if let Some(lifetimes) = file.lifetimes {
            self.lifetimes = lifetimes;
        }
        if let Some(dpop) = file.dpop {
            self.dpop = dpop;
        }
        for api in file.apis {
            self.apis.retain(|a| a.identifier != api.identifier);
            self.apis.push(api);
        }
    }

    /// Checks the configuration once, at start.
    pub(crate) fn validate(&self) -> Result<(), TenantError> {
        let issuer = url::Url::parse(&self.issuer).map_err(|e| {
            TenantError::Config(format!("issuer {:?} is not a URL: {e}", self.issuer))
        })?;
        if !matches!(issuer.scheme(), "http" | "https") || !self.issuer.ends_with('/') {
            return Err(TenantError::Config(format!(
                "issuer {:?} must be an http(s) URL ending with '/'",
                self.issuer
            )));
        }
        if self.audience.is_empty() {
            return Err(TenantError::Config("audience must not be empty".into()));
        }
        let mut ids: Vec<&str> = self.clients.iter().map(|c| c.client_id.as_str()).collect();
        ids.sort_unstable();
        if let Some(w) = ids.windows(2).find(|w| w[0] == w[1]) {
            return Err(TenantError::Config(format!(
                "client ID {:?} is listed twice",
                w[0]
            )));
        }
        for client in &self.clients {
            let id = &client.client_id;
            if client.is_public() && client.allows(GrantType::ClientCredentials) {
                return Err(TenantError::Config(format!(
                    "client {id:?} is public (no secret) and cannot use client_credentials"
                )));
            }
            for url in client.callbacks.iter().chain(&client.logout_urls) {
                if url::Url::parse(url).is_err() {
                    return Err(TenantError::Config(format!(
                        "client {id:?}: {url:?} is not an absolute URL"
                    )));
                }
            }
            for origin in &client.web_origins {
                let parsed = url::Url::parse(origin).ok();
                let is_origin = parsed
                    .as_ref()
                    .is_some_and(|u| u.origin().ascii_serialization() == *origin);
                if !is_origin {
                    return Err(TenantError::Config(format!(
                        "client {id:?}: web origin {origin:?} must be scheme://host[:port] with no path"
                    )));
                }
            }
        }
        for api in &self.apis {
            if !self.knows_audience(&api.identifier) {
                return Err(TenantError::Config(format!(
                    "API settings for {:?}: not the audience or an extra audience",
                    api.identifier
                )));
            }
        }
        if self.lifetimes.authorization_code_secs == 0 || self.lifetimes.access_token_secs == 0 {
            return Err(TenantError::Config("lifetimes must be positive".into()));
        }
        Ok(())
    }

    /// Whether `audience` names an API of this tenant.
    pub(crate) fn knows_audience(&self, audience: &str) -> bool {
        self.audience == audience || self.extra_audiences.iter().any(|a| a == audience)
    }

    /// Whether user tokens for `audience` follow RBAC (permissions claim, granted scopes only).
    pub(crate) fn rbac_enabled(&self, audience: &str) -> bool {
        self.apis
            .iter()
            .find(|a| a.identifier == audience)
            .is_none_or(|a| a.rbac)
    }

    pub(crate) fn client(&self, client_id: &str) -> Option<&ClientConfig> {
        self.clients.iter().find(|c| c.client_id == client_id)
    }

    pub(crate) fn user_by_email(&self, email: &str) -> Option<&UserConfig> {
        self.users
            .iter()
            .find(|u| u.email.eq_ignore_ascii_case(email.trim()))
    }

    pub(crate) fn user_by_subject(&self, sub: &str) -> Option<&UserConfig> {
        self.users.iter().find(|u| u.subject() == sub)
    }

    /// `{issuer}{path}` (path without a leading `/`).
    pub(crate) fn endpoint(&self, path: &str) -> String {
        format!("{}{path}", self.issuer)
    }
}

fn push_unique(list: &mut Vec<String>, value: String) {
    if !list.contains(&value) {
        list.push(value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defaults() -> TenantConfig {
        TenantConfig::with_defaults("http://127.0.0.1:4000")
    }

    /// The defaults are what the app and the guide's curl commands expect.
    #[test]
    fn defaults_describe_aura_commerce() {
        let config = defaults();
        assert_eq!(config.issuer, "http://127.0.0.1:4000/");
        assert_eq!(config.audience, DEFAULT_AUDIENCE);
        let spa = config.client(DEFAULT_SPA_CLIENT_ID).unwrap();
        assert!(spa.is_public());
        assert_eq!(
            spa.callbacks,
            [
                "http://127.0.0.1:3000/callback",
                "http://localhost:3000/callback"
            ]
        );
        assert_eq!(
            spa.logout_urls,
            ["http://127.0.0.1:3000/", "http://localhost:3000/"]
        );
        assert_eq!(
            spa.web_origins,
            ["http://127.0.0.1:3000", "http://localhost:3000"]
        );
        assert_eq!(
            spa.grant_types,
            [GrantType::AuthorizationCode, GrantType::RefreshToken]
        );
        let m2m = config.client(DEFAULT_M2M_CLIENT_ID).unwrap();
        assert!(m2m
            .client_secret
            .as_ref()
            .unwrap()
            .matches(DEFAULT_M2M_CLIENT_SECRET));
        assert_eq!(m2m.grant_types, [GrantType::ClientCredentials]);
        assert_eq!(m2m.api_grants[0].scopes, ["read:products", "ai:recommend"]);
        let admin = config.user_by_email("Admin@Aura.test").unwrap();
        assert_eq!(admin.name, "Ada Admin");
        assert_eq!(admin.permissions, ["read:products", "write:products"]);
        let shopper = config.user_by_email("shopper@aura.test").unwrap();
        assert_eq!(shopper.permissions, ["read:products"]);
        assert_eq!(config.lifetimes.access_token_secs, 86_400);
        assert_eq!(config.lifetimes.id_token_secs, 36_000);
        assert_eq!(config.lifetimes.authorization_code_secs, 60);
        config.validate().unwrap();
    }

    /// User IDs are stable: derived from the email unless given.
    #[test]
    fn subjects_are_stable_and_prefixed() {
        let config = defaults();
        let admin = config.user_by_email("admin@aura.test").unwrap();
        assert_eq!(admin.subject(), defaults().users[0].subject());
        assert!(admin.subject().starts_with("auth0|"));
        assert_eq!(admin.subject().len(), "auth0|".len() + 24);
        assert_ne!(admin.subject(), config.users[1].subject());
    }

    /// Adding an origin adds its callback, logout URL and CORS origin once.
    #[test]
    fn allow_app_origin_adds_callback_logout_and_origin_once() {
        let mut config = defaults();
        config.allow_app_origin("http://127.0.0.1:8123/");
        config.allow_app_origin("http://127.0.0.1:8123");
        let spa = config.client(DEFAULT_SPA_CLIENT_ID).unwrap();
        assert_eq!(
            spa.callbacks.last().unwrap(),
            "http://127.0.0.1:8123/callback"
        );
        assert_eq!(spa.logout_urls.last().unwrap(), "http://127.0.0.1:8123/");
        assert_eq!(spa.web_origins.last().unwrap(), "http://127.0.0.1:8123");
        assert_eq!(spa.callbacks.len(), 3);
    }

    /// A config file adds clients and users, replaces same-named ones, and sets lifetimes.
    #[test]
    fn a_config_file_extends_the_defaults() {
        let file: ConfigFile = serde_json::from_str(
            r#"{
                "extra_audiences": ["https://inventory.example"],
                "lifetimes": { "access_token_secs": 600 },
                "clients": [{ "client_id": "reports", "client_secret": "s3cret",
                              "grant_types": ["client_credentials"],
                              "api_grants": [{ "audience": "https://inventory.example",
                                               "scopes": ["read:stock"] }] }],
                "users": [{ "email": "shopper@aura.test", "password": "other", "name": "Sam Two" },
                          { "email": "ops@aura.test", "password": "aura-demo", "name": "Olu Ops",
                            "permissions": ["read:products"] }],
                "allowed_app_origins": ["http://127.0.0.1:8080"],
                "apis": [{ "identifier": "https://inventory.example", "rbac": false }],
                "dpop": { "nonce": true }
            }"#,
        )
        .unwrap();
        let mut config = defaults();
        assert!(
            config.rbac_enabled("https://inventory.example"),
            "default on"
        );
        config.extend(file);
        assert!(!config.rbac_enabled("https://inventory.example"));
        assert!(config.rbac_enabled(DEFAULT_AUDIENCE));
        assert!(config.dpop.nonce);
        config.validate().unwrap();
        assert!(config.knows_audience("https://inventory.example"));
        assert_eq!(config.lifetimes.access_token_secs, 600);
        assert_eq!(
            config.lifetimes.authorization_code_secs, 60,
            "unnamed keep defaults"
        );
        assert!(config
            .client("reports")
            .unwrap()
            .client_secret
            .as_ref()
            .unwrap()
            .matches("s3cret"));
        assert_eq!(config.users.len(), 3);
        assert_eq!(
            config.user_by_email("shopper@aura.test").unwrap().name,
            "Sam Two"
        );
        let spa = config.client(DEFAULT_SPA_CLIENT_ID).unwrap();
        assert!(spa
            .callbacks
            .contains(&"http://127.0.0.1:8080/callback".to_owned()));
    }

    /// Unknown keys in a config file are errors, so typos do not pass silently.
    #[test]
    fn a_config_file_with_an_unknown_key_is_refused() {
        let error = serde_json::from_str::<ConfigFile>(r#"{ "clientz": [] }"#).unwrap_err();
        assert!(
            error.to_string().contains("unknown field `clientz`"),
            "{error}"
        );
    }

    /// Configurations that cannot work are refused at start, with a sentence saying why.
    #[test]
    fn invalid_configurations_are_refused() {
        /// (words expected in the error, how to break the configuration)
        type Case = (&'static str, Box<dyn Fn(&mut TenantConfig)>);
        let cases: Vec<Case> = vec![
            (
                "not a URL",
                Box::new(|c| c.issuer = "127.0.0.1:4000/".into()),
            ),
            (
                "ending with '/'",
                Box::new(|c| c.issuer = "http://127.0.0.1:4000/x".into()),
            ),
            (
                "listed twice",
                Box::new(|c| c.clients.push(c.clients[0].clone())),
            ),
            (
                "cannot use client_credentials",
                Box::new(|c| c.clients[0].grant_types.push(GrantType::ClientCredentials)),
            ),
            (
                "not an absolute URL",
                Box::new(|c| c.clients[0].callbacks.push("/callback".into())),
            ),
            (
                "no path",
                Box::new(|c| {
                    c.clients[0]
                        .web_origins
                        .push("http://127.0.0.1:3000/".into())
                }),
            ),
            (
                "not the audience",
                Box::new(|c| {
                    c.apis.push(ApiConfig {
                        identifier: "https://unknown.example".into(),
                        rbac: false,
                    })
                }),
            ),
            (
                "positive",
                Box::new(|c| c.lifetimes.authorization_code_secs = 0),
            ),
        ];
        for (expected, break_it) in cases {
            let mut config = defaults();
            break_it(&mut config);
            let error = config.validate().unwrap_err().to_string();
            assert!(error.contains(expected), "{expected:?} not in {error:?}");
        }
    }

    /// A secret never shows in debug output.
    #[test]
    fn client_secrets_are_redacted_in_debug_output() {
        let debug = format!("{:?}", defaults());
        assert!(!debug.contains(DEFAULT_M2M_CLIENT_SECRET));
        assert!(debug.contains("ClientSecret(<redacted>)"));
    }
}
