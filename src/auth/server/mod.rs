//! Server-only half of auth (`ssr` feature): every bearer token is validated here, with the
//! tenant's public keys, before any protected data is served.
//! It also holds the server's own M2M token client (`m2m_*`), the only user of the M2M secret.

pub mod access_claims;
pub mod bearer;
pub mod guard;
pub mod jwks_cache;
pub mod m2m_clock;
pub mod m2m_errors;
pub mod m2m_retry;
pub mod m2m_secret;
pub mod m2m_token_client;
pub mod rejection;
pub mod token_validator;

pub use access_claims::AccessClaims;
pub use jwks_cache::JwksCache;
pub use m2m_errors::M2mError;
pub use m2m_token_client::{M2mToken, M2mTokenClient};
pub use rejection::AuthRejection;
pub use token_validator::{TokenError, TokenValidator, ValidatorSettings};
