//! The Aura Commerce server: configuration → local tenant (if needed) → router → serve.
//! `aura-commerce doctor` runs the setup checklist against the configured tenant instead.

use std::net::SocketAddr;
use std::process::ExitCode;

use aura_commerce::auth::server::m2m_token_client::spawn_secret_reload_on_sighup;
use aura_commerce::catalog::store::{database_url_from_env, ProductStore};
use aura_commerce::config::{Settings, TenantSource};
use aura_commerce::startup::{self, AppState};
use aura_commerce::{browser_bundle, doctor};
use leptos::config::{get_configuration, LeptosOptions};
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

const HELP: &str = "aura-commerce: the Aura Commerce storefront server.

USAGE:
    aura-commerce            serve the app (configuration from the environment and .env)
    aura-commerce doctor     check the Auth0 setup live and print what to fix
    aura-commerce --help     show this

Configuration: see .env.example. Without AUTH0_DOMAIN a local tenant starts on DEV_TENANT_ADDR
(default 127.0.0.1:4000) with the demo users admin@aura.test and shopper@aura.test (aura-demo).";

#[tokio::main]
async fn main() -> ExitCode {
    let command = std::env::args().nth(1);
    let default_filter = if command.as_deref() == Some("doctor") {
        "error"
    } else {
        "info"
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_filter)),
        )
        .init();

    match command.as_deref() {
        None => exit_with(serve().await),
        Some("doctor") => exit_with(run_doctor().await),
        Some("-h" | "--help" | "help") => {
            println!("{HELP}");
            ExitCode::SUCCESS
        }
        Some(other) => {
            eprintln!("aura-commerce: unknown command '{other}'.\n\n{HELP}");
            ExitCode::from(2)
        }
    }
}

fn exit_with(result: Result<(), String>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

fn load() -> Result<(Settings, LeptosOptions), String> {
    let settings = Settings::from_env().map_err(|e| format!("aura-commerce cannot start: {e}"))?;
    let leptos_options = get_configuration(None)
        .map_err(|e| format!("aura-commerce cannot read its Leptos settings: {e}"))?
        .leptos_options;
    Ok((settings, leptos_options))
}

/// What to do when the local tenant's address is taken.
#[derive(Clone, Copy, PartialEq, Eq)]
enum TenantAddrInUse {
    /// Refuse to start (the server: it needs its own tenant).
    Refuse,
    /// Use the tenant already listening there (`doctor`, beside a running app).
    UseRunning,
}

/// Starts the built-in tenant when no Auth0 domain is configured.
async fn start_local_tenant(
    settings: &Settings,
    site_addr: SocketAddr,
    in_use: TenantAddrInUse,
) -> Result<(), String> {
    let TenantSource::Local { addr, config_file } = &settings.tenant else {
        return Ok(());
    };
    let listener = match TcpListener::bind(addr).await {
        Ok(listener) => listener,
        Err(error)
            if error.kind() == std::io::ErrorKind::AddrInUse
                && in_use == TenantAddrInUse::UseRunning =>
        {
            return Ok(());
        }
        Err(error) => return Err(format!("aura-commerce cannot start the local tenant on {addr}: {error}. Set DEV_TENANT_ADDR to a free loopback port, or AUTH0_DOMAIN to use Auth0.")),
    };
    let mut config = startup::local_tenant_config(&listener, &startup::origin_of(site_addr));
    config.signing_key_path = Some(startup::dev_tenant_state_dir().join("signing-key.pk8"));
    config.state_dir = Some(startup::dev_tenant_state_dir());
    if let Some(path) = config_file {
        config.extend_from_file(path).map_err(|error| {
            format!(
                "aura-commerce cannot read DEV_TENANT_CONFIG ({}): {error}",
                path.display()
            )
        })?;
    }
    startup::spawn_local_tenant(listener, config);
    tracing::info!("local tenant at http://{addr}/ (demo users: admin@aura.test, shopper@aura.test; password aura-demo)");
    Ok(())
}

async fn serve() -> Result<(), String> {
    let (settings, leptos_options) = load()?;
    let site_addr = leptos_options.site_addr;
    start_local_tenant(&settings, site_addr, TenantAddrInUse::Refuse).await?;

    let database_url = database_url_from_env();
    let products = ProductStore::open(&database_url).await.map_err(|error| {
        format!("aura-commerce cannot open the catalogue database ({database_url}): {error}. Set DATABASE_URL to a writable sqlite:// path.")
    })?;
    if let Err(problem) = browser_bundle::check(&leptos_options) {
        // Not fatal: `cargo leptos watch` may be about to rebuild it; the REST API works.
        tracing::error!("{problem}");
    }
    let state = AppState::new(&settings, leptos_options, products);
    startup::spawn_key_refresh(state.validator.keys().clone());
    if let Some(m2m) = &state.m2m {
        spawn_secret_reload_on_sighup(m2m.clone());
    }
    let listener = TcpListener::bind(site_addr).await.map_err(|error| {
        format!("aura-commerce cannot listen on {site_addr}: {error}. Set LEPTOS_SITE_ADDR to a free address.")
    })?;
    tracing::info!("Aura Commerce at http://{site_addr}/ — sign in at http://{site_addr}/login");
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    startup::serve(listener, startup::router(state), shutdown)
        .await
        .map_err(|error| format!("aura-commerce stopped: {error}"))
}

async fn run_doctor() -> Result<(), String> {
    let (settings, leptos_options) = load()?;
    let site_addr = leptos_options.site_addr;
    // With the local tenant: start it, unless the app is already running with its own.
    start_local_tenant(&settings, site_addr, TenantAddrInUse::UseRunning).await?;
    let report = doctor::run_checklist(&settings, &startup::origin_of(site_addr)).await;
    print!("{report}");
    if report.all_passed() {
        Ok(())
    } else {
        Err(
            "Some checks failed: fix them in order, the first failure often explains the next."
                .into(),
        )
    }
}
