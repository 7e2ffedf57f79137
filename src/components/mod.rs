//! Reusable pieces of the UI.

pub mod hydrated;
pub mod site_header;
