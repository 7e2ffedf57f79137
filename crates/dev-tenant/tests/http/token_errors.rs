//! Every error row of the design's table (section 6), over HTTP, status and body exact.

use crate::support::{assert_oauth_error, Pkce, TestTenant, CALLBACK};
use dev_tenant::{
    DEFAULT_AUDIENCE, DEFAULT_M2M_CLIENT_ID, DEFAULT_M2M_CLIENT_SECRET, DEFAULT_SPA_CLIENT_ID,
};
use serde_json::json;

const M2M_FORBIDDEN_SECRET: &str = "Client 'aura-spa' is a public client (token endpoint authentication method 'none') and must not send a client secret.";

/// Rows that need no prior state: client authentication, grant types, unsupported grants.
#[tokio::test]
async fn stateless_rows_match_auth0_exactly() {
    let tenant = TestTenant::start().await;
    let cc = |client_id: &str, secret: Option<&str>| {
        let mut body = json!({
            "grant_type": "client_credentials",
            "client_id": client_id,
            "audience": DEFAULT_AUDIENCE,
        });
        if let Some(secret) = secret {
            body["client_secret"] = json!(secret);
        }
        body
    };
    let rows: Vec<(&str, serde_json::Value, u16, &str, &str)> = vec![
        (
            "wrong client secret",
            cc(DEFAULT_M2M_CLIENT_ID, Some("wrong")),
            401,
            "access_denied",
            "Unauthorized",
        ),
        (
            "confidential client without a secret",
            cc(DEFAULT_M2M_CLIENT_ID, None),
            401,
            "access_denied",
            "Unauthorized",
        ),
        (
            "unknown client",
            cc("nobody", Some("x")),
            401,
            "access_denied",
            "Unauthorized",
        ),
        (
            "a secret sent for the public client",
            json!({
                "grant_type": "authorization_code",
                "client_id": DEFAULT_SPA_CLIENT_ID,
                "client_secret": "anything",
                "code": "x",
                "code_verifier": Pkce::new().verifier,
                "redirect_uri": CALLBACK,
            }),
            401,
            "invalid_client",
            M2M_FORBIDDEN_SECRET,
        ),
        (
            "SPA asking client_credentials",
            cc(DEFAULT_SPA_CLIENT_ID, None),
            403,
            "unauthorized_client",
            "Grant type 'client_credentials' not allowed for the client.",
        ),
        (
            "M2M asking authorization_code",
            json!({
                "grant_type": "authorization_code",
                "client_id": DEFAULT_M2M_CLIENT_ID,
                "client_secret": DEFAULT_M2M_CLIENT_SECRET,
                "code": "x",
                "redirect_uri": CALLBACK,
            }),
            403,
            "unauthorized_client",
            "Grant type 'authorization_code' not allowed for the client.",
        ),
        (
            "M2M asking refresh_token",
            json!({
                "grant_type": "refresh_token",
                "client_id": DEFAULT_M2M_CLIENT_ID,
                "client_secret": DEFAULT_M2M_CLIENT_SECRET,
                "refresh_token": "x",
            }),
            403,
            "unauthorized_client",
            "Grant type 'refresh_token' not allowed for the client.",
        ),
        (
            "unknown code",
            json!({
                "grant_type": "authorization_code",
                "client_id": DEFAULT_SPA_CLIENT_ID,
                "code": "never-issued",
                "code_verifier": Pkce::new().verifier,
                "redirect_uri": CALLBACK,
            }),
            403,
            "invalid_grant",
            "Invalid authorization code",
        ),
        (
            "missing verifier",
            json!({
                "grant_type": "authorization_code",
                "client_id": DEFAULT_SPA_CLIENT_ID,
                "code": "anything",
                "redirect_uri": CALLBACK,
            }),
            400,
            "invalid_request",
            "Parameter 'code_verifier' is required",
        ),
        (
            "unknown refresh token",
            json!({
                "grant_type": "refresh_token",
                "client_id": DEFAULT_SPA_CLIENT_ID,
                "refresh_token": "never-issued",
            }),
            403,
            "invalid_grant",
            "Unknown or invalid refresh token.",
        ),
        (
            "unsupported grant_type",
            json!({ "grant_type": "password", "client_id": DEFAULT_SPA_CLIENT_ID }),
            400,
            "unsupported_grant_type",
            "Unsupported grant type: password",
        ),
        (
            "missing grant_type",
            json!({ "client_id": DEFAULT_SPA_CLIENT_ID }),
            400,
            "invalid_request",
            "Missing required parameter: grant_type",
        ),
    ];
    for (case, body, status, error, description) in rows {
        let reply = tenant.token_json(body.clone()).await;
        assert_eq!(
            (reply.status.as_u16(), reply.json()),
            (
                status,
                json!({ "error": error, "error_description": description })
            ),
            "case: {case}"
        );
        // The same row with a form body gives the same answer.
        let form: Vec<(String, String)> = body
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
            .collect();
        let reply = crate::support::read(
            tenant
                .http
                .post(tenant.url("oauth/token"))
                .form(&form)
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(
            (reply.status.as_u16(), reply.json()),
            (
                status,
                json!({ "error": error, "error_description": description })
            ),
            "case (form): {case}"
        );
    }
    assert_eq!(tenant.handle.client_credentials_issued(), 0);
}

/// A code works once; the replay is refused.
#[tokio::test]
async fn code_replay_is_invalid_grant() {
    let tenant = TestTenant::start().await;
    let pkce = Pkce::new();
    let code = tenant.sign_in(&pkce, "shopper@aura.test").await;
    assert_eq!(tenant.exchange(&code, &pkce.verifier).await.status, 200);
    let replay = tenant.exchange(&code, &pkce.verifier).await;
    assert_oauth_error(&replay, 403, "invalid_grant", "Invalid authorization code");
}

/// A code presented a second time revokes the refresh-token family its first use started
/// (RFC 6749 §4.1.2): whoever replays an intercepted code also cuts off what it bought.
#[tokio::test]
async fn code_reuse_revokes_the_refresh_tokens_it_issued() {
    let tenant = TestTenant::start().await;
    let pkce = Pkce::new();
    let code = tenant.sign_in(&pkce, "shopper@aura.test").await;
    let first = tenant.exchange(&code, &pkce.verifier).await.json();
    let refresh_token = first["refresh_token"].as_str().unwrap();
    // Another sign-in's family must survive the replay.
    let other_pkce = Pkce::new();
    let other_code = tenant.sign_in(&other_pkce, "shopper@aura.test").await;
    let other = tenant
        .exchange(&other_code, &other_pkce.verifier)
        .await
        .json();

    let replay = tenant.exchange(&code, &pkce.verifier).await;
    assert_oauth_error(&replay, 403, "invalid_grant", "Invalid authorization code");
    let after = tenant.refresh(refresh_token).await;
    assert_oauth_error(
        &after,
        403,
        "invalid_grant",
        "Unknown or invalid refresh token.",
    );
    let untouched = tenant
        .refresh(other["refresh_token"].as_str().unwrap())
        .await;
    assert_eq!(untouched.status, 200, "{}", untouched.body);
}

/// The verifier must hash to the challenge; a failed attempt also spends the code.
#[tokio::test]
async fn verifier_mismatch_is_invalid_grant_and_spends_the_code() {
    let tenant = TestTenant::start().await;
    let pkce = Pkce::new();
    let code = tenant.sign_in(&pkce, "shopper@aura.test").await;
    let reply = tenant.exchange(&code, &Pkce::new().verifier).await;
    assert_oauth_error(
        &reply,
        403,
        "invalid_grant",
        "Failed to verify code verifier",
    );
    let retry = tenant.exchange(&code, &pkce.verifier).await;
    assert_oauth_error(&retry, 403, "invalid_grant", "Invalid authorization code");
}

/// The exchange must name the same redirect_uri as /authorize.
#[tokio::test]
async fn wrong_redirect_uri_at_exchange_is_invalid_grant() {
    let tenant = TestTenant::start().await;
    let pkce = Pkce::new();
    let code = tenant.sign_in(&pkce, "shopper@aura.test").await;
    let reply = tenant
        .token_form(&[
            ("grant_type", "authorization_code"),
            ("client_id", DEFAULT_SPA_CLIENT_ID),
            ("code", &code),
            ("code_verifier", &pkce.verifier),
            ("redirect_uri", "http://localhost:3000/callback"),
        ])
        .await;
    assert_oauth_error(
        &reply,
        403,
        "invalid_grant",
        "Callback URL mismatch. The redirect_uri must equal the one sent to /authorize.",
    );
}

/// Codes last 60 seconds by default.
#[tokio::test]
async fn expired_code_is_invalid_grant() {
    let tenant = TestTenant::start().await;
    let pkce = Pkce::new();
    let code = tenant.sign_in(&pkce, "shopper@aura.test").await;
    tenant.handle.advance_clock(60);
    let reply = tenant.exchange(&code, &pkce.verifier).await;
    assert_oauth_error(&reply, 403, "invalid_grant", "Invalid authorization code");
}

/// A code is bound to the client it was issued to.
#[tokio::test]
async fn code_issued_to_another_client_is_invalid_grant() {
    let tenant = TestTenant::start_with(|config| {
        let mut other = config.clients[0].clone();
        other.client_id = "other-spa".into();
        config.clients.push(other);
    })
    .await;
    let pkce = Pkce::new();
    let code = tenant.sign_in(&pkce, "shopper@aura.test").await;
    let reply = tenant
        .token_form(&[
            ("grant_type", "authorization_code"),
            ("client_id", "other-spa"),
            ("code", &code),
            ("code_verifier", &pkce.verifier),
            ("redirect_uri", CALLBACK),
        ])
        .await;
    assert_oauth_error(&reply, 403, "invalid_grant", "Invalid authorization code");
}

/// Bodies in neither accepted encoding are refused.
#[tokio::test]
async fn other_content_types_are_invalid_request() {
    let tenant = TestTenant::start().await;
    let reply = crate::support::read(
        tenant
            .http
            .post(tenant.url("oauth/token"))
            .header("content-type", "text/plain")
            .body("grant_type=client_credentials")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_oauth_error(
        &reply,
        400,
        "invalid_request",
        "Content-Type must be application/x-www-form-urlencoded or application/json.",
    );
}
