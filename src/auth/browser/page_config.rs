//! Reads the [`PublicAuthConfig`] the server rendered into the page.

use crate::auth::public_config::{PublicAuthConfig, PUBLIC_CONFIG_META};

/// The configuration from `<meta name="aura-auth-config" content="…">`.
pub fn public_auth_config() -> Result<PublicAuthConfig, String> {
    let content = leptos::prelude::document()
        .query_selector(&format!("meta[name=\"{PUBLIC_CONFIG_META}\"]"))
        .ok()
        .flatten()
        .and_then(|meta| meta.get_attribute("content"))
        .ok_or("the page has no sign-in configuration")?;
    serde_json::from_str(&content)
        .map_err(|e| format!("the sign-in configuration is malformed: {e}"))
}

/// This page's origin, e.g. `http://127.0.0.1:3000`.
pub fn origin() -> String {
    leptos::prelude::window()
        .location()
        .origin()
        .unwrap_or_default()
}
