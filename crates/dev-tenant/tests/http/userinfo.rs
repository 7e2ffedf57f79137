//! `/userinfo` with a bearer access token.

use dev_tenant::DEFAULT_M2M_CLIENT_ID;
use serde_json::json;

use crate::support::{read, Pkce, TestTenant, APP_ORIGIN};

/// An access token issued with `openid profile email` returns the profile.
#[tokio::test]
async fn userinfo_returns_the_profile_for_the_access_token() {
    let tenant = TestTenant::start().await;
    let pkce = Pkce::new();
    let code = tenant.sign_in(&pkce, "shopper@aura.test").await;
    let body = tenant.exchange(&code, &pkce.verifier).await.json();
    let access = body["access_token"].as_str().unwrap();
    let reply = read(
        tenant
            .http
            .get(tenant.url("userinfo"))
            .bearer_auth(access)
            .header("origin", APP_ORIGIN)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(
        reply.header("access-control-allow-origin"),
        Some(APP_ORIGIN)
    );
    let info = reply.json();
    let id = tenant
        .verify(
            body["id_token"].as_str().unwrap(),
            dev_tenant::DEFAULT_SPA_CLIENT_ID,
        )
        .await;
    assert_eq!(info["sub"], id["sub"]);
    assert_eq!(info["name"], "Sam Shopper");
    assert_eq!(info["email"], "shopper@aura.test");
    assert_eq!(info["email_verified"], true);
}

/// Missing, forged, expired and M2M tokens are refused with RFC 6750 errors.
#[tokio::test]
async fn userinfo_refuses_tokens_it_should_not_accept() {
    let tenant = TestTenant::start().await;
    let m2m = tenant
        .token_json(json!({
            "client_id": DEFAULT_M2M_CLIENT_ID,
            "client_secret": dev_tenant::DEFAULT_M2M_CLIENT_SECRET,
            "grant_type": "client_credentials"
        }))
        .await
        .json()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let pkce = Pkce::new();
    let code = tenant.sign_in(&pkce, "admin@aura.test").await;
    let user = tenant.exchange(&code, &pkce.verifier).await.json()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut forged = user.clone();
    forged.truncate(forged.len() - 4);
    forged.push_str("AAAA");

    let ask = |token: Option<String>| {
        let mut request = tenant.http.get(tenant.url("userinfo"));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        async move { read(request.send().await.unwrap()).await }
    };
    let bare = ask(None).await;
    assert_eq!(bare.status, 401);
    assert_eq!(
        bare.header("www-authenticate"),
        Some("Bearer realm=\"dev-tenant\"")
    );
    for (case, token) in [
        ("forged signature", Some(forged)),
        ("M2M token (no userinfo audience)", Some(m2m)),
    ] {
        let reply = ask(token).await;
        assert_eq!(reply.status, 401, "{case}");
        assert_eq!(reply.json()["error"], "invalid_token", "{case}");
        assert!(reply
            .header("www-authenticate")
            .unwrap()
            .starts_with("Bearer error=\"invalid_token\""));
    }
    tenant.handle.advance_clock(86_400);
    let expired = ask(Some(user)).await;
    assert_eq!(
        (expired.status.as_u16(), expired.json()),
        (
            401,
            json!({"error": "invalid_token", "error_description": "The token has expired."})
        )
    );
}
