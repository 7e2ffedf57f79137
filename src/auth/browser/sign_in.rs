//! The start of sign-in: make a transaction and go to the tenant.

use super::{page_config, random::random_token, transaction_store};
use crate::auth::return_to::return_to_or_default;
use crate::auth::sign_in_request::SignInTransaction;
use crate::wasm_chunks::in_chunk;

in_chunk!(
    signed_in,
    /// Creates a PKCE verifier, `state` and `nonce`, saves them in sessionStorage and sends the
    /// browser to the tenant's `/authorize`. In the `signed_in` chunk of a split build, so a
    /// visit that never signs in never downloads the PKCE and hashing code.
    pub async fn start_sign_in(return_to: Option<String>) -> Result<(), String> {
        start(return_to)
    }
);

fn start(return_to: Option<String>) -> Result<(), String> {
    let config = page_config::public_auth_config()?;
    let transaction = SignInTransaction {
        verifier: random_token()?,
        state: random_token()?,
        nonce: random_token()?,
        return_to: return_to_or_default(return_to.as_deref()),
    };
    transaction_store::save(&transaction)?;
    let url = transaction.authorize_url(&config, &page_config::origin());
    leptos::prelude::window()
        .location()
        .assign(&url)
        .map_err(|_| "could not open the sign-in page".to_owned())
}
