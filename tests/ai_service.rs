//! The AI recommendation service (M2M tokens with `ai:recommend` only), and the server function
//! through which a signed-in shopper reaches it, server to server, with the app's M2M token.

mod support;

use serde_json::{json, Value};
use support::fake_issuer::{FakeIssuer, TestKey};
use support::{spawn_app, spawn_app_for_issuer, TestOptions, SHOPPER};

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

/// A user's token, even with every permission, is refused: the service is for machines.
#[tokio::test]
async fn a_user_token_is_refused_at_the_ai_service() {
    let app = spawn_app(TestOptions::default()).await;
    let tokens = app.sign_in(SHOPPER, PASSWORD).await;
    let response = app
        .get_api(
            "/api/ai/recommendations?product_id=1",
            Some(&tokens.access_token),
        )
        .await;
    assert_eq!(response.status(), 403);
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
