//! The whole sign-in, over real HTTP with no browser: the tenant's form, the redirect, the code
//! exchange with PKCE and no secret, then the bearer-protected server function.

use std::time::Duration;

use crate::support::{spawn_app, TestOptions, SHOPPER};

const PASSWORD: &str = dev_tenant::DEMO_PASSWORD;

/// A shopper who signs in gets the product list from the server function.
#[tokio::test]
async fn a_signed_in_shopper_gets_the_products() {
    let app = spawn_app(TestOptions::default()).await;
    let tokens = app.sign_in(SHOPPER, PASSWORD).await;
    assert_eq!(tokens.token_type, "Bearer");

    let response = app.call_get_products(Some(&tokens.access_token)).await;
    assert_eq!(response.status(), 200);
    let page: serde_json::Value = response.json().await.unwrap();
    let products = page["items"].as_array().expect("a page of products");
    assert!(
        products
            .iter()
            .any(|p| p["name"] == "Aurora Ceramic Pour-Over"),
        "{products:?}"
    );
}

/// No token: 401 with a bare RFC 6750 challenge, and an error the page can show.
#[tokio::test]
async fn a_call_without_a_token_is_refused_with_401() {
    let app = spawn_app(TestOptions::default()).await;
    let response = app.call_get_products(None).await;
    assert_eq!(response.status(), 401);
    assert_eq!(
        response.headers()["www-authenticate"],
        r#"Bearer realm="api""#
    );
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body, serde_json::json!("Unauthenticated"));
}

/// A token whose payload was altered after signing is refused as invalid.
#[tokio::test]
async fn a_tampered_token_is_refused_with_401() {
    let app = spawn_app(TestOptions::default()).await;
    let tokens = app.sign_in(SHOPPER, PASSWORD).await;
    let mut parts: Vec<String> = tokens.access_token.split('.').map(str::to_owned).collect();
    // Grant ourselves write access by rewriting the payload; the signature no longer matches.
    let payload = base64_url_decode(&parts[1]);
    let forged = payload.replace("read:products", "write:products");
    assert_ne!(payload, forged);
    parts[1] = base64_url_encode(&forged);
    let tampered = parts.join(".");

    let response = app.call_get_products(Some(&tampered)).await;
    assert_eq!(response.status(), 401);
    assert_eq!(
        response.headers()["www-authenticate"],
        r#"Bearer realm="api", error="invalid_token", error_description="the token's signature is invalid""#
    );
}

/// A genuine token is refused once it has expired.
#[tokio::test]
async fn an_expired_token_is_refused_with_401() {
    let app = spawn_app(TestOptions {
        access_token_secs: 2,
        leeway: Duration::ZERO,
        ..TestOptions::default()
    })
    .await;
    let tokens = app.sign_in(SHOPPER, PASSWORD).await;
    assert_eq!(
        app.call_get_products(Some(&tokens.access_token))
            .await
            .status(),
        200
    );

    // Wait for the expiry itself (bounded), rather than sleeping a guessed time.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    let response = loop {
        let response = app.call_get_products(Some(&tokens.access_token)).await;
        if response.status() != 200 || tokio::time::Instant::now() > deadline {
            break response;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    assert_eq!(response.status(), 401);
    assert_eq!(
        response.headers()["www-authenticate"],
        r#"Bearer realm="api", error="invalid_token", error_description="the token has expired""#
    );
}

fn base64_url_decode(segment: &str) -> String {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(segment)
        .unwrap();
    String::from_utf8(bytes).unwrap()
}

fn base64_url_encode(text: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text)
}
