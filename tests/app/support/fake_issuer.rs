//! An issuer the test controls: discovery and a JWKS with keys made here, so tests can sign any
//! header and any claims, and count (or stall) every key-set fetch. It also serves a second,
//! "attacker" key set, to prove that a token's `jku` is never followed.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use aws_lc_rs::rsa::{KeyPair, KeySize, PublicKeyComponents};
use aws_lc_rs::signature::{KeyPair as _, RSA_PKCS1_SHA256};
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Value};
use tokio::net::TcpListener;

/// An RSA-2048 key with a `kid`, that signs whatever it is given.
pub struct TestKey {
    pub kid: String,
    pair: KeyPair,
}

impl TestKey {
    pub fn generate(kid: &str) -> Self {
        Self {
            kid: kid.to_owned(),
            pair: KeyPair::generate(KeySize::Rsa2048).unwrap(),
        }
    }

    /// The public JWK, as Auth0 publishes it.
    pub fn jwk(&self) -> Value {
        let public = PublicKeyComponents::<Vec<u8>>::from(self.pair.public_key());
        json!({
            "kty": "RSA",
            "use": "sig",
            "alg": "RS256",
            "kid": self.kid,
            "n": URL_SAFE_NO_PAD.encode(&public.n),
            "e": URL_SAFE_NO_PAD.encode(&public.e),
        })
    }

    /// The public key's DER, the "secret" of the classic HS256 key-confusion attack.
    pub fn public_key_der(&self) -> Vec<u8> {
        self.pair.public_key().as_ref().to_vec()
    }

    /// `header.payload.signature` with an RS256 signature over exactly these JSON texts.
    pub fn sign_raw(&self, header: &str, payload: &str) -> String {
        let input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header),
            URL_SAFE_NO_PAD.encode(payload)
        );
        let mut signature = vec![0; self.pair.public_modulus_len()];
        let rng = aws_lc_rs::rand::SystemRandom::new();
        self.pair
            .sign(&RSA_PKCS1_SHA256, &rng, input.as_bytes(), &mut signature)
            .unwrap();
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature))
    }

    /// Signs `claims` with the header `{"alg":"RS256","typ":"JWT","kid":…}`.
    pub fn sign(&self, claims: &Value) -> String {
        self.sign_raw(&self.header().to_string(), &claims.to_string())
    }

    pub fn header(&self) -> Value {
        json!({ "alg": "RS256", "typ": "JWT", "kid": self.kid })
    }
}

#[derive(Default)]
struct IssuerState {
    keys: Mutex<Vec<Value>>,
    attacker_keys: Mutex<Vec<Value>>,
    jwks_fetches: AtomicU64,
    /// Key-set requests the client gave up on while they hung (their handler was dropped).
    abandoned_fetches: AtomicU64,
    attacker_fetches: AtomicU64,
    hang: AtomicBool,
}

/// A running test issuer at `issuer` (`http://127.0.0.1:<port>/`).
pub struct FakeIssuer {
    pub addr: SocketAddr,
    pub issuer: String,
    state: Arc<IssuerState>,
}

impl FakeIssuer {
    /// Serves discovery and a JWKS holding `keys`.
    pub async fn start(keys: &[&TestKey]) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let issuer = format!("http://{addr}/");
        let state = Arc::new(IssuerState::default());
        *state.keys.lock().unwrap() = keys.iter().map(|k| k.jwk()).collect();
        let discovery = json!({
            "issuer": issuer,
            "jwks_uri": format!("{issuer}.well-known/jwks.json"),
        });
        let router = Router::new()
            .route(
                "/.well-known/openid-configuration",
                get(move || async move { Json(discovery) }),
            )
            .route("/.well-known/jwks.json", get(jwks))
            .route("/attacker/jwks.json", get(attacker_jwks))
            .with_state(state.clone());
        tokio::spawn(async move { axum::serve(listener, router).await });
        Self {
            addr,
            issuer,
            state,
        }
    }

    /// The URL of the attacker's key set (served by the same server, counted apart).
    pub fn attacker_jwks_url(&self) -> String {
        format!("{}attacker/jwks.json", self.issuer)
    }

    pub fn publish_attacker_key(&self, key: &TestKey) {
        self.state.attacker_keys.lock().unwrap().push(key.jwk());
    }

    /// From now on, the JWKS endpoint accepts requests and never answers (a hanging tenant).
    pub fn hang(&self, hang: bool) {
        self.state.hang.store(hang, Ordering::SeqCst);
    }

    pub fn jwks_fetches(&self) -> u64 {
        self.state.jwks_fetches.load(Ordering::SeqCst)
    }

    /// Hanging key-set requests the client has given up on.
    pub fn abandoned_fetches(&self) -> u64 {
        self.state.abandoned_fetches.load(Ordering::SeqCst)
    }

    pub fn attacker_fetches(&self) -> u64 {
        self.state.attacker_fetches.load(Ordering::SeqCst)
    }

    /// Claims that pass every check: ours as issuer, the default audience, an hour to live.
    pub fn claims(&self) -> Value {
        let now = now();
        json!({
            "iss": self.issuer,
            "sub": "auth0|shopper",
            "aud": [dev_tenant::DEFAULT_AUDIENCE, format!("{}userinfo", self.issuer)],
            "azp": dev_tenant::DEFAULT_SPA_CLIENT_ID,
            "iat": now,
            "exp": now + 3600,
            "scope": "openid read:products",
            "permissions": ["read:products"],
        })
    }
}

/// Counts a hanging key-set request as abandoned when the client drops it.
struct AbandonedOnDrop(Arc<IssuerState>);

impl Drop for AbandonedOnDrop {
    fn drop(&mut self) {
        self.0.abandoned_fetches.fetch_add(1, Ordering::SeqCst);
    }
}

async fn jwks(State(state): State<Arc<IssuerState>>) -> Json<Value> {
    state.jwks_fetches.fetch_add(1, Ordering::SeqCst);
    if state.hang.load(Ordering::SeqCst) {
        let _abandoned = AbandonedOnDrop(state.clone());
        std::future::pending::<()>().await;
    }
    Json(json!({ "keys": *state.keys.lock().unwrap() }))
}

async fn attacker_jwks(State(state): State<Arc<IssuerState>>) -> Json<Value> {
    state.attacker_fetches.fetch_add(1, Ordering::SeqCst);
    Json(json!({ "keys": *state.attacker_keys.lock().unwrap() }))
}

/// Seconds since the Unix epoch.
pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}
