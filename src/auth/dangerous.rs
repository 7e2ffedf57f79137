//! Operations that skip a check on purpose, kept under a name that says so (as jsonwebtoken's
//! `dangerous::` does): a caller has to spell out that it reads a token without verifying it.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::Deserialize;

/// Decodes a JWT's payload **without verifying its signature**. Only for tokens that authorise
/// nothing where they are read: the ID token the browser received straight from the tenant
/// (OpenID Connect Core §3.1.3.7), the browser's own access token for display, and the M2M
/// token's lifetime for scheduling its renewal. The server never authorises a request with it.
pub fn decode_unverified_payload<T: for<'de> Deserialize<'de>>(jwt: &str) -> Option<T> {
    let mut parts = jwt.split('.');
    let (_header, payload, _signature) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let bytes = URL_SAFE_NO_PAD.decode(payload).ok()?;
    serde_json::from_slice(&bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize, Debug, PartialEq)]
    struct Times {
        exp: u64,
    }

    #[test]
    fn a_payload_is_read_and_anything_else_is_none() {
        let payload = URL_SAFE_NO_PAD.encode(br#"{"exp":1600}"#);
        assert_eq!(
            decode_unverified_payload(&format!("e30.{payload}.sig")),
            Some(Times { exp: 1600 })
        );
        for token in ["", "a.b", "a.b.c.d", "a.!!!.c", "opaque"] {
            assert_eq!(decode_unverified_payload::<Times>(token), None, "{token}");
        }
    }
}
