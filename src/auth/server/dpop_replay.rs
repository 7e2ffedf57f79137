//! The `jti`s of accepted DPoP proofs, so that a proof is accepted once (RFC 9449 §11.1).
//!
//! A `jti` only needs remembering while its proof could still pass the `iat` check, so every
//! entry expires a fixed time after it was recorded; entries are kept in recording order, which
//! is also expiry order, and the expired ones are dropped from the front as new ones arrive —
//! constant work per proof, whatever the size. The capacity bounds memory under a flood. When
//! it is reached new proofs are refused rather than old entries forgotten early: forgetting
//! would let a replay through. Only proofs that passed every other check (a valid token bound
//! to the proof's key) get this far, so only a signed-in client can fill it.
//!
//! Keys are per proof key (`jkt`) and `jti`: two clients picking the same `jti` do not collide.
//! Each is kept as the SHA-256 of the pair, a fixed 32 bytes whatever the client sent.
//!
//! A full cache is the server's problem, not the client's: the verifier answers it with a 503
//! to retry, never with a refusal that would sign the shopper out.

use std::collections::{HashSet, VecDeque};
use std::sync::Mutex;

use sha2::{Digest, Sha256};

/// Default capacity: an entry is its 32-byte key twice (set and queue) and its expiry, about
/// 100 bytes with the collections' overhead, so about 10 MB at most.
pub const DEFAULT_REPLAY_CAPACITY: usize = 100_000;

type Key = [u8; 32];

/// Why a `jti` was not recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReplayRefusal {
    /// Seen before, within its lifetime.
    Replayed,
    /// The cache is full of live entries.
    Full,
}

/// The bounded set of recently accepted `(jkt, jti)` pairs.
pub struct ReplayCache {
    capacity: usize,
    /// How long an entry lives, in seconds.
    lifetime: u64,
    entries: Mutex<Entries>,
}

#[derive(Default)]
struct Entries {
    seen: HashSet<Key>,
    /// `(expires_at, key)`, oldest first.
    order: VecDeque<(u64, Key)>,
}

impl ReplayCache {
    /// Remembers each entry for `lifetime` seconds, at most `capacity` at a time.
    pub fn new(capacity: usize, lifetime: u64) -> Self {
        Self {
            capacity,
            lifetime,
            entries: Mutex::default(),
        }
    }

    /// Records `jti` of the key `jkt` at `now`, unless it is already there.
    pub fn record(&self, jkt: &str, jti: &str, now: u64) -> Result<(), ReplayRefusal> {
        // The separator keeps ("ab", "c") and ("a", "bc") apart; a jkt never contains it.
        let key: Key = Sha256::new()
            .chain_update(jkt)
            .chain_update([0])
            .chain_update(jti)
            .finalize()
            .into();
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        while entries
            .order
            .front()
            .is_some_and(|(expires_at, _)| *expires_at <= now)
        {
            if let Some((_, expired)) = entries.order.pop_front() {
                entries.seen.remove(&expired);
            }
        }
        if entries.seen.contains(&key) {
            return Err(ReplayRefusal::Replayed);
        }
        if entries.seen.len() >= self.capacity {
            return Err(ReplayRefusal::Full);
        }
        entries.seen.insert(key);
        entries.order.push_back((now + self.lifetime, key));
        Ok(())
    }

    /// How many entries are held.
    pub fn len(&self) -> usize {
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .seen
            .len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_jti_is_refused_while_remembered_and_forgotten_after_its_lifetime() {
        let cache = ReplayCache::new(10, 120);
        cache.record("k", "a", 1_000).unwrap();
        assert_eq!(cache.record("k", "a", 1_119), Err(ReplayRefusal::Replayed));
        cache.record("other-key", "a", 1_000).unwrap();
        cache.record("k", "a", 1_120).unwrap();
        assert_eq!(cache.len(), 1, "both old entries expired");
    }

    #[test]
    fn a_full_cache_refuses_rather_than_forgets() {
        let cache = ReplayCache::new(2, 120);
        cache.record("k", "a", 0).unwrap();
        cache.record("k", "b", 0).unwrap();
        assert_eq!(cache.record("k", "c", 60), Err(ReplayRefusal::Full));
        assert_eq!(cache.record("k", "a", 60), Err(ReplayRefusal::Replayed));
        cache.record("k", "c", 120).unwrap();
    }
}
