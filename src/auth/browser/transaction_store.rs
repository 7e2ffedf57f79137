//! The sign-in transaction in sessionStorage.

use gloo_storage::{SessionStorage, Storage};

use crate::auth::sign_in_request::SignInTransaction;

const KEY: &str = "aura.sign_in_transaction";

pub fn save(transaction: &SignInTransaction) -> Result<(), String> {
    SessionStorage::set(KEY, transaction).map_err(|e| e.to_string())
}

pub fn load() -> Option<SignInTransaction> {
    SessionStorage::get(KEY).ok()
}

pub fn clear() {
    SessionStorage::delete(KEY);
}
