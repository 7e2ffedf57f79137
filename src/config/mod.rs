//! Configuration, parsed once at start from the environment (and `.env`) into typed, validated
//! values: [`Settings`]. Start-up (`crate::startup`) builds each component from its part.
//!
//! The browser's part ([`PublicAuthConfig`]) and the server's part are separate types; the M2M
//! secret is only ever held as a [`SecretString`], which never prints.
//!
//! - [`error`]: [`ConfigError`], one variant per mistake.
//! - `env_vars`: looking variables up, with their aliases.

pub mod database_url;
mod env_vars;
pub mod error;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;

use secrecy::SecretString;

use crate::auth::identifiers::{
    is_loopback_host, Audience, IdentifierError, Issuer, M2mClientId, SpaClientId,
};
use crate::auth::public_config::{DpopMode, TokenStorageKind};
use crate::auth::server::dpop_replay::DEFAULT_REPLAY_CAPACITY;
use crate::auth::server::m2m::read_secret_file;
use crate::auth::PublicAuthConfig;
pub use database_url::{DatabaseKind, DatabaseUrl, DEFAULT_DATABASE_URL};
use env_vars::EnvVars;
pub use error::ConfigError;

/// Where the local tenant listens when no Auth0 domain is configured (`DEV_TENANT_ADDR`).
pub const DEFAULT_DEV_TENANT_ADDR: &str = "127.0.0.1:4000";
/// Where the local tenant keeps its signing key and sessions, so rebuilds do not sign everyone
/// out (`DEV_TENANT_STATE_DIR`; relative to the working directory, the project root under
/// `cargo leptos`).
pub const DEFAULT_DEV_TENANT_STATE_DIR: &str = "target/dev-tenant";

/// Which tenant signs tokens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TenantSource {
    /// A real Auth0 tenant (`AUTH0_DOMAIN` is set).
    Auth0,
    /// The built-in local tenant (`AUTH0_DOMAIN` is unset).
    Local(LocalTenantSettings),
}

/// The built-in tenant's settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocalTenantSettings {
    /// A loopback address with a fixed port (`DEV_TENANT_ADDR`, default
    /// [`DEFAULT_DEV_TENANT_ADDR`]); the issuer is `http://{addr}/`.
    pub addr: SocketAddr,
    /// A JSON file extending the defaults (`DEV_TENANT_CONFIG`: more users, clients, shorter
    /// lifetimes).
    pub config_file: Option<PathBuf>,
    /// Where its signing key and state persist (`DEV_TENANT_STATE_DIR`, default
    /// [`DEFAULT_DEV_TENANT_STATE_DIR`]).
    pub state_dir: PathBuf,
}

/// The Machine-to-Machine application's credentials (server only).
#[derive(Clone, Debug)]
pub struct M2mCredentials {
    pub client_id: M2mClientId,
    pub client_secret: SecretString,
    /// Where the secret was read from (`AUTH0_CLIENT_SECRET_FILE`), so that a rotated secret
    /// can be re-read without a restart; `None` for `AUTH0_CLIENT_SECRET`.
    pub client_secret_file: Option<PathBuf>,
}

/// Everything the server needs, validated.
#[derive(Clone, Debug)]
pub struct Settings {
    pub public: PublicAuthConfig,
    pub tenant: TenantSource,
    pub m2m: Option<M2mCredentials>,
    /// Base URL of the AI recommendation service (`AI_SERVICE_URL`); `None` means this app's
    /// own `/api/ai`.
    pub ai_service_url: Option<String>,
    /// Browser origins allowed to call the REST API (`API_CORS_ORIGINS`, comma-separated);
    /// empty by default, so no other site's pages can.
    pub api_cors_origins: Vec<String>,
    /// The catalogue's database (`DATABASE_URL`, default [`DEFAULT_DATABASE_URL`]).
    pub database_url: DatabaseUrl,
    /// How DPoP proofs are checked when `public.dpop` is on.
    pub dpop: DpopServerSettings,
}

/// The server's side of DPoP (read whether or not `AUTH0_DPOP` is on; used only when it is).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DpopServerSettings {
    /// The app's origin as browsers reach it (`APP_PUBLIC_ORIGIN`, e.g.
    /// `https://shop.example.com` behind a proxy): a proof's `htu` must name it. `None`: the
    /// app's own listening address (and `localhost` for a loopback one).
    pub public_origin: Option<String>,
    /// Whether proofs must carry a nonce the server handed out (`AUTH0_DPOP_NONCE=on`; default
    /// off). Nonces bound how long a proof made in advance stays usable, whatever the
    /// client's clock says.
    pub nonce: bool,
    /// How many proofs' `jti`s are remembered at most (default 100 000). Not read from the
    /// environment; tests set it to see what a full cache does.
    pub replay_capacity: usize,
}

impl Default for DpopServerSettings {
    fn default() -> Self {
        Self {
            public_origin: None,
            nonce: false,
            replay_capacity: DEFAULT_REPLAY_CAPACITY,
        }
    }
}

impl Settings {
    /// Reads the process environment (after loading `.env`, whose values real variables
    /// override), and logs which variables were read and anything set but unused.
    pub fn from_env() -> Result<Self, ConfigError> {
        let _ = dotenvy::dotenv();
        let vars: HashMap<String, String> = std::env::vars().collect();
        let (settings, notes) = Self::from_vars(&vars)?;
        for note in notes {
            tracing::info!("{note}");
        }
        Ok(settings)
    }

    /// Parses settings from a set of variables (tests pass a map), returning them with notes
    /// worth telling the operator (aliases read, variables ignored).
    pub fn from_vars(vars: &HashMap<String, String>) -> Result<(Self, Vec<String>), ConfigError> {
        let env = EnvVars::new(vars);
        refuse_secrets_under_public_names(&env)?;
        let mut notes = Vec::new();
        if env.is_set("JWT_SECRET") {
            notes.push("JWT_SECRET is set but unused: access tokens are verified with the tenant's public keys (RS256, from its JWKS), so no shared secret exists to configure; you can delete it.".to_owned());
        }
        // The guide's separate backend listened on PORT (8000); here one server holds the
        // pages and the REST API.
        if env.is_set("PORT") {
            notes.push("PORT is set but unused: the pages and the REST API are served together at LEPTOS_SITE_ADDR (default 127.0.0.1:3000), so call http://127.0.0.1:3000/api/… where a guide says localhost:8000.".to_owned());
        }
        let token_storage = match env.get(&["AUTH0_TOKEN_STORAGE"])? {
            None => TokenStorageKind::default(),
            Some(value) => {
                TokenStorageKind::parse(&value).ok_or(ConfigError::TokenStorage { value })?
            }
        };
        let ai_service_url = env
            .get(&["AI_SERVICE_URL"])?
            .map(parse_service_url)
            .transpose()?;
        let api_cors_origins = match env.get(&["API_CORS_ORIGINS"])? {
            None => Vec::new(),
            Some(list) => list
                .split(',')
                .map(str::trim)
                .filter(|o| !o.is_empty())
                .map(parse_origin)
                .collect::<Result<_, _>>()?,
        };
        let database_url = parse_database_url(env.get(&["DATABASE_URL"])?)?;
        let dpop = match parse_switch(&env, "AUTH0_DPOP")? {
            Some(true) => DpopMode::On,
            Some(false) | None => DpopMode::Off,
        };
        let dpop_server = DpopServerSettings {
            public_origin: env
                .get(&["APP_PUBLIC_ORIGIN"])?
                .map(|origin| {
                    parse_origin(&origin).map_err(|_| ConfigError::PublicOrigin { value: origin })
                })
                .transpose()?,
            nonce: parse_switch(&env, "AUTH0_DPOP_NONCE")?.unwrap_or(false),
            ..DpopServerSettings::default()
        };

        let Some(domain) = env.get(&["AUTH0_DOMAIN", "NEXT_PUBLIC_AUTH0_DOMAIN"])? else {
            let local = LocalTenantSettings {
                addr: parse_dev_tenant_addr(env.get(&["DEV_TENANT_ADDR"])?)?,
                config_file: env.get(&["DEV_TENANT_CONFIG"])?.map(Into::into),
                state_dir: env
                    .get(&["DEV_TENANT_STATE_DIR"])?
                    .unwrap_or_else(|| DEFAULT_DEV_TENANT_STATE_DIR.to_owned())
                    .into(),
            };
            let mut settings = Self::for_local_tenant(local);
            settings.ai_service_url = ai_service_url;
            settings.api_cors_origins = api_cors_origins;
            settings.database_url = database_url;
            settings.public.token_storage = token_storage;
            settings.public.dpop = dpop;
            settings.dpop = dpop_server;
            let ignored: Vec<&str> = [
                "AUTH0_SPA_CLIENT_ID",
                "AUTH0_AUDIENCE",
                "AUTH0_CLIENT_ID",
                "AUTH0_CLIENT_SECRET",
                "AUTH0_CLIENT_SECRET_FILE",
                "AUTH0_ISSUER_BASE_URL",
            ]
            .into_iter()
            .filter(|name| env.is_set(name))
            .collect();
            if !ignored.is_empty() {
                notes.push(format!(
                    "AUTH0_DOMAIN is not set, so the local tenant is used and {} are ignored.",
                    ignored.join(", ")
                ));
            }
            return Ok((settings, notes));
        };

        let issuer = match env.get(&["AUTH0_ISSUER_BASE_URL"])? {
            Some(url) => parse_issuer(&url, "AUTH0_ISSUER_BASE_URL")?,
            None => parse_issuer(&domain, "AUTH0_DOMAIN")?,
        };
        let client_id = env
            .get(&["AUTH0_SPA_CLIENT_ID", "NEXT_PUBLIC_AUTH0_CLIENT_ID"])?
            .ok_or(ConfigError::MissingSpaClientId)?;
        let client_id = identifier(SpaClientId::parse, "AUTH0_SPA_CLIENT_ID", client_id)?;
        let audience = env
            .get(&["AUTH0_AUDIENCE", "NEXT_PUBLIC_AUTH0_AUDIENCE"])?
            .ok_or(ConfigError::MissingAudience)?;
        let audience = identifier(Audience::parse, "AUTH0_AUDIENCE", audience)?;
        let m2m = m2m_credentials(&env)?;
        if m2m.client_id.as_str() == client_id.as_str() {
            return Err(ConfigError::SameClientIds);
        }
        notes.push(format!(
            "Configuration read from {}.",
            env.read_names().join(", ")
        ));
        Ok((
            Settings {
                public: PublicAuthConfig {
                    issuer,
                    client_id,
                    audience,
                    token_storage,
                    dpop,
                },
                tenant: TenantSource::Auth0,
                m2m: Some(m2m),
                ai_service_url,
                api_cors_origins,
                database_url,
                dpop: dpop_server,
            },
            notes,
        ))
    }

    /// Settings for the built-in tenant with its default clients.
    pub fn for_local_tenant(local: LocalTenantSettings) -> Self {
        Settings {
            public: PublicAuthConfig {
                issuer: Issuer::for_loopback(local.addr),
                client_id: SpaClientId::from_checked(dev_tenant::DEFAULT_SPA_CLIENT_ID.to_owned()),
                audience: Audience::from_checked(dev_tenant::DEFAULT_AUDIENCE.to_owned()),
                token_storage: TokenStorageKind::default(),
                dpop: DpopMode::Off,
            },
            tenant: TenantSource::Local(local),
            m2m: Some(M2mCredentials {
                client_id: M2mClientId::from_checked(dev_tenant::DEFAULT_M2M_CLIENT_ID.to_owned()),
                client_secret: SecretString::from(dev_tenant::DEFAULT_M2M_CLIENT_SECRET),
                client_secret_file: None,
            }),
            ai_service_url: None,
            api_cors_origins: Vec::new(),
            database_url: DatabaseUrl::default_sqlite(),
            dpop: DpopServerSettings::default(),
        }
    }
}

impl LocalTenantSettings {
    /// The tenant at `addr`, with no extension file and the default state folder.
    pub fn at(addr: SocketAddr) -> Self {
        Self {
            addr,
            config_file: None,
            state_dir: DEFAULT_DEV_TENANT_STATE_DIR.into(),
        }
    }
}

/// The M2M application's ID and secret (`AUTH0_CLIENT_ID`, and `AUTH0_CLIENT_SECRET` or
/// `AUTH0_CLIENT_SECRET_FILE`), required with a real tenant.
fn m2m_credentials(env: &EnvVars) -> Result<M2mCredentials, ConfigError> {
    let secret = match (
        env.get(&["AUTH0_CLIENT_SECRET"])?,
        env.get(&["AUTH0_CLIENT_SECRET_FILE"])?,
    ) {
        (Some(_), Some(_)) => return Err(ConfigError::SecretAndSecretFile),
        (Some(secret), None) => Some((SecretString::from(secret), None)),
        (None, Some(path)) => {
            let path = PathBuf::from(path);
            Some((read_secret_file(&path)?, Some(path)))
        }
        (None, None) => None,
    };
    match (env.get(&["AUTH0_CLIENT_ID"])?, secret) {
        (Some(client_id), Some((client_secret, client_secret_file))) => Ok(M2mCredentials {
            client_id: identifier(M2mClientId::parse, "AUTH0_CLIENT_ID", client_id)?,
            client_secret,
            client_secret_file,
        }),
        (None, None) => Err(ConfigError::MissingM2mCredentials),
        (Some(_), None) => Err(ConfigError::MissingM2mSecret),
        (None, Some(_)) => Err(ConfigError::MissingM2mClientId),
    }
}

/// An identifier parsed by `parse`, or the mistake naming `variable`.
fn identifier<T>(
    parse: impl Fn(&str) -> Result<T, IdentifierError>,
    variable: &'static str,
    value: String,
) -> Result<T, ConfigError> {
    parse(&value).map_err(|error| ConfigError::Identifier {
        variable,
        value,
        error,
    })
}

fn parse_issuer(value: &str, variable: &'static str) -> Result<Issuer, ConfigError> {
    Issuer::parse(value).map_err(|error| ConfigError::Issuer { variable, error })
}

fn parse_dev_tenant_addr(value: Option<String>) -> Result<SocketAddr, ConfigError> {
    let addr: SocketAddr = value
        .as_deref()
        .unwrap_or(DEFAULT_DEV_TENANT_ADDR)
        .parse()
        .map_err(|_| ConfigError::DevTenantAddr)?;
    if !addr.ip().is_loopback() {
        return Err(ConfigError::DevTenantNotLoopback { addr });
    }
    if addr.port() == 0 {
        return Err(ConfigError::DevTenantPortZero { addr });
    }
    Ok(addr)
}

/// A service's base URL: https, or plain http on loopback only — the M2M token travels to it,
/// and its audience is this API, so anyone who reads it in transit could call the API with it.
fn parse_service_url(value: String) -> Result<String, ConfigError> {
    let Ok(parsed) = url::Url::parse(&value) else {
        return Err(ConfigError::AiServiceUrl { value });
    };
    let host = parsed.host_str().unwrap_or_default().to_owned();
    match parsed.scheme() {
        "https" => Ok(value),
        "http" if is_loopback_host(&host) => Ok(value),
        "http" => Err(ConfigError::AiServiceUrlPlainHttp { host }),
        _ => Err(ConfigError::AiServiceUrl { value }),
    }
}

/// An `off|on` switch: `None` when unset; any other value is refused, naming the variable.
fn parse_switch(env: &EnvVars, variable: &'static str) -> Result<Option<bool>, ConfigError> {
    match env.get(&[variable])?.as_deref() {
        None => Ok(None),
        Some("off") => Ok(Some(false)),
        Some("on") => Ok(Some(true)),
        Some(value) => Err(ConfigError::Switch {
            variable,
            value: value.to_owned(),
        }),
    }
}

/// `DATABASE_URL`, or the default SQLite file.
fn parse_database_url(value: Option<String>) -> Result<DatabaseUrl, ConfigError> {
    match value {
        None => Ok(DatabaseUrl::default_sqlite()),
        Some(url) => DatabaseUrl::parse(&url),
    }
}

/// An origin as browsers send it: `scheme://host[:port]`, nothing more.
fn parse_origin(origin: &str) -> Result<String, ConfigError> {
    let refused = || ConfigError::CorsOrigin {
        value: origin.to_owned(),
    };
    let url = url::Url::parse(origin).map_err(|_| refused())?;
    let serialised = url.origin().ascii_serialization();
    if serialised != origin.trim_end_matches('/') || !matches!(url.scheme(), "http" | "https") {
        return Err(refused());
    }
    Ok(serialised)
}

/// A secret under a name meant for the browser is a leak waiting to happen: refuse to start.
fn refuse_secrets_under_public_names(env: &EnvVars) -> Result<(), ConfigError> {
    let mut names: Vec<&String> = env
        .all()
        .iter()
        .filter(|(name, value)| {
            !value.trim().is_empty()
                && ((name.starts_with("NEXT_PUBLIC_") && name.contains("SECRET"))
                    || name.as_str() == "AUTH0_SPA_CLIENT_SECRET")
        })
        .map(|(name, _)| name)
        .collect();
    names.sort();
    match names.first() {
        None => Ok(()),
        Some(name) => Err(ConfigError::SecretUnderPublicName {
            name: name.to_string(),
        }),
    }
}
