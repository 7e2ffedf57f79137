//! The token set in browser storage: localStorage by default, sessionStorage or memory by
//! configuration (`AUTH0_TOKEN_STORAGE`).
//!
//! Each value is stored raw (not JSON-quoted), so `localStorage.getItem('auth0_access_token')`
//! in the console gives a token that pastes straight into `curl -H "Authorization: Bearer …"`.

use std::cell::RefCell;
use std::collections::HashMap;

use super::page_config;
use crate::auth::public_config::TokenStorageKind;
use crate::auth::token_response::TokenResponse;

pub const ACCESS_TOKEN_KEY: &str = "auth0_access_token";
pub const ID_TOKEN_KEY: &str = "auth0_id_token";
pub const REFRESH_TOKEN_KEY: &str = "auth0_refresh_token";
/// Seconds since the epoch when the access token expires.
pub const EXPIRES_AT_KEY: &str = "auth0_expires_at";
/// Seconds since the epoch when a refresh is due (a little before expiry).
pub const REFRESH_AT_KEY: &str = "auth0_refresh_at";

/// Every key, the access token first (other tabs react to it, so it is written last).
const ALL_KEYS: [&str; 5] = [
    ACCESS_TOKEN_KEY,
    ID_TOKEN_KEY,
    REFRESH_TOKEN_KEY,
    EXPIRES_AT_KEY,
    REFRESH_AT_KEY,
];

/// How long before expiry a refresh is due: a quarter of the lifetime, at most a minute.
pub fn refresh_ahead(lifetime_secs: u64) -> u64 {
    (lifetime_secs / 4).min(60)
}

thread_local! {
    static MEMORY: RefCell<HashMap<&'static str, String>> = RefCell::new(HashMap::new());
}

fn kind() -> TokenStorageKind {
    page_config::token_storage()
}

fn web_storage(kind: TokenStorageKind) -> Option<web_sys::Storage> {
    let window = web_sys::window()?;
    match kind {
        TokenStorageKind::Local => window.local_storage().ok().flatten(),
        TokenStorageKind::Session => window.session_storage().ok().flatten(),
        TokenStorageKind::Memory => None,
    }
}

fn get(key: &'static str) -> Option<String> {
    match kind() {
        TokenStorageKind::Memory => MEMORY.with(|m| m.borrow().get(key).cloned()),
        kind => web_storage(kind)?.get_item(key).ok().flatten(),
    }
}

fn set(key: &'static str, value: &str) -> Result<(), String> {
    match kind() {
        TokenStorageKind::Memory => {
            MEMORY.with(|m| m.borrow_mut().insert(key, value.to_owned()));
            Ok(())
        }
        kind => web_storage(kind)
            .ok_or("browser storage is unavailable")?
            .set_item(key, value)
            .map_err(|_| format!("could not write {key} to browser storage")),
    }
}

/// The raw access token, if signed in.
pub fn access_token() -> Option<String> {
    get(ACCESS_TOKEN_KEY)
}

/// The raw ID token, if signed in.
pub fn id_token() -> Option<String> {
    get(ID_TOKEN_KEY)
}

/// The refresh token, if the tenant issued one.
pub fn refresh_token() -> Option<String> {
    get(REFRESH_TOKEN_KEY)
}

/// When the access token expires, in seconds since the epoch.
pub fn expires_at() -> Option<u64> {
    get(EXPIRES_AT_KEY)?.parse().ok()
}

/// When the access token should be refreshed, in seconds since the epoch.
pub fn refresh_at() -> Option<u64> {
    get(REFRESH_AT_KEY)?.parse().ok()
}

/// Stores a fresh token set. A response without a refresh token or ID token keeps the one held
/// (a refresh may omit them); the access token is written last, because other tabs react to it.
pub fn save(response: &TokenResponse, now: u64) -> Result<(), String> {
    if let Some(id_token) = &response.id_token {
        set(ID_TOKEN_KEY, id_token)?;
    }
    if let Some(refresh_token) = &response.refresh_token {
        set(REFRESH_TOKEN_KEY, refresh_token)?;
    }
    let expires_at = now + response.expires_in;
    set(EXPIRES_AT_KEY, &expires_at.to_string())?;
    set(
        REFRESH_AT_KEY,
        &(expires_at - refresh_ahead(response.expires_in)).to_string(),
    )?;
    set(ACCESS_TOKEN_KEY, &response.access_token)
}

/// The stored token set as key/value pairs, to hand to another tab (see `refresh_ledger`).
pub fn snapshot() -> Vec<(String, String)> {
    ALL_KEYS
        .iter()
        .filter_map(|&key| Some((key.to_owned(), get(key)?)))
        .collect()
}

/// Stores a set taken with [`snapshot`] (in another tab). Unknown keys are ignored; the
/// access token is written last, as in [`save`].
pub fn restore(entries: &[(String, String)]) -> Result<(), String> {
    for key in ALL_KEYS.iter().rev() {
        if let Some((_, value)) = entries.iter().find(|(k, _)| k == key) {
            set(key, value)?;
        }
    }
    Ok(())
}

/// Whether the token set is shared by the tabs (localStorage), so a refresh must be agreed on
/// with them; a sessionStorage or memory set belongs to one tab.
pub fn shared_by_tabs() -> bool {
    kind() == TokenStorageKind::Local
}

/// Forgets the whole token set (in every storage, in case the configuration changed).
pub fn clear() {
    MEMORY.with(|m| m.borrow_mut().clear());
    for kind in [TokenStorageKind::Local, TokenStorageKind::Session] {
        if let Some(storage) = web_storage(kind) {
            for key in ALL_KEYS {
                let _ = storage.remove_item(key);
            }
        }
    }
}
