//! `/api/products`: the catalogue as JSON.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;

use super::error::RestError;
use crate::auth::server::{Permission, Permitted};
use crate::catalog::server_fns::{READ_PRODUCTS, WRITE_PRODUCTS};
use crate::catalog::store::{PriceCents, ProductStore};
use crate::catalog::Product;
use crate::startup::AppState;

/// `read:products`, for the read routes.
pub struct ReadProducts;
impl Permission for ReadProducts {
    const NAME: &'static str = READ_PRODUCTS;
}

/// `write:products`, for the routes that change the catalogue.
pub struct WriteProducts;
impl Permission for WriteProducts {
    const NAME: &'static str = WRITE_PRODUCTS;
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/products", get(list))
        .route("/api/products/{id}", get(show).patch(update))
}

/// The same list handler without authentication, to measure what authentication costs.
/// Mounted only with the `bench-unauthenticated` feature.
#[cfg(feature = "bench-unauthenticated")]
pub fn unauthenticated_router() -> Router<AppState> {
    Router::new().route(
        "/bench/unauthenticated/products",
        get(|State(store): State<Arc<ProductStore>>| async move { list_products(&store) }),
    )
}

async fn list(
    _caller: Permitted<ReadProducts>,
    State(store): State<Arc<ProductStore>>,
) -> Json<Vec<Product>> {
    list_products(&store)
}

/// The body of `GET /api/products`, shared with the benchmark-only route.
fn list_products(store: &ProductStore) -> Json<Vec<Product>> {
    Json(store.list())
}

async fn show(
    _caller: Permitted<ReadProducts>,
    State(store): State<Arc<ProductStore>>,
    Path(id): Path<String>,
) -> Result<Json<Product>, RestError> {
    let id = product_id(&id)?;
    store.get(id).map(Json).ok_or_else(|| no_such_product(id))
}

/// What `PATCH /api/products/{id}` takes.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProductChange {
    price_cents: i64,
}

/// Changes a product's price. The token is checked (by the extractor) before the body is read.
async fn update(
    _caller: Permitted<WriteProducts>,
    State(store): State<Arc<ProductStore>>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Product>, RestError> {
    let id = product_id(&id)?;
    let change: ProductChange = serde_json::from_slice(&body).map_err(|error| {
        RestError::InvalidRequest(format!(
            "the body must be {{\"price_cents\": <integer>}}: {error}"
        ))
    })?;
    let price = PriceCents::parse(change.price_cents).map_err(RestError::InvalidValue)?;
    store
        .set_price(id, price)
        .map(Json)
        .ok_or_else(|| no_such_product(id))
}

/// Product ids are numbers; anything else names no product.
fn product_id(segment: &str) -> Result<u32, RestError> {
    segment
        .parse()
        .map_err(|_| RestError::NotFound("there is no such product".into()))
}

fn no_such_product(id: u32) -> RestError {
    RestError::NotFound(format!("there is no product {id}"))
}
