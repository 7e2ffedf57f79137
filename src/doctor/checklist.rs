//! The checklist itself, item by item, each with the fix the guide gives for its failure.

use std::sync::atomic::{AtomicU64, Ordering};

use leptos::config::LeptosOptions;
use tokio::net::TcpListener;

use super::report::{Check, Report};
use super::tenant_probe::Discovery;
use super::tenant_probe::{PublicClientAnswer, TenantProbe, TIMEOUT};
use crate::app_state::AppState;
use crate::auth::permissions::{AI_RECOMMEND, READ_PRODUCTS};
use crate::auth::server::dpop_proof::DPOP_ALGS;
use crate::auth::server::M2mError;
use crate::catalog::store::ProductStore;
use crate::config::Settings;
use crate::startup::{self, build_state, AuthOptions};

/// Permissions the app's M2M token must carry: the catalogue and the AI service.
const M2M_PERMISSIONS: [&str; 2] = [READ_PRODUCTS, AI_RECOMMEND];

/// Runs every check against the tenant in `settings`, for an app served at `app_origin`.
pub async fn run_checklist(settings: &Settings, app_origin: &str) -> Report {
    let probe = TenantProbe::new();
    let public = &settings.public;
    let mut report = Report {
        tenant: public.issuer.to_string(),
        checks: Vec::new(),
    };
    let checks = &mut report.checks;

    // 1–3: the tenant itself.
    const DISCOVERY: &str = "Discovery document reachable";
    const ISSUER: &str = "Issuer is the one configured";
    const KEYS: &str = "RS256 signing keys published";
    match probe.discovery(public.issuer.as_str()).await {
        Err(problem) => {
            checks.push(Check::fail(
                DISCOVERY,
                problem,
                format!("Check AUTH0_DOMAIN (or AUTH0_ISSUER_BASE_URL): {}.well-known/openid-configuration must load in a browser.", public.issuer),
            ));
        }
        Ok(discovery) => {
            checks.push(Check::pass(
                DISCOVERY,
                format!("{}.well-known/openid-configuration", public.issuer),
            ));
            if discovery.issuer == public.issuer.as_str() {
                checks.push(Check::pass(ISSUER, discovery.issuer.clone()));
            } else {
                checks.push(Check::fail(
                    ISSUER,
                    format!(
                        "the tenant calls itself {}, the app expects {}",
                        discovery.issuer, public.issuer
                    ),
                    format!(
                        "Set AUTH0_ISSUER_BASE_URL={} (tokens carry this exact issuer).",
                        discovery.issuer
                    ),
                ));
            }
            match probe.rs256_signing_keys(&discovery.jwks_uri).await {
                Ok(0) => checks.push(Check::fail(KEYS, "the key set has no RSA signing key", "In Auth0 → Applications → APIs → your API → Settings, choose the RS256 signing algorithm.")),
                Ok(count) => checks.push(Check::pass(KEYS, format!("{count} key(s) at {}", discovery.jwks_uri))),
                Err(problem) => checks.push(Check::fail(KEYS, problem, "The tenant's jwks_uri must be reachable from this server.")),
            }
            checks.push(dpop_check(settings, &discovery));
        }
    }

    // 4–5: the Single Page Application.
    const SPA_PUBLIC: &str = "SPA application is public (no client secret)";
    const SPA_CALLBACK: &str = "SPA application allows this app's callback URL";
    match probe.spa_client_credentials(public).await {
        Ok(PublicClientAnswer::GrantRefused) => checks.push(Check::pass(SPA_PUBLIC, format!("{} cannot use client_credentials, as a public client should not", public.client_id))),
        Ok(PublicClientAnswer::Unauthorized) => checks.push(Check::fail(
            SPA_PUBLIC,
            format!("the tenant wants a secret for AUTH0_SPA_CLIENT_ID={}: it is not a Single Page Application (or it does not exist)", public.client_id),
            "Use the Client ID of the Single Page Application in AUTH0_SPA_CLIENT_ID; the Machine to Machine application's ID belongs in AUTH0_CLIENT_ID.",
        )),
        Ok(PublicClientAnswer::Issued) => checks.push(Check::fail(
            SPA_PUBLIC,
            format!("{} got a client_credentials token without any secret", public.client_id),
            "AUTH0_SPA_CLIENT_ID must be a Single Page Application, which never uses client_credentials.",
        )),
        Ok(PublicClientAnswer::Other(status, body)) => checks.push(Check::fail(SPA_PUBLIC, format!("unexpected answer {status}: {body}"), "Check AUTH0_SPA_CLIENT_ID.")),
        Err(problem) => checks.push(Check::fail(SPA_PUBLIC, problem, "The tenant's token endpoint must be reachable.")),
    }
    match probe.callback_allowed(public, app_origin).await {
        Ok(true) => checks.push(Check::pass(SPA_CALLBACK, format!("{app_origin}/callback"))),
        Ok(false) => checks.push(Check::fail(
            SPA_CALLBACK,
            format!("the tenant refuses {app_origin}/callback for {}", public.client_id),
            format!("In the SPA's settings add {app_origin}/callback to Allowed Callback URLs, and {app_origin} to Allowed Logout URLs and Allowed Web Origins."),
        )),
        Err(problem) => checks.push(Check::fail(SPA_CALLBACK, problem, "The tenant's /authorize must be reachable.")),
    }

    // 6–9: the Machine to Machine application, end to end.
    const M2M_TOKEN: &str = "M2M application gets a token for the API";
    const M2M_VALID: &str = "The M2M token passes this app's validator";
    const M2M_PERMS: &str = "The M2M token carries the permissions the app needs";
    const M2M_API: &str = "This app's API accepts the M2M token";
    let Some(client) = settings
        .m2m
        .as_ref()
        .map(|credentials| startup::state::m2m_client(settings, credentials))
    else {
        checks.push(Check::fail(
            M2M_TOKEN,
            "AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET are not set",
            "Create a Machine to Machine application authorised for your API, and set its Client ID and Client Secret (server only).",
        ));
        return report;
    };
    let token = match client.access_token().await {
        Ok(token) => {
            checks.push(Check::pass(M2M_TOKEN, format!("for {}", public.audience)));
            token
        }
        Err(error) => {
            checks.push(Check::fail(
                M2M_TOKEN,
                error.to_string(),
                m2m_fix(&error, settings),
            ));
            return report;
        }
    };

    // The app is served for one call; its catalogue is a throwaway file, never the real one.
    let scratch = ScratchDatabase::new();
    let products = match ProductStore::open_file(&scratch.0).await {
        Ok(products) => products,
        Err(error) => {
            checks.push(Check::fail(M2M_VALID, error.to_string(), "The app could not open a scratch catalogue database in the temporary directory; check TMPDIR is writable."));
            return report;
        }
    };
    let state: AppState = build_state(
        settings,
        LeptosOptions::builder()
            .output_name("aura-commerce")
            .build(),
        AuthOptions::default(),
        products,
    );
    let _ = state.validator.keys().refresh().await;
    let claims = match state.validator.validate(token.secret()).await {
        Ok(claims) => {
            checks.push(Check::pass(M2M_VALID, format!("sub {}", claims.sub)));
            claims
        }
        Err(error) => {
            checks.push(Check::fail(
                M2M_VALID,
                error.to_string(),
                "The token must be RS256-signed by this issuer for AUTH0_AUDIENCE: check both.",
            ));
            return report;
        }
    };
    let missing: Vec<&str> = M2M_PERMISSIONS
        .iter()
        .copied()
        .filter(|p| !claims.has_permission(p))
        .collect();
    if missing.is_empty() {
        checks.push(Check::pass(M2M_PERMS, M2M_PERMISSIONS.join(" ")));
    } else {
        checks.push(Check::fail(
            M2M_PERMS,
            format!("missing: {}", missing.join(" ")),
            format!("In Auth0 → Applications → APIs → your API → Machine to Machine Applications, grant {} to the M2M application.", missing.join(" ")),
        ));
    }
    checks.push(api_accepts(state, token.secret()).await.map_or_else(
        |problem| {
            Check::fail(
                M2M_API,
                problem,
                "See the server log; the token should be accepted at /api/ai/authenticate.",
            )
        },
        |detail| Check::pass(M2M_API, detail),
    ));
    report
}

/// Whether DPoP is on and, if so, whether the tenant says it takes proofs this app makes: with
/// DPoP on and a tenant that does not, tokens come back unbound and every user is refused.
fn dpop_check(settings: &Settings, discovery: &Discovery) -> Check {
    const DPOP: &str = "DPoP (AUTH0_DPOP)";
    if !settings.public.dpop.is_on() {
        return Check::pass(
            DPOP,
            "off: access tokens are bearer tokens (set AUTH0_DPOP=on to bind them to the browser's key)",
        );
    }
    let advertised = &discovery.dpop_signing_alg_values_supported;
    match DPOP_ALGS.iter().find(|alg| advertised.iter().any(|a| a == *alg)) {
        Some(alg) => Check::pass(
            DPOP,
            format!("on; the tenant's discovery advertises DPoP proofs with {alg}"),
        ),
        None if advertised.is_empty() => Check::fail(
            DPOP,
            "AUTH0_DPOP=on, but the tenant's discovery has no dpop_signing_alg_values_supported: it does not issue DPoP-bound tokens, so every shopper's token would be refused",
            "Turn on DPoP for the tenant (Auth0 → Applications → APIs → your API → Settings → Token Sender-Constraining: DPoP), or set AUTH0_DPOP=off.",
        ),
        None => Check::fail(
            DPOP,
            format!(
                "AUTH0_DPOP=on, but the tenant accepts DPoP proofs made with {} only, and this app makes {}",
                advertised.join(", "),
                DPOP_ALGS.join(", ")
            ),
            "Allow ES256 DPoP proofs at the tenant, or set AUTH0_DPOP=off.",
        ),
    }
}

/// One run's scratch catalogue: a database file in the temporary directory, removed (with its
/// WAL files) when dropped.
struct ScratchDatabase(std::path::PathBuf);

impl ScratchDatabase {
    /// A path no other run uses: not another process's, nor that of a run at the same time in
    /// this one (two runs sharing one file would find it locked, or deleted by the first to
    /// finish).
    fn new() -> Self {
        static RUNS: AtomicU64 = AtomicU64::new(0);
        let run = RUNS.fetch_add(1, Ordering::Relaxed);
        Self(std::env::temp_dir().join(format!(
            "aura-commerce-doctor-{}-{run}.sqlite",
            std::process::id()
        )))
    }
}

impl Drop for ScratchDatabase {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.0.display()));
        }
    }
}

/// Serves the app on a loopback port for a moment and calls `/api/ai/authenticate`.
async fn api_accepts(state: AppState, token: &str) -> Result<String, String> {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| e.to_string())?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let server = tokio::spawn(startup::serve(
        listener,
        startup::router(state),
        std::future::pending(),
    ));
    let url = format!("http://{addr}/api/ai/authenticate");
    let result = async {
        let response = crate::outbound_http::outbound_client(TIMEOUT)
            .get(&url)
            .bearer_auth(token)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        match response.status().as_u16() {
            200 => Ok("GET /api/ai/authenticate answered 200".to_owned()),
            status => {
                let body = response.text().await.unwrap_or_default();
                let excerpt: String = body.chars().take(200).collect();
                Err(format!(
                    "GET /api/ai/authenticate answered {status}: {excerpt}"
                ))
            }
        }
    }
    .await;
    server.abort();
    result
}

/// The guide's troubleshooting entry for each way the tenant refuses the M2M credentials.
fn m2m_fix(error: &M2mError, settings: &Settings) -> String {
    match error {
        M2mError::WrongSecret { .. } => "\"Invalid client_secret\": AUTH0_CLIENT_SECRET must be the Machine to Machine application's secret (not the SPA's — a SPA has none); copy it again from its Settings tab.".into(),
        M2mError::PublicClient { .. } => "\"Client secret not allowed\": AUTH0_CLIENT_ID names a Single Page Application. Put the M2M application's Client ID there, and keep secrets out of the browser configuration.".into(),
        M2mError::GrantNotAllowed { .. } => "\"Invalid grant_type\": SPAs use authorization_code, M2M applications use client_credentials. Make AUTH0_CLIENT_ID the M2M application's ID, and enable the Client Credentials grant for it (Settings → Advanced → Grant Types).".into(),
        M2mError::UnknownAudience { .. } | M2mError::NotAuthorisedForApi { .. } => format!(
            "Authorise the Machine to Machine application for the API {} (Applications → APIs → Machine to Machine Applications), and check AUTH0_AUDIENCE.",
            settings.public.audience
        ),
        _ => "Check that the tenant is reachable from this server and try again.".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::ScratchDatabase;

    /// Each run in one process gets a scratch catalogue of its own.
    #[test]
    fn two_runs_in_one_process_never_share_a_scratch_database() {
        assert_ne!(ScratchDatabase::new().0, ScratchDatabase::new().0);
    }
}
