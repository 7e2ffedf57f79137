//! One module per route.

pub mod callback;
pub mod home;
pub mod login;
pub mod not_found;
pub mod products;
pub mod profile;
