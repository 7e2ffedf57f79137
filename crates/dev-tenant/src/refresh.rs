//! Refresh tokens with rotation and reuse detection, as Auth0 does them.
//!
//! Each sign-in starts a *family*. Every use of the family's current token returns a new one
//! and retires the old. Presenting a retired token again means it leaked (or two tabs raced),
//! so the whole family is revoked: the retired token and the current one both stop working.
//!
//! Only SHA-256 hashes of tokens are kept. With a state directory the families are written to
//! `refresh-tokens.json` there (temp file + rename) after every change, so restarts do not sign
//! anyone out; the file holds no usable token.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::config::Lifetimes;
use crate::errors::TenantError;
use crate::keys::write_atomically;
use crate::random;

/// What a refresh token stands for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Grant {
    pub client_id: String,
    pub subject: String,
    pub scope: Vec<String>,
    pub audience: String,
    pub auth_time: u64,
    /// The DPoP key (RFC 7638 thumbprint) a public client's family is bound to: every refresh
    /// must carry a proof made with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jkt: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Family {
    grant: Grant,
    created_at: u64,
    last_used: u64,
    current_hash: String,
    retired_hashes: Vec<String>,
    revoked: bool,
}

impl Family {
    /// Whether the family is within both its idle and its absolute lifetime.
    fn live(&self, now: u64, lifetimes: &Lifetimes) -> bool {
        self.last_used + lifetimes.refresh_token_idle_secs > now
            && self.created_at + lifetimes.refresh_token_absolute_secs > now
    }

    /// Whether a token with this hash was ever issued in the family (current or retired).
    fn holds(&self, token_hash: &str) -> bool {
        self.current_hash == token_hash || self.retired_hashes.iter().any(|h| h == token_hash)
    }
}

/// Why a refresh token was refused. All map to the same wire error; the variants are for tests
/// and logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RefreshRefusal {
    Unknown,
    Revoked,
    Reused,
    Expired,
    WrongClient,
}

/// What [`RefreshStore::rotate`] did with a presented token.
pub(crate) enum Rotation<T, E> {
    /// Spent: what the request made of the grant, and the token that replaces the spent one.
    Rotated(T, String),
    /// The token itself was refused.
    Refused(RefreshRefusal),
    /// The token was good but the request was not (a wider scope, say). The token is not
    /// spent: an error answer must not cost the client its only refresh token, or its next
    /// correct request would look like reuse and revoke the family.
    NotAccepted(E),
}

pub(crate) struct RefreshStore {
    families: Mutex<HashMap<String, Family>>,
    file: Option<PathBuf>,
}

fn hash(token: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(token.as_bytes()))
}

impl RefreshStore {
    /// Opens the store, loading families from `state_dir` when given.
    pub fn open(state_dir: Option<PathBuf>) -> Result<Self, TenantError> {
        let file = state_dir.map(|d| d.join("refresh-tokens.json"));
        let families = match &file {
            Some(path) => match std::fs::read(path) {
                Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
                    TenantError::State(format!("refresh token file {}: {e}", path.display()))
                })?,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => HashMap::new(),
                Err(source) => {
                    return Err(TenantError::Io {
                        context: format!("reading {}", path.display()),
                        source,
                    })
                }
            },
            None => HashMap::new(),
        };
        Ok(Self {
            families: Mutex::new(families),
            file,
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Family>> {
        self.families.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Starts a family and returns its first token and the family's ID.
    pub fn issue(
        &self,
        grant: Grant,
        now: u64,
        lifetimes: &Lifetimes,
    ) -> Result<(String, String), TenantError> {
        let token = random::token();
        let mut families = self.lock();
        // Families past either lifetime can never be used again; dropping them here keeps the
        // store (and its file) from growing forever. Their tokens then read as unknown, which
        // gets the same answer.
        families.retain(|_, f| f.live(now, lifetimes));
        let family_id = random::token();
        families.insert(
            family_id.clone(),
            Family {
                grant,
                created_at: now,
                last_used: now,
                current_hash: hash(&token),
                retired_hashes: Vec::new(),
                revoked: false,
            },
        );
        self.persist(&families)?;
        Ok((token, family_id))
    }

    /// Spends `token` for `client_id` if `accept` takes its grant (checked under the lock,
    /// before anything changes), and returns the token that replaces it.
    pub fn rotate<T, E>(
        &self,
        token: &str,
        client_id: &str,
        now: u64,
        lifetimes: &Lifetimes,
        accept: impl FnOnce(&Grant) -> Result<T, E>,
    ) -> Result<Rotation<T, E>, TenantError> {
        let presented = hash(token);
        let mut families = self.lock();
        let Some(family) = families.values_mut().find(|f| f.holds(&presented)) else {
            return Ok(Rotation::Refused(RefreshRefusal::Unknown));
        };
        if family.grant.client_id != client_id {
            return Ok(Rotation::Refused(RefreshRefusal::WrongClient));
        }
        if family.revoked {
            return Ok(Rotation::Refused(RefreshRefusal::Revoked));
        }
        if family.current_hash != presented {
            // A retired token came back: revoke the family so whoever holds the newer token
            // (possibly the attacker) is cut off too.
            family.revoked = true;
            tracing::warn!(client_id, "refresh token reuse detected; family revoked");
            self.persist(&families)?;
            return Ok(Rotation::Refused(RefreshRefusal::Reused));
        }
        if !family.live(now, lifetimes) {
            return Ok(Rotation::Refused(RefreshRefusal::Expired));
        }
        let accepted = match accept(&family.grant) {
            Ok(accepted) => accepted,
            Err(error) => return Ok(Rotation::NotAccepted(error)),
        };
        let next = random::token();
        let old = std::mem::replace(&mut family.current_hash, hash(&next));
        family.retired_hashes.push(old);
        family.last_used = now;
        self.persist(&families)?;
        Ok(Rotation::Rotated(accepted, next))
    }

    /// Revokes the family of `token` if it belongs to `client_id`. Returns whether a family was
    /// revoked; unknown tokens are not an error (RFC 7009 §2.2).
    pub fn revoke(&self, token: &str, client_id: &str) -> Result<bool, TenantError> {
        let presented = hash(token);
        let mut families = self.lock();
        let Some(family) = families
            .values_mut()
            .find(|f| f.grant.client_id == client_id && f.holds(&presented))
        else {
            return Ok(false);
        };
        family.revoked = true;
        self.persist(&families)?;
        Ok(true)
    }

    /// Revokes the family `family_id` (a replayed authorization code started it). Returns
    /// whether it existed.
    pub fn revoke_family(&self, family_id: &str) -> Result<bool, TenantError> {
        let mut families = self.lock();
        let Some(family) = families.get_mut(family_id) else {
            return Ok(false);
        };
        family.revoked = true;
        self.persist(&families)?;
        Ok(true)
    }

    fn persist(&self, families: &HashMap<String, Family>) -> Result<(), TenantError> {
        let Some(path) = &self.file else {
            return Ok(());
        };
        let bytes = serde_json::to_vec(families)
            .map_err(|e| TenantError::State(format!("serialising refresh tokens: {e}")))?;
        write_atomically(path, &bytes)
    }
}
