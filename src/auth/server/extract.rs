//! axum extractors for REST routes: each yields the validated claims or answers with an
//! RFC 6750 rejection ([`AuthRejection`]) before the handler runs. A route states what it
//! requires in its signature: a handler taking `Permitted<ReadProducts>` runs only for a token
//! granting `read:products` (see `api::products`), one taking [`MachineCaller`] only for a
//! client-credentials token.

use std::marker::PhantomData;
use std::sync::Arc;

use axum::extract::{FromRef, FromRequestParts, OriginalUri};
use axum::http::request::Parts;

use super::guard::{authenticate, authorize};
use super::token_presentation::RequestHead;
use super::{AccessClaims, AuthRejection, TokenValidator};
use crate::auth::permissions::Permission;

/// Any caller with a valid token, user or machine.
pub struct Authenticated(pub Arc<AccessClaims>);

/// A caller whose valid token grants permission `P`.
pub struct Permitted<P: Permission>(pub Arc<AccessClaims>, PhantomData<P>);

/// A machine caller: a valid token issued through the client_credentials grant
/// (`gty: client-credentials`). User tokens get 403, whatever their permissions.
pub struct MachineCaller(pub Arc<AccessClaims>);

impl<S> FromRequestParts<S> for Authenticated
where
    Arc<TokenValidator>: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = AuthRejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let validator = Arc::<TokenValidator>::from_ref(state);
        authenticate(&validator, &request_head(parts))
            .await
            .map(Authenticated)
    }
}

impl<S, P> FromRequestParts<S> for Permitted<P>
where
    Arc<TokenValidator>: FromRef<S>,
    S: Send + Sync,
    P: Permission,
{
    type Rejection = AuthRejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let validator = Arc::<TokenValidator>::from_ref(state);
        let claims = authorize(&validator, &request_head(parts), P::NAME).await?;
        Ok(Permitted(claims, PhantomData))
    }
}

impl<S> FromRequestParts<S> for MachineCaller
where
    Arc<TokenValidator>: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = AuthRejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let validator = Arc::<TokenValidator>::from_ref(state);
        let claims = authenticate(&validator, &request_head(parts)).await?;
        if !claims.is_machine() {
            return Err(AuthRejection::MachineOnly);
        }
        Ok(MachineCaller(claims))
    }
}

/// The request as the client sent it: behind `Router::nest` the path in `parts.uri` has lost
/// its prefix, and a DPoP proof names the whole path.
fn request_head(parts: &Parts) -> RequestHead<'_> {
    let uri = parts
        .extensions
        .get::<OriginalUri>()
        .map_or(&parts.uri, |original| &original.0);
    RequestHead {
        method: &parts.method,
        path: uri.path(),
        headers: &parts.headers,
    }
}
