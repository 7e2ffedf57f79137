//! Which refresh tokens the tabs have spent, and the token set that replaced them.
//!
//! A tab that takes the refresh lock must know what the previous holder did, or it may spend
//! the same rotating refresh token again and make the tenant revoke the whole family. The
//! previous holder's localStorage writes may not have reached this tab's renderer yet, so the
//! answer travels through IndexedDB instead: the holder records "this token is spent, this is
//! the new set" in a transaction and waits for it to commit before it releases the lock, and the
//! next holder reads the ledger under the lock. Correct by construction, not by a delay.
//!
//! The ledger keeps SHA-256 hashes of spent tokens (never the spent tokens themselves) and the
//! newest set; it is emptied at sign-out and when the tenant refuses the session.

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::IdbTransactionMode;

use super::indexed_db::{self, committed, settled, IndexedDbError, REFRESH_LEDGER};

use crate::auth::pkce::sha256_base64url;

const RECORD_KEY: &str = "ledger";
/// How many spent tokens are remembered: far more than the rotations a tab can miss between
/// two of its own looks at the ledger.
const SPENT_KEPT: u32 = 32;

/// The set that replaced `refresh_token`, if a tab has spent it.
pub async fn successor_of(
    refresh_token: &str,
) -> Result<Option<Vec<(String, String)>>, IndexedDbError> {
    let Some(record) = read().await? else {
        return Ok(None);
    };
    let spent = Array::from(&Reflect::get(&record, &"spent".into())?);
    let hash = JsValue::from_str(&fingerprint(refresh_token));
    if !spent.includes(&hash, 0) {
        return Ok(None);
    }
    let latest = Reflect::get(&record, &"latest".into())?;
    Ok(Some(entries_of(&latest)))
}

/// Records that `spent` was exchanged for the set now in `latest`, and returns once every tab
/// can see it.
pub async fn record_rotation(
    spent: &str,
    latest: &[(String, String)],
) -> Result<(), IndexedDbError> {
    let previous = read().await?;
    let spent_list = previous
        .as_ref()
        .and_then(|r| Reflect::get(r, &"spent".into()).ok())
        .map(|v| Array::from(&v))
        .unwrap_or_default();
    spent_list.push(&JsValue::from_str(&fingerprint(spent)));
    while spent_list.length() > SPENT_KEPT {
        spent_list.shift();
    }
    let latest_object = Object::new();
    for (key, value) in latest {
        Reflect::set(&latest_object, &key.into(), &value.into())?;
    }
    let record = Object::new();
    Reflect::set(&record, &"spent".into(), &spent_list)?;
    Reflect::set(&record, &"latest".into(), &latest_object)?;

    let database = indexed_db::open().await?;
    let (transaction, store) =
        indexed_db::transaction(&database, REFRESH_LEDGER, IdbTransactionMode::Readwrite)?;
    store.put_with_key(&record, &RECORD_KEY.into())?;
    committed(&transaction).await?;
    database.close();
    Ok(())
}

/// Forgets everything: the tokens it holds must not outlive the session.
pub async fn clear() -> Result<(), IndexedDbError> {
    let database = indexed_db::open().await?;
    let (transaction, store) =
        indexed_db::transaction(&database, REFRESH_LEDGER, IdbTransactionMode::Readwrite)?;
    store.delete(&RECORD_KEY.into())?;
    committed(&transaction).await?;
    database.close();
    Ok(())
}

async fn read() -> Result<Option<Object>, IndexedDbError> {
    let database = indexed_db::open().await?;
    let (_transaction, store) =
        indexed_db::transaction(&database, REFRESH_LEDGER, IdbTransactionMode::Readonly)?;
    let value = settled(&store.get(&RECORD_KEY.into())?).await?;
    database.close();
    Ok(value.dyn_into::<Object>().ok())
}

fn entries_of(object: &JsValue) -> Vec<(String, String)> {
    let Some(object) = object.dyn_ref::<Object>() else {
        return Vec::new();
    };
    Object::entries(object)
        .iter()
        .filter_map(|pair| {
            let pair = Array::from(&pair);
            Some((pair.get(0).as_string()?, pair.get(1).as_string()?))
        })
        .collect()
}

/// base64url(SHA-256(token)): enough to recognise a token, useless to spend it.
fn fingerprint(token: &str) -> String {
    sha256_base64url(token)
}
