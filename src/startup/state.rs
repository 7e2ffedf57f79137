//! [`build_state`]: the [`AppState`] for validated [`Settings`], each component built from its
//! own typed part of them.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use leptos::config::LeptosOptions;

use super::StartupError;
use crate::app_state::AppState;
use crate::auth::server::m2m::{M2mClientConfig, M2mSecret};
use crate::auth::server::token_validator::DEFAULT_LEEWAY;
use crate::auth::server::{
    DpopSettings, DpopVerifier, JwksSettings, M2mTokenClient, TokenValidator, ValidatorSettings,
};
use crate::catalog::ai_service_client::AiServiceClient;
use crate::catalog::store::ProductStore;
use crate::config::{M2mCredentials, Settings};

/// How tokens are validated; the defaults are DESIGN §5's.
#[derive(Clone, Debug)]
pub struct AuthOptions {
    /// Clock leeway on `exp` and `nbf` (default 5 s).
    pub leeway: Duration,
    /// Re-fetch cooldown and timeout of the key set (default 30 s and 5 s).
    pub jwks: JwksSettings,
}

impl Default for AuthOptions {
    fn default() -> Self {
        Self {
            leeway: DEFAULT_LEEWAY,
            jwks: JwksSettings::default(),
        }
    }
}

/// The state for `settings`; the signing keys are fetched by
/// [`spawn_key_refresh`](super::spawn_key_refresh). Tests pass other [`AuthOptions`] (a zero
/// leeway to see expiry promptly, or short timeouts).
pub fn build_state(
    settings: &Settings,
    leptos_options: LeptosOptions,
    auth: AuthOptions,
    products: ProductStore,
) -> AppState {
    let validator_settings = ValidatorSettings {
        leeway: auth.leeway,
        ..ValidatorSettings::new(&settings.public.issuer, &settings.public.audience)
    };
    let m2m = settings
        .m2m
        .as_ref()
        .map(|credentials| Arc::new(m2m_client(settings, credentials)));
    // By default the AI service is this app's own `/api/ai`, reached over HTTP like any
    // other service would be.
    let ai_service_url = settings
        .ai_service_url
        .clone()
        .unwrap_or_else(|| format!("{}/api/ai", super::origin_of(leptos_options.site_addr)));
    let ai_service = m2m
        .clone()
        .map(|m2m| Arc::new(AiServiceClient::new(&ai_service_url, m2m)));
    let mut validator = TokenValidator::new(validator_settings, auth.jwks);
    if settings.public.dpop.is_on() {
        let dpop = DpopSettings {
            nonce: settings.dpop.nonce,
            replay_capacity: settings.dpop.replay_capacity,
            ..DpopSettings::new(dpop_origins(settings, leptos_options.site_addr))
        };
        validator = validator.with_dpop(DpopVerifier::new(dpop, unix_now()));
    }
    AppState {
        leptos_options,
        public: settings.public.clone(),
        validator: Arc::new(validator),
        products,
        product_pages: Arc::default(),
        m2m,
        ai_service,
        api_cors_origins: settings.api_cors_origins.clone(),
    }
}

/// With DPoP on and no `APP_PUBLIC_ORIGIN`, proofs must name this app's own address, which
/// only works for a loopback one: behind a proxy or in a container (`0.0.0.0:3000`) the
/// browser names another origin, and every proof would be refused — so the start is.
pub fn check_dpop_origin(settings: &Settings, site_addr: SocketAddr) -> Result<(), StartupError> {
    if settings.public.dpop.is_on()
        && settings.dpop.public_origin.is_none()
        && !site_addr.ip().is_loopback()
    {
        return Err(StartupError::DpopOrigin(site_addr));
    }
    Ok(())
}

/// The origins a DPoP proof's `htu` may name: the configured public origin, or else this app's
/// own address — and for a loopback one the other loopback spelling too, as browsers reach
/// the development server at either `127.0.0.1` or `localhost` (both are allowed callbacks).
fn dpop_origins(settings: &Settings, site_addr: SocketAddr) -> Vec<String> {
    if let Some(origin) = &settings.dpop.public_origin {
        return vec![origin.clone()];
    }
    let mut origins = vec![super::origin_of(site_addr)];
    if site_addr.ip().is_loopback() {
        origins.push(format!("http://localhost:{}", site_addr.port()));
    }
    origins
}

/// Seconds since the Unix epoch.
fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The M2M client for the configured application and API.
pub fn m2m_client(settings: &Settings, credentials: &M2mCredentials) -> M2mTokenClient {
    let config = M2mClientConfig::for_issuer(
        &settings.public.issuer,
        credentials.client_id.clone(),
        settings.public.audience.clone(),
    );
    let secret = match &credentials.client_secret_file {
        Some(path) => M2mSecret::loaded_from_file(path, credentials.client_secret.clone()),
        None => M2mSecret::fixed(credentials.client_secret.clone()),
    };
    M2mTokenClient::new(config, secret)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::public_config::DpopMode;
    use crate::config::LocalTenantSettings;

    fn settings(dpop: DpopMode, public_origin: Option<&str>) -> Settings {
        let mut settings = Settings::for_local_tenant(LocalTenantSettings {
            addr: "127.0.0.1:4000".parse().unwrap(),
            config_file: None,
            state_dir: "target/tenant".into(),
        });
        settings.public.dpop = dpop;
        settings.dpop.public_origin = public_origin.map(str::to_owned);
        settings
    }

    #[test]
    fn dpop_off_a_non_loopback_address_needs_no_public_origin() {
        let anywhere: SocketAddr = "0.0.0.0:3000".parse().unwrap();
        assert!(check_dpop_origin(&settings(DpopMode::Off, None), anywhere).is_ok());
    }

    #[test]
    fn dpop_on_a_non_loopback_address_without_a_public_origin_is_refused() {
        let anywhere: SocketAddr = "0.0.0.0:3000".parse().unwrap();
        let error = check_dpop_origin(&settings(DpopMode::On, None), anywhere).unwrap_err();
        assert!(error.to_string().contains("APP_PUBLIC_ORIGIN"), "{error}");
        let behind_a_proxy = settings(DpopMode::On, Some("https://shop.example.com"));
        assert!(check_dpop_origin(&behind_a_proxy, anywhere).is_ok());
        let loopback: SocketAddr = "127.0.0.1:3000".parse().unwrap();
        assert!(check_dpop_origin(&settings(DpopMode::On, None), loopback).is_ok());
    }
}
