//! One refresh at a time across every tab of this origin.
//!
//! Two tabs spending the same rotating refresh token would trip the tenant's reuse detection and
//! revoke the whole family, signing the shopper out everywhere. The Web Locks API serialises
//! them; where it is missing, a lease in IndexedDB does (claimed in one transaction, so two tabs
//! cannot both take it, and longer than the work it guards can last, so it cannot run out while
//! that work is still going).

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::time::Duration;

use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{future_to_promise, JsFuture};
use web_sys::IdbTransactionMode;

use super::indexed_db::{self, committed, IndexedDbError, LEASES};
use super::{clock::now_millis, random::random_token};

/// Work waiting for the lock; taken by whichever way of locking runs it.
type PendingWork<T> = Rc<RefCell<Option<Pin<Box<dyn Future<Output = T>>>>>>;

/// How often a tab waiting for a lease looks again.
const LEASE_POLL: Duration = Duration::from_millis(50);

/// Runs `work` while holding the lock `name` in every tab. `work` must finish within
/// `longest_hold` (its own timeouts see to it): a lease is honoured that long, and a little more,
/// if its holder never releases it (a tab closed mid-refresh).
pub async fn with_cross_tab_lock<T: 'static>(
    name: &str,
    longest_hold: Duration,
    work: impl Future<Output = T> + 'static,
) -> T {
    let work: PendingWork<T> = Rc::new(RefCell::new(Some(Box::pin(work))));
    if let Some((locks, request)) = web_locks() {
        if let Some(value) = with_web_lock(name, locks, request, work.clone()).await {
            return value;
        }
    }
    let work = work.borrow_mut().take().expect("the work has not run yet");
    with_indexed_db_lease(name, longest_hold + Duration::from_secs(5), work).await
}

fn web_locks() -> Option<(JsValue, Function)> {
    let navigator = web_sys::window()?.navigator();
    let locks = Reflect::get(&navigator, &"locks".into()).ok()?;
    if locks.is_undefined() || locks.is_null() {
        return None;
    }
    let request = Reflect::get(&locks, &"request".into())
        .ok()?
        .dyn_into()
        .ok()?;
    Some((locks, request))
}

/// `None` when the browser refused the lock request before running the work.
async fn with_web_lock<T: 'static>(
    name: &str,
    locks: JsValue,
    request: Function,
    work: PendingWork<T>,
) -> Option<T> {
    let result: Rc<RefCell<Option<T>>> = Rc::default();
    let slot = result.clone();
    // The lock is held until the promise returned by the callback settles.
    let callback = Closure::once_into_js(move |_lock: JsValue| -> Promise {
        future_to_promise(async move {
            let work = work.borrow_mut().take();
            if let Some(work) = work {
                *slot.borrow_mut() = Some(work.await);
            }
            Ok(JsValue::UNDEFINED)
        })
    });
    let promise = request
        .call2(&locks, &JsValue::from_str(name), &callback)
        .ok()?;
    let _ = JsFuture::from(Promise::from(promise)).await;
    let value = result.borrow_mut().take();
    value
}

async fn with_indexed_db_lease<T>(name: &str, lease: Duration, work: impl Future<Output = T>) -> T {
    let key = name.to_owned();
    let me = random_token().unwrap_or_default();
    let held = loop {
        match claim_lease(&key, &me, lease).await {
            Ok(true) => break true,
            // A lease older than `lease` is free: the loop ends.
            Ok(false) => sleep(LEASE_POLL).await,
            Err(problem) => {
                // No IndexedDB either (a browser's private mode): this tab goes on alone.
                leptos::logging::warn!("no cross-tab lock: {problem}");
                break false;
            }
        }
    };
    let result = work.await;
    if held {
        let _ = release_lease(&key, &me).await;
    }
    result
}

/// Takes the lease `key` for `me` if it is free or stale, in one transaction: the read and the
/// write happen in the read's own success handler, while no other transaction can run.
async fn claim_lease(key: &str, me: &str, lease: Duration) -> Result<bool, IndexedDbError> {
    let database = indexed_db::open().await?;
    let (transaction, store) =
        indexed_db::transaction(&database, LEASES, IdbTransactionMode::Readwrite)?;
    let read = store.get(&key.into())?;
    let claimed = Rc::new(Cell::new(false));
    let on_read = {
        let (read, claimed, key, me) =
            (read.clone(), claimed.clone(), key.to_owned(), me.to_owned());
        let store = store.clone();
        Closure::<dyn FnMut()>::new(move || {
            let now = now_millis();
            let free = read.result().ok().is_none_or(|held| {
                Reflect::get(&held, &"until".into())
                    .ok()
                    .and_then(|until| until.as_f64())
                    .is_none_or(|until| until < now)
            });
            if free {
                let record = Object::new();
                let _ = Reflect::set(&record, &"holder".into(), &me.as_str().into());
                let until = now + lease.as_millis() as f64;
                let _ = Reflect::set(&record, &"until".into(), &until.into());
                claimed.set(store.put_with_key(&record, &key.as_str().into()).is_ok());
            }
        })
    };
    read.set_onsuccess(Some(on_read.as_ref().unchecked_ref()));
    let outcome = committed(&transaction).await;
    read.set_onsuccess(None);
    database.close();
    outcome?;
    Ok(claimed.get())
}

/// Gives the lease back, if it is still `me`'s.
async fn release_lease(key: &str, me: &str) -> Result<(), IndexedDbError> {
    let database = indexed_db::open().await?;
    let (transaction, store) =
        indexed_db::transaction(&database, LEASES, IdbTransactionMode::Readwrite)?;
    let read = store.get(&key.into())?;
    let on_read = {
        let (read, key, me) = (read.clone(), key.to_owned(), me.to_owned());
        let store = store.clone();
        Closure::<dyn FnMut()>::new(move || {
            let holder = read
                .result()
                .ok()
                .and_then(|held| Reflect::get(&held, &"holder".into()).ok())
                .and_then(|holder| holder.as_string());
            if holder.as_deref() == Some(me.as_str()) {
                let _ = store.delete(&key.as_str().into());
            }
        })
    };
    read.set_onsuccess(Some(on_read.as_ref().unchecked_ref()));
    let outcome = committed(&transaction).await;
    read.set_onsuccess(None);
    database.close();
    outcome
}

/// Waits without blocking the page.
pub async fn sleep(duration: Duration) {
    let promise = Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
                &resolve,
                duration.as_millis() as i32,
            );
        }
    });
    let _ = JsFuture::from(promise).await;
}
