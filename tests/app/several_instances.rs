//! Two instances of the app on one PostgreSQL database, as behind a load balancer (DESIGN §9):
//! an edit acknowledged by one is what the other serves next, cache or no cache, and the same
//! edit sent through both at once is saved once and refused once.

use serde_json::{json, Value};

use crate::support::database::{Backend, TestDatabase};
use crate::support::{spawn_app, TestApp, TestOptions, ADMIN};

const PASSWORD: &str = dev_tenant::DEMO_PASSWORD;

/// Two instances on a new PostgreSQL database, and an admin's token both accept; `None` when
/// PostgreSQL is not configured outside CI.
async fn two_instances() -> Option<(TestApp, TestApp, String)> {
    let database = TestDatabase::new(Backend::Postgres).await?;
    let a = spawn_app(TestOptions {
        database: Some(database.url),
        ..TestOptions::default()
    })
    .await;
    let b = a.spawn_another_instance().await;
    let admin = a.sign_in(ADMIN, PASSWORD).await.access_token;
    Some((a, b, admin))
}

async fn json_of(app: &TestApp, path: &str, token: &str) -> Value {
    let response = app.get_api(path, Some(token)).await;
    assert_eq!(response.status(), 200, "{path} on {}", app.origin);
    response.json().await.unwrap()
}

/// The price of product 1 as `app` serves it in the default page of the list, and alone.
async fn served_prices(app: &TestApp, token: &str) -> (Value, Value) {
    let list = json_of(app, "/api/products", token).await;
    assert_eq!(
        list["items"][0]["id"], 1,
        "product 1 opens the default page"
    );
    let one = json_of(app, "/api/products/1", token).await;
    (
        list["items"][0]["price_cents"].clone(),
        one["price_cents"].clone(),
    )
}

/// Edits alternate between the instances; right after each is acknowledged, the other
/// instance serves the new price — in the list, whose rendered pages both instances cache and
/// had just served, and alone.
#[tokio::test]
async fn an_edit_acknowledged_by_one_instance_is_what_the_other_serves_next() {
    let Some((a, b, admin)) = two_instances().await else {
        return;
    };
    let original = served_prices(&a, &admin).await;
    assert_eq!(served_prices(&b, &admin).await, original);

    for round in 0..6_i64 {
        let (writer, reader) = if round % 2 == 0 { (&a, &b) } else { (&b, &a) };
        // Both have just served (and cached) the current page.
        served_prices(reader, &admin).await;
        served_prices(writer, &admin).await;
        let price = 5000 + round;
        let saved = writer
            .patch_api("/api/products/1", &admin, &json!({ "price_cents": price }))
            .await;
        assert_eq!(saved.status(), 200, "round {round}");
        assert_eq!(
            served_prices(reader, &admin).await,
            (json!(price), json!(price)),
            "round {round}: {} serves what {} acknowledged",
            reader.origin,
            writer.origin
        );
        assert_eq!(
            served_prices(writer, &admin).await,
            (json!(price), json!(price))
        );
    }
    assert!(
        !a.state.product_pages.is_empty() && !b.state.product_pages.is_empty(),
        "both instances answered from their caches in between"
    );
}

/// The same change, from the same version, sent through both instances at the same moment:
/// one 200 and one 409, every round, and both instances then serve the saved one.
#[tokio::test]
async fn the_same_edit_through_both_instances_at_once_gives_exactly_one_conflict() {
    let Some((a, b, admin)) = two_instances().await else {
        return;
    };
    for round in 0..8_i64 {
        let version = json_of(&a, "/api/products/2", &admin).await["version"].clone();
        let (price_a, price_b) = (7000 + round, 8000 + round);
        let body_a = json!({ "price_cents": price_a, "version": version });
        let body_b = json!({ "price_cents": price_b, "version": version });
        let (from_a, from_b) = tokio::join!(
            a.patch_api("/api/products/2", &admin, &body_a),
            b.patch_api("/api/products/2", &admin, &body_b),
        );
        let mut statuses = [from_a.status().as_u16(), from_b.status().as_u16()];
        statuses.sort_unstable();
        assert_eq!(statuses, [200, 409], "round {round}");
        let winner = if from_a.status() == 200 {
            price_a
        } else {
            price_b
        };
        let loser = if from_a.status() == 409 {
            from_a
        } else {
            from_b
        };
        let refusal: Value = loser.json().await.unwrap();
        assert_eq!(refusal["error"], "conflict", "round {round}: {refusal}");
        for app in [&a, &b] {
            let product = json_of(app, "/api/products/2", &admin).await;
            assert_eq!(
                product["price_cents"], winner,
                "round {round} on {}",
                app.origin
            );
            assert_eq!(product["version"], version.as_i64().unwrap() + 1);
        }
    }
    let changes = a.catalog.changes(2).await.unwrap();
    assert_eq!(changes.len(), 8, "one recorded change per round");
}
