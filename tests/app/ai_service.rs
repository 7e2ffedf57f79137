//! The AI recommendation service (M2M tokens with `ai:recommend` only), and the server function
//! through which a signed-in shopper reaches it, server to server, with the app's M2M token.

use std::sync::{Arc, Mutex};

use crate::support::fake_issuer::{FakeIssuer, TestKey};
use crate::support::{spawn_app, spawn_app_for_issuer, TestOptions, ADMIN, SHOPPER};
use serde_json::{json, Value};

const PASSWORD: &str = dev_tenant::DEMO_PASSWORD;

/// A machine with `ai:recommend` gets related products: same category first, then near price.
#[tokio::test]
async fn an_m2m_token_gets_recommendations_of_the_same_category() {
    let app = spawn_app(TestOptions::default()).await;
    let token = app.m2m_token().await;
    let response = app
        .get_api("/api/ai/recommendations?product_id=1", Some(&token))
        .await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["product_id"], 1);
    let recommended = body["recommendations"].as_array().unwrap();
    assert!(!recommended.is_empty());
    assert!(
        recommended.iter().all(|p| p["id"] != 1),
        "never the product itself"
    );
    let anchor: Value = app
        .get_api("/api/products/1", Some(&token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(recommended[0]["category"], anchor["category"], "{body}");
}

/// A user's token is refused even when it is the admin's, with every permission a user has:
/// the service is for machines.
#[tokio::test]
async fn a_user_token_with_every_user_permission_is_refused_at_the_ai_service() {
    let app = spawn_app(TestOptions::default()).await;
    let tokens = app.sign_in(ADMIN, PASSWORD).await;
    let response = app
        .get_api(
            "/api/ai/recommendations?product_id=1",
            Some(&tokens.access_token),
        )
        .await;
    assert_eq!(response.status(), 403);
    assert_eq!(
        response.headers()["www-authenticate"],
        r#"Bearer realm="api", error="insufficient_scope", error_description="this route accepts only machine-to-machine (client_credentials) tokens""#
    );
    let no_token = app
        .get_api("/api/ai/recommendations?product_id=1", None)
        .await;
    assert_eq!(no_token.status(), 401);
    assert_eq!(
        no_token.headers()["www-authenticate"],
        r#"Bearer realm="api""#
    );
}

/// A machine token without `ai:recommend` gets 403 naming the permission.
#[tokio::test]
async fn a_machine_without_ai_recommend_is_refused() {
    let key = TestKey::generate("k1");
    let issuer = FakeIssuer::start(&[&key]).await;
    let app = spawn_app_for_issuer(issuer.addr, TestOptions::default()).await;
    app.wait_until_ready().await;
    let mut claims = issuer.claims();
    claims["sub"] = json!("reports@clients");
    claims["gty"] = json!("client-credentials");
    claims["permissions"] = json!(["read:products"]);
    let response = app
        .get_api(
            "/api/ai/recommendations?product_id=1",
            Some(&key.sign(&claims)),
        )
        .await;
    assert_eq!(response.status(), 403);
    assert_eq!(
        response.headers()["www-authenticate"],
        r#"Bearer realm="api", error="insufficient_scope", scope="ai:recommend""#
    );
}

/// Missing, malformed and unknown product ids each get their own answer.
#[tokio::test]
async fn bad_product_ids_are_explained() {
    let app = spawn_app(TestOptions::default()).await;
    let token = app.m2m_token().await;
    for (query, status, says) in [
        ("", 400, "product_id is required"),
        (
            "?product_id=tea",
            400,
            "product_id must be a product's number",
        ),
        ("?product_id=999999", 404, "There is no product 999999"),
    ] {
        let response = app
            .get_api(&format!("/api/ai/recommendations{query}"), Some(&token))
            .await;
        assert_eq!(response.status(), status, "{query}");
        let body: Value = response.json().await.unwrap();
        assert!(
            body["error_description"].as_str().unwrap().contains(says),
            "{query}: {body}"
        );
    }
}

/// The shopper's call crosses to the AI service over HTTP with the app's M2M token; the token
/// is fetched once and reused.
#[tokio::test]
async fn the_recommendations_server_function_calls_the_ai_service_with_one_cached_m2m_token() {
    let app = spawn_app(TestOptions::default()).await;
    let tokens = app.sign_in(SHOPPER, PASSWORD).await;
    let before = app.tenant().client_credentials_issued();
    for _ in 0..3 {
        let response = app
            .browser
            .post(app.url("/fn/recommendations"))
            .bearer_auth(&tokens.access_token)
            .form(&[("product_id", "1")])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let products: Vec<Value> = response.json().await.unwrap();
        assert!(!products.is_empty());
    }
    assert_eq!(
        app.tenant().client_credentials_issued() - before,
        1,
        "one M2M token for three calls"
    );

    let anonymous = app
        .browser
        .post(app.url("/fn/recommendations"))
        .form(&[("product_id", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(
        anonymous.status(),
        401,
        "the shopper's own token is checked first"
    );
}

/// An AI service of the test's own that refuses (401) the calls `refuse` picks (by number,
/// from 1) and answers the others with one recommendation; it records the tokens it was sent.
async fn start_ai_service(refuse: fn(usize) -> bool) -> (String, Arc<Mutex<Vec<String>>>) {
    use axum::http::{HeaderMap, StatusCode};
    use axum::response::IntoResponse;

    let seen = Arc::new(Mutex::new(Vec::<String>::new()));
    let recorded = seen.clone();
    let router = axum::Router::new().route(
        "/api/ai/recommendations",
        axum::routing::get(move |headers: HeaderMap| {
            let seen = recorded.clone();
            async move {
                let token = headers["authorization"].to_str().unwrap().to_owned();
                let call = {
                    let mut seen = seen.lock().unwrap();
                    seen.push(token);
                    seen.len()
                };
                if refuse(call) {
                    return StatusCode::UNAUTHORIZED.into_response();
                }
                let product = json!({"id": 2, "name": "Linen Shirt", "description": "", "category": "apparel",
                    "price_cents": 4900, "currency": "USD", "stock": 3, "rating": 4.5, "image": "", "version": 1});
                axum::Json(json!({"product_id": 1, "recommendations": [product]})).into_response()
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/api/ai", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    (url, seen)
}

async fn recommendations_for(app: &crate::support::TestApp, bearer: &str) -> reqwest::Response {
    app.browser
        .post(app.url("/fn/recommendations"))
        .bearer_auth(bearer)
        .form(&[("product_id", "1")])
        .send()
        .await
        .unwrap()
}

/// When the AI service refuses the M2M token (401), the app drops it, gets a new one from the
/// tenant and calls again, once; the shopper sees the recommendations.
#[tokio::test]
async fn an_m2m_token_the_ai_service_refuses_is_dropped_and_replaced_once() {
    let (url, seen) = start_ai_service(|call| call == 1).await;
    let app = spawn_app(TestOptions {
        ai_service_url: Some(url),
        ..TestOptions::default()
    })
    .await;
    let shopper = app.sign_in(SHOPPER, PASSWORD).await.access_token;
    let issued = app.tenant().client_credentials_issued();

    let response = recommendations_for(&app, &shopper).await;
    assert_eq!(response.status(), 200);
    let products: Vec<Value> = response.json().await.unwrap();
    assert_eq!(products.len(), 1);
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2, "the refused call and one more");
    // The tenant issued a second token for the second call (within one second it may be
    // byte-identical to the first: same claims, deterministic RS256).
    assert_eq!(app.tenant().client_credentials_issued() - issued, 2);
}

/// A service that refuses every token gets exactly one retry per call, not a loop; the shopper
/// gets the generic error.
#[tokio::test]
async fn a_service_that_refuses_every_m2m_token_is_retried_only_once() {
    let (url, seen) = start_ai_service(|_| true).await;
    let app = spawn_app(TestOptions {
        ai_service_url: Some(url),
        ..TestOptions::default()
    })
    .await;
    let shopper = app.sign_in(SHOPPER, PASSWORD).await.access_token;
    let issued = app.tenant().client_credentials_issued();

    let response = recommendations_for(&app, &shopper).await;
    assert_eq!(response.status(), 500);
    assert_eq!(seen.lock().unwrap().len(), 2);
    assert_eq!(app.tenant().client_credentials_issued() - issued, 2);
}
