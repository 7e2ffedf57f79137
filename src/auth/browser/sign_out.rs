//! Signing out: forget the tokens here, then end the tenant's session.

use super::{page_config, token_store};

/// Clears the token set and sends the browser to `{issuer}v2/logout`, which ends the tenant's
/// session and returns to the landing page.
pub fn sign_out() {
    token_store::clear();
    let Ok(config) = page_config::public_auth_config() else {
        let _ = leptos::prelude::window().location().assign("/");
        return;
    };
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("client_id", &config.client_id)
        .append_pair("returnTo", &format!("{}/", page_config::origin()))
        .finish();
    let _ = leptos::prelude::window()
        .location()
        .assign(&format!("{}v2/logout?{query}", config.issuer));
}
