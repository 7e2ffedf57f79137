//! `/api/ai/*`: the recommendation service's routes, for machine-to-machine tokens only.

use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

use super::error::RestError;
use crate::app_state::AppState;
use crate::auth::permissions::AI_RECOMMEND;
use crate::auth::server::{AuthRejection, MachineCaller};
use crate::catalog::related::{related_products, RECOMMENDATIONS};
use crate::catalog::store::ProductStore;
use crate::catalog::Product;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/ai/authenticate", get(authenticate))
        .route("/api/ai/recommendations", get(recommendations))
}

/// Who the calling machine is, as its token says.
#[derive(Serialize)]
struct MachineIdentity {
    client_id: Option<String>,
    scopes: Vec<String>,
    permissions: Vec<String>,
    /// The token's `exp`, seconds since the Unix epoch.
    expires_at: u64,
}

async fn authenticate(MachineCaller(claims): MachineCaller) -> Json<MachineIdentity> {
    Json(MachineIdentity {
        client_id: claims.client_id().map(str::to_owned),
        scopes: claims.scopes().into_iter().map(str::to_owned).collect(),
        permissions: claims.permissions.clone().unwrap_or_default(),
        expires_at: claims.exp,
    })
}

#[derive(Deserialize)]
struct RecommendationsQuery {
    product_id: Option<String>,
}

#[derive(Serialize)]
struct Recommendations {
    product_id: u32,
    recommendations: Vec<Product>,
}

/// Products related to `?product_id=`: same category, similar price.
async fn recommendations(
    MachineCaller(claims): MachineCaller,
    State(store): State<ProductStore>,
    Query(query): Query<RecommendationsQuery>,
) -> Result<Json<Recommendations>, RestError> {
    if !claims.has_permission(AI_RECOMMEND) {
        return Err(AuthRejection::InsufficientScope(AI_RECOMMEND.to_owned()).into());
    }
    let raw = query.product_id.ok_or_else(|| {
        RestError::invalid(
            "product_id",
            "product_id is required: ask for /api/ai/recommendations?product_id=<id>.",
        )
    })?;
    let product_id: u32 = raw.parse().map_err(|_| {
        RestError::invalid(
            "product_id",
            format!("product_id must be a product's number, not '{raw}'."),
        )
    })?;
    let catalogue = store.all().await.map_err(RestError::internal)?;
    let recommendations = related_products(&catalogue, product_id, RECOMMENDATIONS)
        .ok_or_else(|| RestError::not_found(format!("There is no product {product_id}.")))?;
    Ok(Json(Recommendations {
        product_id,
        recommendations,
    }))
}
