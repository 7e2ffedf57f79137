//! One module per route.

pub mod admin_products;
pub mod callback;
pub mod chunk_preload;
pub mod home;
pub mod login;
pub mod not_found;
pub mod product_detail;
pub mod products;
pub mod profile;
pub mod split_routes;
