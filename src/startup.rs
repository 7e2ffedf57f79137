//! Builds the server: the router (so tests can serve it on port 0), the local tenant, and the
//! background work, all from validated [`Settings`].

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{DefaultBodyLimit, FromRef};
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{file_and_error_handler_with_context, generate_route_list, LeptosRoutes};
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;

use crate::app::{shell, App};
use crate::auth::server::token_validator::DEFAULT_LEEWAY;
use crate::auth::server::M2mTokenClient;
use crate::auth::server::{JwksCache, JwksSettings, TokenValidator, ValidatorSettings};
use crate::auth::PublicAuthConfig;
use crate::catalog::ai_service_client::AiServiceClient;
use crate::catalog::store::ProductStore;
use crate::config::Settings;
use crate::security_headers::add_security_headers;

/// Largest request body accepted (server-function arguments and REST bodies are small).
const MAX_REQUEST_BODY_BYTES: usize = 64 * 1024;

/// How often the signing keys are re-fetched in the background, so a rotation is picked up
/// before the first token signed with the new key arrives.
const KEY_REFRESH_INTERVAL: Duration = Duration::from_secs(10 * 60);

/// What every handler and server function can reach.
#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub public: PublicAuthConfig,
    pub validator: Arc<TokenValidator>,
    /// The catalogue's database (one pool, shared by server functions and REST routes).
    pub products: ProductStore,
    /// The server's M2M token source, when an M2M application is configured.
    pub m2m: Option<Arc<M2mTokenClient>>,
    /// The AI recommendation service, called with the M2M token (needs `m2m`).
    pub ai_service: Option<Arc<AiServiceClient>>,
    /// Browser origins allowed to call the REST API (`API_CORS_ORIGINS`).
    pub api_cors_origins: Vec<String>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

impl FromRef<AppState> for Arc<TokenValidator> {
    fn from_ref(state: &AppState) -> Self {
        state.validator.clone()
    }
}

impl FromRef<AppState> for ProductStore {
    fn from_ref(state: &AppState) -> Self {
        state.products.clone()
    }
}

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

impl AppState {
    /// Builds the state for `settings`; the signing keys are fetched by [`spawn_key_refresh`].
    pub fn new(settings: &Settings, leptos_options: LeptosOptions, products: ProductStore) -> Self {
        Self::with_auth(settings, leptos_options, AuthOptions::default(), products)
    }

    /// [`AppState::new`] with other validation options (tests use a zero leeway to see expiry
    /// promptly, or short timeouts).
    pub fn with_auth(
        settings: &Settings,
        leptos_options: LeptosOptions,
        auth: AuthOptions,
        products: ProductStore,
    ) -> Self {
        let validator_settings = ValidatorSettings {
            leeway: auth.leeway,
            ..ValidatorSettings::new(&settings.public.issuer, &settings.public.audience)
        };
        let m2m = M2mTokenClient::from_settings(settings).map(Arc::new);
        // By default the AI service is this app's own `/api/ai`, reached over HTTP like any
        // other service would be.
        let ai_service_url = settings
            .ai_service_url
            .clone()
            .unwrap_or_else(|| format!("{}/api/ai", origin_of(leptos_options.site_addr)));
        let ai_service = m2m
            .clone()
            .map(|m2m| Arc::new(AiServiceClient::new(&ai_service_url, m2m)));
        Self {
            leptos_options,
            public: settings.public.clone(),
            validator: Arc::new(TokenValidator::new(validator_settings, auth.jwks)),
            products,
            m2m,
            ai_service,
            api_cors_origins: settings.api_cors_origins.clone(),
        }
    }
}

/// The whole HTTP surface: pages, server functions, the REST API, health, static files.
pub fn router(state: AppState) -> Router {
    let context = {
        let public = state.public.clone();
        let validator = state.validator.clone();
        let products = state.products.clone();
        let m2m = state.m2m.clone();
        let ai_service = state.ai_service.clone();
        move || {
            provide_context(public.clone());
            provide_context(validator.clone());
            provide_context(products.clone());
            if let Some(m2m) = &m2m {
                provide_context(m2m.clone());
            }
            if let Some(ai_service) = &ai_service {
                provide_context(ai_service.clone());
            }
        }
    };
    register_server_functions();
    let routes = generate_route_list(App);
    Router::new()
        .merge(crate::api::router(&state.api_cors_origins))
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(file_and_error_handler_with_context::<AppState, _>(
            context, shell,
        ))
        // 413 before any handler reads a body that is too large (by its Content-Length or as
        // it streams), for pages, server functions and the REST API alike.
        .layer(RequestBodyLimitLayer::new(MAX_REQUEST_BODY_BYTES))
        .layer(DefaultBodyLimit::disable())
        .layer(axum::middleware::from_fn(add_security_headers))
        // The WASM bundle shrinks to about a third gzipped; pages and JSON compress too.
        .layer(CompressionLayer::new())
        .with_state(state)
}

/// Loads the signing keys now (retrying until the tenant answers) and then refreshes them
/// periodically, for as long as the process runs.
pub fn spawn_key_refresh(keys: Arc<JwksCache>) {
    tokio::spawn(async move {
        let mut retry = Duration::from_millis(200);
        loop {
            match keys.refresh().await {
                Ok(count) => {
                    tracing::info!(count, "loaded the tenant's signing keys");
                    break;
                }
                Err(error) => {
                    tracing::warn!(%error, "could not load the tenant's signing keys yet; retrying");
                    tokio::time::sleep(retry).await;
                    retry = (retry * 2).min(Duration::from_secs(10));
                }
            }
        }
        let mut interval = tokio::time::interval(KEY_REFRESH_INTERVAL);
        interval.tick().await;
        loop {
            interval.tick().await;
            if let Err(error) = keys.refresh().await {
                tracing::warn!(%error, "background refresh of the signing keys failed; keeping the ones held");
            }
        }
    });
}

/// Where the local tenant keeps its signing key, so rebuilds do not sign everyone out.
pub fn dev_tenant_state_dir() -> PathBuf {
    PathBuf::from("target/dev-tenant")
}

/// The local tenant's defaults, for a tenant on `listener`, allowing `app_origin` to sign in.
pub fn local_tenant_config(listener: &TcpListener, app_origin: &str) -> dev_tenant::TenantConfig {
    let issuer = format!(
        "http://{}/",
        listener
            .local_addr()
            .expect("a bound listener has an address")
    );
    let mut config = dev_tenant::TenantConfig::with_defaults(&issuer);
    config.allow_app_origin(app_origin);
    config
}

/// Starts the local tenant on `listener` in the background.
pub fn spawn_local_tenant(
    listener: TcpListener,
    config: dev_tenant::TenantConfig,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        if let Err(error) = dev_tenant::serve(listener, config).await {
            tracing::error!(%error, "the local tenant stopped");
        }
    })
}

/// Serves `router` on `listener` until `shutdown` completes.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router.into_make_service())
        .with_graceful_shutdown(shutdown)
        .await
}

/// `http://{addr}` as the browser sees this app.
pub fn origin_of(addr: SocketAddr) -> String {
    format!("http://{addr}")
}

/// Registers every server function by name. Registration otherwise rides on link-time
/// collection, which a linker may drop for a function no page references yet; naming them
/// here makes the routes exist in every binary, tests included.
fn register_server_functions() {
    use crate::catalog::server_fns::{
        GetProduct, GetProducts, RecentChanges, Recommendations, UpdateProduct,
    };
    use leptos::server_fn::axum::register_explicit;
    register_explicit::<GetProducts>();
    register_explicit::<GetProduct>();
    register_explicit::<UpdateProduct>();
    register_explicit::<RecentChanges>();
    register_explicit::<Recommendations>();
}
