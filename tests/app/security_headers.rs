//! Every response carries the browser security headers; pages get a CSP with their own nonce.

use crate::support::{spawn_app, TestOptions};

fn header<'a>(response: &'a reqwest::Response, name: &str) -> &'a str {
    response
        .headers()
        .get(name)
        .unwrap_or_else(|| panic!("no {name} header"))
        .to_str()
        .unwrap()
}

fn assert_common_headers(response: &reqwest::Response) {
    assert_eq!(header(response, "referrer-policy"), "no-referrer");
    assert_eq!(header(response, "x-content-type-options"), "nosniff");
    assert!(
        response
            .headers()
            .get("strict-transport-security")
            .is_none(),
        "no HSTS over http"
    );
}

/// A page's CSP allows exactly the scripts that carry this response's nonce.
#[tokio::test]
async fn pages_get_a_csp_with_the_nonce_of_their_scripts() {
    let app = spawn_app(TestOptions::default()).await;
    let response = app.browser.get(app.url("/login")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_common_headers(&response);
    let csp = header(&response, "content-security-policy").to_owned();
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a nonce in the CSP")
        .to_owned();
    // Only what carries the nonce runs, and what it loads; never any file of this origin.
    assert!(
        csp.contains(&format!(
            "script-src 'nonce-{nonce}' 'strict-dynamic' 'wasm-unsafe-eval';"
        )),
        "{csp}"
    );
    assert!(
        csp.contains(&format!(
            "connect-src 'self' {}",
            app.settings.public.issuer.origin()
        )),
        "{csp}"
    );
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(csp.contains("base-uri 'none'"), "{csp}");
    assert!(csp.contains("object-src 'none'"), "{csp}");

    let html = response.text().await.unwrap();
    assert!(
        html.contains(&format!("nonce=\"{nonce}\"")),
        "the hydration script carries the nonce"
    );

    // Each response has its own nonce.
    let again = app.browser.get(app.url("/login")).send().await.unwrap();
    assert!(!header(&again, "content-security-policy").contains(&nonce));
}

/// Server functions and unknown paths get the strict default policy.
#[tokio::test]
async fn server_functions_and_other_responses_get_the_strict_default() {
    let app = spawn_app(TestOptions::default()).await;
    let response = app.call_get_products(None).await;
    assert_eq!(response.status(), 401);
    assert_common_headers(&response);
    assert_eq!(
        header(&response, "content-security-policy"),
        "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"
    );
    let health = app.browser.get(app.url("/healthz")).send().await.unwrap();
    assert_common_headers(&health);
}

/// Behind a TLS-terminating proxy, browsers are told to stay on https.
#[tokio::test]
async fn https_requests_get_hsts() {
    let app = spawn_app(TestOptions::default()).await;
    let response = app
        .browser
        .get(app.url("/healthz"))
        .header("x-forwarded-proto", "https")
        .send()
        .await
        .unwrap();
    assert!(header(&response, "strict-transport-security").starts_with("max-age="));
}

/// Oversized bodies are refused before any handler reads them.
#[tokio::test]
async fn oversized_request_bodies_are_refused() {
    let app = spawn_app(TestOptions::default()).await;
    let response = app
        .browser
        .post(app.url("/fn/get_products"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("x".repeat(200 * 1024))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
}

/// The REST API answers CORS for the configured origins only.
#[tokio::test]
async fn the_rest_api_answers_cors_only_for_configured_origins() {
    let allowed = "https://partner.example";
    let app = spawn_app(TestOptions {
        api_cors_origins: vec![allowed.to_owned()],
        ..TestOptions::default()
    })
    .await;
    let preflight = |origin: &'static str| {
        app.browser
            .request(reqwest::Method::OPTIONS, app.url("/api/products"))
            .header("origin", origin)
            .header("access-control-request-method", "GET")
            .header("access-control-request-headers", "authorization")
            .send()
    };
    let ok = preflight(allowed).await.unwrap();
    assert_eq!(ok.headers()["access-control-allow-origin"], allowed);
    assert!(ok.headers()["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .contains("authorization"));
    let other = preflight("https://evil.example").await.unwrap();
    assert!(other.headers().get("access-control-allow-origin").is_none());

    // With no origins configured (the default), nobody gets CORS.
    let plain = spawn_app(TestOptions::default()).await;
    let response = plain
        .browser
        .get(plain.url("/api/products"))
        .header("origin", allowed)
        .send()
        .await
        .unwrap();
    assert!(response
        .headers()
        .get("access-control-allow-origin")
        .is_none());
}
