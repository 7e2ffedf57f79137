//! The Aura Commerce server: telemetry → configuration → `startup::run` (local tenant if
//! needed, catalogue, router, serve until Ctrl-C or SIGTERM).
//! `aura-commerce doctor` runs the setup checklist against the configured tenant instead.

use std::process::ExitCode;

use aura_commerce::browser_bundle;
use aura_commerce::config::{Settings, TenantSource};
use aura_commerce::doctor;
use aura_commerce::startup::{self, TenantAddrInUse};
use leptos::config::{get_configuration, LeptosOptions};
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
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_filter));
    // LOG_FORMAT=json: one JSON object per line (the access log's fields included), for a log
    // collector; anything else is the readable text format.
    match std::env::var("LOG_FORMAT").as_deref() {
        Ok("json") => tracing_subscriber::fmt()
            .json()
            .with_current_span(true)
            .with_env_filter(filter)
            .init(),
        _ => tracing_subscriber::fmt().with_env_filter(filter).init(),
    }

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
    Ok((
        settings,
        browser_bundle::with_build_settings(leptos_options),
    ))
}

async fn serve() -> Result<(), String> {
    let (settings, leptos_options) = load()?;
    startup::run(settings, leptos_options, startup::shutdown_signal())
        .await
        .map_err(|error| format!("aura-commerce {error}"))
}

async fn run_doctor() -> Result<(), String> {
    let (settings, leptos_options) = load()?;
    let app_origin = startup::origin_of(leptos_options.site_addr);
    // With the local tenant: start it, unless the app is already running with its own.
    if let TenantSource::Local(local) = &settings.tenant {
        startup::start_local_tenant(local, &app_origin, TenantAddrInUse::UseRunning)
            .await
            .map_err(|error| format!("aura-commerce {error}"))?;
    }
    let report = doctor::run_checklist(&settings, &app_origin).await;
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
