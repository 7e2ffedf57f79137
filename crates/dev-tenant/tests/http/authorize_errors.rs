//! `/authorize` refusals: an HTML page when the redirect target is not trusted, a redirect with
//! an OAuth error once it is.

use crate::support::{query, Pkce, TestTenant, CALLBACK};

/// An unregistered redirect_uri is never redirected to.
#[tokio::test]
async fn unknown_redirect_uri_is_an_error_page_not_a_redirect() {
    let tenant = TestTenant::start().await;
    let reply = tenant
        .get(&tenant.authorize_url(&Pkce::new(), &[("redirect_uri", "https://evil.example/cb")]))
        .await;
    assert_eq!(reply.status, 400);
    assert!(reply.header("location").is_none());
    assert!(reply
        .header("content-type")
        .unwrap()
        .starts_with("text/html"));
    assert!(reply.body.contains("Callback URL mismatch"));
}

/// An unknown client_id is an error page too.
#[tokio::test]
async fn unknown_client_is_an_error_page() {
    let tenant = TestTenant::start().await;
    let reply = tenant
        .get(&tenant.authorize_url(&Pkce::new(), &[("client_id", "nobody")]))
        .await;
    assert_eq!(reply.status, 400);
    assert!(reply.header("location").is_none());
    assert!(reply.body.contains("Unknown application"));
}

/// Once the redirect target is trusted, errors go back to it with the state.
#[tokio::test]
async fn request_errors_redirect_back_with_error_and_state() {
    let tenant = TestTenant::start().await;
    let pkce = Pkce::new();
    /// (case, parameters changed, expected error, expected description)
    type Row = (
        &'static str,
        Vec<(&'static str, &'static str)>,
        &'static str,
        &'static str,
    );
    let rows: Vec<Row> = vec![
        (
            "missing challenge",
            vec![("code_challenge", ""), ("code_challenge_method", "")],
            "invalid_request",
            "Parameter 'code_challenge' is required.",
        ),
        (
            "plain challenge",
            vec![("code_challenge_method", "plain")],
            "invalid_request",
            "Unsupported code_challenge_method 'plain': only S256 is allowed.",
        ),
        (
            "token response type",
            vec![("response_type", "token")],
            "unsupported_response_type",
            "Unsupported response type: only 'code' is supported.",
        ),
        (
            "web_message response mode",
            vec![("response_mode", "web_message")],
            "invalid_request",
            "Unsupported response_mode 'web_message': only 'query' is supported.",
        ),
        (
            "unknown audience",
            vec![("audience", "https://elsewhere.example")],
            "access_denied",
            "Service not found: https://elsewhere.example",
        ),
    ];
    for (case, overrides, error, description) in rows {
        let reply = tenant.get(&tenant.authorize_url(&pkce, &overrides)).await;
        assert_eq!(reply.status, 302, "case: {case}: {}", reply.body);
        let location = reply.location();
        assert!(location.as_str().starts_with(CALLBACK), "case: {case}");
        let params = query(&location);
        assert_eq!(
            params.get("error").map(String::as_str),
            Some(error),
            "case: {case}"
        );
        assert_eq!(
            params.get("error_description").map(String::as_str),
            Some(description),
            "case: {case}"
        );
        assert_eq!(params["state"], "state-123", "case: {case}");
        assert!(!params.contains_key("code"), "case: {case}");
    }
}

/// The form's CSRF token must come back unchanged.
#[tokio::test]
async fn sign_in_post_with_a_wrong_csrf_token_is_refused() {
    let tenant = TestTenant::start().await;
    let mut form = tenant
        .open_form(&tenant.authorize_url(&Pkce::new(), &[]))
        .await;
    for (name, value) in &mut form.hidden {
        if name == "csrf" {
            *value = "forged".into();
        }
    }
    let reply = tenant
        .submit(&form, "admin@aura.test", dev_tenant::DEMO_PASSWORD, "login")
        .await;
    assert_eq!(reply.status, 403);
    assert!(reply.header("location").is_none());
    assert!(reply.header("set-cookie").is_none());
}

/// A sign-in form left open too long expires.
#[tokio::test]
async fn an_expired_sign_in_form_is_refused() {
    let tenant = TestTenant::start().await;
    let form = tenant
        .open_form(&tenant.authorize_url(&Pkce::new(), &[]))
        .await;
    tenant.handle.advance_clock(601);
    let reply = tenant
        .submit(&form, "admin@aura.test", dev_tenant::DEMO_PASSWORD, "login")
        .await;
    assert_eq!(reply.status, 400);
    assert!(reply.body.contains("Sign-in expired"));
}
