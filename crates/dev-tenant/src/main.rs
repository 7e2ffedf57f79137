//! `dev-tenant`: runs the local Auth0-compatible tenant on its own. See `--help`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use dev_tenant::{
    TenantConfig, DEFAULT_AUDIENCE, DEFAULT_M2M_CLIENT_ID, DEFAULT_M2M_CLIENT_SECRET,
    DEFAULT_SPA_CLIENT_ID, DEMO_PASSWORD,
};

const DEFAULT_ADDR: &str = "127.0.0.1:4000";

fn help() -> String {
    format!(
        "dev-tenant: a local, loopback-only tenant that behaves like Auth0 on the wire.

USAGE:
    dev-tenant [OPTIONS]

OPTIONS:
    --addr <IP:PORT>      Address to listen on; loopback only        [env DEV_TENANT_ADDR, default {DEFAULT_ADDR}]
    --issuer <URL>        Issuer URL (ends with '/')                 [env DEV_TENANT_ISSUER, default http://<addr>/]
    --config <FILE>       JSON file adding clients, users, origins,  [env DEV_TENANT_CONFIG]
                          per-API RBAC (apis), DPoP nonce (dpop)
    --key-file <FILE>     Keep the RSA signing key here (PKCS#8 DER) [env DEV_TENANT_KEY_FILE; default: new key per start]
    --state-dir <DIR>     Keep refresh tokens here across restarts   [env DEV_TENANT_STATE_DIR]
    --app-origin <URL>    Also allow this app origin (callback, logout, CORS); repeatable
    -h, --help            Show this help

DEFAULTS (development only; everything here is public knowledge):
    SPA client        {DEFAULT_SPA_CLIENT_ID} (public, PKCE; callbacks http://127.0.0.1:3000/callback, http://localhost:3000/callback)
    M2M client        {DEFAULT_M2M_CLIENT_ID} / secret {DEFAULT_M2M_CLIENT_SECRET} (read:products ai:recommend)
    Audience          {DEFAULT_AUDIENCE}
    Users             admin@aura.test (read:products write:products), shopper@aura.test (read:products)
    Password          {DEMO_PASSWORD}

ENDPOINTS:
    /.well-known/openid-configuration  /.well-known/jwks.json  /authorize  /oauth/token
    /oauth/revoke  /userinfo  /v2/logout  /oidc/logout

LOGS:
    RUST_LOG=dev_tenant=debug for more detail (default: info, on stderr)

EXAMPLE:
    curl -X POST http://127.0.0.1:4000/oauth/token -H 'Content-Type: application/json' \\
         -d '{{\"client_id\":\"{DEFAULT_M2M_CLIENT_ID}\",\"client_secret\":\"{DEFAULT_M2M_CLIENT_SECRET}\",\"audience\":\"{DEFAULT_AUDIENCE}\",\"grant_type\":\"client_credentials\"}}'
"
    )
}

/// Command-line and environment settings, parsed once.
#[derive(Debug)]
struct Options {
    addr: SocketAddr,
    issuer: Option<String>,
    config_file: Option<PathBuf>,
    key_file: Option<PathBuf>,
    state_dir: Option<PathBuf>,
    app_origins: Vec<String>,
}

enum Parsed {
    Run(Options),
    Help,
}

fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Parsed, String> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let mut addr = env("DEV_TENANT_ADDR").unwrap_or_else(|| DEFAULT_ADDR.to_owned());
    let mut options = Options {
        addr: SocketAddr::from(([127, 0, 0, 1], 4000)),
        issuer: env("DEV_TENANT_ISSUER"),
        config_file: env("DEV_TENANT_CONFIG").map(PathBuf::from),
        key_file: env("DEV_TENANT_KEY_FILE").map(PathBuf::from),
        state_dir: env("DEV_TENANT_STATE_DIR").map(PathBuf::from),
        app_origins: Vec::new(),
    };
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_owned(), Some(v.to_owned())),
            _ => (arg.clone(), None),
        };
        if flag == "-h" || flag == "--help" {
            return Ok(Parsed::Help);
        }
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match flag.as_str() {
            "--addr" => addr = value()?,
            "--issuer" => options.issuer = Some(value()?),
            "--config" => options.config_file = Some(value()?.into()),
            "--key-file" => options.key_file = Some(value()?.into()),
            "--state-dir" => options.state_dir = Some(value()?.into()),
            "--app-origin" => options.app_origins.push(value()?),
            other => return Err(format!("unknown argument {other:?}; see --help")),
        }
    }
    options.addr = addr
        .parse()
        .map_err(|_| format!("--addr {addr:?} is not an IP:PORT address such as {DEFAULT_ADDR}"))?;
    if !options.addr.ip().is_loopback() {
        return Err(format!(
            "--addr {} is not a loopback address; the local tenant only listens on 127.0.0.1 or ::1",
            options.addr
        ));
    }
    Ok(Parsed::Run(options))
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "dev_tenant=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let options = match parse_args(std::env::args().skip(1)) {
        Ok(Parsed::Run(options)) => options,
        Ok(Parsed::Help) => {
            print!("{}", help());
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("dev-tenant: {message}");
            return ExitCode::from(2);
        }
    };
    match run(options).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("dev-tenant: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(options: Options) -> Result<(), String> {
    let listener = tokio::net::TcpListener::bind(options.addr)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", options.addr))?;
    let bound = listener
        .local_addr()
        .map_err(|e| format!("cannot read the listening address: {e}"))?;
    // Derived after binding, so `--addr 127.0.0.1:0` gets an issuer with the real port.
    let issuer = options.issuer.unwrap_or_else(|| format!("http://{bound}/"));
    let mut config = TenantConfig::with_defaults(&issuer);
    if let Some(path) = &options.config_file {
        config.extend_from_file(path).map_err(|e| e.to_string())?;
    }
    for origin in &options.app_origins {
        config.allow_app_origin(origin);
    }
    config.signing_key_path = options.key_file;
    config.state_dir = options.state_dir;
    let tenant = dev_tenant::Tenant::new(config).map_err(|e| e.to_string())?;
    // One line a script (or a test) can wait for.
    println!("dev-tenant listening on http://{bound}/ issuer {issuer}");
    tenant
        .serve(listener, async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Parsed, String> {
        parse_args(args.iter().map(|s| s.to_string()))
    }

    /// Flags in both `--flag value` and `--flag=value` forms.
    #[test]
    fn flags_are_parsed() {
        let Ok(Parsed::Run(options)) = parse(&[
            "--addr=127.0.0.1:4100",
            "--config",
            "tenant.json",
            "--app-origin",
            "http://127.0.0.1:8080",
        ]) else {
            panic!("expected options");
        };
        assert_eq!(options.addr, "127.0.0.1:4100".parse().unwrap());
        assert_eq!(options.config_file, Some(PathBuf::from("tenant.json")));
        assert_eq!(options.app_origins, ["http://127.0.0.1:8080"]);
    }

    /// Non-loopback addresses, unknown flags and missing values are refused.
    #[test]
    fn bad_arguments_are_refused_with_a_reason() {
        for (args, expected) in [
            (&["--addr", "0.0.0.0:4000"][..], "not a loopback address"),
            (
                &["--addr", "192.168.1.2:4000"][..],
                "not a loopback address",
            ),
            (&["--addr", "localhost"][..], "not an IP:PORT address"),
            (&["--bogus"][..], "unknown argument"),
            (&["--config"][..], "needs a value"),
        ] {
            match parse(args) {
                Err(message) => assert!(message.contains(expected), "{args:?}: {message}"),
                Ok(_) => panic!("{args:?} accepted"),
            }
        }
    }

    /// `--help` wins over everything else.
    #[test]
    fn help_is_recognised() {
        assert!(matches!(
            parse(&["--addr", "x", "--help"]),
            Ok(Parsed::Help)
        ));
        assert!(matches!(parse(&["-h"]), Ok(Parsed::Help)));
    }
}
