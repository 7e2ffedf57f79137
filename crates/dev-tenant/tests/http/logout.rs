//! `/v2/logout` and `/oidc/logout`.

use dev_tenant::DEFAULT_SPA_CLIENT_ID;

use crate::support::{query, Pkce, TestTenant, APP_ORIGIN};

async fn sign_in_with_session(tenant: &TestTenant) -> serde_json::Value {
    let pkce = Pkce::new();
    let code = tenant.sign_in(&pkce, "admin@aura.test").await;
    tenant.exchange(&code, &pkce.verifier).await.json()
}

/// `/v2/logout` ends the session and returns to an allowed URL; the next sign-in shows the form.
#[tokio::test]
async fn v2_logout_ends_the_session_and_returns_to_the_app() {
    let tenant = TestTenant::start().await;
    sign_in_with_session(&tenant).await;
    // Signed in: /authorize skips the form.
    let skip = tenant.get(&tenant.authorize_url(&Pkce::new(), &[])).await;
    assert_eq!(skip.status, 302);

    let return_to = format!("{APP_ORIGIN}/");
    let mut url = url::Url::parse(&tenant.url("v2/logout")).unwrap();
    url.query_pairs_mut()
        .append_pair("client_id", DEFAULT_SPA_CLIENT_ID)
        .append_pair("returnTo", &return_to);
    let reply = tenant.get(url.as_str()).await;
    assert_eq!(reply.status, 302);
    assert_eq!(reply.location().as_str(), return_to);
    assert!(reply
        .header("set-cookie")
        .unwrap()
        .starts_with("dev_tenant_session=;"));

    let again = tenant.get(&tenant.authorize_url(&Pkce::new(), &[])).await;
    assert_eq!(again.status, 200, "the form is shown again");
}

/// A returnTo that is not registered is refused, with no redirect.
#[tokio::test]
async fn v2_logout_refuses_an_unregistered_return_url() {
    let tenant = TestTenant::start().await;
    let mut url = url::Url::parse(&tenant.url("v2/logout")).unwrap();
    url.query_pairs_mut()
        .append_pair("client_id", DEFAULT_SPA_CLIENT_ID)
        .append_pair("returnTo", "https://evil.example/");
    let reply = tenant.get(url.as_str()).await;
    assert_eq!(reply.status, 400);
    assert!(reply.header("location").is_none());
}

/// `/oidc/logout` takes the client from the ID token hint and passes `state` back.
#[tokio::test]
async fn oidc_logout_with_id_token_hint_redirects_with_state() {
    let tenant = TestTenant::start().await;
    let tokens = sign_in_with_session(&tenant).await;
    let return_to = format!("{APP_ORIGIN}/");
    let mut url = url::Url::parse(&tenant.url("oidc/logout")).unwrap();
    url.query_pairs_mut()
        .append_pair("id_token_hint", tokens["id_token"].as_str().unwrap())
        .append_pair("post_logout_redirect_uri", &return_to)
        .append_pair("state", "bye");
    let reply = tenant.get(url.as_str()).await;
    assert_eq!(reply.status, 302, "{}", reply.body);
    let location = reply.location();
    assert!(location.as_str().starts_with(&return_to));
    assert_eq!(query(&location)["state"], "bye");

    // A forged hint is refused.
    let mut url = url::Url::parse(&tenant.url("oidc/logout")).unwrap();
    url.query_pairs_mut()
        .append_pair("id_token_hint", "eyJhbGciOiJub25lIn0.e30.")
        .append_pair("post_logout_redirect_uri", &return_to);
    assert_eq!(tenant.get(url.as_str()).await.status, 400);
}
