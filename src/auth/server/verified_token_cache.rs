//! Tokens already verified, so a token's RSA check is paid once rather than on every request.
//!
//! Keyed by the SHA-256 of the whole token: a token differing in any byte (signature included)
//! misses, and finding a different token with the same key would take a SHA-256 collision.
//! Only tokens that passed every check are stored. An entry is dropped at the token's `exp`
//! (leeway is not extended to cached entries), when the key set withdraws a key, or to make
//! room. The map is split into shards, each behind its own short-held lock.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use aws_lc_rs::digest;

use super::access_claims::AccessClaims;

/// Default number of tokens kept (about 1 KiB each).
pub const DEFAULT_CAPACITY: usize = 10_000;
const SHARDS: usize = 16;

/// SHA-256 of a whole token.
pub type TokenDigest = [u8; 32];

/// The cache key of `token`.
pub fn token_digest(token: &str) -> TokenDigest {
    digest::digest(&digest::SHA256, token.as_bytes())
        .as_ref()
        .try_into()
        .expect("SHA-256 digests are 32 bytes")
}

struct Entry {
    claims: Arc<AccessClaims>,
    exp: u64,
    key_generation: u64,
}

#[derive(Default)]
struct Shard {
    entries: HashMap<TokenDigest, Entry>,
    /// No entry expires before this, so a full shard only scans for expired entries when one
    /// can have expired.
    earliest_exp: u64,
}

/// A bounded map from token digest to verified claims.
pub struct VerifiedTokenCache {
    shards: Box<[Mutex<Shard>]>,
    per_shard: usize,
}

impl VerifiedTokenCache {
    /// Holds at most about `capacity` tokens; zero turns the cache off.
    pub fn new(capacity: usize) -> Self {
        Self {
            shards: (0..SHARDS).map(|_| Mutex::new(Shard::default())).collect(),
            per_shard: capacity.div_ceil(SHARDS),
        }
    }

    /// The claims of a token verified before, if it is still before its `exp` at `now` and
    /// the key set has withdrawn no key since (`key_generation`).
    pub fn get(
        &self,
        digest: &TokenDigest,
        now: u64,
        key_generation: u64,
    ) -> Option<Arc<AccessClaims>> {
        let mut shard = self.shard(digest);
        let entry = shard.entries.get(digest)?;
        if now < entry.exp && entry.key_generation == key_generation {
            return Some(entry.claims.clone());
        }
        shard.entries.remove(digest);
        None
    }

    /// Remembers a verified token, unless it is already at its `exp`.
    pub fn insert(
        &self,
        digest: TokenDigest,
        claims: Arc<AccessClaims>,
        now: u64,
        key_generation: u64,
    ) {
        let exp = claims.exp;
        if self.per_shard == 0 || exp <= now {
            return;
        }
        let mut shard = self.shard(&digest);
        if shard.entries.len() >= self.per_shard && !shard.entries.contains_key(&digest) {
            if now >= shard.earliest_exp {
                shard.entries.retain(|_, entry| entry.exp > now);
                shard.earliest_exp = shard
                    .entries
                    .values()
                    .map(|e| e.exp)
                    .min()
                    .unwrap_or(u64::MAX);
            }
            if shard.entries.len() >= self.per_shard {
                // Nothing has expired: evict one entry. The map's order is randomly seeded,
                // so this is a random eviction, which costs no bookkeeping on reads.
                if let Some(victim) = shard.entries.keys().next().copied() {
                    shard.entries.remove(&victim);
                }
            }
        }
        if shard.entries.is_empty() || exp < shard.earliest_exp {
            shard.earliest_exp = exp;
        }
        shard.entries.insert(
            digest,
            Entry {
                claims,
                exp,
                key_generation,
            },
        );
    }

    /// Forgets one token.
    pub fn remove(&self, digest: &TokenDigest) {
        self.shard(digest).entries.remove(digest);
    }

    /// How many tokens are held.
    pub fn len(&self) -> usize {
        self.shards
            .iter()
            .map(|s| s.lock().expect("cache lock").entries.len())
            .sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn shard(&self, digest: &TokenDigest) -> std::sync::MutexGuard<'_, Shard> {
        self.shards[usize::from(digest[0]) % SHARDS]
            .lock()
            .expect("cache lock")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::id_token::Audience;

    fn claims(exp: u64) -> Arc<AccessClaims> {
        Arc::new(AccessClaims {
            iss: "i".into(),
            sub: "s".into(),
            aud: Audience::One("a".into()),
            exp,
            nbf: None,
            iat: None,
            azp: None,
            scope: None,
            permissions: None,
            gty: None,
        })
    }

    #[test]
    fn an_entry_is_served_until_the_tokens_exp_and_not_after() {
        let cache = VerifiedTokenCache::new(100);
        let key = token_digest("a.b.c");
        cache.insert(key, claims(1_000), 900, 0);
        assert!(cache.get(&key, 999, 0).is_some());
        assert!(cache.get(&key, 1_000, 0).is_none());
        assert!(cache.is_empty(), "the expired entry is dropped when seen");
    }

    #[test]
    fn a_token_at_its_exp_is_not_stored() {
        let cache = VerifiedTokenCache::new(100);
        cache.insert(token_digest("t"), claims(1_000), 1_000, 0);
        assert!(cache.is_empty());
    }

    #[test]
    fn a_withdrawn_key_invalidates_entries() {
        let cache = VerifiedTokenCache::new(100);
        let key = token_digest("t");
        cache.insert(key, claims(1_000), 0, 7);
        assert!(cache.get(&key, 1, 8).is_none());
    }

    #[test]
    fn the_cache_stays_within_its_bound() {
        let cache = VerifiedTokenCache::new(64);
        for i in 0..10_000 {
            cache.insert(token_digest(&format!("token-{i}")), claims(5_000), 0, 0);
        }
        assert!(cache.len() <= 64, "{}", cache.len());
        assert!(
            cache.len() >= 48,
            "a full cache stays mostly full: {}",
            cache.len()
        );
    }

    #[test]
    fn expired_entries_make_room_first() {
        let cache = VerifiedTokenCache::new(16);
        let old: Vec<_> = (0..200)
            .map(|i| token_digest(&format!("old-{i}")))
            .collect();
        for key in &old {
            cache.insert(*key, claims(100), 0, 0);
        }
        let fresh = token_digest("fresh");
        cache.insert(fresh, claims(1_000), 500, 0);
        assert!(cache.get(&fresh, 501, 0).is_some());
    }

    #[test]
    fn a_zero_capacity_cache_holds_nothing() {
        let cache = VerifiedTokenCache::new(0);
        cache.insert(token_digest("t"), claims(1_000), 0, 0);
        assert!(cache.is_empty());
    }
}
