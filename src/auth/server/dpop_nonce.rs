//! Server-provided DPoP nonces (RFC 9449 §9): a random value that proofs must carry, so a
//! proof cannot be made long before it is used, whatever the client's clock says.
//!
//! The nonce is replaced every [`NONCE_LIFETIME_SECS`]; the one before stays good for as long
//! again, so a client that just learnt it is not turned away by the rotation — but only if it
//! was current until then: after an idle spell the old one is not brought back.
//!
//! Nonces are per instance (DESIGN §9). Behind a load balancer that does not keep a client on
//! one instance, each answer may come from an instance with another nonce, and the browser's
//! one retry does not always suffice: turn nonces on only with sticky sessions (README).

use std::sync::Mutex;

use aws_lc_rs::rand::{SecureRandom, SystemRandom};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

/// How long a nonce is the current one.
pub const NONCE_LIFETIME_SECS: u64 = 300;

struct Nonces {
    current: String,
    previous: Option<String>,
    issued_at: u64,
}

/// The current and previous nonce.
pub struct NonceSource {
    nonces: Mutex<Nonces>,
}

fn fresh_nonce() -> String {
    let mut bytes = [0u8; 16];
    // The system's RNG does not fail on the platforms this runs on; a zero nonce would still
    // only weaken the freshness bound, not the binding.
    let _ = SystemRandom::new().fill(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

impl NonceSource {
    pub fn new(now: u64) -> Self {
        Self {
            nonces: Mutex::new(Nonces {
                current: fresh_nonce(),
                previous: None,
                issued_at: now,
            }),
        }
    }

    fn at(&self, now: u64) -> std::sync::MutexGuard<'_, Nonces> {
        let mut nonces = self.nonces.lock().unwrap_or_else(|e| e.into_inner());
        if now >= nonces.issued_at + NONCE_LIFETIME_SECS {
            let fresh = fresh_nonce();
            let old = std::mem::replace(&mut nonces.current, fresh);
            // Good one lifetime past its own, no longer.
            nonces.previous = (now < nonces.issued_at + 2 * NONCE_LIFETIME_SECS).then_some(old);
            nonces.issued_at = now;
        }
        nonces
    }

    /// The nonce to hand out now (`DPoP-Nonce`).
    pub fn current(&self, now: u64) -> String {
        self.at(now).current.clone()
    }

    /// Whether `nonce` is the current or the previous one.
    pub fn accepts(&self, nonce: &str, now: u64) -> bool {
        let nonces = self.at(now);
        nonces.current == nonce || nonces.previous.as_deref() == Some(nonce)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonces_rotate_and_the_previous_one_stays_good_for_one_more_lifetime() {
        let source = NonceSource::new(1_000);
        let first = source.current(1_000);
        assert!(source.accepts(&first, 1_299));
        let second = source.current(1_300);
        assert_ne!(first, second);
        assert!(source.accepts(&first, 1_300));
        assert!(!source.accepts(&first, 1_600));
        assert!(!source.accepts("made-up", 1_000));
    }

    #[test]
    fn after_an_idle_spell_the_old_nonce_is_not_brought_back() {
        let source = NonceSource::new(1_000);
        let first = source.current(1_000);
        // Nobody asked for two lifetimes: `first` expired at 1_600 and must stay expired.
        assert!(!source.accepts(&first, 1_700));
        assert_ne!(source.current(1_700), first);
    }
}
