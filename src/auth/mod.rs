//! Sign-in and token handling shared by the browser and the server.
//!
//! The browser half (`browser`, `hydrate` feature) runs the Authorization Code + PKCE flow with
//! only the public SPA client ID. The server half (`server`, `ssr` feature) validates every
//! bearer token itself. The modules here are plain data and pure functions used by both, which is
//! also why their tests run natively.

pub mod access_token_view;
pub mod api_error;
pub mod audience_claim;
pub mod bearer_client;
pub mod callback_check;
pub mod dangerous;
pub mod id_token;
pub mod identifiers;
pub mod permissions;
pub mod pkce;
pub mod protected_call;
pub mod public_config;
pub mod return_to;
pub mod session;
pub mod sign_in_request;
pub mod token_response;

#[cfg(feature = "hydrate")]
pub mod browser;
#[cfg(feature = "ssr")]
pub mod server;

pub use api_error::ApiError;
pub use identifiers::{Audience, Issuer, M2mClientId, SpaClientId};
pub use public_config::PublicAuthConfig;
