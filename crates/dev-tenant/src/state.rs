//! The state every handler shares: configuration, keys, clock, the short-lived stores
//! (sign-in forms, codes, sessions), refresh-token families and the counters tests read.

use std::collections::HashMap;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};

use crate::clock::Clock;
use crate::config::TenantConfig;
use crate::dpop::DpopVerifier;
use crate::keys::KeySet;
use crate::refresh::RefreshStore;
use crate::sign_in_throttle::SignInThrottle;
use crate::used_codes::UsedCodes;

/// Shared by all handlers through axum's `State`.
pub(crate) type SharedState = Arc<TenantState>;

pub(crate) struct TenantState {
    pub config: TenantConfig,
    pub keys: KeySet,
    pub clock: Clock,
    pub login_transactions: ExpiringMap<LoginTransaction>,
    pub codes: ExpiringMap<PendingCode>,
    pub used_codes: UsedCodes,
    pub sessions: ExpiringMap<Session>,
    pub sign_in_throttle: SignInThrottle,
    pub refresh: RefreshStore,
    pub dpop: DpopVerifier,
    pub counters: Arc<Counters>,
}

/// What `/authorize` was asked, kept while the user is on the sign-in form and inside the code.
#[derive(Debug, Clone)]
pub(crate) struct AuthorizeRequest {
    pub client_id: String,
    pub redirect_uri: String,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub scope: Vec<String>,
    pub audience: String,
    pub code_challenge: Option<String>,
}

/// A sign-in form being shown: the request it belongs to and its CSRF token.
#[derive(Debug, Clone)]
pub(crate) struct LoginTransaction {
    pub request: AuthorizeRequest,
    pub csrf: String,
}

/// An issued authorization code, single use.
#[derive(Debug, Clone)]
pub(crate) struct PendingCode {
    pub request: AuthorizeRequest,
    pub subject: String,
    pub auth_time: u64,
}

/// The tenant's own sign-in session, named by a cookie.
#[derive(Debug, Clone)]
pub(crate) struct Session {
    pub subject: String,
    pub auth_time: u64,
}

/// Counters exposed through [`crate::TenantHandle`].
#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub client_credentials_issued: AtomicU64,
    pub jwks_fetches: AtomicU64,
    pub tokens_issued: AtomicU64,
}

/// A map whose entries vanish at their expiry time (checked against the tenant clock).
pub(crate) struct ExpiringMap<V> {
    entries: Mutex<HashMap<String, (u64, V)>>,
}

impl<V: Clone> ExpiringMap<V> {
    pub fn new() -> Self {
        Self {
            entries: Mutex::new(HashMap::new()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (u64, V)>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Stores `value` until `expires_at`; also drops entries already expired, so the map stays
    /// small without a background task.
    pub fn insert(&self, key: String, value: V, now: u64, expires_at: u64) {
        let mut entries = self.lock();
        entries.retain(|_, (exp, _)| *exp > now);
        entries.insert(key, (expires_at, value));
    }

    /// The live value under `key`.
    pub fn get(&self, key: &str, now: u64) -> Option<V> {
        let entries = self.lock();
        entries
            .get(key)
            .filter(|(exp, _)| *exp > now)
            .map(|(_, v)| v.clone())
    }

    /// Removes and returns the value under `key` if it is still live. Removal happens either
    /// way, which is what makes codes single use.
    pub fn take(&self, key: &str, now: u64) -> Option<V> {
        let mut entries = self.lock();
        entries
            .remove(key)
            .filter(|(exp, _)| *exp > now)
            .map(|(_, v)| v)
    }

    pub fn remove(&self, key: &str) {
        self.lock().remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::ExpiringMap;

    /// Entries vanish at their expiry; `take` removes, so a second take finds nothing.
    #[test]
    fn entries_expire_and_take_is_single_use() {
        let map = ExpiringMap::new();
        map.insert("a".into(), 1, 100, 160);
        assert_eq!(map.get("a", 159), Some(1));
        assert_eq!(map.get("a", 160), None);
        assert_eq!(map.take("a", 120), Some(1));
        assert_eq!(map.take("a", 120), None);
        map.insert("b".into(), 2, 100, 110);
        assert_eq!(map.take("b", 110), None, "expired entries are not returned");
    }
}
