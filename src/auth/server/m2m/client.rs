//! [`M2mTokenClient`]: the server's Machine-to-Machine access tokens, from the tenant's
//! `client_credentials` grant (DESIGN §2, "M2M"): cached ([`super::cache`]), fetched
//! ([`super::token_request`]) and retried ([`super::retry`]) with the secret held by
//! [`super::secret`].

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::cache::TokenCache;
use super::clock::M2mClock;
use super::errors::M2mError;
use super::retry::{fetch_with_retries, RetryPolicy};
use super::secret::{M2mSecret, SecretFileError};
use super::token::M2mToken;
use super::token_request::TokenRequest;
use crate::auth::{Audience, Issuer, M2mClientId};

/// Default limit on each request to the token endpoint (connect, send, read the answer).
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// Where and for what the client asks for tokens. Holds no secret.
#[derive(Clone, Debug)]
pub struct M2mClientConfig {
    /// `{issuer}oauth/token`.
    pub token_url: url::Url,
    /// The Machine to Machine application's Client ID (`AUTH0_CLIENT_ID`).
    pub client_id: M2mClientId,
    /// The API identifier (`AUTH0_AUDIENCE`).
    pub audience: Audience,
    pub retry: RetryPolicy,
    /// Limit on each request. Default [`DEFAULT_REQUEST_TIMEOUT`].
    pub request_timeout: Duration,
}

impl M2mClientConfig {
    /// Tokens from `token_url`, with the default retry and timeout.
    pub fn new(token_url: url::Url, client_id: M2mClientId, audience: Audience) -> Self {
        Self {
            token_url,
            client_id,
            audience,
            retry: RetryPolicy::default(),
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
        }
    }

    /// Tokens from `issuer`'s token endpoint.
    pub fn for_issuer(issuer: &Issuer, client_id: M2mClientId, audience: Audience) -> Self {
        let token_url = url::Url::parse(&issuer.endpoint("oauth/token"))
            .expect("an issuer is a URL, so its token endpoint is one");
        Self::new(token_url, client_id, audience)
    }
}

/// Gets, caches and renews the server's M2M access token. Share it as `Arc<M2mTokenClient>`.
pub struct M2mTokenClient {
    config: M2mClientConfig,
    request: TokenRequest,
    secret: Arc<M2mSecret>,
    /// The one clock of the cache and the retry deadline (tests advance it).
    clock: M2mClock,
    cache: TokenCache,
}

impl fmt::Debug for M2mTokenClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("M2mTokenClient")
            .field("config", &self.config)
            .field("secret", &self.secret)
            .finish_non_exhaustive()
    }
}

impl M2mTokenClient {
    pub fn new(config: M2mClientConfig, secret: M2mSecret) -> Self {
        Self {
            request: TokenRequest::new(
                config.token_url.clone(),
                config.client_id.clone(),
                config.audience.clone(),
                config.request_timeout,
            ),
            config,
            secret: Arc::new(secret),
            clock: M2mClock::default(),
            cache: TokenCache::default(),
        }
    }

    /// Uses `clock` for expiry and retry deadlines (tests advance it instead of sleeping).
    pub fn with_clock(mut self, clock: M2mClock) -> Self {
        self.clock = clock;
        self
    }

    pub fn config(&self) -> &M2mClientConfig {
        &self.config
    }

    /// The secret in use, shared (the SIGHUP reload holds it too).
    pub fn secret(&self) -> &Arc<M2mSecret> {
        &self.secret
    }

    /// A valid access token: the cached one, or a new one if it is missing or about to expire.
    pub async fn access_token(&self) -> Result<M2mToken, M2mError> {
        self.cache
            .get_or_fetch(&self.clock, || {
                fetch_with_retries(&self.request, &self.secret, &self.config.retry, &self.clock)
            })
            .await
    }

    /// A service refused `token` (401): forget it, so the next [`Self::access_token`] asks for
    /// a new one. A token already renewed by another caller is kept. Returns whether `token`
    /// was the one held.
    pub fn refused(&self, token: &M2mToken) -> bool {
        let dropped = self.cache.drop_refused(token);
        if dropped {
            tracing::warn!("a service refused the M2M token; it is dropped and a new one fetched");
        }
        dropped
    }

    /// Re-reads a file-backed secret; `Ok(true)` when it changed.
    pub fn reload_secret(&self) -> Result<bool, SecretFileError> {
        self.secret.reload()
    }
}
