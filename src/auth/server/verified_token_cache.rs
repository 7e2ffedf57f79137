//! Tokens already verified, so a token's RSA check is paid once rather than on every request.
//!
//! Keyed by the whole token: it is found through a randomly seeded hash of all its bytes
//! (foldhash, a few dozen nanoseconds for a 1 KiB token, where SHA-256 would cost half a
//! microsecond on every request), and a hit compares every byte, so a token differing anywhere
//! (signature included) misses. Only tokens that passed every check are stored. An entry is
//! dropped at the token's `exp` (leeway is not extended to cached entries), when the key set
//! withdraws a key, or to make room: the cache holds at most `capacity` tokens and at most
//! [`MAX_CACHED_BYTES`] of them. The map is split into shards, each behind its own
//! short-held read-write lock, so concurrent requests with the same token read side by side.

use std::collections::HashMap;
use std::sync::{Arc, RwLock, RwLockWriteGuard};

use super::access_claims::AccessClaims;

/// Default number of tokens kept (Auth0 access tokens are about 1 KiB each).
pub const DEFAULT_CAPACITY: usize = 10_000;
/// Upper bound on the bytes of the tokens kept, whatever their number.
pub const MAX_CACHED_BYTES: usize = 32 * 1024 * 1024;
const SHARDS: usize = 16;

struct Entry {
    claims: Arc<AccessClaims>,
    exp: u64,
    key_generation: u64,
}

#[derive(Default)]
struct Shard {
    entries: HashMap<Box<str>, Entry, foldhash::quality::RandomState>,
    /// Sum of the lengths of the tokens held.
    bytes: usize,
    /// No entry expires before this, so a full shard only scans for expired entries when one
    /// can have expired.
    earliest_exp: u64,
}

impl Shard {
    fn remove(&mut self, token: &str) {
        if self.entries.remove(token).is_some() {
            self.bytes -= token.len();
        }
    }

    fn is_full(&self, per_shard: usize, bytes_per_shard: usize, adding: usize) -> bool {
        self.entries.len() >= per_shard || self.bytes + adding > bytes_per_shard
    }
}

/// A bounded map from token to verified claims.
pub struct VerifiedTokenCache {
    shards: Box<[RwLock<Shard>]>,
    per_shard: usize,
    bytes_per_shard: usize,
}

impl VerifiedTokenCache {
    /// Holds at most about `capacity` tokens; zero turns the cache off.
    pub fn new(capacity: usize) -> Self {
        Self {
            shards: (0..SHARDS).map(|_| RwLock::new(Shard::default())).collect(),
            per_shard: capacity.div_ceil(SHARDS),
            bytes_per_shard: MAX_CACHED_BYTES / SHARDS,
        }
    }

    /// The claims of `token` if it was verified before, is still before its `exp` at `now`,
    /// and the key set has withdrawn no key since (`key_generation`).
    pub fn get(&self, token: &str, now: u64, key_generation: u64) -> Option<Arc<AccessClaims>> {
        let lock = &self.shards[shard_index(token)];
        {
            let shard = lock.read().expect("cache lock");
            let entry = shard.entries.get(token)?;
            if now < entry.exp && entry.key_generation == key_generation {
                return Some(entry.claims.clone());
            }
        }
        lock.write().expect("cache lock").remove(token);
        None
    }

    /// Remembers a verified token, unless it is already at its `exp`.
    pub fn insert(&self, token: &str, claims: Arc<AccessClaims>, now: u64, key_generation: u64) {
        let exp = claims.exp;
        if self.per_shard == 0 || exp <= now || token.len() > self.bytes_per_shard {
            return;
        }
        let mut shard = self.shard(token);
        shard.remove(token);
        if shard.is_full(self.per_shard, self.bytes_per_shard, token.len())
            && now >= shard.earliest_exp
        {
            let mut freed = 0;
            shard.entries.retain(|token, entry| {
                let keep = entry.exp > now;
                if !keep {
                    freed += token.len();
                }
                keep
            });
            shard.bytes -= freed;
            shard.earliest_exp = shard
                .entries
                .values()
                .map(|e| e.exp)
                .min()
                .unwrap_or(u64::MAX);
        }
        while shard.is_full(self.per_shard, self.bytes_per_shard, token.len()) {
            // Nothing more has expired: evict an entry. The map's order is randomly seeded,
            // so this is a random eviction, which costs no bookkeeping on reads.
            let Some(victim) = shard.entries.keys().next().cloned() else {
                break;
            };
            shard.remove(&victim);
        }
        if shard.entries.is_empty() || exp < shard.earliest_exp {
            shard.earliest_exp = exp;
        }
        shard.bytes += token.len();
        shard.entries.insert(
            token.into(),
            Entry {
                claims,
                exp,
                key_generation,
            },
        );
    }

    /// Forgets one token.
    pub fn remove(&self, token: &str) {
        self.shard(token).remove(token);
    }

    /// How many tokens are held.
    pub fn len(&self) -> usize {
        self.shards
            .iter()
            .map(|s| s.read().expect("cache lock").entries.len())
            .sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn shard(&self, token: &str) -> RwLockWriteGuard<'_, Shard> {
        self.shards[shard_index(token)].write().expect("cache lock")
    }
}

/// The shard of `token`, chosen by two characters near its end: for a JWT, base64url characters
/// of the signature, which are evenly spread. (Only verified tokens are ever stored, so a caller
/// choosing its own token's shard gains nothing.)
fn shard_index(token: &str) -> usize {
    let bytes = token.as_bytes();
    let mixed = match bytes.len() {
        0..=2 => 0,
        n => usize::from(bytes[n - 2]) + 7 * usize::from(bytes[n - 3]),
    };
    mixed % SHARDS
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::audience_claim::AudienceClaim;

    fn claims(exp: u64) -> Arc<AccessClaims> {
        Arc::new(AccessClaims {
            iss: "i".into(),
            sub: "s".into(),
            aud: AudienceClaim::One("a".into()),
            exp,
            nbf: None,
            iat: None,
            azp: None,
            scope: None,
            permissions: None,
            gty: None,
            cnf: None,
        })
    }

    #[test]
    fn an_entry_is_served_until_the_tokens_exp_and_not_after() {
        let cache = VerifiedTokenCache::new(100);
        cache.insert("a.b.c", claims(1_000), 900, 0);
        assert!(cache.get("a.b.c", 999, 0).is_some());
        assert!(cache.get("a.b.c", 1_000, 0).is_none());
        assert!(cache.is_empty(), "the expired entry is dropped when seen");
    }

    #[test]
    fn only_the_very_same_token_hits() {
        let cache = VerifiedTokenCache::new(100);
        cache.insert("header.payload.signature", claims(1_000), 0, 0);
        assert!(cache.get("header.payload.signature", 1, 0).is_some());
        assert!(cache.get("header.payloaD.signature", 1, 0).is_none());
        assert!(cache.get("header.payload.signaturE", 1, 0).is_none());
        assert!(cache.get("header.payload.signature.", 1, 0).is_none());
    }

    #[test]
    fn a_token_at_its_exp_is_not_stored() {
        let cache = VerifiedTokenCache::new(100);
        cache.insert("t", claims(1_000), 1_000, 0);
        assert!(cache.is_empty());
    }

    #[test]
    fn a_withdrawn_key_invalidates_entries() {
        let cache = VerifiedTokenCache::new(100);
        cache.insert("t", claims(1_000), 0, 7);
        assert!(cache.get("t", 1, 8).is_none());
    }

    #[test]
    fn the_cache_stays_within_its_bound() {
        let cache = VerifiedTokenCache::new(64);
        for i in 0..10_000 {
            cache.insert(&format!("token-{i}"), claims(5_000), 0, 0);
        }
        assert!(cache.len() <= 64, "{}", cache.len());
        assert!(
            cache.len() >= 32,
            "a full cache stays mostly full: {}",
            cache.len()
        );
    }

    #[test]
    fn the_cache_stays_within_its_byte_bound() {
        let cache = VerifiedTokenCache::new(1_000_000);
        let big = "x".repeat(64 * 1024);
        for i in 0..2_000 {
            cache.insert(&format!("{big}{i:04}"), claims(5_000), 0, 0);
        }
        let held: usize = cache.shards.iter().map(|s| s.read().unwrap().bytes).sum();
        assert!(held <= MAX_CACHED_BYTES, "{held}");
    }

    #[test]
    fn expired_entries_make_room_first() {
        let cache = VerifiedTokenCache::new(16);
        for i in 0..200 {
            cache.insert(&format!("old-{i}"), claims(100), 0, 0);
        }
        cache.insert("fresh", claims(1_000), 500, 0);
        assert!(cache.get("fresh", 501, 0).is_some());
    }

    #[test]
    fn a_zero_capacity_cache_holds_nothing() {
        let cache = VerifiedTokenCache::new(0);
        cache.insert("t", claims(1_000), 0, 0);
        assert!(cache.is_empty());
    }
}
