//! The token set in localStorage.
//!
//! Each value is stored raw (not JSON-quoted), so `localStorage.getItem('auth0_access_token')`
//! in the console gives a token that pastes straight into `curl -H "Authorization: Bearer …"`.

use gloo_storage::{LocalStorage, Storage};

use crate::auth::token_response::TokenResponse;

pub const ACCESS_TOKEN_KEY: &str = "auth0_access_token";
pub const ID_TOKEN_KEY: &str = "auth0_id_token";
pub const REFRESH_TOKEN_KEY: &str = "auth0_refresh_token";
pub const EXPIRES_AT_KEY: &str = "auth0_expires_at";

const ALL_KEYS: [&str; 4] = [ACCESS_TOKEN_KEY, ID_TOKEN_KEY, REFRESH_TOKEN_KEY, EXPIRES_AT_KEY];

fn get(key: &str) -> Option<String> {
    LocalStorage::raw().get_item(key).ok().flatten()
}

fn set(key: &str, value: &str) -> Result<(), String> {
    LocalStorage::raw()
        .set_item(key, value)
        .map_err(|_| format!("could not write {key} to localStorage"))
}

/// The raw access token, if signed in.
pub fn access_token() -> Option<String> {
    get(ACCESS_TOKEN_KEY)
}

/// The raw ID token, if signed in.
pub fn id_token() -> Option<String> {
    get(ID_TOKEN_KEY)
}

/// When the access token expires, in seconds since the epoch.
pub fn expires_at() -> Option<u64> {
    get(EXPIRES_AT_KEY)?.parse().ok()
}

/// Stores a fresh token set; a response without a refresh token keeps the one held.
pub fn save(response: &TokenResponse, now: u64) -> Result<(), String> {
    set(ACCESS_TOKEN_KEY, &response.access_token)?;
    set(EXPIRES_AT_KEY, &(now + response.expires_in).to_string())?;
    if let Some(id_token) = &response.id_token {
        set(ID_TOKEN_KEY, id_token)?;
    }
    if let Some(refresh_token) = &response.refresh_token {
        set(REFRESH_TOKEN_KEY, refresh_token)?;
    }
    Ok(())
}

/// Forgets the whole token set.
pub fn clear() {
    for key in ALL_KEYS {
        LocalStorage::delete(key);
    }
}
