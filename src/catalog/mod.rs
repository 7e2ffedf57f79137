//! The product catalogue: product types and the server functions that serve them.

pub mod product;
pub mod related;
pub mod server_fns;

#[cfg(feature = "ssr")]
pub mod ai_service_client;
#[cfg(feature = "ssr")]
pub mod seed;
#[cfg(feature = "ssr")]
pub mod store;

pub use product::Product;
