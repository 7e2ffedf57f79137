//! Server-only half of auth (`ssr` feature): every bearer token is validated here, with the
//! tenant's public keys, before any protected data is served.
//!
//! - [`token_validator`]: every check of DESIGN §5, in order; [`signing_algorithm`]: the
//!   allow-list's vocabulary.
//! - [`jwks_cache`]: the tenant's keys (start-up load, refresh, single-flight re-fetch on an
//!   unknown `kid`); [`verified_token_cache`]: tokens already verified.
//! - [`access_claims`]: the typed claims; [`bearer`]: finding the token in a request.
//! - [`guard`] (server functions) and [`extract`] (REST routes): authorisation;
//!   [`rejection`]: the RFC 6750 answers.
//! - [`token_presentation`]: Bearer or DPoP, and which tokens each may carry;
//!   [`dpop_verifier`] checks a request's DPoP proof ([`dpop_proof`]: one proof's checks,
//!   [`dpop_replay`]: the `jti`s seen, [`dpop_nonce`]: server nonces), [`dpop_refusal`]: the
//!   RFC 9449 answers.
//! - [`m2m`]: the server's own M2M token client, the only user of the M2M secret.

pub mod access_claims;
pub mod bearer;
pub mod dpop_nonce;
pub mod dpop_proof;
pub mod dpop_refusal;
pub mod dpop_replay;
pub mod dpop_verifier;
pub mod extract;
pub mod guard;
pub mod jwks_cache;
pub mod m2m;
pub mod rejection;
pub mod signing_algorithm;
pub mod token_presentation;
pub mod token_validator;
pub mod verified_token_cache;

pub use access_claims::AccessClaims;
pub use dpop_verifier::{DpopSettings, DpopVerifier};
pub use extract::{Authenticated, MachineCaller, Permitted};
pub use jwks_cache::{JwksCache, JwksSettings};
pub use m2m::{M2mError, M2mToken, M2mTokenClient};
pub use rejection::AuthRejection;
pub use signing_algorithm::SigningAlgorithm;
pub use token_validator::{TokenError, TokenValidator, ValidatorSettings};
