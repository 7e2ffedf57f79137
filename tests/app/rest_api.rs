//! The REST API with real tokens from the local tenant: who may read, who may write, and which
//! routes are for machines only.

use crate::support::fake_issuer::{FakeIssuer, TestKey};
use crate::support::{spawn_app, spawn_app_for_issuer, TestOptions, ADMIN, SHOPPER};
use aura_commerce::catalog::seed::SEED_PRODUCT_COUNT as SEED;
use serde_json::{json, Value};

const PASSWORD: &str = dev_tenant::DEMO_PASSWORD;

/// A shopper's token and an M2M token both read the catalogue; one product by id too.
#[tokio::test]
async fn users_and_machines_with_read_products_get_the_catalogue() {
    let app = spawn_app(TestOptions::default()).await;
    let user = app.sign_in(SHOPPER, PASSWORD).await.access_token;
    let machine = app.m2m_token().await;

    for token in [&user, &machine] {
        let response = app.get_api("/api/products", Some(token)).await;
        assert_eq!(response.status(), 200);
        let page: Value = response.json().await.unwrap();
        assert_eq!(page["total"], SEED);
        assert_eq!(page["items"].as_array().unwrap().len(), 12);
        assert_eq!(page["items"][0]["name"], "Aurora Ceramic Pour-Over");

        let response = app.get_api("/api/products/3", Some(token)).await;
        assert_eq!(response.status(), 200);
        let product: Value = response.json().await.unwrap();
        assert_eq!(product["name"], "Solstice Desk Lamp");
    }
}

/// An unknown product id is a JSON 404.
#[tokio::test]
async fn an_unknown_product_is_a_json_404() {
    let app = spawn_app(TestOptions::default()).await;
    let token = app.m2m_token().await;
    for path in [
        "/api/products/4242",
        "/api/products/abc",
        "/api/products/-1",
    ] {
        let response = app.get_api(path, Some(&token)).await;
        assert_eq!(response.status(), 404, "{path}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"], "not_found", "{path}");
    }
}

/// The shopper (`read:products` only) cannot change a price: 403 naming `write:products`.
#[tokio::test]
async fn the_shopper_cannot_reach_a_write_products_route() {
    let app = spawn_app(TestOptions::default()).await;
    let shopper = app.sign_in(SHOPPER, PASSWORD).await.access_token;
    let response = app
        .patch_api("/api/products/1", &shopper, &json!({ "price_cents": 1 }))
        .await;
    assert_eq!(response.status(), 403);
    assert_eq!(
        response.headers()["www-authenticate"],
        r#"Bearer realm="api", error="insufficient_scope", scope="write:products""#
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "insufficient_scope");
    assert_eq!(
        body["error_description"],
        "The token lacks the 'write:products' permission."
    );

    // And the price did not change.
    let product: Value = app
        .get_api("/api/products/1", Some(&shopper))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(product["price_cents"], 3400);
}

/// The admin changes a price; out-of-range and malformed bodies are refused.
#[tokio::test]
async fn the_admin_changes_a_price_within_bounds() {
    let app = spawn_app(TestOptions::default()).await;
    let admin = app.sign_in(ADMIN, PASSWORD).await.access_token;

    let response = app
        .patch_api("/api/products/2", &admin, &json!({ "price_cents": 9900 }))
        .await;
    assert_eq!(response.status(), 200);
    let product: Value = app
        .get_api("/api/products/2", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(product["price_cents"], 9900);

    for (body, status) in [
        (json!({ "price_cents": -100 }), 400),
        (json!({ "price_cents": 10_000_001 }), 400),
        (json!({ "stock": -1 }), 400),
        (json!({ "price_cents": "12" }), 400),
        (json!({ "price": 12 }), 400),
        (json!({ "price_cents": 12, "colour": "red" }), 400),
        (json!({}), 400),
    ] {
        let response = app.patch_api("/api/products/2", &admin, &body).await;
        assert_eq!(response.status(), status, "{body}");
        let error: Value = response.json().await.unwrap();
        assert_eq!(error["error"], "invalid_request", "{body}");
    }
    let response = app
        .patch_api("/api/products/4242", &admin, &json!({ "price_cents": 5 }))
        .await;
    assert_eq!(response.status(), 404);
}

/// Search, filter, sort and page are the storefront's; the answer is one page with the total.
#[tokio::test]
async fn the_list_takes_the_storefronts_query_parameters() {
    let app = spawn_app(TestOptions::default()).await;
    let token = app.m2m_token().await;

    let page: Value = app
        .get_api(
            "/api/products?q=wool&category=Home&sort=price_desc",
            Some(&token),
        )
        .await
        .json()
        .await
        .unwrap();
    let names: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Nordlys Wool Throw", "Aspen Wool Slippers"]);
    assert_eq!(page["total"], 2);

    let last: Value = app
        .get_api(
            "/api/products?sort=price_asc&page=3&per_page=25",
            Some(&token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (last["page"].as_u64(), last["per_page"].as_u64()),
        (Some(3), Some(25))
    );
    assert_eq!(
        last["items"].as_array().unwrap().len(),
        SEED - 2 * 25,
        "the third page of 25 holds the rest"
    );
}

/// Each bad parameter is a 400 whose description names the parameter and says why.
#[tokio::test]
async fn a_bad_query_parameter_is_a_400_naming_it() {
    let app = spawn_app(TestOptions::default()).await;
    let token = app.m2m_token().await;
    for (query, expected) in [
        (
            "sort=cheapest",
            "query parameter 'sort': 'cheapest' is not a sort order",
        ),
        (
            "page=0",
            "query parameter 'page': must be a whole number from 1 to 10000",
        ),
        (
            "page=two",
            "query parameter 'page': 'two' is not a whole number",
        ),
        (
            "per_page=500",
            "query parameter 'per_page': must be a whole number from 1 to 100",
        ),
        (
            "category=Garden",
            "query parameter 'category': 'Garden' is not a category",
        ),
        (
            "colour=red",
            "query parameter 'colour': is not a parameter of the product list",
        ),
    ] {
        let response = app
            .get_api(&format!("/api/products?{query}"), Some(&token))
            .await;
        assert_eq!(response.status(), 400, "{query}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"], "invalid_request", "{query}");
        let description = body["error_description"].as_str().unwrap();
        assert!(description.starts_with(expected), "{query}: {description}");
    }
    let long = format!("/api/products?q={}", "a".repeat(101));
    assert_eq!(app.get_api(&long, Some(&token)).await.status(), 400);
}

/// A change that names an outdated version is a 409 and changes nothing; changes are recorded
/// under the caller's `sub`.
#[tokio::test]
async fn a_stale_rest_change_is_a_conflict() {
    let app = spawn_app(TestOptions::default()).await;
    let admin = app.sign_in(ADMIN, PASSWORD).await.access_token;
    let saved = app
        .patch_api(
            "/api/products/5",
            &admin,
            &json!({ "stock": 7, "version": 1 }),
        )
        .await;
    assert_eq!(saved.status(), 200);
    let product: Value = saved.json().await.unwrap();
    assert_eq!(
        (product["stock"].as_i64(), product["version"].as_i64()),
        (Some(7), Some(2))
    );

    let stale = app
        .patch_api(
            "/api/products/5",
            &admin,
            &json!({ "stock": 1, "version": 1 }),
        )
        .await;
    assert_eq!(stale.status(), 409);
    let body: Value = stale.json().await.unwrap();
    assert_eq!(body["error"], "conflict");
    assert_eq!(app.catalog.get(5).await.unwrap().unwrap().stock, 7);
    let changes = app.catalog.changes(5).await.unwrap();
    assert_eq!(changes.len(), 1);
    assert!(changes[0].changed_by.starts_with("auth0|"));
}

/// `/api/ai/authenticate` tells a machine who it is, and refuses user tokens (even an admin's).
#[tokio::test]
async fn only_machine_tokens_reach_the_ai_routes() {
    let app = spawn_app(TestOptions::default()).await;
    let machine = app.m2m_token().await;
    let response = app.get_api("/api/ai/authenticate", Some(&machine)).await;
    assert_eq!(response.status(), 200);
    let identity: Value = response.json().await.unwrap();
    assert_eq!(identity["client_id"], dev_tenant::DEFAULT_M2M_CLIENT_ID);
    assert_eq!(identity["scopes"], json!(["read:products", "ai:recommend"]));
    assert_eq!(
        identity["permissions"],
        json!(["read:products", "ai:recommend"])
    );
    assert!(identity["expires_at"].as_u64().unwrap() > app.tenant().now());

    for email in [SHOPPER, ADMIN] {
        let user = app.sign_in(email, PASSWORD).await.access_token;
        let response = app.get_api("/api/ai/authenticate", Some(&user)).await;
        assert_eq!(response.status(), 403, "{email}");
        assert_eq!(
            response.headers()["www-authenticate"],
            r#"Bearer realm="api", error="insufficient_scope", error_description="this route accepts only machine-to-machine (client_credentials) tokens""#
        );
    }
    let response = app.get_api("/api/ai/authenticate", None).await;
    assert_eq!(response.status(), 401);
    assert_eq!(
        response.headers()["www-authenticate"],
        r#"Bearer realm="api""#
    );
}

/// A machine token without `write:products` cannot write either.
#[tokio::test]
async fn a_machine_token_cannot_write_without_the_permission() {
    let app = spawn_app(TestOptions::default()).await;
    let machine = app.m2m_token().await;
    let response = app
        .patch_api("/api/products/1", &machine, &json!({ "price_cents": 1 }))
        .await;
    assert_eq!(response.status(), 403);
}

/// `/healthz` is always up; `/readyz` is 503 until the signing keys are loaded, then 200.
#[tokio::test]
async fn readiness_waits_for_the_signing_keys() {
    let key = TestKey::generate("k");
    let issuer = FakeIssuer::start(&[&key]).await;
    issuer.hang(true);
    let app = spawn_app_for_issuer(
        issuer.addr,
        TestOptions {
            jwks: aura_commerce::auth::server::JwksSettings {
                timeout: std::time::Duration::from_millis(300),
                ..Default::default()
            },
            ..TestOptions::default()
        },
    )
    .await;
    assert_eq!(app.get_api("/healthz", None).await.status(), 200);
    assert_eq!(app.get_api("/readyz", None).await.status(), 503);
    let token = key.sign(&issuer.claims());
    assert_eq!(
        app.get_api("/api/products", Some(&token)).await.status(),
        401
    );

    issuer.hang(false);
    app.wait_until_ready().await;
    assert_eq!(
        app.get_api("/api/products", Some(&token)).await.status(),
        200
    );
}

/// Server functions and REST routes share one validator and its verified-token cache: a token
/// verified by one is remembered for the other.
#[tokio::test]
async fn server_functions_and_rest_routes_share_the_verified_token_cache() {
    let app = spawn_app(TestOptions::default()).await;
    let token = app.m2m_token().await;
    assert_eq!(app.state.validator.remembered_tokens(), 0);

    assert_eq!(app.call_get_products(Some(&token)).await.status(), 200);
    assert_eq!(app.state.validator.remembered_tokens(), 1);
    assert_eq!(
        app.get_api("/api/products", Some(&token)).await.status(),
        200
    );
    assert_eq!(app.state.validator.remembered_tokens(), 1);
}
