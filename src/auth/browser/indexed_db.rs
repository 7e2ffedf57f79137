//! The app's IndexedDB database, `aura-auth`, as a few awaitable calls.
//!
//! IndexedDB is what the tabs of one origin share consistently: a transaction that has
//! completed is seen by every transaction any tab starts afterwards. localStorage gives no such
//! promise (a write reaches the other tabs' renderer processes some time later), which is why
//! state that decides what a tab may do next — the refresh ledger — lives here.

use js_sys::Promise;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbObjectStore, IdbRequest, IdbTransaction, IdbTransactionMode};

const DATABASE: &str = "aura-auth";
/// 2: the DPoP key's store. Opening at a higher version creates the stores that are missing.
const VERSION: u32 = 2;
/// Records that decide cross-tab refreshes (see `refresh_ledger`).
pub const REFRESH_LEDGER: &str = "refresh-ledger";
/// Cross-tab leases, where the Web Locks API is missing (see `cross_tab_lock`).
pub const LEASES: &str = "leases";
/// The DPoP key pair, shared by the tabs (see `dpop_key`).
pub const DPOP_KEYS: &str = "dpop-keys";
const STORES: [&str; 3] = [REFRESH_LEDGER, LEASES, DPOP_KEYS];

/// Why the database could not be used; the browser's own message, for the console.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("IndexedDB: {0}")]
pub struct IndexedDbError(pub String);

impl From<JsValue> for IndexedDbError {
    fn from(value: JsValue) -> Self {
        let message = value
            .dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .or_else(|| value.as_string())
            .unwrap_or_else(|| "the browser refused the request".to_owned());
        Self(message)
    }
}

/// Opens (and on first use creates) the database.
pub async fn open() -> Result<IdbDatabase, IndexedDbError> {
    let factory = web_sys::window()
        .and_then(|w| w.indexed_db().ok().flatten())
        .ok_or_else(|| IndexedDbError("not available in this browser".to_owned()))?;
    let request = factory.open_with_u32(DATABASE, VERSION)?;
    let upgrade = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
        let Some(database) = event
            .target()
            .and_then(|t| t.dyn_into::<IdbRequest>().ok())
            .and_then(|r| r.result().ok())
            .and_then(|r| r.dyn_into::<IdbDatabase>().ok())
        else {
            return;
        };
        let existing = database.object_store_names();
        for store in STORES {
            if !existing.contains(store) {
                let _ = database.create_object_store(store);
            }
        }
    });
    request.set_onupgradeneeded(Some(upgrade.as_ref().unchecked_ref()));
    let result = settled(&request).await;
    request.set_onupgradeneeded(None);
    drop(upgrade);
    Ok(result?.dyn_into::<IdbDatabase>()?)
}

/// A transaction over one object store.
pub fn transaction(
    database: &IdbDatabase,
    store: &str,
    mode: IdbTransactionMode,
) -> Result<(IdbTransaction, IdbObjectStore), IndexedDbError> {
    let transaction = database.transaction_with_str_and_mode(store, mode)?;
    let object_store = transaction.object_store(store)?;
    Ok((transaction, object_store))
}

/// The value of a finished request (`onsuccess`), or its error (`onerror`).
pub async fn settled(request: &IdbRequest) -> Result<JsValue, IndexedDbError> {
    let done = Promise::new(&mut |resolve, reject| {
        request.set_onsuccess(Some(&resolve));
        request.set_onerror(Some(&reject));
    });
    let outcome = JsFuture::from(done).await;
    request.set_onsuccess(None);
    request.set_onerror(None);
    outcome?;
    Ok(request.result()?)
}

/// Waits until `transaction` has committed: only then do other tabs see what it wrote.
pub async fn committed(transaction: &IdbTransaction) -> Result<(), IndexedDbError> {
    let done = Promise::new(&mut |resolve, reject| {
        transaction.set_oncomplete(Some(&resolve));
        transaction.set_onerror(Some(&reject));
        transaction.set_onabort(Some(&reject));
    });
    let outcome = JsFuture::from(done).await;
    transaction.set_oncomplete(None);
    transaction.set_onerror(None);
    transaction.set_onabort(None);
    outcome.map(|_| ()).map_err(|_| {
        IndexedDbError(
            transaction
                .error()
                .map(|e| e.message())
                .unwrap_or_else(|| "the transaction was aborted".to_owned()),
        )
    })
}
