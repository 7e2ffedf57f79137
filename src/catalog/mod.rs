//! The product catalogue: the product type, queries and edits (shared by the browser and the
//! server), the server functions, and on the server the store (SQLite or PostgreSQL), its
//! seed, and the cache of rendered pages that the catalogue's version keeps current.

pub mod edit;
pub mod product;
pub mod query;
pub mod related;
pub mod server_fns;

#[cfg(feature = "ssr")]
pub mod ai_service_client;
#[cfg(feature = "ssr")]
pub mod page_cache;
#[cfg(feature = "ssr")]
pub mod seed;
#[cfg(feature = "ssr")]
pub mod store;

pub use product::Product;
pub use query::{ProductPage, ProductQuery, SortOrder};
