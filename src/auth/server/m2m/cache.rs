//! The cached M2M token and the single flight that renews it.
//!
//! Every issued M2M token counts against the tenant's monthly quota, so the token is kept until
//! shortly before `exp`: 60 s or a tenth of its lifetime before, whichever is less. Concurrent
//! callers share one request: they queue on one lock, and whoever gets it after a fetch finds
//! the fresh token, or that fetch's error. After a failed renewal the old, still valid token is
//! served for a short pause before the next attempt.

use std::future::Future;
use std::sync::{Mutex as StdMutex, MutexGuard};
use std::time::{Duration, Instant};

use super::clock::M2mClock;
use super::errors::M2mError;
use super::token::M2mToken;

/// Renew at most this long before `exp`.
pub const MAX_RENEWAL_MARGIN: Duration = Duration::from_secs(60);
/// After a failed renewal while the old token is still valid, callers keep using the old token
/// for this long before another request is tried.
const FAILED_RENEWAL_PAUSE: Duration = Duration::from_secs(5);
/// Longest lifetime believed (Auth0's maximum for access tokens is 30 days); longer claims are
/// cut to it rather than trusted to keep a token for ever.
const MAX_BELIEVED_LIFETIME: Duration = Duration::from_secs(30 * 24 * 3600);

/// A token fetched, with its lifetime and when the request that got it was sent (the lifetime
/// counts from then: the tenant issued it after).
pub struct Fetched {
    pub token: M2mToken,
    pub lifetime: Duration,
    pub sent_at: Instant,
}

struct CachedToken {
    token: M2mToken,
    renew_at: Instant,
    expires_at: Instant,
}

#[derive(Default)]
struct Slot {
    token: Option<CachedToken>,
    /// Set after a failed renewal: until then the old, still valid token is served.
    paused_until: Option<Instant>,
    /// Finished fetches, so callers that queued behind a failed one share its error instead of
    /// each repeating it.
    fetches: u64,
    last_error: Option<M2mError>,
}

impl Slot {
    fn usable(&self, now: Instant) -> Option<M2mToken> {
        let cached = self.token.as_ref()?;
        let fresh = now < cached.renew_at;
        let paused = now < cached.expires_at && self.paused_until.is_some_and(|until| now < until);
        (fresh || paused).then(|| cached.token.clone())
    }
}

/// The token slot and the single-flight lock around its renewal.
#[derive(Default)]
pub struct TokenCache {
    slot: StdMutex<Slot>,
    /// Held for the whole of a fetch: the single flight.
    fetch_lock: tokio::sync::Mutex<()>,
}

impl TokenCache {
    /// The cached token if it is usable at `clock`'s now, else the result of `fetch`, run by
    /// one caller at a time; callers queued behind a failed fetch get its error.
    pub async fn get_or_fetch<F>(
        &self,
        clock: &M2mClock,
        fetch: impl FnOnce() -> F,
    ) -> Result<M2mToken, M2mError>
    where
        F: Future<Output = Result<Fetched, M2mError>>,
    {
        let fetches_seen = {
            let slot = self.lock_slot();
            if let Some(token) = slot.usable(clock.now()) {
                return Ok(token);
            }
            slot.fetches
        };

        let _flight = self.fetch_lock.lock().await;
        {
            let slot = self.lock_slot();
            if let Some(token) = slot.usable(clock.now()) {
                return Ok(token);
            }
            if slot.fetches != fetches_seen {
                if let Some(error) = &slot.last_error {
                    return Err(error.clone());
                }
            }
        }

        let result = fetch().await;
        let now = clock.now();
        let mut slot = self.lock_slot();
        slot.fetches += 1;
        match result {
            Ok(Fetched {
                token,
                lifetime,
                sent_at,
            }) => {
                let lifetime = lifetime.min(MAX_BELIEVED_LIFETIME);
                let margin = MAX_RENEWAL_MARGIN.min(lifetime / 10);
                slot.token = Some(CachedToken {
                    token: token.clone(),
                    renew_at: sent_at + lifetime - margin,
                    expires_at: sent_at + lifetime,
                });
                slot.paused_until = None;
                slot.last_error = None;
                Ok(token)
            }
            Err(error) => {
                slot.last_error = Some(error.clone());
                let still_valid = slot
                    .token
                    .as_ref()
                    .filter(|cached| now < cached.expires_at)
                    .map(|cached| cached.token.clone());
                match still_valid {
                    Some(token) => {
                        tracing::warn!(%error, "could not renew the M2M token; using the current one until it expires");
                        slot.paused_until = Some(now + FAILED_RENEWAL_PAUSE);
                        Ok(token)
                    }
                    None => {
                        tracing::warn!(%error, "could not get an M2M access token");
                        slot.token = None;
                        Err(error)
                    }
                }
            }
        }
    }

    /// Forgets `refused` if it is still the cached token (a caller that already renewed it
    /// keeps the new one). Returns whether it was dropped.
    pub fn drop_refused(&self, refused: &M2mToken) -> bool {
        let mut slot = self.lock_slot();
        let held = slot.token.as_ref().is_some_and(|c| &c.token == refused);
        if held {
            slot.token = None;
            slot.paused_until = None;
        }
        held
    }

    fn lock_slot(&self) -> MutexGuard<'_, Slot> {
        self.slot
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
