//! `aura-commerce doctor`: the setup checklist of the Auth0 guide, run live against the
//! configured tenant, with the fix for every item that fails.
//!
//! It checks, in order: discovery and the issuer; the RS256 signing keys; whether DPoP is on
//! and, when it is, that discovery advertises it; that the SPA client
//! is public and allows this app's callback; that the M2M credentials get a token for the API;
//! that the token passes this app's own validator, carries the permissions the app needs, and is
//! accepted by the app's API. It never prints a secret.

mod checklist;
mod report;
mod tenant_probe;

pub use checklist::run_checklist;
pub use report::{Check, Outcome, Report};
