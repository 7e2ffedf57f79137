//! The signature algorithms a token may use: RSA only, since the tenant's keys are RSA keys.
//!
//! HMAC (`HS*`) is absent on purpose: with a public key as the "secret", anyone could sign.
//! `none` is absent too. The token header can only pick among the configured allow-list.

use aws_lc_rs::signature::{self, RsaParameters};

/// An RSA JWS algorithm (RFC 7518 §3.3 and §3.5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SigningAlgorithm {
    RS256,
    RS384,
    RS512,
    PS256,
    PS384,
    PS512,
}

impl SigningAlgorithm {
    pub const ALL: [SigningAlgorithm; 6] = [
        SigningAlgorithm::RS256,
        SigningAlgorithm::RS384,
        SigningAlgorithm::RS512,
        SigningAlgorithm::PS256,
        SigningAlgorithm::PS384,
        SigningAlgorithm::PS512,
    ];

    /// The algorithm named exactly `name` (case-sensitive, as JWS requires), if it is one of ours.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|alg| alg.name() == name)
    }

    pub fn name(self) -> &'static str {
        match self {
            SigningAlgorithm::RS256 => "RS256",
            SigningAlgorithm::RS384 => "RS384",
            SigningAlgorithm::RS512 => "RS512",
            SigningAlgorithm::PS256 => "PS256",
            SigningAlgorithm::PS384 => "PS384",
            SigningAlgorithm::PS512 => "PS512",
        }
    }

    /// aws-lc-rs's parameters, which also refuse keys under 2048 bits.
    pub fn parameters(self) -> &'static RsaParameters {
        match self {
            SigningAlgorithm::RS256 => &signature::RSA_PKCS1_2048_8192_SHA256,
            SigningAlgorithm::RS384 => &signature::RSA_PKCS1_2048_8192_SHA384,
            SigningAlgorithm::RS512 => &signature::RSA_PKCS1_2048_8192_SHA512,
            SigningAlgorithm::PS256 => &signature::RSA_PSS_2048_8192_SHA256,
            SigningAlgorithm::PS384 => &signature::RSA_PSS_2048_8192_SHA384,
            SigningAlgorithm::PS512 => &signature::RSA_PSS_2048_8192_SHA512,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_rsa_names_spelled_exactly_are_known() {
        assert_eq!(
            SigningAlgorithm::from_name("RS256"),
            Some(SigningAlgorithm::RS256)
        );
        assert_eq!(
            SigningAlgorithm::from_name("PS512"),
            Some(SigningAlgorithm::PS512)
        );
        for name in ["none", "None", "HS256", "rs256", "ES256", "EdDSA", ""] {
            assert_eq!(SigningAlgorithm::from_name(name), None, "{name}");
        }
    }
}
