//! Unguessable identifiers: codes, tokens, transaction IDs, CSRF tokens.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use rand::RngCore as _;

/// 32 bytes from rand's thread-local CSPRNG (seeded by the OS), base64url without padding (43 characters).
pub fn token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}
