//! The catalogue's pages as the server renders them, before any data arrives: the controls
//! from the URL and a skeleton in place of the results.

use crate::support::{spawn_app, TestOptions};

/// The search text, category and sort of the URL are in the server-rendered page, with a
/// skeleton of a full page of cards.
#[tokio::test]
async fn the_product_list_renders_its_controls_and_a_skeleton_on_the_server() {
    let app = spawn_app(TestOptions::default()).await;
    let response = app
        .browser
        .get(app.url("/products?q=wool&category=Home&sort=price_desc"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(
        html.contains(r#"value="wool""#),
        "the search box holds the search"
    );
    assert!(
        html.contains(r#"aria-current="page" class="chip">Home<"#)
            || html.contains(r#"class="chip" aria-current="page">Home<"#),
        "the category is marked"
    );
    assert!(
        html.contains(r#"<option value="price_desc" selected"#),
        "the sort is selected"
    );
    assert_eq!(
        html.matches(r#"class="product-card placeholder""#).count(),
        12,
        "a page of placeholders"
    );
}

/// A product address whose id is not a number is a 404 page.
#[tokio::test]
async fn a_product_address_without_a_numeric_id_is_not_found() {
    let app = spawn_app(TestOptions::default()).await;
    let response = app
        .browser
        .get(app.url("/products/teapot"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    assert!(response.text().await.unwrap().contains("Product not found"));
}
