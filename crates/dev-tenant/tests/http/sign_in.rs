//! The browser sign-in: `/authorize`, the form, the redirect, and the code exchange with PKCE.

use crate::support::{query, Pkce, SignInForm, TestTenant, CALLBACK};
use dev_tenant::{DEFAULT_AUDIENCE, DEFAULT_SPA_CLIENT_ID, DEMO_PASSWORD};
use serde_json::json;

/// The form follows the contract: hidden inputs, labelled email and password, two buttons.
#[tokio::test]
async fn authorize_shows_the_sign_in_form_with_the_demo_users() {
    let tenant = TestTenant::start().await;
    let pkce = Pkce::new();
    let reply = tenant.get(&tenant.authorize_url(&pkce, &[])).await;
    assert_eq!(reply.status, 200);
    assert!(reply
        .header("content-type")
        .unwrap()
        .starts_with("text/html"));
    let html = &reply.body;
    assert!(html.contains("<title>Sign in to Aura Commerce</title>"));
    assert!(html.contains("<h1>Sign in to Aura Commerce</h1>"));
    assert!(html.contains(r#"<label for="username">Email address</label><input id="username" name="username" type="email""#));
    assert!(html.contains(r#"<label for="password">Password</label><input id="password" name="password" type="password""#));
    assert!(html.contains(r#"<button type="submit" name="action" value="login">Continue</button>"#));
    assert!(html.contains(r#"<button type="submit" name="action" value="cancel">Cancel</button>"#));
    assert!(html.contains("admin@aura.test") && html.contains("shopper@aura.test"));
    let form = SignInForm::parse(html);
    assert_eq!(form.action, tenant.url("u/login"));
    let names: Vec<&str> = form.hidden.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["tx", "csrf"]);
}

/// The whole flow: form, credentials, redirect with code and state, exchange, verified tokens.
#[tokio::test]
async fn code_flow_with_pkce_issues_verified_tokens_with_auth0_claims() {
    let tenant = TestTenant::start().await;
    let pkce = Pkce::new();
    let code = tenant.sign_in(&pkce, "admin@aura.test").await;

    let reply = tenant.exchange(&code, &pkce.verifier).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    let body = reply.json();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 86400);
    assert_eq!(
        body["scope"],
        "openid profile email offline_access read:products"
    );
    assert!(body["refresh_token"]
        .as_str()
        .is_some_and(|t| t.len() >= 32));

    let access = tenant
        .verify(body["access_token"].as_str().unwrap(), DEFAULT_AUDIENCE)
        .await;
    let sub = access["sub"].as_str().unwrap().to_owned();
    assert!(sub.starts_with("auth0|"), "{sub}");
    assert_eq!(access["iss"], json!(tenant.issuer));
    assert_eq!(
        access["aud"],
        json!([DEFAULT_AUDIENCE, format!("{}userinfo", tenant.issuer)])
    );
    assert_eq!(access["azp"], DEFAULT_SPA_CLIENT_ID);
    assert_eq!(
        access["scope"],
        "openid profile email offline_access read:products"
    );
    assert_eq!(
        access["permissions"],
        json!(["read:products", "write:products"])
    );
    assert_eq!(
        access["exp"].as_u64().unwrap() - access["iat"].as_u64().unwrap(),
        86400
    );
    assert!(access.get("gty").is_none());

    let id = tenant
        .verify(body["id_token"].as_str().unwrap(), DEFAULT_SPA_CLIENT_ID)
        .await;
    assert_eq!(id["iss"], json!(tenant.issuer));
    assert_eq!(id["sub"], json!(sub));
    assert_eq!(id["nonce"], "nonce-456");
    assert_eq!(id["name"], "Ada Admin");
    assert_eq!(id["email"], "admin@aura.test");
    assert_eq!(id["email_verified"], true);
    assert!(id["picture"]
        .as_str()
        .unwrap()
        .starts_with("data:image/svg+xml;base64,"));
    assert_eq!(
        id["exp"].as_u64().unwrap() - id["iat"].as_u64().unwrap(),
        36000
    );
}

/// The shopper's token carries only `read:products`, and a scope it lacks is dropped.
#[tokio::test]
async fn shopper_gets_only_shopper_permissions() {
    let tenant = TestTenant::start().await;
    let pkce = Pkce::new();
    let form = tenant
        .open_form(
            &tenant.authorize_url(&pkce, &[("scope", "openid read:products write:products")]),
        )
        .await;
    let reply = tenant
        .submit(&form, "shopper@aura.test", DEMO_PASSWORD, "login")
        .await;
    let code = query(&reply.location())["code"].clone();
    let body = tenant.exchange(&code, &pkce.verifier).await.json();
    assert_eq!(body["scope"], "openid read:products");
    assert!(body.get("refresh_token").is_none());
    let access = tenant
        .verify(body["access_token"].as_str().unwrap(), DEFAULT_AUDIENCE)
        .await;
    assert_eq!(access["permissions"], json!(["read:products"]));
    let id = tenant
        .verify(body["id_token"].as_str().unwrap(), DEFAULT_SPA_CLIENT_ID)
        .await;
    // Without `profile` and `email` scopes the ID token has no profile claims.
    assert!(id.get("name").is_none() && id.get("email").is_none());
}

/// Without `openid` there is no ID token and `aud` is the API alone.
#[tokio::test]
async fn without_openid_the_audience_is_a_string_and_no_id_token() {
    let tenant = TestTenant::start().await;
    let pkce = Pkce::new();
    let form = tenant
        .open_form(&tenant.authorize_url(&pkce, &[("scope", "read:products")]))
        .await;
    let reply = tenant
        .submit(&form, "admin@aura.test", DEMO_PASSWORD, "login")
        .await;
    let code = query(&reply.location())["code"].clone();
    let body = tenant.exchange(&code, &pkce.verifier).await.json();
    assert!(body.get("id_token").is_none());
    let access = tenant
        .verify(body["access_token"].as_str().unwrap(), DEFAULT_AUDIENCE)
        .await;
    assert_eq!(access["aud"], json!(DEFAULT_AUDIENCE));
}

/// A wrong password re-renders the form with the error, and no redirect happens.
#[tokio::test]
async fn wrong_password_shows_the_form_again_with_an_error() {
    let tenant = TestTenant::start().await;
    let pkce = Pkce::new();
    let form = tenant.open_form(&tenant.authorize_url(&pkce, &[])).await;
    let reply = tenant
        .submit(&form, "admin@aura.test", "not-the-password", "login")
        .await;
    assert_eq!(reply.status, 401);
    assert!(reply.header("location").is_none());
    assert!(reply.body.contains("Wrong email or password."));
    assert!(reply.body.contains(r#"value="admin@aura.test""#));
    // The same transaction still works with the right password.
    let again = SignInForm::parse(&reply.body);
    let reply = tenant
        .submit(&again, "admin@aura.test", DEMO_PASSWORD, "login")
        .await;
    assert_eq!(reply.status, 302);
    assert!(query(&reply.location()).contains_key("code"));
}

/// Unknown users get the same message as wrong passwords.
#[tokio::test]
async fn unknown_user_gets_the_same_error_as_a_wrong_password() {
    let tenant = TestTenant::start().await;
    let form = tenant
        .open_form(&tenant.authorize_url(&Pkce::new(), &[]))
        .await;
    let reply = tenant
        .submit(&form, "nobody@aura.test", DEMO_PASSWORD, "login")
        .await;
    assert_eq!(reply.status, 401);
    assert!(reply.body.contains("Wrong email or password."));
}

/// Cancel goes back to the app with `access_denied` and the state.
#[tokio::test]
async fn cancel_redirects_with_access_denied() {
    let tenant = TestTenant::start().await;
    let form = tenant
        .open_form(&tenant.authorize_url(&Pkce::new(), &[]))
        .await;
    let reply = tenant.submit(&form, "", "", "cancel").await;
    assert_eq!(reply.status, 302);
    let location = reply.location();
    assert!(location.as_str().starts_with(CALLBACK));
    let params = query(&location);
    assert_eq!(params["error"], "access_denied");
    assert_eq!(
        params["error_description"],
        "The user cancelled the sign-in."
    );
    assert_eq!(params["state"], "state-123");
    assert!(!params.contains_key("code"));
}

/// After signing in, a second `/authorize` skips the form; `prompt=login` shows it again.
#[tokio::test]
async fn the_session_cookie_skips_the_form_unless_prompt_is_login() {
    let tenant = TestTenant::start().await;
    let pkce = Pkce::new();
    let form = tenant.open_form(&tenant.authorize_url(&pkce, &[])).await;
    let reply = tenant
        .submit(&form, "shopper@aura.test", DEMO_PASSWORD, "login")
        .await;
    let cookie = reply.header("set-cookie").unwrap().to_owned();
    assert!(cookie.starts_with("dev_tenant_session="), "{cookie}");
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(attribute), "{cookie}");
    }

    let second = Pkce::new();
    let reply = tenant.get(&tenant.authorize_url(&second, &[])).await;
    assert_eq!(reply.status, 302, "{}", reply.body);
    let code = query(&reply.location())["code"].clone();
    let body = tenant.exchange(&code, &second.verifier).await.json();
    let id = tenant
        .verify(body["id_token"].as_str().unwrap(), DEFAULT_SPA_CLIENT_ID)
        .await;
    assert_eq!(id["email"], "shopper@aura.test");

    let reply = tenant
        .get(&tenant.authorize_url(&Pkce::new(), &[("prompt", "login")]))
        .await;
    assert_eq!(reply.status, 200);
    SignInForm::parse(&reply.body);
}

/// `prompt=none` without a session answers `login_required` instead of showing a form.
#[tokio::test]
async fn prompt_none_without_a_session_is_login_required() {
    let tenant = TestTenant::start().await;
    let reply = tenant
        .get(&tenant.authorize_url(&Pkce::new(), &[("prompt", "none")]))
        .await;
    assert_eq!(reply.status, 302);
    let params = query(&reply.location());
    assert_eq!(params["error"], "login_required");
    assert_eq!(params["state"], "state-123");
}

/// Everything echoed into the page is escaped.
#[tokio::test]
async fn echoed_values_are_html_escaped() {
    let tenant = TestTenant::start().await;
    let hostile = r#""><script>alert(1)</script>"#;
    let form = tenant
        .open_form(&tenant.authorize_url(&Pkce::new(), &[("login_hint", hostile)]))
        .await;
    assert!(!form.html.contains("<script>"));
    assert!(form
        .html
        .contains("&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"));
    let reply = tenant.submit(&form, hostile, "x", "login").await;
    assert!(!reply.body.contains("<script>"));
}

/// A sign-in form can be used once: posting it again does not mint a second code.
#[tokio::test]
async fn a_sign_in_form_cannot_be_submitted_twice() {
    let tenant = TestTenant::start().await;
    let form = tenant
        .open_form(&tenant.authorize_url(&Pkce::new(), &[]))
        .await;
    let first = tenant
        .submit(&form, "admin@aura.test", DEMO_PASSWORD, "login")
        .await;
    assert_eq!(first.status, 302);
    let second = tenant
        .submit(&form, "admin@aura.test", DEMO_PASSWORD, "login")
        .await;
    assert_eq!(second.status, 400);
    assert!(second.header("location").is_none());
}

/// With RBAC off for the API, the token says what was asked, not what the user holds: the
/// shopper asking `write:products` gets it in `scope`, and there is no `permissions` claim.
#[tokio::test]
async fn with_rbac_off_the_scope_is_what_was_asked_and_no_permissions() {
    let tenant = TestTenant::start_with(|config| {
        config.apis.push(dev_tenant::ApiConfig {
            identifier: DEFAULT_AUDIENCE.into(),
            rbac: false,
        });
    })
    .await;
    let pkce = Pkce::new();
    let form = tenant
        .open_form(
            &tenant.authorize_url(&pkce, &[("scope", "openid offline_access write:products")]),
        )
        .await;
    let reply = tenant
        .submit(&form, "shopper@aura.test", DEMO_PASSWORD, "login")
        .await;
    let code = query(&reply.location())["code"].clone();
    let body = tenant.exchange(&code, &pkce.verifier).await.json();
    assert_eq!(body["scope"], "openid offline_access write:products");
    let access = tenant
        .verify(body["access_token"].as_str().unwrap(), DEFAULT_AUDIENCE)
        .await;
    assert_eq!(access["scope"], "openid offline_access write:products");
    assert!(access.get("permissions").is_none(), "{access}");

    // A refresh keeps the RBAC-off shape.
    let refreshed = tenant
        .refresh(body["refresh_token"].as_str().unwrap())
        .await
        .json();
    let access = tenant
        .verify(
            refreshed["access_token"].as_str().unwrap(),
            DEFAULT_AUDIENCE,
        )
        .await;
    assert_eq!(access["scope"], "openid offline_access write:products");
    assert!(access.get("permissions").is_none(), "{access}");
}
