//! [`AppState`]: what every REST handler and server function can reach. Its own module, so
//! the routers (`api`) and the start-up code that builds them (`startup`) do not import each
//! other.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use crate::auth::server::{M2mTokenClient, TokenValidator};
use crate::auth::PublicAuthConfig;
use crate::catalog::ai_service_client::AiServiceClient;
use crate::catalog::page_cache::PageCache;
use crate::catalog::store::ProductStore;

/// The server's shared state; built by `startup::build_state`.
#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub public: PublicAuthConfig,
    pub validator: Arc<TokenValidator>,
    /// The catalogue's database (one pool, shared by server functions and REST routes).
    pub products: ProductStore,
    /// `GET /api/products` answers (JSON) by normalised query, tagged with the catalogue's
    /// version: current ones are served without reading the store.
    pub product_pages: Arc<PageCache<Bytes>>,
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

impl FromRef<AppState> for Arc<PageCache<Bytes>> {
    fn from_ref(state: &AppState) -> Self {
        state.product_pages.clone()
    }
}
