//! [`M2mTokenClient`]: the server's Machine-to-Machine access tokens, from the tenant's
//! `client_credentials` grant (DESIGN §2, "M2M").
//!
//! Every issued M2M token counts against the tenant's monthly quota, so the token is cached in
//! memory and renewed only shortly before it expires: 60 s or a tenth of its lifetime before
//! `exp`, whichever is less. Concurrent callers share one request (single flight): they queue on
//! one lock, and whoever gets it after a fetch finds the fresh token, or that fetch's error.
//!
//! Requests go through the `oauth2` crate with `client_secret_post` (as Auth0's SDKs do) and the
//! `audience` parameter Auth0 requires. 429, 5xx, network errors and timeouts are retried with
//! jittered backoff and the tenant's `Retry-After`, within [`RetryPolicy`]'s bounds; every
//! request has a timeout. The tenant's refusals become [`M2mError`]s that say what to fix. A
//! secret from `AUTH0_CLIENT_SECRET_FILE` is re-read once when the tenant refuses it, and on
//! SIGHUP ([`spawn_secret_reload_on_sighup`]), so rotating it needs no restart.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex as StdMutex};
use std::time::{Duration, Instant};

use oauth2::basic::{BasicClient, BasicErrorResponse, BasicTokenResponse};
use oauth2::http::StatusCode;
use oauth2::{
    AsyncHttpClient, AuthType, ClientId, ClientSecret, HttpClientError, HttpRequest, HttpResponse,
    RequestTokenError, TokenResponse, TokenUrl,
};
use secrecy::ExposeSecret;

use super::m2m_clock::M2mClock;
use super::m2m_errors::M2mError;
use super::m2m_retry::{jitter, parse_retry_after, RetryPolicy};
use super::m2m_secret::{M2mSecret, SecretFileError};
use crate::config::Settings;

/// Renew at most this long before `exp`.
pub const MAX_RENEWAL_MARGIN: Duration = Duration::from_secs(60);
/// Default limit on each request to the token endpoint (connect, send, read the answer).
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// After a failed renewal while the old token is still valid, callers keep using the old token
/// for this long before another request is tried.
const FAILED_RENEWAL_PAUSE: Duration = Duration::from_secs(5);
/// Longest lifetime believed (Auth0's maximum for access tokens is 30 days); longer claims are
/// cut to it rather than trusted to keep a token for ever.
const MAX_BELIEVED_LIFETIME: Duration = Duration::from_secs(30 * 24 * 3600);

/// Where and for what the client asks for tokens. Holds no secret.
#[derive(Clone, Debug)]
pub struct M2mClientConfig {
    /// `{issuer}oauth/token`.
    pub token_url: url::Url,
    /// The Machine to Machine application's Client ID (`AUTH0_CLIENT_ID`).
    pub client_id: String,
    /// The API identifier (`AUTH0_AUDIENCE`).
    pub audience: String,
    pub retry: RetryPolicy,
    /// Limit on each request. Default [`DEFAULT_REQUEST_TIMEOUT`].
    pub request_timeout: Duration,
}

impl M2mClientConfig {
    /// Default retry and timeout.
    pub fn new(token_url: url::Url, client_id: &str, audience: &str) -> Self {
        Self {
            token_url,
            client_id: client_id.to_owned(),
            audience: audience.to_owned(),
            retry: RetryPolicy::default(),
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
        }
    }
}

/// An M2M access token. `Debug` does not show it.
#[derive(Clone, PartialEq, Eq)]
pub struct M2mToken {
    value: Arc<str>,
    scopes: Vec<String>,
}

impl M2mToken {
    /// The raw access token, for `Authorization: Bearer …`.
    pub fn secret(&self) -> &str {
        &self.value
    }

    /// `Bearer <token>`.
    pub fn authorization_header(&self) -> String {
        format!("Bearer {}", self.value)
    }

    /// The scopes the tenant reported (Auth0 sends the granted ones).
    pub fn scopes(&self) -> &[String] {
        &self.scopes
    }
}

impl fmt::Debug for M2mToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("M2mToken")
            .field("value", &"<redacted>")
            .field("scopes", &self.scopes)
            .finish()
    }
}

struct CachedToken {
    token: M2mToken,
    renew_at: Instant,
    expires_at: Instant,
}

#[derive(Default)]
struct Cache {
    token: Option<CachedToken>,
    /// Set after a failed renewal: until then the old, still valid token is served.
    paused_until: Option<Instant>,
    /// Finished fetches, so callers that queued behind a failed one share its error instead of
    /// each repeating it.
    fetches: u64,
    last_error: Option<M2mError>,
}

impl Cache {
    fn usable(&self, now: Instant) -> Option<M2mToken> {
        let cached = self.token.as_ref()?;
        let fresh = now < cached.renew_at;
        let paused = now < cached.expires_at && self.paused_until.is_some_and(|until| now < until);
        (fresh || paused).then(|| cached.token.clone())
    }
}

/// Gets, caches and renews the server's M2M access token. Share it as `Arc<M2mTokenClient>`.
pub struct M2mTokenClient {
    config: M2mClientConfig,
    token_url: TokenUrl,
    secret: M2mSecret,
    http: reqwest::Client,
    clock: M2mClock,
    cache: StdMutex<Cache>,
    /// Held for the whole of a fetch: the single flight.
    fetch_lock: tokio::sync::Mutex<()>,
}

impl fmt::Debug for M2mTokenClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("M2mTokenClient")
            .field("config", &self.config)
            .field("secret", &self.secret)
            .finish_non_exhaustive()
    }
}

/// What one request to the token endpoint came to.
enum Attempt {
    Token(M2mToken, Duration),
    /// 429, 5xx, network error or timeout.
    Retryable {
        cause: String,
        retry_after: Option<Duration>,
    },
    Refused(M2mError),
}

/// Status and `Retry-After` of the answer, which `oauth2` does not report itself.
struct Answer {
    status: StatusCode,
    retry_after: Option<Duration>,
}

/// The `reqwest` client, noting the answer's status and `Retry-After` on the way through.
struct RecordingHttpClient {
    http: reqwest::Client,
    answer: Arc<StdMutex<Option<Answer>>>,
}

impl<'c> AsyncHttpClient<'c> for RecordingHttpClient {
    type Error = HttpClientError<reqwest::Error>;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, Self::Error>> + Send + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(async move {
            let response = AsyncHttpClient::call(&self.http, request).await?;
            let retry_after = response
                .headers()
                .get(oauth2::http::header::RETRY_AFTER)
                .and_then(|value| value.to_str().ok())
                .and_then(parse_retry_after);
            *self
                .answer
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(Answer {
                status: response.status(),
                retry_after,
            });
            Ok(response)
        })
    }
}

impl M2mTokenClient {
    pub fn new(config: M2mClientConfig, secret: M2mSecret) -> Self {
        let http = reqwest::Client::builder()
            .timeout(config.request_timeout)
            .connect_timeout(config.request_timeout)
            // A token endpoint never redirects; following one could send the secret elsewhere.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("an HTTP client with only timeouts and no redirects always builds");
        Self {
            token_url: TokenUrl::from_url(config.token_url.clone()),
            config,
            secret,
            http,
            clock: M2mClock::default(),
            cache: StdMutex::new(Cache::default()),
            fetch_lock: tokio::sync::Mutex::new(()),
        }
    }

    /// The client for the configured M2M application, if one is configured.
    pub fn from_settings(settings: &Settings) -> Option<Self> {
        let credentials = settings.m2m.as_ref()?;
        let token_url = url::Url::parse(&settings.public.token_endpoint())
            .expect("the issuer was validated as a URL at start");
        let config =
            M2mClientConfig::new(token_url, &credentials.client_id, &settings.public.audience);
        let secret = match &credentials.client_secret_file {
            Some(path) => M2mSecret::loaded_from_file(path, credentials.client_secret.clone()),
            None => M2mSecret::fixed(credentials.client_secret.clone()),
        };
        Some(Self::new(config, secret))
    }

    /// Uses `clock` for expiry (tests advance it instead of sleeping).
    pub fn with_clock(mut self, clock: M2mClock) -> Self {
        self.clock = clock;
        self
    }

    pub fn config(&self) -> &M2mClientConfig {
        &self.config
    }

    pub fn secret(&self) -> &M2mSecret {
        &self.secret
    }

    /// A valid access token: the cached one, or a new one if it is missing or about to expire.
    pub async fn access_token(&self) -> Result<M2mToken, M2mError> {
        let fetches_seen = {
            let cache = self.lock_cache();
            if let Some(token) = cache.usable(self.clock.now()) {
                return Ok(token);
            }
            cache.fetches
        };

        let _flight = self.fetch_lock.lock().await;
        {
            let cache = self.lock_cache();
            if let Some(token) = cache.usable(self.clock.now()) {
                return Ok(token);
            }
            if cache.fetches != fetches_seen {
                if let Some(error) = &cache.last_error {
                    return Err(error.clone());
                }
            }
        }

        let result = self.fetch().await;
        let now = self.clock.now();
        let mut cache = self.lock_cache();
        cache.fetches += 1;
        match result {
            // The lifetime counts from when the request was sent, before the tenant issued it.
            Ok((token, lifetime, sent_at)) => {
                let lifetime = lifetime.min(MAX_BELIEVED_LIFETIME);
                let margin = MAX_RENEWAL_MARGIN.min(lifetime / 10);
                cache.token = Some(CachedToken {
                    token: token.clone(),
                    renew_at: sent_at + lifetime - margin,
                    expires_at: sent_at + lifetime,
                });
                cache.paused_until = None;
                cache.last_error = None;
                Ok(token)
            }
            Err(error) => {
                cache.last_error = Some(error.clone());
                let still_valid = cache
                    .token
                    .as_ref()
                    .filter(|cached| now < cached.expires_at)
                    .map(|cached| cached.token.clone());
                match still_valid {
                    Some(token) => {
                        tracing::warn!(%error, "could not renew the M2M token; using the current one until it expires");
                        cache.paused_until = Some(now + FAILED_RENEWAL_PAUSE);
                        Ok(token)
                    }
                    None => {
                        tracing::warn!(%error, "could not get an M2M access token");
                        cache.token = None;
                        Err(error)
                    }
                }
            }
        }
    }

    /// Forgets the cached token (for example when a service refused it), so the next call to
    /// [`M2mTokenClient::access_token`] asks for a new one.
    pub fn invalidate(&self) {
        self.lock_cache().token = None;
    }

    /// Re-reads a file-backed secret; `Ok(true)` when it changed.
    pub fn reload_secret(&self) -> Result<bool, SecretFileError> {
        self.secret.reload()
    }

    fn lock_cache(&self) -> std::sync::MutexGuard<'_, Cache> {
        self.cache
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// One token, with retries; the secret file is re-read (once) if the tenant refuses it.
    /// Returns the token, its lifetime and when the request that got it was sent.
    async fn fetch(&self) -> Result<(M2mToken, Duration, Instant), M2mError> {
        let policy = &self.config.retry;
        let deadline = Instant::now() + policy.max_total;
        let mut attempts = 0;
        let mut secret_reread = false;
        loop {
            attempts += 1;
            let sent_at = self.clock.now();
            match self.attempt().await {
                Attempt::Token(token, lifetime) => {
                    tracing::info!(
                        client_id = %self.config.client_id,
                        lifetime_secs = lifetime.as_secs(),
                        "obtained an M2M access token"
                    );
                    return Ok((token, lifetime, sent_at));
                }
                Attempt::Refused(error)
                    if error.is_refused_secret()
                        && !secret_reread
                        && self.secret.file().is_some() =>
                {
                    secret_reread = true;
                    if !self.secret.reload()? {
                        return Err(error);
                    }
                    tracing::info!("the tenant refused the M2M secret; re-read a changed secret file, trying again");
                }
                Attempt::Refused(error) => return Err(error),
                Attempt::Retryable { cause, retry_after } => {
                    let give_up = |last_cause: String| M2mError::Unavailable {
                        token_url: self.config.token_url.to_string(),
                        attempts,
                        last_cause,
                    };
                    if attempts >= policy.max_attempts {
                        return Err(give_up(cause));
                    }
                    let delay = policy.delay(attempts, retry_after, jitter());
                    if Instant::now() + delay > deadline {
                        return Err(give_up(format!(
                            "{cause}; waiting {} ms more would exceed the {} s retry budget",
                            delay.as_millis(),
                            policy.max_total.as_secs()
                        )));
                    }
                    tracing::warn!(attempt = attempts, delay_ms = delay.as_millis() as u64, %cause, "M2M token request failed; retrying");
                    tokio::time::sleep(delay).await;
                }
            }
        }
    }

    /// One request to the token endpoint.
    async fn attempt(&self) -> Attempt {
        let secret = self.secret.current();
        let client = BasicClient::new(ClientId::new(self.config.client_id.clone()))
            .set_client_secret(ClientSecret::new(secret.expose_secret().to_owned()))
            .set_auth_type(AuthType::RequestBody)
            .set_token_uri(self.token_url.clone());

        let http = RecordingHttpClient {
            http: self.http.clone(),
            answer: Arc::new(StdMutex::new(None)),
        };
        let result = client
            .exchange_client_credentials()
            .add_extra_param("audience", self.config.audience.as_str())
            .request_async(&http)
            .await;
        let answer = http
            .answer
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take();
        // The tenant's words go into errors and logs: make sure they cannot echo the secret.
        let scrub = |text: &str| match secret.expose_secret() {
            "" => text.to_owned(),
            secret => text.replace(secret, "<redacted>"),
        };

        match (result, answer) {
            (Ok(response), _) => self.token_from(&response),
            (Err(_), Some(answer))
                if answer.status == StatusCode::TOO_MANY_REQUESTS
                    || answer.status.is_server_error() =>
            {
                Attempt::Retryable {
                    cause: format!("the token endpoint answered {}", answer.status),
                    retry_after: answer.retry_after,
                }
            }
            (Err(RequestTokenError::ServerResponse(error)), answer) => {
                Attempt::Refused(self.refusal(answer.map(|a| a.status), &error, scrub))
            }
            (Err(RequestTokenError::Request(error)), _) => Attempt::Retryable {
                cause: scrub(&describe_request_error(&error)),
                retry_after: None,
            },
            (Err(RequestTokenError::Parse(error, _)), Some(answer))
                if answer.status == StatusCode::OK =>
            {
                Attempt::Refused(M2mError::InvalidResponse {
                    token_url: self.config.token_url.to_string(),
                    reason: scrub(&error.to_string()),
                })
            }
            (Err(RequestTokenError::Other(reason)), Some(answer))
                if answer.status == StatusCode::OK =>
            {
                Attempt::Refused(M2mError::InvalidResponse {
                    token_url: self.config.token_url.to_string(),
                    reason: scrub(&reason),
                })
            }
            (Err(_), answer) => Attempt::Refused(M2mError::Rejected {
                status: answer.map_or(0, |a| a.status.as_u16()),
                error: "unreadable_error".into(),
                tenant_said: "an answer that is not Auth0's JSON error body".into(),
            }),
        }
    }

    fn refusal(
        &self,
        status: Option<StatusCode>,
        error: &BasicErrorResponse,
        scrub: impl Fn(&str) -> String,
    ) -> M2mError {
        let said = scrub(error.error_description().map_or("", String::as_str));
        M2mError::from_tenant(
            status.map_or(0, |s| s.as_u16()),
            error.error().as_ref(),
            &said,
            &self.config.client_id,
            &self.config.audience,
        )
    }

    fn token_from(&self, response: &BasicTokenResponse) -> Attempt {
        let value = response.access_token().secret();
        let Some(lifetime) = response.expires_in().or_else(|| jwt_lifetime(value)) else {
            return Attempt::Refused(M2mError::InvalidResponse {
                token_url: self.config.token_url.to_string(),
                reason: "neither expires_in nor a JWT exp to know when it expires".into(),
            });
        };
        let scopes = response
            .scopes()
            .map(|scopes| scopes.iter().map(|s| s.to_string()).collect())
            .unwrap_or_default();
        Attempt::Token(
            M2mToken {
                value: Arc::from(value.as_str()),
                scopes,
            },
            lifetime,
        )
    }
}

/// `exp - iat` of an unverified JWT, for a token response without `expires_in`. Only used to
/// schedule renewal; the token itself is checked by whoever receives it.
fn jwt_lifetime(token: &str) -> Option<Duration> {
    #[derive(serde::Deserialize)]
    struct Times {
        exp: u64,
        iat: u64,
    }
    let times: Times = crate::auth::id_token::decode_payload(token)?;
    times.exp.checked_sub(times.iat).map(Duration::from_secs)
}

/// A network failure in words, with its causes (reqwest's own text names only the URL).
fn describe_request_error(error: &HttpClientError<reqwest::Error>) -> String {
    match error {
        HttpClientError::Reqwest(error) if error.is_timeout() => "the request timed out".into(),
        HttpClientError::Reqwest(error) => {
            let mut text = error.to_string();
            let mut source = std::error::Error::source(error.as_ref());
            while let Some(cause) = source {
                text.push_str(": ");
                text.push_str(&cause.to_string());
                source = cause.source();
            }
            text
        }
        other => other.to_string(),
    }
}

/// Re-reads a file-backed secret whenever the process gets SIGHUP, so a rotated secret is used
/// from the next token request on. Returns `None` (and listens to nothing) when the secret does
/// not come from a file, or signals are unavailable.
pub fn spawn_secret_reload_on_sighup(
    client: Arc<M2mTokenClient>,
) -> Option<tokio::task::JoinHandle<()>> {
    client.secret.file()?;
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut hangups = match signal(SignalKind::hangup()) {
            Ok(hangups) => hangups,
            Err(error) => {
                tracing::warn!(%error, "cannot listen for SIGHUP; the M2M secret file is re-read only when the tenant refuses the secret");
                return None;
            }
        };
        Some(tokio::spawn(async move {
            while hangups.recv().await.is_some() {
                match client.reload_secret() {
                    Ok(true) => tracing::info!("SIGHUP: re-read a new M2M client secret"),
                    Ok(false) => tracing::info!("SIGHUP: the M2M client secret is unchanged"),
                    Err(error) => {
                        tracing::warn!(%error, "SIGHUP: keeping the M2M client secret held")
                    }
                }
            }
        }))
    }
    #[cfg(not(unix))]
    {
        None
    }
}

#[cfg(test)]
mod tests {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;

    use super::*;

    #[test]
    fn the_lifetime_of_a_token_without_expires_in_comes_from_its_claims() {
        let payload = URL_SAFE_NO_PAD.encode(br#"{"iat":1000,"exp":1600}"#);
        let token = format!("e30.{payload}.sig");
        assert_eq!(jwt_lifetime(&token), Some(Duration::from_secs(600)));
        assert_eq!(jwt_lifetime("opaque"), None);
    }

    #[test]
    fn a_token_never_prints() {
        let token = M2mToken {
            value: Arc::from("eyJ.secret.token"),
            scopes: vec!["read:products".into()],
        };
        assert!(!format!("{token:?}").contains("eyJ.secret.token"));
    }
}
