//! The browser's DPoP key: one ECDSA P-256 key pair made by WebCrypto with `extractable:
//! false`, kept in IndexedDB (DESIGN §2 "DPoP").
//!
//! IndexedDB stores the `CryptoKey` objects themselves (structured clone), never their bytes:
//! the private key can sign in any tab of this origin but cannot be read out by any script, so
//! a token copied out of storage is useless elsewhere. Every tab shares the one pair; a tab that
//! finds none makes one and `add`s it, which fails if another tab got there first — it then
//! uses that one, so two tabs never bind tokens to different keys.
//!
//! Only the code exchange, which starts a binding, may make a key ([`KeyUse::NewBinding`]).
//! Every later proof is for tokens bound to the stored key; if it is gone (another tab signed
//! out), a new one would only make proofs those tokens refuse, so none is made.

use js_sys::{Array, Object, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{CryptoKey, IdbTransactionMode, SubtleCrypto};

use super::indexed_db::{self, committed, settled, IndexedDbError, DPOP_KEYS};

const RECORD_KEY: &str = "current";

/// The key pair, as WebCrypto handles.
pub struct DpopKeyPair {
    pub private_key: CryptoKey,
    pub public_key: CryptoKey,
}

/// Why no key could be had; the browser's own message, for the console.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the DPoP key: {0}")]
pub struct DpopKeyError(pub String);

impl From<JsValue> for DpopKeyError {
    fn from(value: JsValue) -> Self {
        Self(IndexedDbError::from(value).0)
    }
}

impl From<IndexedDbError> for DpopKeyError {
    fn from(error: IndexedDbError) -> Self {
        Self(error.0)
    }
}

/// The browser's WebCrypto.
pub fn subtle() -> Result<SubtleCrypto, DpopKeyError> {
    let crypto = web_sys::window()
        .ok_or_else(|| DpopKeyError("no window".into()))?
        .crypto()
        .map_err(|_| DpopKeyError("this browser has no Web Crypto".into()))?;
    Ok(crypto.subtle())
}

/// `{ name: "ECDSA", namedCurve: "P-256" }`.
fn p256() -> Result<Object, JsValue> {
    let algorithm = Object::new();
    Reflect::set(&algorithm, &"name".into(), &"ECDSA".into())?;
    Reflect::set(&algorithm, &"namedCurve".into(), &"P-256".into())?;
    Ok(algorithm)
}

/// Whether a proof may make the key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyUse {
    /// The code exchange: tokens are about to be bound to the key, made now if there is none.
    NewBinding,
    /// A refresh or a protected call: tokens already bound to the stored key.
    Bound,
}

/// Why no key pair could be had.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyPairError {
    /// There is no stored key, and these tokens are bound to the one that was deleted.
    Gone,
    /// The browser refused (no WebCrypto, IndexedDB unavailable…).
    Failed(DpopKeyError),
}

impl<E: Into<DpopKeyError>> From<E> for KeyPairError {
    fn from(error: E) -> Self {
        Self::Failed(error.into())
    }
}

/// The stored pair; for [`KeyUse::NewBinding`], a new one stored for every tab if there is none.
pub async fn key_pair(key_use: KeyUse) -> Result<DpopKeyPair, KeyPairError> {
    if let Some(pair) = stored().await? {
        return Ok(pair);
    }
    if key_use == KeyUse::Bound {
        return Err(KeyPairError::Gone);
    }
    let usages = Array::of1(&"sign".into());
    let generated = subtle()?.generate_key_with_object(&p256()?, false, &usages)?;
    let pair = JsFuture::from(generated).await?;
    let database = indexed_db::open().await?;
    let (transaction, store) =
        indexed_db::transaction(&database, DPOP_KEYS, IdbTransactionMode::Readwrite)?;
    // `add`, not `put`: another tab's pair, stored meanwhile, wins.
    store.add_with_key(&pair, &RECORD_KEY.into())?;
    let outcome = committed(&transaction).await;
    database.close();
    match outcome {
        Ok(()) => Ok(record_of(&pair)?),
        Err(_) => stored()
            .await?
            .ok_or_else(|| DpopKeyError("the key could not be stored".into()).into()),
    }
}

/// Deletes the pair (at sign-out): tokens bound to it can never be used again, even by this
/// browser.
pub async fn delete_key_pair() -> Result<(), DpopKeyError> {
    let database = indexed_db::open().await?;
    let (transaction, store) =
        indexed_db::transaction(&database, DPOP_KEYS, IdbTransactionMode::Readwrite)?;
    store.delete(&RECORD_KEY.into())?;
    committed(&transaction).await?;
    database.close();
    Ok(())
}

/// The public key as a JWK with only its public members (`kty`, `crv`, `x`, `y`).
pub async fn public_jwk(pair: &DpopKeyPair) -> Result<(String, String), DpopKeyError> {
    let exported: Promise = subtle()?.export_key("jwk", &pair.public_key)?;
    let jwk = JsFuture::from(exported).await?;
    let member = |name: &str| {
        Reflect::get(&jwk, &name.into())
            .ok()
            .and_then(|value| value.as_string())
            .ok_or_else(|| DpopKeyError(format!("the exported key has no {name}")))
    };
    Ok((member("x")?, member("y")?))
}

async fn stored() -> Result<Option<DpopKeyPair>, DpopKeyError> {
    let database = indexed_db::open().await?;
    let (_transaction, store) =
        indexed_db::transaction(&database, DPOP_KEYS, IdbTransactionMode::Readonly)?;
    let value = settled(&store.get(&RECORD_KEY.into())?).await?;
    database.close();
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    record_of(&value).map(Some)
}

/// A `CryptoKeyPair` as stored.
fn record_of(value: &JsValue) -> Result<DpopKeyPair, DpopKeyError> {
    let key = |name: &str| {
        Reflect::get(value, &name.into())?
            .dyn_into::<CryptoKey>()
            .map_err(|_| DpopKeyError(format!("the stored key has no {name}")))
    };
    Ok(DpopKeyPair {
        private_key: key("privateKey")?,
        public_key: key("publicKey")?,
    })
}
