//! The rendered-page cache of `GET /api/products` on one instance (SQLite): it answers a
//! repeated query without the store, and never with a page older than an acknowledged edit,
//! whichever way the edit came in, even while other requests keep filling it.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use serde_json::{json, Value};

use crate::support::{spawn_app, TestApp, TestOptions, ADMIN};

const PASSWORD: &str = dev_tenant::DEMO_PASSWORD;

async fn first_price(app: &TestApp, path: &str, token: &str) -> Value {
    let response = app.get_api(path, Some(token)).await;
    assert_eq!(response.status(), 200, "{path}");
    assert_eq!(response.headers()["content-type"], "application/json");
    let page: Value = response.json().await.unwrap();
    assert_eq!(page["items"][0]["id"], 1, "{path}");
    page["items"][0]["price_cents"].clone()
}

/// The same query spelled two ways is one cached answer; a REST edit and a server-function
/// edit are each seen by the very next read.
#[tokio::test]
async fn a_cached_page_gives_way_to_every_acknowledged_edit() {
    let app = spawn_app(TestOptions::default()).await;
    let admin = app.sign_in(ADMIN, PASSWORD).await.access_token;
    let before = first_price(&app, "/api/products", &admin).await;
    assert_eq!(
        first_price(
            &app,
            "/api/products?page=1&sort=featured&per_page=12&q=",
            &admin
        )
        .await,
        before
    );
    assert_eq!(
        app.state.product_pages.len(),
        1,
        "one normalised query, one entry"
    );

    let saved = app
        .patch_api("/api/products/1", &admin, &json!({ "price_cents": 4321 }))
        .await;
    assert_eq!(saved.status(), 200);
    assert_eq!(first_price(&app, "/api/products", &admin).await, 4321);

    let version = app.catalog.get(1).await.unwrap().unwrap().version;
    let saved = app
        .call_fn(
            "update_product",
            Some(&admin),
            &format!("edit[id]=1&edit[price_cents]=1999&edit[stock]=3&edit[version]={version}"),
        )
        .await;
    assert_eq!(saved.status(), 200);
    assert_eq!(first_price(&app, "/api/products", &admin).await, 1999);
}

/// While readers keep loading (and caching) the page, every acknowledged edit is what the
/// next read returns: a page rendered from before the edit but stored after it is never served.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn readers_filling_the_cache_during_edits_never_bring_back_an_old_price() {
    let app = Arc::new(spawn_app(TestOptions::default()).await);
    let admin = app.sign_in(ADMIN, PASSWORD).await.access_token;
    let stop = Arc::new(AtomicBool::new(false));
    let readers: Vec<_> = (0..6)
        .map(|_| {
            let (app, admin, stop) = (app.clone(), admin.clone(), stop.clone());
            tokio::spawn(async move {
                let mut reads = 0_u32;
                while !stop.load(Ordering::Relaxed) {
                    first_price(&app, "/api/products", &admin).await;
                    reads += 1;
                }
                reads
            })
        })
        .collect();

    for price in 100..160_i64 {
        let saved = app
            .patch_api("/api/products/1", &admin, &json!({ "price_cents": price }))
            .await;
        assert_eq!(saved.status(), 200);
        // Several reads: a stale page stored by a reader a moment later would show in one.
        for _ in 0..3 {
            assert_eq!(first_price(&app, "/api/products", &admin).await, price);
        }
    }
    stop.store(true, Ordering::Relaxed);
    for reader in readers {
        assert!(
            reader.await.unwrap() > 0,
            "the readers ran alongside the edits"
        );
    }
}
