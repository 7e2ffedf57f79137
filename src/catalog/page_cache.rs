//! [`PageCache`]: answers already rendered, each tagged with the catalogue version it was
//! rendered at, and served only while the catalogue is still at that version.
//!
//! Why it exists: reading a page from the store costs two queries and row decoding, about ten
//! times a whole HTTP exchange (README, "Performance"); the catalogue changes only when staff
//! edit it. Why it cannot serve a stale answer: a caller reads the version *before* it reads
//! the store and tags what it renders with that version, and an edit is acknowledged only once
//! the version includes it ([`ProductStore::catalog_version`]). A page rendered from data older
//! than an acknowledged edit therefore carries an older version than any reader sees after the
//! acknowledgement, and is never served to them.
//!
//! [`ProductStore::catalog_version`]: super::store::ProductStore::catalog_version

use std::collections::HashMap;
use std::sync::RwLock;

/// How many answers are kept by default: every default page of every sort and category many
/// times over, while bounding what a stream of distinct searches can take.
pub const DEFAULT_CAPACITY: usize = 4096;

/// Rendered answers by key (a normalised query), each with its catalogue version.
#[derive(Debug)]
pub struct PageCache<V> {
    entries: RwLock<HashMap<String, (u64, V)>>,
    capacity: usize,
}

impl<V: Clone> PageCache<V> {
    pub fn new(capacity: usize) -> Self {
        Self {
            entries: RwLock::new(HashMap::new()),
            capacity: capacity.max(1),
        }
    }

    /// The answer for `key`, if it was rendered at `version`.
    pub fn get(&self, key: &str, version: u64) -> Option<V> {
        let entries = self.entries.read().unwrap_or_else(|e| e.into_inner());
        match entries.get(key) {
            Some((at, value)) if *at == version => Some(value.clone()),
            _ => None,
        }
    }

    /// Keeps `value`, rendered at `version`, for `key` — unless a newer one is already kept
    /// (a slow request must not replace what a later one rendered).
    pub fn insert(&self, key: String, version: u64, value: V) {
        let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
        if entries.get(&key).is_some_and(|(at, _)| *at > version) {
            return;
        }
        if entries.len() >= self.capacity && !entries.contains_key(&key) {
            // Answers of older versions can never be served again; if every entry is current,
            // start over: a miss costs one store read, and the bound must hold.
            entries.retain(|_, (at, _)| *at >= version);
            if entries.len() >= self.capacity {
                entries.clear();
            }
        }
        entries.insert(key, (version, value));
    }

    pub fn len(&self) -> usize {
        self.entries.read().unwrap_or_else(|e| e.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<V: Clone> Default for PageCache<V> {
    fn default() -> Self {
        Self::new(DEFAULT_CAPACITY)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_is_served_only_at_the_version_it_was_rendered_at() {
        let cache = PageCache::new(8);
        cache.insert("page=1".into(), 3, "three");
        assert_eq!(cache.get("page=1", 3), Some("three"));
        assert_eq!(cache.get("page=1", 4), None, "the catalogue changed since");
        assert_eq!(cache.get("page=1", 2), None);
        assert_eq!(cache.get("page=2", 3), None);
    }

    #[test]
    fn an_older_rendering_never_replaces_a_newer_one() {
        let cache = PageCache::new(8);
        cache.insert("k".into(), 5, "five");
        cache.insert("k".into(), 4, "four");
        assert_eq!(cache.get("k", 5), Some("five"));
        cache.insert("k".into(), 6, "six");
        assert_eq!(cache.get("k", 6), Some("six"));
    }

    #[test]
    fn the_cache_never_holds_more_than_its_capacity() {
        let cache = PageCache::new(3);
        for n in 0..3 {
            cache.insert(format!("old{n}"), 1, n);
        }
        cache.insert("new".into(), 2, 9);
        assert_eq!(cache.len(), 1, "answers of older versions go first");
        assert_eq!(cache.get("new", 2), Some(9));
        for n in 0..10 {
            cache.insert(format!("k{n}"), 2, n);
            assert!(cache.len() <= 3);
        }
        assert_eq!(cache.get("k9", 2), Some(9), "the latest insert is kept");
    }
}
