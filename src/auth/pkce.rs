//! PKCE (RFC 7636) and the random values of a sign-in: small pure functions, so the browser
//! bundle needs no OAuth library. The S256 hash behind the PKCE challenge
//! (`sha256_base64url`) is also DPoP's `ath` (`access_token_hash`), the refresh ledger's
//! fingerprint and the site icon's content name, so it has this one home.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};

/// Bytes of randomness in a verifier, `state` and `nonce`: 32 bytes give a 43-character
/// base64url string, inside RFC 7636's 43..=128 range for verifiers.
pub const RANDOM_BYTES: usize = 32;

/// Encodes bytes as unpadded base64url, the encoding PKCE and JWTs use.
pub fn base64url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// `base64url(sha256(bytes))`: PKCE's S256, DPoP's `ath`, the icon's content name, and how the
/// refresh ledger names a spent token without keeping it.
pub fn sha256_base64url(bytes: impl AsRef<[u8]>) -> String {
    base64url(&Sha256::digest(bytes.as_ref()))
}

/// The S256 code challenge for a verifier: `base64url(sha256(verifier))`.
pub fn code_challenge_s256(verifier: &str) -> String {
    sha256_base64url(verifier)
}

/// DPoP's `ath` (RFC 9449 §4.2), made by the browser and checked by the server: the same
/// hash, of the access token.
pub fn access_token_hash(access_token: &str) -> String {
    sha256_base64url(access_token)
}

/// Whether a string is a syntactically valid PKCE verifier (RFC 7636 §4.1).
pub fn is_valid_verifier(verifier: &str) -> bool {
    (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

#[cfg(test)]
mod tests {
    /// RFC 9449 §7.1's example: the `ath` of its access token.
    #[test]
    fn ath_is_the_rfc_example() {
        assert_eq!(
            access_token_hash("Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU"),
            "fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo"
        );
    }

    use super::*;

    /// The worked example of RFC 7636 Appendix B.
    #[test]
    fn challenge_matches_rfc_7636_example() {
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        assert_eq!(
            code_challenge_s256(verifier),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    /// 32 random bytes make a verifier of the minimum allowed length, with no padding.
    #[test]
    fn thirty_two_bytes_make_a_valid_verifier() {
        let verifier = base64url(&[0xff; RANDOM_BYTES]);
        assert_eq!(verifier.len(), 43);
        assert!(!verifier.contains('='));
        assert!(is_valid_verifier(&verifier));
    }

    #[test]
    fn short_or_badly_encoded_verifiers_are_invalid() {
        assert!(!is_valid_verifier("too-short"));
        assert!(!is_valid_verifier(&"a".repeat(129)));
        assert!(!is_valid_verifier(&format!("{}+/", "a".repeat(43))));
    }
}
