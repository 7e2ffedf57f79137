//! One refresh at a time across every tab of this origin.
//!
//! Two tabs spending the same rotating refresh token would trip the tenant's reuse detection and
//! revoke the whole family, signing the shopper out everywhere. The Web Locks API serialises
//! them; where it is missing, a lease in localStorage does the same job less strictly.

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;
use std::time::Duration;

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{future_to_promise, JsFuture};

use super::{clock::now_millis, random::random_token};

/// How long a storage lease is honoured if its holder never releases it (a closed tab).
const LEASE: Duration = Duration::from_secs(10);

/// Runs `work` while holding the lock `name` in every tab.
pub async fn with_cross_tab_lock<T: 'static>(
    name: &str,
    work: impl Future<Output = T> + 'static,
) -> T {
    match web_locks() {
        Some((locks, request)) => with_web_lock(name, locks, request, work).await,
        None => with_storage_lease(name, work).await,
    }
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

async fn with_web_lock<T: 'static>(
    name: &str,
    locks: JsValue,
    request: Function,
    work: impl Future<Output = T> + 'static,
) -> T {
    let result: Rc<RefCell<Option<T>>> = Rc::default();
    let slot = result.clone();
    // The lock is held until the promise returned by the callback settles.
    let callback = wasm_bindgen::closure::Closure::once_into_js(move |_lock: JsValue| -> Promise {
        future_to_promise(async move {
            *slot.borrow_mut() = Some(work.await);
            Ok(JsValue::UNDEFINED)
        })
    });
    if let Ok(promise) = request.call2(&locks, &JsValue::from_str(name), &callback) {
        let _ = JsFuture::from(Promise::from(promise)).await;
    }
    let value = result.borrow_mut().take();
    value.expect("the Web Locks callback ran the work")
}

async fn with_storage_lease<T>(name: &str, work: impl Future<Output = T>) -> T {
    let key = format!("aura.lock.{name}");
    let me = random_token().unwrap_or_default();
    let storage = web_sys::window().and_then(|w| w.local_storage().ok().flatten());
    if let Some(storage) = &storage {
        // Wait for a free (or stale) lease, then claim it and check that the claim stuck.
        for _ in 0..100 {
            let held = storage.get_item(&key).ok().flatten();
            let free = held
                .as_deref()
                .and_then(|v| v.split_once(':'))
                .and_then(|(_, until)| until.parse::<u64>().ok())
                .is_none_or(|until| until < now_millis() as u64);
            if free {
                // Whole milliseconds: no float formatting or parsing in the bundle.
                let claim = format!("{me}:{}", now_millis() as u64 + LEASE.as_millis() as u64);
                let _ = storage.set_item(&key, &claim);
                sleep(Duration::from_millis(30)).await;
                if storage.get_item(&key).ok().flatten().as_deref() == Some(claim.as_str()) {
                    break;
                }
            }
            sleep(Duration::from_millis(100)).await;
        }
    }
    let result = work.await;
    if let Some(storage) = &storage {
        if storage
            .get_item(&key)
            .ok()
            .flatten()
            .is_some_and(|v| v.starts_with(&me))
        {
            let _ = storage.remove_item(&key);
        }
    }
    result
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
