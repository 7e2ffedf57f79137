//! Authorisation for server functions and REST routes: one path through the validator (and
//! its verified-token cache) for both.

use std::sync::Arc;

use axum::extract::OriginalUri;
use axum::http::{HeaderMap, Method};
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;

use super::token_presentation::{presented_claims, RequestHead};
use super::{AccessClaims, AuthRejection, TokenValidator};
use crate::access_log;
use crate::auth::ApiError;

/// Validates the request's token (and, with DPoP on, its proof: `token_presentation`). The
/// caller goes on the request's access-log line (a refusal is noted where it is answered:
/// [`AuthRejection`]'s response, or [`require_permission`]).
pub async fn authenticate(
    validator: &TokenValidator,
    request: &RequestHead<'_>,
) -> Result<Arc<AccessClaims>, AuthRejection> {
    let claims = presented_claims(validator, request).await?;
    let caller = if claims.is_machine() {
        claims.client_id().unwrap_or(&claims.sub)
    } else {
        &claims.sub
    };
    access_log::record_caller(caller);
    Ok(claims)
}

/// Validates the request's bearer token and checks it grants `permission` (the `permissions`
/// claim, or a machine token's `scope`: `auth::permissions`).
pub async fn authorize(
    validator: &TokenValidator,
    request: &RequestHead<'_>,
    permission: &str,
) -> Result<Arc<AccessClaims>, AuthRejection> {
    let claims = authenticate(validator, request).await?;
    if !claims.has_permission(permission) {
        if claims.lacks_permissions_claim() {
            return Err(AuthRejection::NoPermissionsClaim(permission.to_owned()));
        }
        return Err(AuthRejection::InsufficientScope(permission.to_owned()));
    }
    Ok(claims)
}

/// For server functions: the caller's claims if its token is valid and grants `permission`.
///
/// On refusal the HTTP response also gets the RFC 6750 status and `WWW-Authenticate` header, so
/// a server function answers exactly like a REST route would, and the typed [`ApiError`] tells
/// the UI what to do (sign in again, or ask for access).
pub async fn require_permission(permission: &str) -> Result<Arc<AccessClaims>, ApiError> {
    let (method, OriginalUri(uri), headers): (Method, OriginalUri, HeaderMap) =
        leptos_axum::extract().await.map_err(|error| {
            tracing::error!(%error, "server function called without its request");
            ApiError::Internal
        })?;
    let request = RequestHead {
        method: &method,
        path: uri.path(),
        headers: &headers,
    };
    let validator = use_context::<Arc<TokenValidator>>().ok_or_else(|| {
        tracing::error!("no TokenValidator in the server-function context");
        ApiError::Internal
    })?;
    match authorize(&validator, &request, permission).await {
        Ok(claims) => Ok(claims),
        Err(rejection) => {
            access_log::record_refusal(&rejection.error_body().1);
            if let Some(response) = use_context::<ResponseOptions>() {
                response.set_status(rejection.status());
                let mut previous = None;
                for (name, value) in rejection.headers() {
                    // A name's first value replaces any set earlier in this response; the
                    // values after it (`name` is `None`) are added beside it.
                    match name {
                        Some(name) => {
                            response.insert_header(name.clone(), value);
                            previous = Some(name);
                        }
                        None => {
                            if let Some(name) = &previous {
                                response.append_header(name.clone(), value);
                            }
                        }
                    }
                }
            }
            Err(rejection.into())
        }
    }
}
