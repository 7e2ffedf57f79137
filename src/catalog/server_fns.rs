//! Server functions of the catalogue. Each is bearer-protected and called from the browser
//! through [`BearerClient`].

use leptos::prelude::*;

use super::edit::{ProductChange, ProductEdit};
use super::{Product, ProductPage, ProductQuery};
use crate::auth::bearer_client::BearerClient;
#[cfg(feature = "ssr")]
use crate::auth::permissions::{READ_PRODUCTS, WRITE_PRODUCTS};
use crate::auth::ApiError;

/// One page of the products matching `query`, for a caller whose token grants `read:products`.
/// Without arguments (`curl -X POST …/fn/get_products`) it is the first page of everything.
#[server(prefix = "/fn", endpoint = "get_products", client = BearerClient)]
pub async fn get_products(#[server(default)] query: ProductQuery) -> Result<ProductPage, ApiError> {
    crate::auth::server::guard::require_permission(READ_PRODUCTS).await?;
    query.validate().map_err(|error| {
        ssr::refuse(ApiError::Invalid {
            field: error.parameter.clone(),
            message: error.to_string(),
        })
    })?;
    ssr::store()?.search(&query).await.map_err(ssr::internal)
}

/// One product by id, for a caller whose token grants `read:products`.
#[server(prefix = "/fn", endpoint = "get_product", client = BearerClient)]
pub async fn get_product(id: u32) -> Result<Product, ApiError> {
    crate::auth::server::guard::require_permission(READ_PRODUCTS).await?;
    ssr::store()?
        .get(id)
        .await
        .map_err(ssr::internal)?
        .ok_or_else(|| {
            ssr::refuse(ApiError::NotFound(format!(
                "There is no product with id {id}."
            )))
        })
}

/// Saves a new price and stock, for a caller whose token grants `write:products`. The edit must
/// name the version it was made from: if someone saved the product since, nothing is written and
/// the answer is a conflict.
#[server(prefix = "/fn", endpoint = "update_product", client = BearerClient)]
pub async fn update_product(edit: ProductEdit) -> Result<Product, ApiError> {
    use super::store::EditRefused;

    let claims = crate::auth::server::guard::require_permission(WRITE_PRODUCTS).await?;
    match ssr::store()?.apply_edit(&edit, &claims.sub).await {
        Ok(product) => {
            tracing::info!(product = product.id, version = product.version, by = %claims.sub, "product edited");
            Ok(product)
        }
        Err(EditRefused::Invalid(error)) => Err(ssr::refuse(ApiError::Invalid {
            field: error.field,
            message: error.message,
        })),
        Err(EditRefused::NotFound(id)) => Err(ssr::refuse(ApiError::NotFound(format!(
            "There is no product with id {id}."
        )))),
        Err(EditRefused::Conflict { current, .. }) => Err(ssr::refuse(ApiError::Conflict(format!(
            "Not saved: someone else changed {} while you were editing. The latest price and stock are shown now; check them and save again.",
            current.name
        )))),
        Err(EditRefused::Database(error)) => Err(ssr::internal(error)),
    }
}

/// How many changes the staff page lists.
pub const RECENT_CHANGES: u32 = 10;

/// The latest recorded edits, for a caller whose token grants `write:products`.
#[server(prefix = "/fn", endpoint = "recent_changes", client = BearerClient)]
pub async fn recent_changes() -> Result<Vec<ProductChange>, ApiError> {
    crate::auth::server::guard::require_permission(WRITE_PRODUCTS).await?;
    ssr::store()?
        .recent_changes(RECENT_CHANGES)
        .await
        .map_err(ssr::internal)
}

#[cfg(feature = "ssr")]
mod ssr {
    use leptos::prelude::use_context;
    use leptos_axum::ResponseOptions;

    use crate::auth::ApiError;
    use crate::catalog::store::ProductStore;

    /// The store from the server-function context.
    pub fn store() -> Result<ProductStore, ApiError> {
        use_context::<ProductStore>().ok_or_else(|| {
            tracing::error!("no ProductStore in the server-function context");
            ApiError::Internal
        })
    }

    /// Sets the HTTP status that goes with `error`, and returns it.
    pub fn refuse(error: ApiError) -> ApiError {
        if let Some(response) = use_context::<ResponseOptions>() {
            response.set_status(error.status());
        }
        error
    }

    /// Logs an unexpected failure; the caller learns only that something went wrong.
    pub fn internal(error: impl std::fmt::Display) -> ApiError {
        tracing::error!(%error, "catalogue store failed");
        refuse(ApiError::Internal)
    }
}

/// Products related to `product_id`, for a signed-in shopper. The shopper's token is checked
/// here; the AI service is then called server to server with this app's own M2M token.
#[server(prefix = "/fn", endpoint = "recommendations", client = BearerClient)]
pub async fn recommendations(product_id: u32) -> Result<Vec<Product>, ApiError> {
    use std::sync::Arc;

    use super::ai_service_client::AiServiceClient;

    crate::auth::server::guard::require_permission(READ_PRODUCTS).await?;
    let client = use_context::<Arc<AiServiceClient>>().ok_or_else(|| {
        tracing::error!(
            "no AiServiceClient in the server-function context (no M2M application configured?)"
        );
        ApiError::Internal
    })?;
    client.recommendations(product_id).await.map_err(|error| {
        tracing::error!(%error, product_id, "recommendations are unavailable");
        ApiError::Internal
    })
}
