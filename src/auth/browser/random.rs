//! Random values from the browser's CSPRNG (`crypto.getRandomValues`).

use crate::auth::pkce::{base64url, RANDOM_BYTES};

/// A fresh base64url string of [`RANDOM_BYTES`] random bytes, for a verifier, `state` or `nonce`.
pub fn random_token() -> Result<String, String> {
    let crypto = web_sys::window()
        .ok_or("no window")?
        .crypto()
        .map_err(|_| "this browser has no Web Crypto")?;
    let mut bytes = [0u8; RANDOM_BYTES];
    crypto
        .get_random_values_with_u8_array(&mut bytes)
        .map_err(|_| "crypto.getRandomValues failed")?;
    Ok(base64url(&bytes))
}
