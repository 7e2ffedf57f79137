//! Refresh tokens: rotation, reuse detection revoking the family, expiry, persistence.

use dev_tenant::{DEFAULT_AUDIENCE, DEFAULT_SPA_CLIENT_ID};
use serde_json::{json, Value};

use crate::support::{assert_oauth_error, Pkce, TestTenant};

async fn signed_in(tenant: &TestTenant) -> Value {
    let pkce = Pkce::new();
    let code = tenant.sign_in(&pkce, "admin@aura.test").await;
    let reply = tenant.exchange(&code, &pkce.verifier).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.json()
}

fn refresh_token(body: &Value) -> String {
    body["refresh_token"].as_str().unwrap().to_owned()
}

/// Each use returns a new access token, ID token and refresh token.
#[tokio::test]
async fn refresh_rotates_the_token_and_keeps_the_grant() {
    let tenant = TestTenant::start().await;
    let first = signed_in(&tenant).await;
    let reply = tenant.refresh(&refresh_token(&first)).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    let second = reply.json();
    assert_ne!(refresh_token(&second), refresh_token(&first));
    assert_eq!(second["scope"], first["scope"]);
    let access = tenant
        .verify(second["access_token"].as_str().unwrap(), DEFAULT_AUDIENCE)
        .await;
    assert_eq!(
        access["permissions"],
        json!(["read:products", "write:products"])
    );
    let id = tenant
        .verify(second["id_token"].as_str().unwrap(), DEFAULT_SPA_CLIENT_ID)
        .await;
    assert_eq!(id["email"], "admin@aura.test");
    assert!(id.get("nonce").is_none());
    // The new one works in turn.
    assert_eq!(tenant.refresh(&refresh_token(&second)).await.status, 200);
}

/// Reusing a rotated token revokes the family: the old and the newest token both fail.
#[tokio::test]
async fn reusing_a_rotated_token_revokes_the_whole_family() {
    let tenant = TestTenant::start().await;
    let first = refresh_token(&signed_in(&tenant).await);
    let second = refresh_token(&tenant.refresh(&first).await.json());

    let reuse = tenant.refresh(&first).await;
    assert_oauth_error(
        &reuse,
        403,
        "invalid_grant",
        "Unknown or invalid refresh token.",
    );
    let newest = tenant.refresh(&second).await;
    assert_oauth_error(
        &newest,
        403,
        "invalid_grant",
        "Unknown or invalid refresh token.",
    );

    // Another sign-in's family is untouched.
    let other = refresh_token(&signed_in(&tenant).await);
    assert_eq!(tenant.refresh(&other).await.status, 200);
}

/// A refresh token belongs to the client it was issued to.
#[tokio::test]
async fn another_client_cannot_use_the_refresh_token() {
    let tenant = TestTenant::start_with(|config| {
        let mut other = config.clients[0].clone();
        other.client_id = "other-spa".into();
        config.clients.push(other);
    })
    .await;
    let token = refresh_token(&signed_in(&tenant).await);
    let reply = tenant
        .token_form(&[
            ("grant_type", "refresh_token"),
            ("client_id", "other-spa"),
            ("refresh_token", &token),
        ])
        .await;
    assert_oauth_error(
        &reply,
        403,
        "invalid_grant",
        "Unknown or invalid refresh token.",
    );
    assert_eq!(tenant.refresh(&token).await.status, 200);
}

/// An unused token expires after the idle lifetime.
#[tokio::test]
async fn an_idle_refresh_token_expires() {
    let tenant = TestTenant::start_with(|config| {
        config.lifetimes.refresh_token_idle_secs = 100;
    })
    .await;
    let token = refresh_token(&signed_in(&tenant).await);
    tenant.handle.advance_clock(100);
    let reply = tenant.refresh(&token).await;
    assert_oauth_error(
        &reply,
        403,
        "invalid_grant",
        "Unknown or invalid refresh token.",
    );
}

/// A family ends at its absolute lifetime, however often it is used.
#[tokio::test]
async fn a_refresh_family_ends_at_its_absolute_lifetime() {
    let tenant = TestTenant::start_with(|config| {
        config.lifetimes.refresh_token_idle_secs = 100;
        config.lifetimes.refresh_token_absolute_secs = 150;
    })
    .await;
    let mut token = refresh_token(&signed_in(&tenant).await);
    tenant.handle.advance_clock(80);
    token = refresh_token(&tenant.refresh(&token).await.json());
    tenant.handle.advance_clock(70);
    let reply = tenant.refresh(&token).await;
    assert_oauth_error(
        &reply,
        403,
        "invalid_grant",
        "Unknown or invalid refresh token.",
    );
}

/// A narrower scope may be asked on refresh; a wider one is refused.
#[tokio::test]
async fn refresh_can_narrow_but_not_widen_the_scope() {
    let tenant = TestTenant::start().await;
    let token = refresh_token(&signed_in(&tenant).await);
    let reply = tenant
        .token_form(&[
            ("grant_type", "refresh_token"),
            ("client_id", DEFAULT_SPA_CLIENT_ID),
            ("refresh_token", &token),
            ("scope", "openid read:products"),
        ])
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let body = reply.json();
    assert_eq!(body["scope"], "openid read:products");
    let token = refresh_token(&body);
    let reply = tenant
        .token_form(&[
            ("grant_type", "refresh_token"),
            ("client_id", DEFAULT_SPA_CLIENT_ID),
            ("refresh_token", &token),
            ("scope", "openid admin:everything"),
        ])
        .await;
    assert_oauth_error(
        &reply,
        403,
        "invalid_scope",
        "Scope 'admin:everything' was not granted and cannot be added on refresh.",
    );
    // The refusal did not spend the token: it still refreshes, and is not taken for reuse.
    let reply = tenant.refresh(&token).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
}

/// With a state directory, refresh tokens survive a restart of the tenant.
#[tokio::test]
async fn refresh_tokens_survive_a_restart_with_a_state_directory() {
    let dir = crate::support::temp_dir("refresh-restart");
    let key = dir.join("signing-key.der");
    let configure = |config: &mut dev_tenant::TenantConfig| {
        config.state_dir = Some(dir.clone());
        config.signing_key_path = Some(key.clone());
    };
    let first = TestTenant::start_with(configure).await;
    let token = refresh_token(&signed_in(&first).await);
    let rotated = refresh_token(&first.refresh(&token).await.json());
    drop(first);

    let second = TestTenant::start_with(configure).await;
    let reply = second.refresh(&rotated).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    // Reuse detection also survives: the token spent before the restart revokes the family.
    let reuse = second.refresh(&token).await;
    assert_oauth_error(
        &reuse,
        403,
        "invalid_grant",
        "Unknown or invalid refresh token.",
    );
    let stored = std::fs::read_to_string(dir.join("refresh-tokens.json")).unwrap();
    assert!(!stored.contains(&rotated), "raw tokens must not be stored");
    let _ = std::fs::remove_dir_all(&dir);
}

/// `/oauth/revoke` revokes the family; unknown tokens are answered the same way.
#[tokio::test]
async fn revoking_a_refresh_token_ends_its_family() {
    let tenant = TestTenant::start().await;
    let first = refresh_token(&signed_in(&tenant).await);
    let second = refresh_token(&tenant.refresh(&first).await.json());
    let revoke = |token: String| {
        let http = tenant.http.clone();
        let url = tenant.url("oauth/revoke");
        async move {
            crate::support::read(
                http.post(url)
                    .json(&json!({ "client_id": DEFAULT_SPA_CLIENT_ID, "token": token }))
                    .send()
                    .await
                    .unwrap(),
            )
            .await
        }
    };
    let reply = revoke(first).await;
    assert_eq!((reply.status.as_u16(), reply.body.as_str()), (200, ""));
    let after = tenant.refresh(&second).await;
    assert_oauth_error(
        &after,
        403,
        "invalid_grant",
        "Unknown or invalid refresh token.",
    );
    let unknown = revoke("never-issued".into()).await;
    assert_eq!(unknown.status, 200);
}

/// Expired families are dropped from the state file when new ones are made.
#[tokio::test]
async fn expired_families_are_pruned_from_the_state_file() {
    let dir = crate::support::temp_dir("refresh-prune");
    let tenant = TestTenant::start_with(|config| {
        config.state_dir = Some(dir.clone());
        config.lifetimes.refresh_token_idle_secs = 100;
    })
    .await;
    let families = || {
        let text = std::fs::read_to_string(dir.join("refresh-tokens.json")).unwrap();
        serde_json::from_str::<serde_json::Map<String, Value>>(&text)
            .unwrap()
            .len()
    };
    signed_in(&tenant).await;
    assert_eq!(families(), 1);
    tenant.handle.advance_clock(100);
    signed_in(&tenant).await;
    assert_eq!(families(), 1, "the idle family was dropped");
    let _ = std::fs::remove_dir_all(&dir);
}
