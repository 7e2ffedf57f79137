//! Builds and runs the server from validated [`Settings`]: the local tenant (when no Auth0
//! domain is configured), the catalogue, the [`AppState`], the router and the background work.
//! Tests call the same pieces, on port 0.
//!
//! - [`state`]: the [`AppState`], each component from its own settings.
//! - [`router`]: the whole HTTP surface.
//! - [`site_assets`]: the bundle, pictures and icon, and how long a browser keeps each answer.
//! - [`local_tenant`]: starting the built-in tenant.
//! - [`key_refresh`]: loading and refreshing the tenant's signing keys.
//! - [`shutdown`]: Ctrl-C and SIGTERM.

pub mod key_refresh;
pub mod local_tenant;
pub mod router;
pub mod shutdown;
pub mod site_assets;
pub mod state;

use std::future::{Future, IntoFuture};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use axum::Router;
use leptos::config::LeptosOptions;
use tokio::net::TcpListener;

use crate::app_state::AppState;
use crate::auth::server::m2m::spawn_reload_on_sighup;
use crate::browser_bundle;
use crate::catalog::store::ProductStore;
use crate::config::{Settings, TenantSource};
pub use key_refresh::spawn_key_refresh;
pub use local_tenant::{
    local_tenant_config, spawn_local_tenant, start_local_tenant, TenantAddrInUse,
};
pub use router::router;
pub use shutdown::shutdown_signal;
pub use state::{build_state, AuthOptions};

/// How long in-flight requests may take to finish once the server is told to stop.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// Why the server could not start or keep running; each says what to change.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("cannot start the local tenant on {addr}: {source}. Set DEV_TENANT_ADDR to a free loopback port, or AUTH0_DOMAIN to use Auth0.")]
    TenantAddr {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot read DEV_TENANT_CONFIG ({}): {reason}", .path.display())]
    TenantConfigFile { path: PathBuf, reason: String },
    /// The store's own error says what to change.
    #[error("cannot open the catalogue database: {0}")]
    Database(String),
    #[error("cannot listen on {addr}: {source}. Set LEPTOS_SITE_ADDR to a free address.")]
    Listen {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("stopped: {0}")]
    Serve(std::io::Error),
    #[error("has AUTH0_DPOP=on and listens on {0}, an address browsers do not name in their DPoP proofs, so every proof would be refused. Set APP_PUBLIC_ORIGIN to the origin browsers use, for example https://shop.example.com.")]
    DpopOrigin(SocketAddr),
}

/// Runs the whole server for `settings` until `shutdown` completes.
pub async fn run(
    settings: Settings,
    leptos_options: LeptosOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), StartupError> {
    let site_addr = leptos_options.site_addr;
    state::check_dpop_origin(&settings, site_addr)?;
    if let TenantSource::Local(local) = &settings.tenant {
        start_local_tenant(local, &origin_of(site_addr), TenantAddrInUse::Refuse).await?;
    }
    let products = ProductStore::open(&settings.database_url)
        .await
        .map_err(|error| StartupError::Database(error.to_string()))?;
    if let Err(problem) = browser_bundle::check(&leptos_options) {
        // Not fatal: `cargo leptos watch` may be about to rebuild it; the REST API works.
        tracing::error!("{problem}");
    }
    let state = build_state(&settings, leptos_options, AuthOptions::default(), products);
    spawn_background_work(&state);
    let listener = TcpListener::bind(site_addr)
        .await
        .map_err(|source| StartupError::Listen {
            addr: site_addr,
            source,
        })?;
    tracing::info!("Aura Commerce at http://{site_addr}/ — sign in at http://{site_addr}/login");
    serve(listener, router(state), shutdown)
        .await
        .map_err(StartupError::Serve)
}

/// The signing keys' load and refresh, and the M2M secret's reload on SIGHUP.
pub fn spawn_background_work(state: &AppState) {
    spawn_key_refresh(state.validator.keys().clone());
    if let Some(m2m) = &state.m2m {
        spawn_reload_on_sighup(m2m.secret().clone());
    }
}

/// Serves `router` on `listener` until `shutdown` completes, then stops accepting and lets the
/// requests in flight finish, for at most [`SHUTDOWN_GRACE`].
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let (stopping, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = axum::serve(listener, router.into_make_service())
        .with_graceful_shutdown(async move {
            shutdown.await;
            let _ = stopping.send(());
        })
        .into_future();
    tokio::pin!(server);
    let grace_over = async {
        if stopped.await.is_ok() {
            tokio::time::sleep(SHUTDOWN_GRACE).await;
        } else {
            std::future::pending::<()>().await;
        }
    };
    tokio::select! {
        result = &mut server => result,
        () = grace_over => {
            tracing::warn!(
                grace_secs = SHUTDOWN_GRACE.as_secs(),
                "requests still in flight after the shutdown grace period; stopping anyway"
            );
            Ok(())
        }
    }
}

/// `http://{addr}` as the browser sees this app.
pub fn origin_of(addr: SocketAddr) -> String {
    format!("http://{addr}")
}
