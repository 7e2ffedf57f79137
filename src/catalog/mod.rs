//! The product catalogue: the product type, queries and edits (shared by the browser and the
//! server), the server functions, and on the server the SQLite store and its seed.

pub mod edit;
pub mod product;
pub mod query;
pub mod related;
pub mod server_fns;

#[cfg(feature = "ssr")]
pub mod ai_service_client;
#[cfg(feature = "ssr")]
pub mod seed;
#[cfg(feature = "ssr")]
pub mod store;

pub use product::Product;
pub use query::{ProductPage, ProductQuery, SortOrder};
