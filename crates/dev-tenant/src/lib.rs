//! A local, loopback-only tenant that behaves like Auth0 on the wire, so the app's sign-in,
//! token validation and machine-to-machine calls work on a fresh clone with no account.
//!
//! It serves OpenID discovery, a JWKS with RS256 keys, `/authorize` with an HTML sign-in form
//! for demo users (repeated wrong passwords are locked out for a growing delay), `/oauth/token`
//! with the authorization_code (PKCE S256; a reused code revokes what it issued), refresh_token
//! (rotating, with reuse detection) and client_credentials grants and DPoP proofs (RFC 9449),
//! `/oauth/revoke`, `/userinfo`, `/v2/logout` and `/oidc/logout`. It answers only requests
//! addressed to its own host (DNS rebinding). RBAC can be turned off per API
//! ([`ApiConfig`]), and a DPoP server nonce on ([`DpopConfig`]). Claims, error bodies and status
//! codes are Auth0's. The crate's README lists the defaults, endpoints and errors.
//!
//! ```no_run
//! # async fn run() -> Result<(), dev_tenant::TenantError> {
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:4000").await.unwrap();
//! let config = dev_tenant::TenantConfig::with_defaults("http://127.0.0.1:4000/");
//! dev_tenant::serve(listener, config).await
//! # }
//! ```
//!
//! # Layout
//! - [`config`]: clients, users, lifetimes, per-API RBAC, DPoP settings, the JSON file that
//!   extends the defaults.
//! - `host_check`: refusing requests whose `Host` is not the tenant (DNS rebinding).
//! - `keys`: RSA signing keys, their persistence and the JWKS.
//! - `discovery`: `/.well-known/openid-configuration` and `/.well-known/jwks.json`.
//! - `authorize`, `login_page`: `/authorize`, the sign-in form and its `POST /u/login`.
//! - `sign_in_throttle`: counting failed sign-ins and locking out repeated guessing.
//! - `token`, `issue`, `refresh`: `/oauth/token`, minting tokens, refresh-token families.
//! - `used_codes`: codes already presented, so a reuse revokes the family it started.
//! - `dpop`: checking DPoP proofs, key thumbprints, the replay cache and the server nonce.
//! - `request`, `revoke`: token-endpoint parameters and client authentication; `/oauth/revoke`.
//! - `userinfo`, `logout`, `verify`: `/userinfo`, `/v2/logout`, `/oidc/logout`, and checking
//!   the tenant's own tokens.
//! - `cors`: CORS for the endpoints browsers call.
//! - `errors`: [`TenantError`] and Auth0-shaped OAuth errors.
//! - `state`, `clock`, `random`: shared state, an adjustable clock, random identifiers.

mod authorize;
mod clock;
pub mod config;
mod cors;
mod discovery;
mod dpop;
mod errors;
mod host_check;
mod issue;
mod keys;
mod login_page;
mod logout;
mod params;
mod random;
mod refresh;
mod request;
mod revoke;
mod sign_in_throttle;
mod state;
mod token;
mod used_codes;
mod userinfo;
mod verify;

use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;

pub use config::{
    ApiConfig, ApiGrant, ClientConfig, ClientSecret, ConfigFile, DpopConfig, GrantType, Lifetimes,
    TenantConfig, UserConfig,
};
pub use errors::{OAuthError, TenantError};
pub use keys::Jwk;

use state::{Counters, ExpiringMap, SharedState, TenantState};

/// The public Single Page Application client (no secret; PKCE).
pub const DEFAULT_SPA_CLIENT_ID: &str = "aura-spa";
/// The confidential Machine-to-Machine client.
pub const DEFAULT_M2M_CLIENT_ID: &str = "aura-m2m";
/// The M2M client's secret. For loopback development only; it is public knowledge.
pub const DEFAULT_M2M_CLIENT_SECRET: &str = "aura-m2m-dev-secret";
/// The API identifier (`aud` of access tokens).
pub const DEFAULT_AUDIENCE: &str = "https://api.auracommerce.com";
/// Password of the demo users `admin@aura.test` and `shopper@aura.test`.
pub const DEMO_PASSWORD: &str = "aura-demo";

/// A built tenant: configuration checked, signing key loaded. Get its [`Router`] with
/// [`Tenant::router`], serve it with [`Tenant::serve`], observe it through [`Tenant::handle`].
pub struct Tenant {
    state: SharedState,
}

impl Tenant {
    /// Validates the configuration and loads (or makes) the signing key.
    pub fn new(config: TenantConfig) -> Result<Self, TenantError> {
        config.validate()?;
        let key = match &config.signing_key_path {
            Some(path) => keys::SigningKey::load_or_create(path)?,
            None => keys::SigningKey::generate()?,
        };
        let refresh = refresh::RefreshStore::open(config.state_dir.clone())?;
        let clock = clock::Clock::default();
        Ok(Self {
            state: Arc::new(TenantState {
                dpop: dpop::DpopVerifier::new(clock.now()),
                config,
                keys: keys::KeySet::new(key),
                clock,
                login_transactions: ExpiringMap::new(),
                codes: ExpiringMap::new(),
                used_codes: used_codes::UsedCodes::new(),
                sessions: ExpiringMap::new(),
                sign_in_throttle: sign_in_throttle::SignInThrottle::new(),
                refresh,
                counters: Arc::new(Counters::default()),
            }),
        })
    }

    /// A handle to observe and steer the running tenant.
    pub fn handle(&self) -> TenantHandle {
        TenantHandle {
            state: self.state.clone(),
        }
    }

    /// The HTTP routes. Requests naming a host other than the issuer's are refused; requests
    /// with no host at all (tower's `oneshot`) are served.
    pub fn router(&self) -> Router {
        self.routes(host_check::AllowedHosts::for_issuer(
            &self.state.config.issuer,
        ))
    }

    fn routes(&self, hosts: host_check::AllowedHosts) -> Router {
        let cors = cors::layer(&self.state.config);
        let browser_facing = Router::new()
            .route(
                "/.well-known/openid-configuration",
                get(discovery::openid_configuration),
            )
            .route("/.well-known/jwks.json", get(discovery::jwks))
            .route("/oauth/token", post(token::token))
            .route("/oauth/revoke", post(revoke::revoke))
            .route("/userinfo", get(userinfo::userinfo))
            .layer(cors);
        // Every body this tenant reads is a few hundred bytes of form or JSON; 64 KiB is plenty
        // and keeps a runaway client from making it buffer megabytes.
        Router::new()
            .route("/authorize", get(authorize::authorize))
            .route("/u/login", post(authorize::sign_in))
            .route("/v2/logout", get(logout::v2_logout))
            .route("/oidc/logout", get(logout::oidc_logout))
            .merge(browser_facing)
            .layer(DefaultBodyLimit::max(64 * 1024))
            // Outermost, so a request for another host reaches no route, not even CORS.
            .layer(axum::middleware::from_fn_with_state(
                hosts,
                host_check::require_own_host,
            ))
            .with_state(self.state.clone())
    }

    /// Serves on `listener` until `shutdown` completes. Refuses a non-loopback address. Answers
    /// only requests whose `Host` is the issuer's host, the bound address, or `localhost` on the
    /// bound port (DNS rebinding); others get 421.
    pub async fn serve(
        self,
        listener: tokio::net::TcpListener,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> Result<(), TenantError> {
        let addr = ensure_loopback(&listener)?;
        tracing::info!(%addr, issuer = %self.state.config.issuer, "local tenant listening");
        let hosts = host_check::AllowedHosts::for_socket(&self.state.config.issuer, addr);
        axum::serve(listener, self.routes(hosts))
            .with_graceful_shutdown(shutdown)
            .await
            .map_err(|source| TenantError::Io {
                context: "serving the local tenant".into(),
                source,
            })
    }
}

/// Observes and steers a tenant from tests: counters, the clock, key rotation. Cheap to clone.
#[derive(Clone)]
pub struct TenantHandle {
    state: SharedState,
}

impl TenantHandle {
    /// How many `client_credentials` access tokens `/oauth/token` has issued (each one would
    /// count against an Auth0 tenant's monthly M2M quota).
    pub fn client_credentials_issued(&self) -> u64 {
        self.state
            .counters
            .client_credentials_issued
            .load(Ordering::SeqCst)
    }

    /// How many times `/.well-known/jwks.json` was fetched.
    pub fn jwks_fetches(&self) -> u64 {
        self.state.counters.jwks_fetches.load(Ordering::SeqCst)
    }

    /// How many access tokens of any grant were issued.
    pub fn tokens_issued(&self) -> u64 {
        self.state.counters.tokens_issued.load(Ordering::SeqCst)
    }

    /// Adds a fresh signing key, which signs every token from now on; older keys stay in the
    /// JWKS. Returns the new key's `kid`.
    pub fn rotate_signing_key(&self) -> Result<String, TenantError> {
        let key = keys::SigningKey::generate()?;
        let kid = key.kid().to_owned();
        self.state.keys.push(key);
        Ok(kid)
    }

    /// Stops publishing key `kid`. Returns false if it is unknown or the only key.
    pub fn retire_signing_key(&self, kid: &str) -> bool {
        self.state.keys.remove(kid)
    }

    /// The `kid` of the key that signs now.
    pub fn current_kid(&self) -> String {
        self.state.keys.current().kid().to_owned()
    }

    /// The published keys.
    pub fn jwks(&self) -> Vec<Jwk> {
        self.state.keys.jwks()
    }

    /// Moves the tenant's clock forward, to test expiry without sleeping. Codes, sign-in forms,
    /// sessions and refresh tokens expire by this clock; tokens issued afterwards carry the
    /// shifted `iat`/`exp`, so a validator on the wall clock sees them as issued in the future.
    pub fn advance_clock(&self, secs: u64) {
        self.state.clock.advance(secs);
    }

    /// The tenant's notion of now, in seconds since the Unix epoch.
    pub fn now(&self) -> u64 {
        self.state.clock.now()
    }

    /// The configuration the tenant runs with.
    pub fn config(&self) -> &TenantConfig {
        &self.state.config
    }
}

/// Build the router (tests can use it with tower's `oneshot` or serve it themselves).
pub fn router(config: TenantConfig) -> Result<Router, TenantError> {
    Ok(Tenant::new(config)?.router())
}

/// Serve on a listener that is already bound; refuses (`Err`) a non-loopback local address.
/// Runs until the process ends; use [`Tenant::serve`] to pass a shutdown signal.
pub async fn serve(
    listener: tokio::net::TcpListener,
    config: TenantConfig,
) -> Result<(), TenantError> {
    ensure_loopback(&listener)?;
    Tenant::new(config)?
        .serve(listener, std::future::pending())
        .await
}

fn ensure_loopback(listener: &tokio::net::TcpListener) -> Result<SocketAddr, TenantError> {
    let addr = listener.local_addr().map_err(|source| TenantError::Io {
        context: "reading the listener's address".into(),
        source,
    })?;
    if addr.ip().is_loopback() {
        Ok(addr)
    } else {
        Err(TenantError::NotLoopback(addr))
    }
}
