//! The tenant's signing keys, fetched from discovery's `jwks_uri` and held in memory, each
//! parsed once into a ready-to-verify public key.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use aws_lc_rs::signature::{ParsedPublicKey, RsaPublicKeyComponents};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::Deserialize;
use tokio::sync::{Mutex, OnceCell};
use tokio::time::Instant;

use super::signing_algorithm::SigningAlgorithm;
use crate::auth::Issuer;

/// Default minimum time between two key-set fetches caused by unknown `kid`s.
pub const DEFAULT_REFETCH_COOLDOWN: Duration = Duration::from_secs(30);
/// Default limit on each call to the tenant (discovery plus key set), so a hanging tenant
/// cannot hang requests.
pub const DEFAULT_FETCH_TIMEOUT: Duration = Duration::from_secs(5);
/// Default longest wait of a request whose `kid` is unknown for the re-fetch it caused; the
/// fetch itself goes on, under its own timeout, after the request has its answer.
pub const DEFAULT_UNKNOWN_KID_WAIT: Duration = Duration::from_secs(1);
/// Largest discovery or key-set document read; Auth0's are a few KiB.
pub const MAX_DOCUMENT_BYTES: usize = 256 * 1024;

/// How the cache talks to the tenant.
#[derive(Clone, Debug)]
pub struct JwksSettings {
    /// Minimum time between two fetches caused by unknown `kid`s (default 30 s).
    pub cooldown: Duration,
    /// Limit on one whole fetch, connection included (default 5 s).
    pub timeout: Duration,
    /// Longest a request with an unknown `kid` waits for the fetch it caused (default 1 s).
    pub unknown_kid_wait: Duration,
}

impl Default for JwksSettings {
    fn default() -> Self {
        Self {
            cooldown: DEFAULT_REFETCH_COOLDOWN,
            timeout: DEFAULT_FETCH_TIMEOUT,
            unknown_kid_wait: DEFAULT_UNKNOWN_KID_WAIT,
        }
    }
}

/// One RSA signing key of the tenant, parsed for each allowed algorithm it may be used with.
pub struct SigningKey {
    verifiers: Vec<(SigningAlgorithm, ParsedPublicKey)>,
    /// The key's `n` and `e` as published, to tell a republished `kid` with other material.
    material: (String, String),
}

impl SigningKey {
    /// The parsed key for `alg`, or `None` when the key's own `alg` says otherwise or `alg` is
    /// not allowed.
    pub fn verifier(&self, alg: SigningAlgorithm) -> Option<&ParsedPublicKey> {
        self.verifiers
            .iter()
            .find(|(allowed, _)| *allowed == alg)
            .map(|(_, key)| key)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum JwksError {
    #[error("could not reach {url}: {reason}")]
    Unreachable { url: String, reason: String },
    #[error("{url} answered with an unreadable document: {reason}")]
    Unreadable { url: String, reason: String },
    #[error("the tenant did not answer within {0:?}")]
    TimedOut(Duration),
    #[error("the key set holds no usable RSA signing key")]
    NoUsableKeys,
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

pub type KeyRing = HashMap<String, Arc<SigningKey>>;

/// The cached key set of one issuer.
///
/// Keys are looked up by `kid`. An unknown `kid` may mean the tenant rotated its keys, so it
/// triggers a re-fetch, but at most one per cooldown for the whole process: every fetch runs
/// under one lock, so concurrent callers wait for the fetch in flight and then find the fresh
/// keys (or the cooldown). The start-up load and the periodic refresh do not count against
/// the cooldown. On a failed fetch the keys already held keep serving.
pub struct JwksCache {
    issuer: Issuer,
    settings: JwksSettings,
    /// The algorithms tokens may use; keys are prepared for these only.
    algorithms: Vec<SigningAlgorithm>,
    http: reqwest::Client,
    jwks_uri: OnceCell<String>,
    keys: RwLock<Arc<KeyRing>>,
    /// Bumped whenever a key disappears from the set, so results verified with it can be
    /// forgotten (see `VerifiedTokenCache`).
    generation: AtomicU64,
    /// Held during every fetch; holds the time of the last fetch caused by an unknown `kid`.
    fetch: Mutex<Option<Instant>>,
}

impl JwksCache {
    /// A cache for `issuer`'s keys, prepared for `algorithms`. Holds no key until
    /// [`JwksCache::refresh`] or [`JwksCache::load_key_set`].
    pub fn new(issuer: &Issuer, settings: JwksSettings, algorithms: &[SigningAlgorithm]) -> Self {
        // Keys come from the configured tenant only; a redirect elsewhere is not followed.
        let http = crate::outbound_http::outbound_client(settings.timeout);
        Self {
            issuer: issuer.clone(),
            settings,
            algorithms: algorithms.to_vec(),
            http,
            jwks_uri: OnceCell::new(),
            keys: RwLock::new(Arc::new(HashMap::new())),
            generation: AtomicU64::new(0),
            fetch: Mutex::new(None),
        }
    }

    /// The key named `kid`, re-fetching the key set once (per cooldown) if it is unknown. The
    /// caller waits for that fetch at most `unknown_kid_wait`: a hanging tenant delays a refusal
    /// by about a second, not by the fetch's whole timeout, and the fetch finishes on its own.
    pub async fn key(self: &Arc<Self>, kid: &str) -> Option<Arc<SigningKey>> {
        if let Some(key) = self.cached(kid) {
            return Some(key);
        }
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                let (cache, wanted) = (self.clone(), kid.to_owned());
                let fetch = runtime.spawn(async move { cache.fetch_for_unknown(&wanted).await });
                let _ = tokio::time::timeout(self.settings.unknown_kid_wait, fetch).await;
            }
            // No runtime to leave the fetch to (a synchronous caller): wait for it.
            Err(_) => self.fetch_for_unknown(kid).await,
        }
        self.cached(kid)
    }

    /// The on-demand fetch for an unknown `kid`: one per cooldown, behind any in flight.
    async fn fetch_for_unknown(&self, kid: &str) {
        let mut last_on_demand = self.fetch.lock().await;
        // The fetch we waited for may have brought the key.
        if self.cached(kid).is_some()
            || last_on_demand.is_some_and(|at| at.elapsed() < self.settings.cooldown)
        {
            return;
        }
        *last_on_demand = Some(Instant::now());
        if let Err(error) = self.fetch_now().await {
            tracing::warn!(%error, "could not refresh the tenant's signing keys; keeping the ones held");
        }
    }

    /// Fetches the key set now (at start, and from the background refresher).
    pub async fn refresh(&self) -> Result<usize, JwksError> {
        let _in_flight = self.fetch.lock().await;
        self.fetch_now().await
    }

    /// Replaces the held keys with the usable ones of a JWKS document. Fails, keeping the
    /// keys held, when the document has no usable key.
    pub fn load_key_set(&self, document: &[u8]) -> Result<usize, JwksError> {
        let keys = usable_keys(document, &self.algorithms)?;
        if keys.is_empty() {
            return Err(JwksError::NoUsableKeys);
        }
        let count = keys.len();
        let mut held = self.keys.write().expect("key lock");
        // A key withdrawn, or republished under its `kid` with other material: tokens it
        // verified must be verified again.
        let replaced = held
            .iter()
            .any(|(kid, old)| keys.get(kid).is_none_or(|new| new.material != old.material));
        if replaced {
            self.generation.fetch_add(1, Ordering::SeqCst);
        }
        *held = Arc::new(keys);
        Ok(count)
    }

    /// How many keys are held; zero until the first successful fetch.
    pub fn len(&self) -> usize {
        self.keys.read().expect("key lock").len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Changes whenever a key is withdrawn from the set or its `kid` names other material.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    fn cached(&self, kid: &str) -> Option<Arc<SigningKey>> {
        self.keys.read().expect("key lock").get(kid).cloned()
    }

    /// One fetch of discovery (first time only) and the key set, bounded as a whole by the
    /// timeout. Callers hold `self.fetch`.
    async fn fetch_now(&self) -> Result<usize, JwksError> {
        let timeout = self.settings.timeout;
        let document = tokio::time::timeout(timeout, async {
            let jwks_uri = self
                .jwks_uri
                .get_or_try_init(|| async {
                    let url = self.issuer.endpoint(".well-known/openid-configuration");
                    let body = self.get(&url).await?;
                    let discovery: Discovery =
                        serde_json::from_slice(&body).map_err(|e| JwksError::Unreadable {
                            url: url.clone(),
                            reason: e.to_string(),
                        })?;
                    Ok::<_, JwksError>(discovery.jwks_uri)
                })
                .await?;
            self.get(jwks_uri).await
        })
        .await
        .map_err(|_| JwksError::TimedOut(timeout))??;
        self.load_key_set(&document)
    }

    /// GETs `url`, reading at most [`MAX_DOCUMENT_BYTES`].
    async fn get(&self, url: &str) -> Result<Vec<u8>, JwksError> {
        let unreachable = |reason: String| JwksError::Unreachable {
            url: url.to_owned(),
            reason,
        };
        let mut response = self
            .http
            .get(url)
            .send()
            .await
            .map_err(|e| unreachable(e.to_string()))?
            .error_for_status()
            .map_err(|e| unreachable(e.to_string()))?;
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| unreachable(e.to_string()))?
        {
            if body.len() + chunk.len() > MAX_DOCUMENT_BYTES {
                return Err(JwksError::Unreadable {
                    url: url.to_owned(),
                    reason: format!("larger than {MAX_DOCUMENT_BYTES} bytes"),
                });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }
}

/// The keys of a JWKS document that tokens signed with `allowed` algorithms can be checked
/// with, by `kid`. `doctor` counts them with the same rules the validator uses.
pub fn usable_keys(document: &[u8], allowed: &[SigningAlgorithm]) -> Result<KeyRing, JwksError> {
    let set: KeySet = serde_json::from_slice(document).map_err(|e| JwksError::Unreadable {
        url: "the key set".into(),
        reason: e.to_string(),
    })?;
    Ok(set
        .keys
        .into_iter()
        .filter_map(|jwk| usable_rsa_key(jwk, allowed))
        .collect())
}

/// Keeps RSA keys meant for signatures (`use` absent or `sig`) whose `alg`, when stated, is
/// one we accept; each is parsed for every allowed algorithm it may serve.
fn usable_rsa_key(
    jwk: serde_json::Value,
    allowed: &[SigningAlgorithm],
) -> Option<(String, Arc<SigningKey>)> {
    let jwk: RsaJwk = serde_json::from_value(jwk).ok()?;
    if jwk.kty != "RSA" || jwk.use_.as_deref().is_some_and(|u| u != "sig") {
        return None;
    }
    let key_alg = match jwk.alg.as_deref() {
        None => None,
        Some(name) => Some(SigningAlgorithm::from_name(name)?),
    };
    let n = URL_SAFE_NO_PAD.decode(&jwk.n).ok()?;
    let e = URL_SAFE_NO_PAD.decode(&jwk.e).ok()?;
    let components = RsaPublicKeyComponents {
        n: n.as_slice(),
        e: e.as_slice(),
    };
    let verifiers: Vec<_> = allowed
        .iter()
        .copied()
        .filter(|alg| key_alg.is_none_or(|key_alg| key_alg == *alg))
        .filter_map(|alg| Some((alg, components.to_parsed_public_key(alg.parameters()).ok()?)))
        .collect();
    if verifiers.is_empty() {
        return None;
    }
    let material = (jwk.n, jwk.e);
    Some((
        jwk.kid,
        Arc::new(SigningKey {
            verifiers,
            material,
        }),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cache() -> JwksCache {
        JwksCache::new(
            &Issuer::from_checked("http://127.0.0.1:9/".into()),
            JwksSettings::default(),
            &[SigningAlgorithm::RS256],
        )
    }

    /// The `n` of a fresh 2048-bit key (aws-lc-rs refuses smaller ones).
    fn modulus() -> String {
        use aws_lc_rs::rsa::{KeyPair, KeySize, PublicKeyComponents};
        use aws_lc_rs::signature::KeyPair as _;
        let pair = KeyPair::generate(KeySize::Rsa2048).unwrap();
        let components = PublicKeyComponents::<Vec<u8>>::from(pair.public_key());
        URL_SAFE_NO_PAD.encode(components.n)
    }

    #[test]
    fn keeps_only_rsa_signing_keys_for_allowed_algorithms() {
        let n = modulus();
        let n = n.as_str();
        let document = serde_json::json!({ "keys": [
            { "kty": "RSA", "kid": "plain", "n": n, "e": "AQAB" },
            { "kty": "RSA", "kid": "sig", "use": "sig", "alg": "RS256", "n": n, "e": "AQAB" },
            { "kty": "RSA", "kid": "enc", "use": "enc", "n": n, "e": "AQAB" },
            { "kty": "RSA", "kid": "rs512", "alg": "RS512", "n": n, "e": "AQAB" },
            { "kty": "RSA", "kid": "hs", "alg": "HS256", "n": n, "e": "AQAB" },
            { "kty": "EC", "kid": "ec", "crv": "P-256", "x": "x", "y": "y" },
            { "kty": "oct", "kid": "oct", "k": "c2VjcmV0" },
        ]});
        let cache = cache();
        assert_eq!(
            cache.load_key_set(document.to_string().as_bytes()).unwrap(),
            2
        );
        assert!(cache.cached("plain").is_some());
        assert!(cache
            .cached("sig")
            .unwrap()
            .verifier(SigningAlgorithm::RS256)
            .is_some());
        for kid in ["enc", "rs512", "hs", "ec", "oct"] {
            assert!(cache.cached(kid).is_none(), "{kid}");
        }
    }

    #[test]
    fn a_key_set_without_usable_keys_keeps_the_keys_held() {
        let n = modulus();
        let n = n.as_str();
        let cache = cache();
        let good =
            serde_json::json!({ "keys": [{ "kty": "RSA", "kid": "k1", "n": n, "e": "AQAB" }] });
        cache.load_key_set(good.to_string().as_bytes()).unwrap();
        assert!(matches!(
            cache.load_key_set(br#"{"keys":[]}"#),
            Err(JwksError::NoUsableKeys)
        ));
        assert!(cache.load_key_set(b"not json").is_err());
        assert_eq!(cache.len(), 1);
    }

    #[test]
    fn withdrawing_a_key_changes_the_generation() {
        let n = modulus();
        let n = n.as_str();
        let cache = cache();
        let one =
            serde_json::json!({ "keys": [{ "kty": "RSA", "kid": "k1", "n": n, "e": "AQAB" }] });
        let two = serde_json::json!({ "keys": [
            { "kty": "RSA", "kid": "k1", "n": n, "e": "AQAB" },
            { "kty": "RSA", "kid": "k2", "n": n, "e": "AQAB" },
        ]});
        cache.load_key_set(one.to_string().as_bytes()).unwrap();
        let start = cache.generation();
        cache.load_key_set(two.to_string().as_bytes()).unwrap();
        assert_eq!(
            cache.generation(),
            start,
            "adding a key keeps verified tokens"
        );
        cache.load_key_set(one.to_string().as_bytes()).unwrap();
        assert_ne!(cache.generation(), start, "withdrawing one forgets them");
    }
}
