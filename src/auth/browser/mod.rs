//! Browser-only half of sign-in (`hydrate` feature): randomness, storage, the two ends of the
//! Authorization Code + PKCE flow, and the DPoP key and proofs ([`dpop_key`], [`dpop_proof`]).

pub mod callback;
pub mod clock;
pub mod cross_tab_lock;
pub mod dpop_key;
pub mod dpop_proof;
pub mod indexed_db;
pub mod page_config;
pub mod random;
pub mod refresh;
pub mod refresh_ledger;
pub mod session_sync;
pub mod sign_in;
pub mod sign_out;
pub mod token_endpoint;
pub mod token_store;
pub mod transaction_store;
