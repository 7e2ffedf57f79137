//! Making DPoP proofs (RFC 9449 §4.2) with the browser's key, and remembering the nonces
//! servers hand out (`DPoP-Nonce`).
//!
//! A proof is a JWT with `typ: dpop+jwt`, `alg: ES256` and the public `jwk` in its header, and
//! `jti` (random), `htm`, `htu` (the URL without query and fragment), `iat`, `ath` (at the
//! resource server: the hash of the access token) and `nonce` (when the server asked for one)
//! in its claims. WebCrypto's ECDSA signature is already JWS's `r || s`.
//!
//! JSON is written by hand (every string through `JSON.stringify`) so serde_json stays out of
//! this code's chunk.

use std::cell::RefCell;
use std::collections::HashMap;

use js_sys::{Object, Reflect, Uint8Array, JSON};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

use super::clock::now_secs;
use super::dpop_key::{
    key_pair, public_jwk, subtle, DpopKeyError, DpopKeyPair, KeyPairError, KeyUse,
};
use super::random::random_token;
use crate::auth::pkce::{access_token_hash, base64url};
use crate::wasm_chunks::in_chunk;

thread_local! {
    /// The last nonce each origin handed out: the tenant's and the app's differ.
    static NONCES: RefCell<HashMap<String, String>> = RefCell::new(HashMap::new());
}

/// sessionStorage key prefix of a remembered nonce, so a reload does not cost a refused call.
/// A nonce is no secret: the server sends it to anyone who asks.
const NONCE_KEY_PREFIX: &str = "aura_dpop_nonce:";

/// What a proof is for.
pub struct ProofRequest {
    pub method: String,
    /// The request's URL; its query and fragment are left out of `htu`.
    pub url: String,
    /// The access token sent with it, at a resource server (`ath`); `None` at the token
    /// endpoint.
    pub access_token: Option<String>,
    /// Whether the proof may make the key: only for the code exchange.
    pub key_use: KeyUse,
}

/// Why no proof was made; nothing was sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProofError {
    /// The key these tokens are bound to was deleted (a sign-out in another tab): the session
    /// is over.
    KeyGone,
    /// The browser could not make one (WebCrypto or IndexedDB failed): a later try may work.
    Failed(String),
}

impl std::fmt::Display for ProofError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProofError::KeyGone => f.write_str("the DPoP key these tokens are bound to is gone"),
            ProofError::Failed(problem) => f.write_str(problem),
        }
    }
}

/// Remembers the nonce `origin_of(url)` answered with, for the next proof sent there.
pub fn remember_nonce(url: &str, nonce: &str) {
    let origin = origin_of(url);
    NONCES.with(|nonces| {
        nonces
            .borrow_mut()
            .insert(origin.to_owned(), nonce.to_owned())
    });
    if let Some(storage) = session_storage() {
        let _ = storage.set_item(&format!("{NONCE_KEY_PREFIX}{origin}"), nonce);
    }
}

fn nonce_for(url: &str) -> Option<String> {
    let origin = origin_of(url);
    NONCES
        .with(|nonces| nonces.borrow().get(origin).cloned())
        .or_else(|| {
            session_storage()?
                .get_item(&format!("{NONCE_KEY_PREFIX}{origin}"))
                .ok()
                .flatten()
        })
}

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

/// `scheme://host[:port]` of an absolute URL.
fn origin_of(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |at| at + 3);
    let end = url[after_scheme..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |at| at + after_scheme);
    &url[..end]
}

in_chunk!(
    dpop,
    /// A fresh proof for `request`, signed with the browser's key (made on first use). In the
    /// `dpop` chunk of a split build: only sign-in, refresh and protected calls with DPoP on
    /// need it.
    pub async fn make_proof(request: ProofRequest) -> Result<String, ProofError> {
        sign_proof(request).await
    }
);

async fn sign_proof(request: ProofRequest) -> Result<String, ProofError> {
    let pair = match key_pair(request.key_use).await {
        Ok(pair) => pair,
        Err(KeyPairError::Gone) => return Err(ProofError::KeyGone),
        Err(KeyPairError::Failed(error)) => return Err(ProofError::Failed(error.to_string())),
    };
    proof(&request, &pair)
        .await
        .map_err(|error| ProofError::Failed(error.to_string()))
}

async fn proof(request: &ProofRequest, pair: &DpopKeyPair) -> Result<String, DpopKeyError> {
    let (x, y) = public_jwk(pair).await?;
    let header = format!(
        r#"{{"typ":"dpop+jwt","alg":"ES256","jwk":{{"kty":"EC","crv":"P-256","x":{},"y":{}}}}}"#,
        json_string(&x),
        json_string(&y)
    );
    let htu = request.url.split(['?', '#']).next().unwrap_or_default();
    let jti = random_token().map_err(DpopKeyError)?;
    let mut claims = format!(
        r#"{{"jti":{},"htm":{},"htu":{},"iat":{}"#,
        json_string(&jti),
        json_string(&request.method),
        json_string(htu),
        now_secs()
    );
    if let Some(token) = &request.access_token {
        let ath = access_token_hash(token);
        claims.push_str(&format!(r#","ath":{}"#, json_string(&ath)));
    }
    if let Some(nonce) = nonce_for(&request.url) {
        claims.push_str(&format!(r#","nonce":{}"#, json_string(&nonce)));
    }
    claims.push('}');
    let signing_input = format!(
        "{}.{}",
        base64url(header.as_bytes()),
        base64url(claims.as_bytes())
    );

    let algorithm = Object::new();
    Reflect::set(&algorithm, &"name".into(), &"ECDSA".into())?;
    Reflect::set(&algorithm, &"hash".into(), &"SHA-256".into())?;
    let signed = subtle()?.sign_with_object_and_u8_array(
        &algorithm,
        &pair.private_key,
        signing_input.as_bytes(),
    )?;
    let signature = Uint8Array::new(&JsFuture::from(signed).await?).to_vec();
    Ok(format!("{signing_input}.{}", base64url(&signature)))
}

/// `text` as a JSON string literal.
fn json_string(text: &str) -> String {
    JSON::stringify(&JsValue::from_str(text))
        .ok()
        .and_then(|json| json.as_string())
        .unwrap_or_else(|| "\"\"".to_owned())
}
