//! `aura-commerce doctor` against a real local tenant: all ✓ when the setup is right, and the
//! guide's troubleshooting entry, with a non-zero exit, for each classic mistake.

use std::process::Output;

use aura_commerce::auth::public_config::DpopMode;
use aura_commerce::config::{LocalTenantSettings, Settings};
use aura_commerce::doctor::{run_checklist, Outcome};
use dev_tenant::{GrantType, Tenant, TenantConfig};
use tokio::net::TcpListener;

use crate::support::fake_issuer::{FakeIssuer, TestKey};

/// Starts a tenant with the default clients, changed by `adjust`; returns its issuer.
async fn start_tenant(adjust: impl FnOnce(&mut TenantConfig)) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let issuer = format!("http://{}/", listener.local_addr().unwrap());
    let mut config = TenantConfig::with_defaults(&issuer);
    adjust(&mut config);
    let tenant = Tenant::new(config).unwrap();
    tokio::spawn(tenant.serve(listener, std::future::pending()));
    issuer
}

/// Runs the real binary, as a developer would, configured for the tenant at `issuer`.
async fn doctor(
    issuer: &str,
    spa_client_id: &str,
    m2m_client_id: &str,
    m2m_secret: &str,
) -> Output {
    let workdir = std::env::temp_dir().join(format!("aura-doctor-{}", std::process::id()));
    std::fs::create_dir_all(&workdir).unwrap();
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_aura-commerce"));
    command
        .arg("doctor")
        // No developer .env can leak in from here.
        .current_dir(&workdir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("AUTH0_DOMAIN", issuer)
        .env("AUTH0_SPA_CLIENT_ID", spa_client_id)
        .env("AUTH0_AUDIENCE", dev_tenant::DEFAULT_AUDIENCE)
        .env("AUTH0_CLIENT_ID", m2m_client_id)
        .env("AUTH0_CLIENT_SECRET", m2m_secret)
        .env("LEPTOS_SITE_ADDR", "127.0.0.1:3000");
    command.output().await.unwrap()
}

/// A local tenant of the test's own with its defaults: its issuer, and settings for it.
async fn local_tenant_settings() -> (String, Settings) {
    let issuer = start_tenant(|_| {}).await;
    let addr = issuer
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .parse()
        .unwrap();
    (
        issuer,
        Settings::for_local_tenant(LocalTenantSettings::at(addr)),
    )
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// With the local tenant's defaults every item passes.
#[tokio::test]
async fn every_check_passes_against_the_local_tenant() {
    let (issuer, settings) = local_tenant_settings().await;
    let report = run_checklist(&settings, "http://127.0.0.1:3000").await;
    assert!(report.all_passed(), "{report}");
    assert_eq!(report.checks.len(), 10, "{report}");
    assert!(
        report.to_string().contains("✓ DPoP (AUTH0_DPOP) — off: "),
        "{report}"
    );

    let output = doctor(
        &issuer,
        "aura-spa",
        "aura-m2m",
        dev_tenant::DEFAULT_M2M_CLIENT_SECRET,
    )
    .await;
    assert!(output.status.success(), "{}", stdout(&output));
    assert!(
        stdout(&output).contains("10 of 10 checks passed."),
        "{}",
        stdout(&output)
    );
}

/// Two checklists at once in one process (as the tests run them) each serve the app on a
/// scratch catalogue of their own: neither finds the other's database locked or deleted.
#[tokio::test]
async fn two_checklists_at_once_each_pass() {
    let (_, first) = local_tenant_settings().await;
    let (_, second) = local_tenant_settings().await;
    let (a, b) = tokio::join!(
        run_checklist(&first, "http://127.0.0.1:3000"),
        run_checklist(&second, "http://127.0.0.1:3000"),
    );
    assert!(a.all_passed(), "{a}");
    assert!(b.all_passed(), "{b}");
}

/// The M2M application's secret mistyped (or the SPA's pasted): "Invalid client_secret".
#[tokio::test]
async fn a_wrong_m2m_secret_is_named_with_its_fix() {
    let issuer = start_tenant(|_| {}).await;
    let output = doctor(&issuer, "aura-spa", "aura-m2m", "not-the-secret").await;
    let text = stdout(&output);
    assert!(!output.status.success(), "{text}");
    assert!(
        text.contains("✗ M2M application gets a token for the API"),
        "{text}"
    );
    assert!(text.contains("\"Invalid client_secret\""), "{text}");
    assert!(
        !text.contains("not-the-secret"),
        "the secret is never printed: {text}"
    );
}

/// SPA and M2M IDs swapped: the SPA check and the M2M check both say so.
#[tokio::test]
async fn swapped_client_ids_are_named_with_their_fix() {
    let issuer = start_tenant(|_| {}).await;
    let output = doctor(
        &issuer,
        "aura-m2m",
        "aura-spa",
        dev_tenant::DEFAULT_M2M_CLIENT_SECRET,
    )
    .await;
    let text = stdout(&output);
    assert!(!output.status.success(), "{text}");
    assert!(
        text.contains("✗ SPA application is public (no client secret)"),
        "{text}"
    );
    assert!(
        text.contains("Use the Client ID of the Single Page Application in AUTH0_SPA_CLIENT_ID"),
        "{text}"
    );
    assert!(text.contains("\"Client secret not allowed\""), "{text}");
    assert!(
        !text.contains(dev_tenant::DEFAULT_M2M_CLIENT_SECRET),
        "{text}"
    );
}

/// The M2M application without the client_credentials grant: "Invalid grant_type".
#[tokio::test]
async fn a_disabled_grant_is_named_with_its_fix() {
    let issuer = start_tenant(|config| {
        let m2m = config
            .clients
            .iter_mut()
            .find(|c| c.client_id == dev_tenant::DEFAULT_M2M_CLIENT_ID)
            .unwrap();
        m2m.grant_types
            .retain(|g| *g != GrantType::ClientCredentials);
    })
    .await;
    let output = doctor(
        &issuer,
        "aura-spa",
        "aura-m2m",
        dev_tenant::DEFAULT_M2M_CLIENT_SECRET,
    )
    .await;
    let text = stdout(&output);
    assert!(!output.status.success(), "{text}");
    assert!(text.contains("\"Invalid grant_type\""), "{text}");
    assert!(
        text.contains("enable the Client Credentials grant"),
        "{text}"
    );
}

/// With DPoP on, the doctor says whether the tenant's discovery advertises it: the local tenant
/// does; an issuer whose discovery says nothing of DPoP fails the item, with the fix.
#[tokio::test]
async fn with_dpop_on_the_doctor_says_whether_the_tenant_advertises_it() {
    let (_, mut settings) = local_tenant_settings().await;
    settings.public.dpop = DpopMode::On;
    let report = run_checklist(&settings, "http://127.0.0.1:3000").await;
    assert!(report.all_passed(), "{report}");
    assert!(
        report.to_string().contains(
            "✓ DPoP (AUTH0_DPOP) — on; the tenant's discovery advertises DPoP proofs with ES256"
        ),
        "{report}"
    );

    let key = TestKey::generate("k1");
    let silent = FakeIssuer::start(&[&key]).await;
    let mut settings = Settings::for_local_tenant(LocalTenantSettings::at(silent.addr));
    settings.public.dpop = DpopMode::On;
    let report = run_checklist(&settings, "http://127.0.0.1:3000").await;
    let dpop = report
        .checks
        .iter()
        .find(|check| check.title == "DPoP (AUTH0_DPOP)")
        .expect("a DPoP item");
    let Outcome::Fail { problem, fix } = &dpop.outcome else {
        panic!("{report}")
    };
    assert!(
        problem.contains("has no dpop_signing_alg_values_supported"),
        "{problem}"
    );
    assert!(fix.contains("or set AUTH0_DPOP=off"), "{fix}");
}
