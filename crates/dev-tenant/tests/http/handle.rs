//! The test handle: counters, key rotation, the clock; and key persistence.

use dev_tenant::{DEFAULT_AUDIENCE, DEFAULT_M2M_CLIENT_ID, DEFAULT_M2M_CLIENT_SECRET};
use serde_json::json;

use crate::support::TestTenant;

async fn m2m_token(tenant: &TestTenant) -> String {
    tenant
        .token_json(json!({
            "client_id": DEFAULT_M2M_CLIENT_ID,
            "client_secret": DEFAULT_M2M_CLIENT_SECRET,
            "audience": DEFAULT_AUDIENCE,
            "grant_type": "client_credentials"
        }))
        .await
        .json()["access_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// A rotated key signs new tokens; the old key stays published until retired.
#[tokio::test]
async fn rotating_the_signing_key_publishes_both_keys() {
    let tenant = TestTenant::start().await;
    let old_kid = tenant.handle.current_kid();
    let before = m2m_token(&tenant).await;
    let new_kid = tenant.handle.rotate_signing_key().unwrap();
    assert_ne!(old_kid, new_kid);
    assert_eq!(tenant.handle.current_kid(), new_kid);
    let after = m2m_token(&tenant).await;
    let kid_of = |t: &str| jsonwebtoken::decode_header(t).unwrap().kid.unwrap();
    assert_eq!(kid_of(&before), old_kid);
    assert_eq!(kid_of(&after), new_kid);
    let kids = |jwks: serde_json::Value| -> Vec<String> {
        jwks["keys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k["kid"].as_str().unwrap().to_owned())
            .collect()
    };
    let jwks = tenant.fetch(".well-known/jwks.json").await;
    assert_eq!(kids(jwks.json()), [old_kid.clone(), new_kid.clone()]);
    tenant.verify(&before, DEFAULT_AUDIENCE).await;
    tenant.verify(&after, DEFAULT_AUDIENCE).await;

    assert!(tenant.handle.retire_signing_key(&old_kid));
    assert!(
        !tenant.handle.retire_signing_key(&new_kid),
        "the last key stays"
    );
    let jwks = tenant.fetch(".well-known/jwks.json").await;
    assert_eq!(kids(jwks.json()), [new_kid]);
}

/// Counters count what was issued and fetched.
#[tokio::test]
async fn counters_count_m2m_tokens_and_jwks_fetches() {
    let tenant = TestTenant::start().await;
    assert_eq!(tenant.handle.client_credentials_issued(), 0);
    assert_eq!(tenant.handle.jwks_fetches(), 0);
    m2m_token(&tenant).await;
    m2m_token(&tenant).await;
    assert_eq!(tenant.handle.client_credentials_issued(), 2);
    assert_eq!(tenant.handle.tokens_issued(), 2);
    tenant.fetch(".well-known/jwks.json").await;
    assert_eq!(tenant.handle.jwks_fetches(), 1);
}

/// A persisted key is reused by the next start, so tokens stay valid across restarts.
#[tokio::test]
async fn a_persisted_signing_key_survives_a_restart() {
    let dir = crate::support::temp_dir("key-restart");
    let path = dir.join("nested").join("signing-key.der");
    let first = TestTenant::start_with(|c| c.signing_key_path = Some(path.clone())).await;
    let kid = first.handle.current_kid();
    assert!(path.exists());
    let leftovers: Vec<_> = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 1, "no temp files left: {leftovers:?}");
    drop(first);
    let second = TestTenant::start_with(|c| c.signing_key_path = Some(path.clone())).await;
    assert_eq!(second.handle.current_kid(), kid);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A corrupt key file is an error at start, not a silently replaced key.
#[tokio::test]
async fn a_corrupt_key_file_is_refused() {
    let dir = crate::support::temp_dir("corrupt-key");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("signing-key.der");
    std::fs::write(&path, b"not a key").unwrap();
    let mut config = dev_tenant::TenantConfig::with_defaults("http://127.0.0.1:1/");
    config.signing_key_path = Some(path);
    let error = dev_tenant::router(config).expect_err("refused");
    assert!(matches!(error, dev_tenant::TenantError::Key(_)), "{error}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// `serve` refuses a listener that is not on loopback.
#[tokio::test]
async fn serve_refuses_a_non_loopback_listener() {
    let Ok(listener) = tokio::net::TcpListener::bind("0.0.0.0:0").await else {
        return;
    };
    let config = dev_tenant::TenantConfig::with_defaults("http://127.0.0.1:1/");
    let error = dev_tenant::serve(listener, config).await.unwrap_err();
    assert!(
        matches!(error, dev_tenant::TenantError::NotLoopback(_)),
        "{error}"
    );
}
