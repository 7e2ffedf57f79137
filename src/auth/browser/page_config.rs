//! Reads the [`PublicAuthConfig`] the server rendered into the page.
//!
//! The `content` is JSON written by the server with serde; the browser reads it with its own
//! `JSON.parse` so that serde_json's parser stays out of the first WASM chunk every page
//! downloads (see `wasm_chunks`).

use std::cell::OnceCell;

use js_sys::{Reflect, JSON};
use wasm_bindgen::JsValue;

use crate::auth::public_config::{
    DpopMode, PublicAuthConfig, TokenStorageKind, PUBLIC_CONFIG_META,
};
use crate::auth::{Audience, Issuer, SpaClientId};

thread_local! {
    /// Read once per page: the tag does not change after the server sent it.
    static CONFIG: OnceCell<Result<PublicAuthConfig, String>> = const { OnceCell::new() };
}

/// The configuration from `<meta name="aura-auth-config" content="…">`.
pub fn public_auth_config() -> Result<PublicAuthConfig, String> {
    CONFIG.with(|config| config.get_or_init(read_meta_tag).clone())
}

/// Whether tokens are bound to the browser's DPoP key (`AUTH0_DPOP=on`).
pub fn dpop_on() -> bool {
    public_auth_config().is_ok_and(|config| config.dpop.is_on())
}

/// Where the token set lives; read on every storage access, so without copying the config.
pub fn token_storage() -> TokenStorageKind {
    CONFIG.with(|config| {
        config
            .get_or_init(read_meta_tag)
            .as_ref()
            .map(|config| config.token_storage)
            .unwrap_or_default()
    })
}

fn read_meta_tag() -> Result<PublicAuthConfig, String> {
    let content = leptos::prelude::document()
        .query_selector(&format!("meta[name=\"{PUBLIC_CONFIG_META}\"]"))
        .ok()
        .flatten()
        .and_then(|meta| meta.get_attribute("content"))
        .filter(|content| !content.is_empty())
        .ok_or("the page has no sign-in configuration")?;
    let malformed = |what: &str| format!("the sign-in configuration is malformed: {what}");
    let json = JSON::parse(&content).map_err(|_| malformed("not JSON"))?;
    let text = |field: &str| -> Result<String, String> {
        Reflect::get(&json, &JsValue::from_str(field))
            .ok()
            .and_then(|value| value.as_string())
            .ok_or_else(|| malformed(&format!("`{field}` is missing")))
    };
    let token_storage = match text("token_storage") {
        Ok(kind) => TokenStorageKind::parse(&kind)
            .ok_or_else(|| malformed(&format!("unknown token_storage `{kind}`")))?,
        Err(_) => TokenStorageKind::default(),
    };
    let dpop = match text("dpop") {
        Ok(mode) => {
            DpopMode::parse(&mode).ok_or_else(|| malformed(&format!("unknown dpop `{mode}`")))?
        }
        Err(_) => DpopMode::default(),
    };
    Ok(PublicAuthConfig {
        // Checked by the server before it rendered them.
        issuer: Issuer::from_checked(text("issuer")?),
        client_id: SpaClientId::from_checked(text("client_id")?),
        audience: Audience::from_checked(text("audience")?),
        token_storage,
        dpop,
    })
}

/// This page's origin, e.g. `http://127.0.0.1:3000`.
pub fn origin() -> String {
    leptos::prelude::window()
        .location()
        .origin()
        .unwrap_or_default()
}
