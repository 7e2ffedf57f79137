//! HTTP tests against a tenant served on `127.0.0.1:0`, one module per area. A single test
//! binary links once, which keeps `cargo test` quick.

mod authorize_errors;
mod binary;
mod client_credentials;
mod cors;
mod discovery;
mod dpop;
mod dpop_proof;
mod handle;
mod host_check;
mod logout;
mod oneshot;
mod refresh;
mod sign_in;
mod sign_in_throttle;
mod standard_client;
mod support;
mod token_errors;
mod userinfo;
