//! Who may read and who may change the catalogue, over real HTTP with real tokens from the
//! local tenant: the shopper reads, only staff with `write:products` edit.

use crate::support::{spawn_app, TestOptions, ADMIN, SHOPPER};
use serde_json::Value;

const PASSWORD: &str = dev_tenant::DEMO_PASSWORD;

fn edit_body(id: u32, price_cents: i64, stock: i64, version: i64) -> String {
    format!(
        "edit[id]={id}&edit[price_cents]={price_cents}&edit[stock]={stock}&edit[version]={version}"
    )
}

/// The shopper's edit is refused with 403 and an RFC 6750 challenge, and nothing changes.
#[tokio::test]
async fn a_shopper_cannot_edit_a_product() {
    let app = spawn_app(TestOptions::default()).await;
    let shopper = app.sign_in(SHOPPER, PASSWORD).await.access_token;
    let before = app.catalog.get(1).await.unwrap().unwrap();

    let response = app
        .call_fn(
            "update_product",
            Some(&shopper),
            &edit_body(1, 1, 1, before.version),
        )
        .await;
    assert_eq!(response.status(), 403);
    assert_eq!(
        response.headers()["www-authenticate"],
        r#"Bearer realm="api", error="insufficient_scope", scope="write:products""#
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body,
        serde_json::json!({ "InsufficientScope": "write:products" })
    );
    assert_eq!(app.catalog.get(1).await.unwrap().unwrap(), before);
    assert!(app.catalog.changes(1).await.unwrap().is_empty());

    // Nor read the change log, which names the staff.
    let log = app.call_fn("recent_changes", Some(&shopper), "").await;
    assert_eq!(log.status(), 403);
}

/// Without a token the edit is a 401.
#[tokio::test]
async fn an_anonymous_edit_is_refused_with_401() {
    let app = spawn_app(TestOptions::default()).await;
    let response = app
        .call_fn("update_product", None, &edit_body(1, 1, 1, 1))
        .await;
    assert_eq!(response.status(), 401);
}

/// Staff save a price; the shopper then sees it; the change is recorded under the admin's `sub`.
#[tokio::test]
async fn an_admin_edit_is_saved_and_the_shopper_sees_it() {
    let app = spawn_app(TestOptions::default()).await;
    let admin = app.sign_in(ADMIN, PASSWORD).await.access_token;
    let response = app
        .call_fn("update_product", Some(&admin), &edit_body(6, 3150, 44, 1))
        .await;
    assert_eq!(response.status(), 200);
    let saved: Value = response.json().await.unwrap();
    assert_eq!(
        (saved["price_cents"].as_i64(), saved["version"].as_i64()),
        (Some(3150), Some(2))
    );

    let shopper = app.sign_in(SHOPPER, PASSWORD).await.access_token;
    let seen: Value = app
        .call_fn("get_product", Some(&shopper), "id=6")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(seen["price_cents"], 3150);
    assert_eq!(seen["stock"], 44);

    let changes = app.catalog.changes(6).await.unwrap();
    assert_eq!(changes.len(), 1);
    assert!(
        changes[0].changed_by.starts_with("auth0|"),
        "{}",
        changes[0].changed_by
    );
}

/// A second save from the same (now stale) version is a 409 with a message, not an overwrite.
#[tokio::test]
async fn a_stale_edit_is_a_conflict() {
    let app = spawn_app(TestOptions::default()).await;
    let admin = app.sign_in(ADMIN, PASSWORD).await.access_token;
    assert_eq!(
        app.call_fn("update_product", Some(&admin), &edit_body(2, 12000, 3, 1))
            .await
            .status(),
        200
    );
    let stale = app
        .call_fn("update_product", Some(&admin), &edit_body(2, 1, 3, 1))
        .await;
    assert_eq!(stale.status(), 409);
    let body: Value = stale.json().await.unwrap();
    assert!(
        body["Conflict"]
            .as_str()
            .unwrap()
            .contains("someone else changed"),
        "{body}"
    );
    assert_eq!(
        app.catalog.get(2).await.unwrap().unwrap().price_cents,
        12000
    );
}

/// Out-of-range values are a 400 naming the field.
#[tokio::test]
async fn an_invalid_edit_is_a_400_naming_the_field() {
    let app = spawn_app(TestOptions::default()).await;
    let admin = app.sign_in(ADMIN, PASSWORD).await.access_token;
    let response = app
        .call_fn("update_product", Some(&admin), &edit_body(1, -5, 3, 1))
        .await;
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["Invalid"]["field"], "price");
    assert_eq!(body["Invalid"]["message"], "The price cannot be negative.");
}

/// The list server function takes the query; a bad page number is a 400 naming `page`; an
/// unknown product is a 404.
#[tokio::test]
async fn the_list_takes_a_query_and_refuses_bad_values() {
    let app = spawn_app(TestOptions::default()).await;
    let shopper = app.sign_in(SHOPPER, PASSWORD).await.access_token;

    let page: Value = app
        .call_fn(
            "get_products",
            Some(&shopper),
            "query[q]=mug&query[category]=Kitchen&query[sort]=price_asc",
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["total"], 1);
    assert_eq!(page["items"][0]["name"], "Basalt Stoneware Mug");

    let bad = app
        .call_fn("get_products", Some(&shopper), "query[page]=0")
        .await;
    assert_eq!(bad.status(), 400);
    let body: Value = bad.json().await.unwrap();
    assert_eq!(body["Invalid"]["field"], "page");

    let missing = app.call_fn("get_product", Some(&shopper), "id=9999").await;
    assert_eq!(missing.status(), 404);
}

/// Arguments that cannot be decoded (an unknown sort order, a product id that is not a
/// number) are the caller's mistake: a 400 that says what could not be read, not a 500.
#[tokio::test]
async fn unreadable_arguments_are_a_400() {
    let app = spawn_app(TestOptions::default()).await;
    let shopper = app.sign_in(SHOPPER, PASSWORD).await.access_token;

    for (function, body, detail) in [
        (
            "get_products",
            "query[sort]=cheapest",
            "unknown variant `cheapest`",
        ),
        ("get_product", "id=abc", "invalid digit"),
        ("recommendations", "product_id=-1", "invalid digit"),
    ] {
        let response = app.call_fn(function, Some(&shopper), body).await;
        assert_eq!(response.status(), 400, "{function} with {body}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["Invalid"]["field"], "arguments", "{function}: {body}");
        let message = body["Invalid"]["message"].as_str().unwrap();
        assert!(
            message.starts_with("The request's arguments could not be read: ")
                && message.contains(detail),
            "{function}: {message}"
        );
    }
}

/// End to end against the local tenant issuing tokens as Auth0 does with the API's RBAC off:
/// the shopper asks `/authorize` for `write:products`, gets it in `scope` (and no
/// `permissions`), and is still refused — over REST and through `update_product`.
#[tokio::test]
async fn with_rbac_off_a_shopper_asking_for_write_products_is_refused() {
    let app = spawn_app(TestOptions {
        rbac_off: true,
        ..TestOptions::default()
    })
    .await;
    let token = app
        .sign_in_asking(SHOPPER, dev_tenant::DEMO_PASSWORD, &["write:products"])
        .await
        .access_token;
    let claims: Value = aura_commerce::auth::dangerous::decode_unverified_payload(&token).unwrap();
    assert!(
        claims["scope"].as_str().unwrap().contains("write:products"),
        "{claims}"
    );
    assert!(claims.get("permissions").is_none(), "{claims}");

    let patched = app
        .patch_api(
            "/api/products/1",
            &token,
            &serde_json::json!({ "price_cents": 1 }),
        )
        .await;
    assert_eq!(patched.status(), 403);
    let body: Value = patched.json().await.unwrap();
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("Enable RBAC"),
        "{body}"
    );

    let via_fn = app
        .call_fn("update_product", Some(&token), &edit_body(1, 1, 1, 1))
        .await;
    assert_eq!(via_fn.status(), 403);
    assert_eq!(
        app.catalog.get(1).await.unwrap().unwrap().price_cents,
        app_seed_price(1)
    );
}

fn app_seed_price(id: u32) -> i64 {
    aura_commerce::catalog::seed::seeded_products()
        .into_iter()
        .find(|p| p.id == id)
        .unwrap()
        .price_cents
}
