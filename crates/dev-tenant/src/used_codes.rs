//! Authorization codes already presented, so a second presentation can revoke what the first
//! one issued (RFC 6749 §4.1.2: "the authorization server ... SHOULD revoke (when possible) all
//! tokens previously issued based on that authorization code").
//!
//! A record lives for one code lifetime after the code's first use, and the set is capped, so
//! an endless stream of exchanges cannot grow it without bound.

use std::collections::HashMap;
use std::sync::Mutex;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use sha2::{Digest, Sha256};

/// At most this many used codes are remembered; past it the ones closest to expiry go first.
const CAPACITY: usize = 10_000;

#[derive(Debug, Default)]
struct UsedCode {
    expires_at: u64,
    /// The refresh-token family the first use started, once it has.
    family_id: Option<String>,
    /// Whether the code came back while its first use was still being answered.
    replayed: bool,
}

pub(crate) struct UsedCodes {
    codes: Mutex<HashMap<String, UsedCode>>,
}

/// Only hashes are kept: the record must not be a list of codes someone could redeem.
fn key(code: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(code.as_bytes()))
}

impl UsedCodes {
    pub fn new() -> Self {
        Self {
            codes: Mutex::new(HashMap::new()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, UsedCode>> {
        self.codes.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Records the first use of `code`, remembered until `expires_at`.
    pub fn first_use(&self, code: &str, now: u64, expires_at: u64) {
        let mut codes = self.lock();
        codes.retain(|_, c| c.expires_at > now);
        if codes.len() >= CAPACITY {
            if let Some(oldest) = codes
                .iter()
                .min_by_key(|(_, c)| c.expires_at)
                .map(|(k, _)| k.clone())
            {
                codes.remove(&oldest);
            }
        }
        codes.insert(
            key(code),
            UsedCode {
                expires_at,
                ..UsedCode::default()
            },
        );
    }

    /// Notes the refresh-token family the first use of `code` started. Returns false when the
    /// code was replayed meanwhile: the caller must then revoke that family itself.
    pub fn started_family(&self, code: &str, family_id: &str) -> bool {
        match self.lock().get_mut(&key(code)) {
            Some(used) if used.replayed => false,
            Some(used) => {
                used.family_id = Some(family_id.to_owned());
                true
            }
            None => true,
        }
    }

    /// Handles a second presentation of `code`: returns the family its first use started (to be
    /// revoked), and marks the code so a family started later is revoked too.
    pub fn replayed(&self, code: &str, now: u64) -> Option<String> {
        let mut codes = self.lock();
        let used = codes.get_mut(&key(code)).filter(|c| c.expires_at > now)?;
        used.replayed = true;
        used.family_id.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::UsedCodes;

    /// A replay returns the family; a family started after a replay is reported for revocation;
    /// records expire.
    #[test]
    fn replays_find_the_family_their_first_use_started() {
        let used = UsedCodes::new();
        used.first_use("a", 100, 160);
        assert!(used.started_family("a", "family-a"));
        assert_eq!(used.replayed("a", 120).as_deref(), Some("family-a"));
        assert_eq!(used.replayed("a", 160), None, "expired");

        used.first_use("b", 100, 160);
        assert_eq!(used.replayed("b", 110), None, "nothing issued yet");
        assert!(
            !used.started_family("b", "family-b"),
            "issued after the replay"
        );
        assert_eq!(used.replayed("never", 110), None);
    }
}
