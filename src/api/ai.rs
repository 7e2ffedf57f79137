//! `/api/ai/*`: the recommendation service's routes, for machine-to-machine tokens only.

use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

use crate::auth::server::MachineCaller;
use crate::startup::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/ai/authenticate", get(authenticate))
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
