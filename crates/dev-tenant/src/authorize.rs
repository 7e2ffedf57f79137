//! `GET /authorize` and the sign-in form's `POST /u/login`.
//!
//! Until `client_id` and `redirect_uri` are known good, problems are shown as an HTML error
//! page; after that they go back to the client as `?error=…&error_description=…&state=…`, as
//! OAuth requires. A signed-in tenant session (cookie) skips the form unless `prompt=login`.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;

use crate::config::{ClientConfig, GrantType, TenantConfig, UserConfig};
use crate::login_page::{self, SignInForm};
use crate::params::query_param;
use crate::random;
use crate::sign_in_throttle::AttemptKeys;
use crate::state::SharedState;
use crate::state::{AuthorizeRequest, LoginTransaction, PendingCode, Session, TenantState};

/// Name of the tenant's sign-in session cookie. Distinct from anything the app sets, since
/// cookies are shared between ports of the same host.
pub(crate) const SESSION_COOKIE: &str = "dev_tenant_session";

/// `GET /authorize`.
pub(crate) async fn authorize(
    State(state): State<SharedState>,
    headers: HeaderMap,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let param = |name: &str| query_param(&params, name);
    let config = &state.config;

    let Some(client) = param("client_id").and_then(|id| config.client(id)) else {
        return login_page::error_page(
            StatusCode::BAD_REQUEST,
            "Unknown application",
            "The client_id is missing or does not name an application of this tenant.",
        );
    };
    let Some(redirect_uri) =
        param("redirect_uri").filter(|uri| client.callbacks.iter().any(|c| c == uri))
    else {
        return login_page::error_page(
            StatusCode::BAD_REQUEST,
            "Callback URL mismatch",
            &format!(
                "The redirect_uri is missing or is not in the list of allowed callback URLs of {}.",
                client.client_id
            ),
        );
    };
    let request_state = param("state").map(str::to_owned);
    let fail = |error: &str, description: &str| {
        error_redirect(redirect_uri, request_state.as_deref(), error, description)
    };

    if param("response_type") != Some("code") {
        return fail(
            "unsupported_response_type",
            "Unsupported response type: only 'code' is supported.",
        );
    }
    // Only query responses exist here; silently answering in another mode would leave a client
    // waiting for a form post or a web message that never comes.
    if let Some(mode) = param("response_mode").filter(|m| *m != "query") {
        return fail(
            "invalid_request",
            &format!("Unsupported response_mode '{mode}': only 'query' is supported."),
        );
    }
    if !client.allows(GrantType::AuthorizationCode) {
        return fail(
            "unauthorized_client",
            "Grant type 'authorization_code' not allowed for the client.",
        );
    }
    let code_challenge = param("code_challenge");
    match (code_challenge, param("code_challenge_method")) {
        (None, _) if client.is_public() => {
            return fail("invalid_request", "Parameter 'code_challenge' is required.")
        }
        (None, None) => {}
        (Some(_), Some("S256")) => {}
        (_, Some(method)) => {
            return fail(
                "invalid_request",
                &format!("Unsupported code_challenge_method '{method}': only S256 is allowed."),
            )
        }
        (Some(_), None) => {
            return fail(
                "invalid_request",
                "Parameter 'code_challenge_method' is required and must be S256.",
            )
        }
    }
    if code_challenge.is_some_and(|c| c.len() != 43) {
        return fail(
            "invalid_request",
            "Parameter 'code_challenge' must be a base64url SHA-256 hash (43 characters).",
        );
    }
    let audience = param("audience").unwrap_or(&config.audience);
    if !config.knows_audience(audience) {
        return fail("access_denied", &format!("Service not found: {audience}"));
    }

    let request = AuthorizeRequest {
        client_id: client.client_id.clone(),
        redirect_uri: redirect_uri.to_owned(),
        state: request_state.clone(),
        nonce: param("nonce").map(str::to_owned),
        scope: param("scope")
            .unwrap_or("openid")
            .split_whitespace()
            .map(str::to_owned)
            .collect(),
        audience: audience.to_owned(),
        code_challenge: code_challenge.map(str::to_owned),
    };

    let prompt = param("prompt").unwrap_or_default();
    let now = state.clock.now();
    if !prompt.split_whitespace().any(|p| p == "login") {
        if let Some(session) = session_from(&state, &headers, now) {
            return code_redirect(&state, request, session.subject, session.auth_time, None);
        }
    }
    if prompt.split_whitespace().any(|p| p == "none") {
        return fail("login_required", "Login required");
    }

    let transaction_id = random::token();
    let csrf = random::token();
    state.login_transactions.insert(
        transaction_id.clone(),
        LoginTransaction {
            request,
            csrf: csrf.clone(),
        },
        now,
        now + config.lifetimes.login_transaction_secs,
    );
    let email = param("login_hint").unwrap_or_default();
    render_form(
        &state,
        client,
        &transaction_id,
        &csrf,
        email,
        None,
        StatusCode::OK,
    )
}

/// The fields the sign-in form posts.
#[derive(Debug, serde::Deserialize)]
pub(crate) struct SignInSubmission {
    #[serde(default)]
    tx: String,
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    action: String,
}

/// `POST /u/login`.
pub(crate) async fn sign_in(
    State(state): State<SharedState>,
    Form(form): Form<SignInSubmission>,
) -> Response {
    let now = state.clock.now();
    let Some(transaction) = state.login_transactions.get(&form.tx, now) else {
        return login_page::error_page(
            StatusCode::BAD_REQUEST,
            "Sign-in expired",
            "This sign-in page has expired or was already used. Go back to the application and sign in again.",
        );
    };
    if !constant_time_eq(&transaction.csrf, &form.csrf) {
        return login_page::error_page(
            StatusCode::FORBIDDEN,
            "Invalid request",
            "The form's security token did not match. Go back to the application and sign in again.",
        );
    }
    let request = transaction.request;
    let Some(client) = state.config.client(&request.client_id) else {
        return login_page::error_page(StatusCode::BAD_REQUEST, "Unknown application", "");
    };

    // A script calling `form.submit()` sends no button; that means "Continue".
    match form.action.as_str() {
        "cancel" => {
            state.login_transactions.remove(&form.tx);
            error_redirect(
                &request.redirect_uri,
                request.state.as_deref(),
                "access_denied",
                "The user cancelled the sign-in.",
            )
        }
        "login" | "" => {
            let attempt = AttemptKeys::new(&form.username, &form.tx);
            if let Some(wait) = state.sign_in_throttle.locked_for(&attempt, now) {
                tracing::info!(client_id = %request.client_id, wait, "sign-in refused: too many attempts");
                return too_many_attempts(&state, client, &form, &transaction.csrf, wait);
            }
            match check_password(&state.config, &form.username, &form.password) {
                Some(user) => {
                    state.sign_in_throttle.succeeded(&attempt);
                    // Taking the transaction makes a double submit yield one code, not two.
                    if state.login_transactions.take(&form.tx, now).is_none() {
                        return login_page::error_page(
                            StatusCode::BAD_REQUEST,
                            "Sign-in expired",
                            "This sign-in page was already used. Go back to the application.",
                        );
                    }
                    let subject = user.subject();
                    tracing::info!(email = %user.email, client_id = %request.client_id, "signed in");
                    let session_id = random::token();
                    state.sessions.insert(
                        session_id.clone(),
                        Session {
                            subject: subject.clone(),
                            auth_time: now,
                        },
                        now,
                        now + state.config.lifetimes.session_secs,
                    );
                    code_redirect(&state, request, subject, now, Some(session_id))
                }
                None => {
                    state.sign_in_throttle.failed(&attempt, now);
                    render_form(
                        &state,
                        client,
                        &form.tx,
                        &transaction.csrf,
                        &form.username,
                        Some("Wrong email or password."),
                        StatusCode::UNAUTHORIZED,
                    )
                }
            }
        }
        _ => login_page::error_page(
            StatusCode::BAD_REQUEST,
            "Invalid request",
            "Unknown form action.",
        ),
    }
}

/// The sign-in form again, 429 with `Retry-After`, saying how long to wait.
fn too_many_attempts(
    state: &TenantState,
    client: &ClientConfig,
    form: &SignInSubmission,
    csrf: &str,
    wait_secs: u64,
) -> Response {
    let unit = if wait_secs == 1 { "second" } else { "seconds" };
    let message = format!("Too many attempts, try again in {wait_secs} {unit}.");
    let mut response = render_form(
        state,
        client,
        &form.tx,
        csrf,
        &form.username,
        Some(&message),
        StatusCode::TOO_MANY_REQUESTS,
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(wait_secs));
    response
}

fn check_password<'a>(
    config: &'a TenantConfig,
    email: &str,
    password: &str,
) -> Option<&'a UserConfig> {
    config
        .user_by_email(email)
        .filter(|u| constant_time_eq(&u.password, password))
}

/// Compares without an early exit, so timing does not reveal a common prefix.
fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

fn render_form(
    state: &TenantState,
    client: &ClientConfig,
    transaction_id: &str,
    csrf: &str,
    email: &str,
    error: Option<&str>,
    status: StatusCode,
) -> Response {
    let name = if client.name.is_empty() {
        &client.client_id
    } else {
        &client.name
    };
    login_page::sign_in(
        &SignInForm {
            action: &state.config.endpoint("u/login"),
            transaction_id,
            csrf,
            client_name: name,
            email,
            error,
            users: &state.config.users,
        },
        status,
    )
}

/// The live session named by the request's cookie, if its user still exists.
fn session_from(state: &TenantState, headers: &HeaderMap, now: u64) -> Option<Session> {
    let id = cookie(headers, SESSION_COOKIE)?;
    let session = state.sessions.get(&id, now)?;
    state.config.user_by_subject(&session.subject)?;
    Some(session)
}

/// The value of cookie `name` in the request.
pub(crate) fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// Issues a code and redirects to the client with it; sets the session cookie when a new
/// session was just made.
fn code_redirect(
    state: &TenantState,
    request: AuthorizeRequest,
    subject: String,
    auth_time: u64,
    new_session: Option<String>,
) -> Response {
    let now = state.clock.now();
    let code = random::token();
    let mut location = match url::Url::parse(&request.redirect_uri) {
        Ok(url) => url,
        Err(_) => {
            return login_page::error_page(
                StatusCode::BAD_REQUEST,
                "Callback URL mismatch",
                "The redirect_uri is not a URL.",
            )
        }
    };
    {
        let mut query = location.query_pairs_mut();
        query.append_pair("code", &code);
        if let Some(s) = &request.state {
            query.append_pair("state", s);
        }
    }
    state.codes.insert(
        code,
        PendingCode {
            request,
            subject,
            auth_time,
        },
        now,
        now + state.config.lifetimes.authorization_code_secs,
    );
    let mut response = redirect(location.as_str());
    if let Some(session_id) = new_session {
        if let Some(cookie) =
            session_cookie(state, &session_id, state.config.lifetimes.session_secs)
        {
            response.headers_mut().append(header::SET_COOKIE, cookie);
        }
    }
    response
}

/// The sign-in session cookie: `value` for `max_age` seconds (an empty value and 0 clear it).
/// `Secure` when the issuer is served over https.
pub(crate) fn session_cookie(
    state: &TenantState,
    value: &str,
    max_age: u64,
) -> Option<HeaderValue> {
    let secure = if state.config.issuer.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={value}; HttpOnly; SameSite=Lax; Path=/; Max-Age={max_age}{secure}"
    ))
    .ok()
}

/// Redirects to an already-validated `redirect_uri` with an OAuth error.
fn error_redirect(
    redirect_uri: &str,
    state: Option<&str>,
    error: &str,
    description: &str,
) -> Response {
    let Ok(mut location) = url::Url::parse(redirect_uri) else {
        return login_page::error_page(
            StatusCode::BAD_REQUEST,
            "Callback URL mismatch",
            "The redirect_uri is not a URL.",
        );
    };
    {
        let mut query = location.query_pairs_mut();
        query.append_pair("error", error);
        query.append_pair("error_description", description);
        if let Some(s) = state {
            query.append_pair("state", s);
        }
    }
    redirect(location.as_str())
}

/// A 302 (Auth0 uses 302, not 303) with no caching.
pub(crate) fn redirect(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(value) => (
            StatusCode::FOUND,
            [
                (header::LOCATION, value),
                (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            ],
        )
            .into_response(),
        Err(_) => StatusCode::BAD_REQUEST.into_response(),
    }
}
