//! `/api/products`: the catalogue as JSON, from the same store and with the same query
//! parameters as the storefront's `/products` page. The list answers from pages already
//! rendered while the catalogue is still at their version (`catalog::page_cache`).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;

use super::error::RestError;
use crate::app_state::AppState;
use crate::auth::permissions::{ReadProducts, WriteProducts};
use crate::auth::server::Permitted;
use crate::catalog::edit::ProductEdit;
use crate::catalog::page_cache::PageCache;
use crate::catalog::store::{EditRefused, ProductStore};
use crate::catalog::{Product, ProductPage, ProductQuery};

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
        get(
            |State(store): State<ProductStore>,
             State(pages): State<Arc<PageCache<Bytes>>>,
             RawQuery(query): RawQuery| async move {
                list_products(&store, &pages, query).await
            },
        ),
    )
}

/// `GET /api/products?q=&category=&sort=&page=&per_page=`: one page of matching products, as
/// `{"items": [...], "total", "page", "per_page"}`. A bad parameter is a 400 naming it.
async fn list(
    _caller: Permitted<ReadProducts>,
    State(store): State<ProductStore>,
    State(pages): State<Arc<PageCache<Bytes>>>,
    RawQuery(query): RawQuery,
) -> Result<Response, RestError> {
    list_products(&store, &pages, query).await
}

/// The body of `GET /api/products`, shared with the benchmark-only route: the rendered JSON
/// from `pages` while the catalogue is at the version it was rendered at, else from the store.
async fn list_products(
    store: &ProductStore,
    pages: &PageCache<Bytes>,
    query: Option<String>,
) -> Result<Response, RestError> {
    let query =
        ProductQuery::from_pairs(form_urlencoded::parse(query.unwrap_or_default().as_bytes()))
            .map_err(|error| {
                RestError::invalid(
                    &error.parameter,
                    format!("query parameter '{}': {}", error.parameter, error.message),
                )
            })?;
    // The normalised query, so `?page=1` and `?` share an answer.
    let key = query.to_query_string();
    // Read before the store: what is rendered below is at least this current (see PageCache).
    let version = store.catalog_version().await.map_err(RestError::internal)?;
    let body = match pages.get(&key, version) {
        Some(body) => body,
        None => {
            let page: ProductPage = store.search(&query).await.map_err(RestError::internal)?;
            let body = Bytes::from(serde_json::to_vec(&page).map_err(RestError::internal)?);
            pages.insert(key, version, body.clone());
            body
        }
    };
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

async fn show(
    _caller: Permitted<ReadProducts>,
    State(store): State<ProductStore>,
    Path(id): Path<String>,
) -> Result<Json<Product>, RestError> {
    let id = product_id(&id)?;
    store
        .get(id)
        .await
        .map_err(RestError::internal)?
        .map(Json)
        .ok_or_else(|| no_such_product(id))
}

/// What `PATCH /api/products/{id}` takes: a new price, a new stock, or both; and optionally the
/// `version` the change was made from, which makes a stale change a 409 instead of an overwrite.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProductPatch {
    price_cents: Option<i64>,
    stock: Option<i64>,
    version: Option<i64>,
}

/// Changes a product's price and/or stock, recorded under the caller's `sub`. The token is
/// checked (by the extractor) before the body is read.
async fn update(
    caller: Permitted<WriteProducts>,
    State(store): State<ProductStore>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Product>, RestError> {
    let id = product_id(&id)?;
    let patch: ProductPatch = serde_json::from_slice(&body).map_err(|error| {
        RestError::invalid(
            "body",
            format!("the body must be JSON with price_cents and/or stock (integers) and optionally version: {error}"),
        )
    })?;
    if patch.price_cents.is_none() && patch.stock.is_none() {
        return Err(RestError::invalid(
            "body",
            "the body must name price_cents, stock, or both",
        ));
    }
    let current = store
        .get(id)
        .await
        .map_err(RestError::internal)?
        .ok_or_else(|| no_such_product(id))?;
    let edit = ProductEdit {
        id,
        price_cents: patch.price_cents.unwrap_or(current.price_cents),
        stock: patch.stock.unwrap_or(current.stock),
        version: patch.version.unwrap_or(current.version),
    };
    match store.apply_edit(&edit, &caller.0.sub).await {
        Ok(product) => Ok(Json(product)),
        Err(EditRefused::Invalid(error)) => {
            let field = if error.field == "price" {
                "price_cents"
            } else {
                "stock"
            };
            Err(RestError::invalid(
                field,
                format!("{field}: {}", error.message),
            ))
        }
        Err(EditRefused::NotFound(id)) => Err(no_such_product(id)),
        Err(EditRefused::Conflict { current, .. }) => Err(RestError::conflict(format!(
            "product {} is at version {}; fetch it again and repeat the change",
            current.id, current.version
        ))),
        Err(EditRefused::Database(error)) => Err(RestError::internal(error)),
    }
}

/// Product ids are numbers; anything else names no product.
fn product_id(segment: &str) -> Result<u32, RestError> {
    segment
        .parse()
        .map_err(|_| RestError::not_found("there is no such product"))
}

fn no_such_product(id: u32) -> RestError {
    RestError::not_found(format!("there is no product {id}"))
}
