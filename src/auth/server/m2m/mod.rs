//! The server's own M2M token client, the only user of the M2M secret (DESIGN §2, "M2M").
//!
//! - [`client`]: [`M2mTokenClient`], the face the rest of the server uses, and its config.
//! - [`cache`]: the cached token, renewed shortly before `exp`, one fetch at a time.
//! - [`token_request`]: one request to the token endpoint and how its answer is classified.
//! - [`retry`]: backoff, `Retry-After` and the bounded retry loop.
//! - [`secret`]: the client secret, read from a variable or a file, re-read on SIGHUP.
//! - [`errors`]: [`M2mError`], each failure phrased as what to fix; [`token`]: [`M2mToken`];
//!   [`clock`]: the advanceable clock of the cache and the retry deadline.

pub mod cache;
pub mod client;
pub mod clock;
pub mod errors;
pub mod retry;
pub mod secret;
pub mod token;
pub mod token_request;

pub use client::{M2mClientConfig, M2mTokenClient};
pub use clock::M2mClock;
pub use errors::M2mError;
pub use retry::RetryPolicy;
pub use secret::{read_secret_file, spawn_reload_on_sighup, M2mSecret, SecretFileError};
pub use token::M2mToken;
