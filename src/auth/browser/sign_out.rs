//! Signing out: forget the tokens in every tab, then end the tenant's session.

use leptos::prelude::Set;

use super::{page_config, token_store};
use crate::auth::session::{Session, SessionState};

/// Clears the token set (other tabs see it through the `storage` event and sign out too) and
/// sends the browser to `{issuer}v2/logout`, which ends the tenant's session and returns to the
/// landing page.
pub fn sign_out(session: Session) {
    token_store::clear();
    session.0.set(SessionState::SignedOut);
    let location = leptos::prelude::window().location();
    let Ok(config) = page_config::public_auth_config() else {
        let _ = location.assign("/");
        return;
    };
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("client_id", config.client_id.as_str())
        .append_pair("returnTo", &format!("{}/", page_config::origin()))
        .finish();
    let _ = location.assign(&format!("{}?{query}", config.issuer.endpoint("v2/logout")));
}
