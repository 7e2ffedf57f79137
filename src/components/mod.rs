//! Reusable pieces of the UI.

pub mod hydrated;
pub mod require_session;
pub mod site_header;
