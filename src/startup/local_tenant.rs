//! Starting the built-in tenant when no Auth0 domain is configured (DESIGN §6).

use tokio::net::TcpListener;

use super::StartupError;
use crate::config::LocalTenantSettings;

/// What to do when the local tenant's address is taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TenantAddrInUse {
    /// Refuse to start (the server: it needs its own tenant).
    Refuse,
    /// Use the tenant already listening there (`doctor`, beside a running app).
    UseRunning,
}

/// Binds `settings.addr` and serves the tenant there in the background, for an app at
/// `app_origin`, with its signing key and state under `settings.state_dir`. `Ok(false)` when
/// `in_use` is [`TenantAddrInUse::UseRunning`] and a tenant already listens there.
pub async fn start_local_tenant(
    settings: &LocalTenantSettings,
    app_origin: &str,
    in_use: TenantAddrInUse,
) -> Result<bool, StartupError> {
    let listener = match TcpListener::bind(settings.addr).await {
        Ok(listener) => listener,
        Err(error)
            if error.kind() == std::io::ErrorKind::AddrInUse
                && in_use == TenantAddrInUse::UseRunning =>
        {
            return Ok(false);
        }
        Err(source) => {
            return Err(StartupError::TenantAddr {
                addr: settings.addr,
                source,
            })
        }
    };
    let mut config = local_tenant_config(&listener, app_origin);
    config.signing_key_path = Some(settings.state_dir.join("signing-key.pk8"));
    config.state_dir = Some(settings.state_dir.clone());
    if let Some(path) = &settings.config_file {
        config
            .extend_from_file(path)
            .map_err(|error| StartupError::TenantConfigFile {
                path: path.clone(),
                reason: error.to_string(),
            })?;
    }
    spawn_local_tenant(listener, config);
    tracing::info!(
        "local tenant at http://{}/ (demo users: admin@aura.test, shopper@aura.test; password aura-demo)",
        settings.addr
    );
    Ok(true)
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
