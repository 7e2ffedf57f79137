//! Sign-out: Auth0's `GET /v2/logout` (`client_id`, `returnTo`) and OpenID's
//! `GET /oidc/logout` (`id_token_hint`, `post_logout_redirect_uri`, `state`).
//!
//! Both end the tenant's session (so the next `/authorize` shows the form) and redirect only
//! to a registered logout URL; anything else gets an HTML error page, since an open redirect
//! here would be a phishing aid.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;

use crate::authorize::{cookie, redirect, session_cookie, SESSION_COOKIE};
use crate::login_page;
use crate::params::query_param;
use crate::state::{SharedState, TenantState};
use crate::verify::verify;

/// `GET /v2/logout`.
pub(crate) async fn v2_logout(
    State(state): State<SharedState>,
    headers: HeaderMap,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let param = |name: &str| query_param(&params, name);
    let return_to = param("returnTo");
    if let Some(url) = return_to {
        let allowed = match param("client_id") {
            Some(id) => state
                .config
                .client(id)
                .is_some_and(|c| c.logout_urls.iter().any(|u| u == url)),
            // Without a client, Auth0 checks the tenant-wide list; here: any client's list.
            None => state
                .config
                .clients
                .iter()
                .any(|c| c.logout_urls.iter().any(|u| u == url)),
        };
        if !allowed {
            return login_page::error_page(
                StatusCode::BAD_REQUEST,
                "Logout URL not allowed",
                "The returnTo URL is not in the list of allowed logout URLs.",
            );
        }
    }
    end_session(&state, &headers, return_to.map(str::to_owned))
}

/// `GET /oidc/logout`.
pub(crate) async fn oidc_logout(
    State(state): State<SharedState>,
    headers: HeaderMap,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let param = |name: &str| query_param(&params, name);
    let refuse = |message: &str| {
        login_page::error_page(StatusCode::BAD_REQUEST, "Invalid logout request", message)
    };
    let hinted_client = match param("id_token_hint") {
        Some(hint) => match verify(&state, hint, None, false) {
            Ok(claims) => claims["aud"].as_str().map(str::to_owned),
            Err(rejection) => return refuse(rejection.describe()),
        },
        None => None,
    };
    let client_id = match (param("client_id"), hinted_client.as_deref()) {
        (Some(given), Some(hinted)) if given != hinted => {
            return refuse("client_id does not match the id_token_hint's audience.")
        }
        (Some(id), _) | (None, Some(id)) => Some(id.to_owned()),
        (None, None) => None,
    };
    let Some(target) = param("post_logout_redirect_uri") else {
        return end_session(&state, &headers, None);
    };
    let Some(client) = client_id.as_deref().and_then(|id| state.config.client(id)) else {
        return refuse("post_logout_redirect_uri needs a client_id or an id_token_hint.");
    };
    if !client.logout_urls.iter().any(|u| u == target) {
        return refuse("The post_logout_redirect_uri is not in the list of allowed logout URLs.");
    }
    let mut location = match url::Url::parse(target) {
        Ok(url) => url,
        Err(_) => return refuse("The post_logout_redirect_uri is not a URL."),
    };
    if let Some(s) = param("state") {
        location.query_pairs_mut().append_pair("state", s);
    }
    end_session(&state, &headers, Some(location.to_string()))
}

/// Forgets the session, expires its cookie, and redirects (or says "signed out").
fn end_session(state: &TenantState, headers: &HeaderMap, target: Option<String>) -> Response {
    if let Some(id) = cookie(headers, SESSION_COOKIE) {
        state.sessions.remove(&id);
    }
    let mut response = match target {
        Some(url) => redirect(&url),
        None => login_page::error_page(
            StatusCode::OK,
            "Signed out",
            "You are signed out of the local tenant.",
        ),
    };
    if let Some(cookie) = session_cookie(state, "", 0) {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}
