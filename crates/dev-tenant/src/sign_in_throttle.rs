//! Slowing down password guessing at the sign-in form.
//!
//! Failures are counted per username and per sign-in form (so one form spraying many usernames
//! is caught too). From the fifth failure within the window, each failure locks its keys for a
//! delay that starts at 30 s and doubles per further failure, up to 15 minutes. While locked,
//! attempts are refused without looking at the password, so a lucky guess during the lock
//! gains nothing. Time comes from the tenant clock, so tests advance it instead of sleeping.

use std::collections::HashMap;
use std::sync::Mutex;

/// Failures allowed before the first lock.
const FREE_FAILURES: u32 = 5;
/// The first lock's length; each further failure doubles it.
const FIRST_LOCK_SECS: u64 = 30;
/// The longest lock.
const MAX_LOCK_SECS: u64 = 15 * 60;
/// Failures this far apart are not counted together.
const WINDOW_SECS: u64 = 15 * 60;
/// At most this many keys are tracked (usernames are the guesser's choice).
const CAPACITY: usize = 10_000;

#[derive(Debug, Default, Clone, Copy)]
struct Failures {
    count: u32,
    last_failure: u64,
    locked_until: u64,
}

impl Failures {
    /// Whether a window has passed since the last failure and the end of any lock: counted
    /// from the lock's end, so outwaiting the longest lock does not buy five fresh guesses.
    fn stale(&self, now: u64) -> bool {
        now >= self.locked_until.max(self.last_failure) + WINDOW_SECS
    }
}

/// What the throttle knows a sign-in attempt by.
pub(crate) struct AttemptKeys {
    keys: [String; 2],
}

impl AttemptKeys {
    /// The username as typed (case and surrounding spaces ignored, as at sign-in) and the form's
    /// transaction ID.
    pub fn new(username: &str, transaction_id: &str) -> Self {
        Self {
            keys: [
                format!("user:{}", username.trim().to_ascii_lowercase()),
                format!("form:{transaction_id}"),
            ],
        }
    }
}

pub(crate) struct SignInThrottle {
    failures: Mutex<HashMap<String, Failures>>,
}

impl SignInThrottle {
    pub fn new() -> Self {
        Self {
            failures: Mutex::new(HashMap::new()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Failures>> {
        self.failures.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Seconds until an attempt with these keys may be made, if any key is locked.
    pub fn locked_for(&self, attempt: &AttemptKeys, now: u64) -> Option<u64> {
        let failures = self.lock();
        attempt
            .keys
            .iter()
            .filter_map(|k| failures.get(k))
            .map(|f| f.locked_until.saturating_sub(now))
            .filter(|&secs| secs > 0)
            .max()
    }

    /// Counts a failed attempt, locking its keys once past the free failures.
    pub fn failed(&self, attempt: &AttemptKeys, now: u64) {
        let mut failures = self.lock();
        if failures.len() >= CAPACITY {
            failures.retain(|_, f| !f.stale(now));
        }
        if failures.len() >= CAPACITY {
            if let Some(oldest) = failures
                .iter()
                .min_by_key(|(_, f)| f.last_failure)
                .map(|(k, _)| k.clone())
            {
                failures.remove(&oldest);
            }
        }
        for key in &attempt.keys {
            let entry = failures.entry(key.clone()).or_default();
            if entry.stale(now) {
                *entry = Failures::default();
            }
            entry.count += 1;
            entry.last_failure = now;
            if entry.count >= FREE_FAILURES {
                let doublings = (entry.count - FREE_FAILURES).min(16);
                let secs = (FIRST_LOCK_SECS << doublings).min(MAX_LOCK_SECS);
                entry.locked_until = now + secs;
            }
        }
    }

    /// Forgets the failures of a successful attempt's keys.
    pub fn succeeded(&self, attempt: &AttemptKeys) {
        let mut failures = self.lock();
        for key in &attempt.keys {
            failures.remove(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Five failures lock for 30 s; each further one doubles the lock, up to the maximum.
    #[test]
    fn the_lock_starts_at_the_fifth_failure_and_doubles() {
        let throttle = SignInThrottle::new();
        let keys = AttemptKeys::new("A@x", "tx");
        let mut now = 1_000;
        for _ in 0..4 {
            throttle.failed(&keys, now);
        }
        assert_eq!(throttle.locked_for(&keys, now), None);
        let mut expected = 30;
        for _ in 0..8 {
            throttle.failed(&keys, now);
            assert_eq!(throttle.locked_for(&keys, now), Some(expected));
            now += expected;
            assert_eq!(throttle.locked_for(&keys, now), None);
            expected = (expected * 2).min(MAX_LOCK_SECS);
        }
        throttle.succeeded(&keys);
        throttle.failed(&keys, now);
        assert_eq!(throttle.locked_for(&keys, now), None);
    }

    /// Either key alone locks an attempt: the same username from another form is refused.
    #[test]
    fn a_locked_username_is_locked_from_any_form() {
        let throttle = SignInThrottle::new();
        for _ in 0..5 {
            throttle.failed(&AttemptKeys::new("a@x", "tx1"), 0);
        }
        assert_eq!(
            throttle.locked_for(&AttemptKeys::new(" A@X ", "tx2"), 0),
            Some(30)
        );
        assert_eq!(
            throttle.locked_for(&AttemptKeys::new("b@x", "tx2"), 0),
            None
        );
    }
}
