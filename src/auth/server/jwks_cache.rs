//! The tenant's signing keys, fetched from discovery's `jwks_uri` and held in memory.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use jsonwebtoken::{Algorithm, DecodingKey};
use serde::Deserialize;
use tokio::sync::{Mutex, OnceCell};
use tokio::time::Instant;

/// Default minimum time between two key-set fetches caused by unknown `kid`s.
pub const DEFAULT_REFETCH_COOLDOWN: Duration = Duration::from_secs(30);
/// Default limit on each call to the tenant, so a hanging tenant cannot hang requests.
pub const DEFAULT_FETCH_TIMEOUT: Duration = Duration::from_secs(5);

/// One usable RSA signing key.
pub struct SigningKey {
    pub key: DecodingKey,
    /// The key's `alg`, when the key set states it; a token must then use exactly it.
    pub alg: Option<Algorithm>,
}

#[derive(Debug, thiserror::Error)]
pub enum JwksError {
    #[error("could not reach {url}: {reason}")]
    Unreachable { url: String, reason: String },
    #[error("{url} answered with an unreadable document: {reason}")]
    Unreadable { url: String, reason: String },
}

#[derive(Deserialize)]
struct Discovery {
    jwks_uri: String,
}

#[derive(Deserialize)]
struct KeySet {
    keys: Vec<serde_json::Value>,
}

#[derive(Deserialize)]
struct RsaJwk {
    kty: String,
    kid: String,
    n: String,
    e: String,
    #[serde(rename = "use", default)]
    use_: Option<String>,
    #[serde(default)]
    alg: Option<String>,
}

/// The cached key set of one issuer.
///
/// Keys are looked up by `kid`. An unknown `kid` may mean the tenant rotated its keys, so it
/// triggers a re-fetch, but at most one per cooldown for the whole process: concurrent callers
/// queue on one lock and find the fresh keys (or the cooldown) when they get it. On a failed
/// fetch the keys already held keep serving.
pub struct JwksCache {
    issuer: String,
    http: reqwest::Client,
    jwks_uri: OnceCell<String>,
    keys: RwLock<Arc<HashMap<String, Arc<SigningKey>>>>,
    last_fetch: Mutex<Option<Instant>>,
    cooldown: Duration,
}

impl JwksCache {
    pub fn new(issuer: &str, cooldown: Duration, timeout: Duration) -> Self {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .build()
            .expect("an HTTP client with only timeouts configured always builds");
        Self {
            issuer: issuer.to_owned(),
            http,
            jwks_uri: OnceCell::new(),
            keys: RwLock::new(Arc::new(HashMap::new())),
            last_fetch: Mutex::new(None),
            cooldown,
        }
    }

    /// The key named `kid`, re-fetching the key set once (per cooldown) if it is unknown.
    pub async fn key(&self, kid: &str) -> Option<Arc<SigningKey>> {
        if let Some(key) = self.cached(kid) {
            return Some(key);
        }
        let mut last_fetch = self.last_fetch.lock().await;
        // Someone may have fetched while we waited for the lock.
        if let Some(key) = self.cached(kid) {
            return Some(key);
        }
        if last_fetch.is_some_and(|at| at.elapsed() < self.cooldown) {
            return None;
        }
        *last_fetch = Some(Instant::now());
        if let Err(error) = self.fetch().await {
            tracing::warn!(%error, "could not refresh the tenant's signing keys; keeping the ones held");
        }
        self.cached(kid)
    }

    /// Fetches the key set now (at start, and from the background refresher).
    pub async fn refresh(&self) -> Result<usize, JwksError> {
        *self.last_fetch.lock().await = Some(Instant::now());
        self.fetch().await
    }

    /// How many keys are held; zero until the first successful fetch.
    pub fn len(&self) -> usize {
        self.keys.read().expect("key lock").len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn cached(&self, kid: &str) -> Option<Arc<SigningKey>> {
        self.keys.read().expect("key lock").get(kid).cloned()
    }

    async fn fetch(&self) -> Result<usize, JwksError> {
        let jwks_uri = self
            .jwks_uri
            .get_or_try_init(|| async {
                let url = format!("{}.well-known/openid-configuration", self.issuer);
                let discovery: Discovery = self.get_json(&url).await?;
                Ok::<_, JwksError>(discovery.jwks_uri)
            })
            .await?;
        let set: KeySet = self.get_json(jwks_uri).await?;
        let keys: HashMap<_, _> = set.keys.into_iter().filter_map(usable_rsa_key).collect();
        let count = keys.len();
        *self.keys.write().expect("key lock") = Arc::new(keys);
        Ok(count)
    }

    async fn get_json<T: for<'de> Deserialize<'de>>(&self, url: &str) -> Result<T, JwksError> {
        let unreachable = |reason: String| JwksError::Unreachable {
            url: url.to_owned(),
            reason,
        };
        let response = self
            .http
            .get(url)
            .send()
            .await
            .map_err(|e| unreachable(e.to_string()))?
            .error_for_status()
            .map_err(|e| unreachable(e.to_string()))?;
        response.json().await.map_err(|e| JwksError::Unreadable {
            url: url.to_owned(),
            reason: e.to_string(),
        })
    }
}

/// Keeps RSA keys meant for signatures (`use` absent or `sig`) with an `alg` we understand.
fn usable_rsa_key(jwk: serde_json::Value) -> Option<(String, Arc<SigningKey>)> {
    let jwk: RsaJwk = serde_json::from_value(jwk).ok()?;
    if jwk.kty != "RSA" || jwk.use_.as_deref().is_some_and(|u| u != "sig") {
        return None;
    }
    let alg = match jwk.alg.as_deref() {
        None => None,
        Some(name) => Some(name.parse::<Algorithm>().ok()?),
    };
    let key = DecodingKey::from_rsa_components(&jwk.n, &jwk.e).ok()?;
    Some((jwk.kid, Arc::new(SigningKey { key, alg })))
}
