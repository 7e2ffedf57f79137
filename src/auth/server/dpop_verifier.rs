//! [`DpopVerifier`]: the per-request half of DPoP (DESIGN §5). The access token itself has been
//! validated (and cached) by the [`TokenValidator`](super::TokenValidator); here its proof is
//! checked, every time: the one `DPoP` header, [`check_proof`], the token's `cnf.jkt` against
//! the proof's key, the server nonce when they are on, and last the replay cache — last so that
//! a proof refused for another reason does not use up its `jti`.

use axum::http::HeaderMap;

use super::dpop_nonce::NonceSource;
use super::dpop_proof::{check_proof, ProofError, ProofTarget};
use super::dpop_replay::{ReplayCache, ReplayRefusal, DEFAULT_REPLAY_CAPACITY};

/// Default `iat` window, either way: proofs are made just before each request, so a minute
/// covers slow networks and ordinary clock drift (Auth0's SPA SDK makes them the same way).
pub const DEFAULT_IAT_WINDOW_SECS: u64 = 60;

/// How proofs are checked.
#[derive(Clone, Debug)]
pub struct DpopSettings {
    /// Origins the app is reached at (`APP_PUBLIC_ORIGIN`, or its own address): a proof's
    /// `htu` must name one of them and the request's path.
    pub origins: Vec<String>,
    /// How far a proof's `iat` may be from the server's clock (default 60 s).
    pub iat_window_secs: u64,
    /// Whether proofs must carry the server's nonce (default off).
    pub nonce: bool,
    /// How many `jti`s are remembered at most (default 100 000).
    pub replay_capacity: usize,
}

impl DpopSettings {
    /// Proofs for `origins`, a 60 s window, no nonce, 100 000 remembered `jti`s.
    pub fn new(origins: Vec<String>) -> Self {
        Self {
            origins,
            iat_window_secs: DEFAULT_IAT_WINDOW_SECS,
            nonce: false,
            replay_capacity: DEFAULT_REPLAY_CAPACITY,
        }
    }
}

/// Why a request's proof was not accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DpopFailure {
    /// The proof is missing, malformed, or fails a check: `invalid_dpop_proof`.
    Proof(ProofError),
    /// The proof lacks the current nonce, which is given here: `use_dpop_nonce`.
    UseNonce(String),
    /// The proof is good but the replay cache is full of live entries, so it cannot be
    /// remembered (and so not accepted): the server is busy, the client's session is fine.
    Busy,
}

/// The request a proof comes with.
pub struct ProvenRequest<'a> {
    pub method: &'a str,
    /// The path, without the query.
    pub path: &'a str,
    pub headers: &'a HeaderMap,
    /// The access token of `Authorization: DPoP <token>`.
    pub access_token: &'a str,
    /// The token's `cnf.jkt`.
    pub bound_jkt: &'a str,
}

/// Checks proofs and remembers what must be remembered between them.
pub struct DpopVerifier {
    settings: DpopSettings,
    replay: ReplayCache,
    nonces: Option<NonceSource>,
}

impl DpopVerifier {
    pub fn new(settings: DpopSettings, now: u64) -> Self {
        // A proof stays acceptable while its iat is within the window of the clock: until at
        // most two windows after it was first seen.
        let replay = ReplayCache::new(settings.replay_capacity, 2 * settings.iat_window_secs + 1);
        let nonces = settings.nonce.then(|| NonceSource::new(now));
        Self {
            settings,
            replay,
            nonces,
        }
    }

    pub fn settings(&self) -> &DpopSettings {
        &self.settings
    }

    /// Accepts `request`'s proof, or says why not.
    pub fn verify(&self, request: &ProvenRequest<'_>, now: u64) -> Result<(), DpopFailure> {
        let mut values = request.headers.get_all("dpop").iter();
        let value = values
            .next()
            .ok_or(DpopFailure::Proof(ProofError::Missing))?;
        // Two proofs would let a client (or a proxy) make the server pick one.
        if values.next().is_some() {
            return Err(DpopFailure::Proof(ProofError::Several));
        }
        let proof = value
            .to_str()
            .map_err(|_| DpopFailure::Proof(ProofError::Malformed))?;
        let target = ProofTarget {
            method: request.method,
            path: request.path,
            origins: &self.settings.origins,
            access_token: request.access_token,
            iat_window: self.settings.iat_window_secs,
            now,
        };
        let proof = check_proof(proof, &target).map_err(DpopFailure::Proof)?;
        if proof.jkt != request.bound_jkt {
            return Err(DpopFailure::Proof(ProofError::KeyMismatch));
        }
        if let Some(nonces) = &self.nonces {
            if !proof
                .nonce
                .as_deref()
                .is_some_and(|nonce| nonces.accepts(nonce, now))
            {
                return Err(DpopFailure::UseNonce(nonces.current(now)));
            }
        }
        self.replay
            .record(&proof.jkt, &proof.jti, now)
            .map_err(|refusal| match refusal {
                ReplayRefusal::Replayed => DpopFailure::Proof(ProofError::Replayed),
                ReplayRefusal::Full => DpopFailure::Busy,
            })
    }

    /// How many `jti`s are remembered.
    pub fn remembered_proofs(&self) -> usize {
        self.replay.len()
    }
}
