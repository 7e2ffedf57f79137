//! Server functions of the catalogue. Each is bearer-protected and called from the browser
//! through [`BearerClient`].

use leptos::prelude::*;

use super::Product;
use crate::auth::bearer_client::BearerClient;
use crate::auth::ApiError;

/// The permission a token needs to read the catalogue.
pub const READ_PRODUCTS: &str = "read:products";
/// The permission a token needs to change the catalogue.
pub const WRITE_PRODUCTS: &str = "write:products";

/// The product list, for a caller whose token grants `read:products`.
#[server(prefix = "/fn", endpoint = "get_products", client = BearerClient)]
pub async fn get_products() -> Result<Vec<Product>, ApiError> {
    use std::sync::Arc;

    crate::auth::server::guard::require_permission(READ_PRODUCTS).await?;
    let store = use_context::<Arc<super::store::ProductStore>>().ok_or_else(|| {
        tracing::error!("no ProductStore in the server-function context");
        ApiError::Internal
    })?;
    Ok(store.list())
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
