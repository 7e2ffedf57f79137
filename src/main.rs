//! The Aura Commerce server: configuration → local tenant (if needed) → router → serve.

use std::process::ExitCode;

use aura_commerce::auth::server::m2m_token_client::spawn_secret_reload_on_sighup;
use aura_commerce::config::{Settings, TenantSource};
use aura_commerce::startup::{self, AppState};
use leptos::config::get_configuration;
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();

    let settings = match Settings::from_env() {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("aura-commerce cannot start: {error}");
            return ExitCode::FAILURE;
        }
    };
    let leptos_options = match get_configuration(None) {
        Ok(conf) => conf.leptos_options,
        Err(error) => {
            eprintln!("aura-commerce cannot read its Leptos settings: {error}");
            return ExitCode::FAILURE;
        }
    };
    let site_addr = leptos_options.site_addr;

    if let TenantSource::Local { addr, config_file } = &settings.tenant {
        let addr = *addr;
        let listener = match TcpListener::bind(addr).await {
            Ok(listener) => listener,
            Err(error) => {
                eprintln!("aura-commerce cannot start the local tenant on {addr}: {error}. Set DEV_TENANT_ADDR to a free loopback port, or AUTH0_DOMAIN to use Auth0.");
                return ExitCode::FAILURE;
            }
        };
        let mut config = startup::local_tenant_config(&listener, &startup::origin_of(site_addr));
        config.signing_key_path = Some(startup::dev_tenant_state_dir().join("signing-key.pk8"));
        config.state_dir = Some(startup::dev_tenant_state_dir());
        if let Some(path) = config_file {
            if let Err(error) = config.extend_from_file(path) {
                eprintln!(
                    "aura-commerce cannot read DEV_TENANT_CONFIG ({}): {error}",
                    path.display()
                );
                return ExitCode::FAILURE;
            }
        }
        startup::spawn_local_tenant(listener, config);
        tracing::info!("local tenant at http://{addr}/ (demo users: admin@aura.test, shopper@aura.test; password aura-demo)");
    }

    let state = AppState::new(&settings, leptos_options);
    startup::spawn_key_refresh(state.validator.keys().clone());
    if let Some(m2m) = &state.m2m {
        spawn_secret_reload_on_sighup(m2m.clone());
    }
    let listener = match TcpListener::bind(site_addr).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("aura-commerce cannot listen on {site_addr}: {error}. Set LEPTOS_SITE_ADDR to a free address.");
            return ExitCode::FAILURE;
        }
    };
    tracing::info!("Aura Commerce at http://{site_addr}/ — sign in at http://{site_addr}/login");
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    match startup::serve(listener, startup::router(state), shutdown).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("aura-commerce stopped: {error}");
            ExitCode::FAILURE
        }
    }
}
