//! Reusable pieces of the UI.

pub mod api_error_notice;
pub mod hydrated;
pub mod product_card;
pub mod require_session;
pub mod site_header;
