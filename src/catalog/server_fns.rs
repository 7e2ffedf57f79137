//! Server functions of the catalogue. Each is bearer-protected and called from the browser
//! through [`BearerClient`].

use leptos::prelude::*;

use super::Product;
use crate::auth::bearer_client::BearerClient;
use crate::auth::ApiError;

/// The permission a token needs to read the catalogue.
pub const READ_PRODUCTS: &str = "read:products";

/// The product list, for a caller whose token grants `read:products`.
#[server(prefix = "/fn", endpoint = "get_products", client = BearerClient)]
pub async fn get_products() -> Result<Vec<Product>, ApiError> {
    crate::auth::server::guard::require_permission(READ_PRODUCTS).await?;
    Ok(super::seed::seeded_products())
}
