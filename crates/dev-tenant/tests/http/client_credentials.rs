//! The M2M grant, as the guide's curl and the app's server call it.

use crate::support::{assert_oauth_error, read, TestTenant};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use dev_tenant::{DEFAULT_AUDIENCE, DEFAULT_M2M_CLIENT_ID, DEFAULT_M2M_CLIENT_SECRET};
use serde_json::json;

/// The guide's JSON body works verbatim and yields Auth0's M2M claims.
#[tokio::test]
async fn json_body_as_in_the_guide_issues_an_m2m_token() {
    let tenant = TestTenant::start().await;
    let reply = tenant
        .token_json(json!({
            "client_id": DEFAULT_M2M_CLIENT_ID,
            "client_secret": DEFAULT_M2M_CLIENT_SECRET,
            "audience": DEFAULT_AUDIENCE,
            "grant_type": "client_credentials"
        }))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let body = reply.json();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 86400);
    assert_eq!(body["scope"], "read:products ai:recommend");
    assert!(body.get("id_token").is_none() && body.get("refresh_token").is_none());
    let claims = tenant
        .verify(body["access_token"].as_str().unwrap(), DEFAULT_AUDIENCE)
        .await;
    assert_eq!(claims["sub"], "aura-m2m@clients");
    assert_eq!(claims["aud"], DEFAULT_AUDIENCE);
    assert_eq!(claims["azp"], DEFAULT_M2M_CLIENT_ID);
    assert_eq!(claims["gty"], "client-credentials");
    assert_eq!(claims["scope"], "read:products ai:recommend");
    assert_eq!(
        claims["permissions"],
        json!(["read:products", "ai:recommend"])
    );
    assert_eq!(claims["iss"], json!(tenant.issuer));
    assert_eq!(tenant.handle.client_credentials_issued(), 1);
}

/// `client_secret_post` with a form body.
#[tokio::test]
async fn form_body_with_client_secret_post() {
    let tenant = TestTenant::start().await;
    let reply = tenant
        .token_form(&[
            ("grant_type", "client_credentials"),
            ("client_id", DEFAULT_M2M_CLIENT_ID),
            ("client_secret", DEFAULT_M2M_CLIENT_SECRET),
            ("audience", DEFAULT_AUDIENCE),
        ])
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
}

/// `client_secret_basic`, and the audience defaulting to the tenant's API.
#[tokio::test]
async fn basic_authentication_and_default_audience() {
    let tenant = TestTenant::start().await;
    let basic = STANDARD.encode(format!(
        "{DEFAULT_M2M_CLIENT_ID}:{DEFAULT_M2M_CLIENT_SECRET}"
    ));
    let reply = read(
        tenant
            .http
            .post(tenant.url("oauth/token"))
            .header("authorization", format!("Basic {basic}"))
            .form(&[("grant_type", "client_credentials")])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let claims = tenant
        .verify(
            reply.json()["access_token"].as_str().unwrap(),
            DEFAULT_AUDIENCE,
        )
        .await;
    assert_eq!(claims["sub"], "aura-m2m@clients");
}

/// A narrower `scope` is honoured; an ungranted one is refused.
#[tokio::test]
async fn scope_parameter_narrows_and_cannot_widen() {
    let tenant = TestTenant::start().await;
    let base = json!({
        "client_id": DEFAULT_M2M_CLIENT_ID,
        "client_secret": DEFAULT_M2M_CLIENT_SECRET,
        "audience": DEFAULT_AUDIENCE,
        "grant_type": "client_credentials",
    });
    let mut narrow = base.clone();
    narrow["scope"] = json!("ai:recommend");
    let body = tenant.token_json(narrow).await.json();
    assert_eq!(body["scope"], "ai:recommend");

    let mut wide = base;
    wide["scope"] = json!("read:products write:products");
    let reply = tenant.token_json(wide).await;
    assert_oauth_error(
        &reply,
        403,
        "access_denied",
        "Client has not been granted scopes: write:products",
    );
}

/// An audience the tenant does not serve.
#[tokio::test]
async fn unknown_audience_is_refused() {
    let tenant = TestTenant::start().await;
    let reply = tenant
        .token_json(json!({
            "client_id": DEFAULT_M2M_CLIENT_ID,
            "client_secret": DEFAULT_M2M_CLIENT_SECRET,
            "audience": "https://elsewhere.example",
            "grant_type": "client_credentials"
        }))
        .await;
    assert_oauth_error(
        &reply,
        403,
        "access_denied",
        "Service not found: https://elsewhere.example",
    );
    assert_eq!(tenant.handle.client_credentials_issued(), 0);
}
