//! The M2M client's notion of now: the monotonic clock plus an offset that only moves forward,
//! so tests can reach a token's renewal time without sleeping (as the local tenant's
//! `advance_clock` does for its side).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Monotonic time, advanceable. Clones share the offset.
#[derive(Clone, Debug, Default)]
pub struct M2mClock {
    offset_millis: Arc<AtomicU64>,
}

impl M2mClock {
    pub fn now(&self) -> Instant {
        Instant::now() + Duration::from_millis(self.offset_millis.load(Ordering::SeqCst))
    }

    /// Moves this clock (and its clones) forward by `by`.
    pub fn advance(&self, by: Duration) {
        let millis = u64::try_from(by.as_millis()).unwrap_or(u64::MAX);
        self.offset_millis.fetch_add(millis, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advancing_moves_every_clone() {
        let clock = M2mClock::default();
        let clone = clock.clone();
        let before = clone.now();
        clock.advance(Duration::from_secs(90));
        assert!(clone.now() >= before + Duration::from_secs(90));
    }
}
