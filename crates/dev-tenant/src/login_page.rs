//! The HTML the tenant shows: the sign-in form and error pages. Everything echoed is escaped.
//!
//! Form contract (tests and browser automation rely on it): one `<form method="post">` with
//! hidden inputs `tx` and `csrf`, the inputs `username` (type email) and `password`, and the
//! submit buttons `action=login` ("Continue") and `action=cancel` ("Cancel"). The form is
//! `novalidate` so the browser never blocks Cancel over an empty or malformed email; the server
//! answers those like a wrong password.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};

use crate::config::UserConfig;
use crate::DEMO_PASSWORD;

/// Escapes text for HTML element content and double-quoted attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// What the sign-in form shows.
pub(crate) struct SignInForm<'a> {
    pub action: &'a str,
    pub transaction_id: &'a str,
    pub csrf: &'a str,
    pub client_name: &'a str,
    pub email: &'a str,
    pub error: Option<&'a str>,
    pub users: &'a [UserConfig],
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;background:#f4f4f7;color:#1f2937;\
margin:0;display:flex;min-height:100vh;align-items:center;justify-content:center}\
main{background:#fff;padding:2rem;border-radius:12px;box-shadow:0 4px 24px #0002;width:22rem}\
h1{font-size:1.3rem;margin-top:0}label{display:block;margin-top:1rem;font-weight:600}\
input[type=email],input[type=password]{width:100%;box-sizing:border-box;padding:.5rem;\
margin-top:.25rem;border:1px solid #cbd5e1;border-radius:6px}\
.actions{display:flex;gap:.5rem;margin-top:1.5rem}button{flex:1;padding:.6rem;border-radius:6px;\
border:1px solid #4f46e5;background:#4f46e5;color:#fff;font-weight:600;cursor:pointer}\
button[value=cancel]{background:#fff;color:#4f46e5}.error{color:#b91c1c;font-weight:600}\
.demo{font-size:.85rem;color:#4b5563;margin-top:1.5rem}code{background:#eef;padding:0 .2rem}";

/// Renders the sign-in form.
pub(crate) fn sign_in(form: &SignInForm<'_>, status: StatusCode) -> Response {
    let error = form
        .error
        .map(|e| format!("<p class=\"error\" role=\"alert\">{}</p>", escape(e)))
        .unwrap_or_default();
    let demo_users: String = form
        .users
        .iter()
        .map(|u| {
            let role = if u.role.is_empty() {
                String::new()
            } else {
                format!(" ({})", escape(&u.role))
            };
            format!("<li><code>{}</code>{role}</li>", escape(&u.email))
        })
        .collect();
    let body = format!(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in to Aura Commerce</title>
<style>{STYLE}</style>
</head>
<body>
<main>
<h1>Sign in to Aura Commerce</h1>
<p>to continue to {client}</p>
{error}<form method="post" action="{action}" novalidate>
<input type="hidden" name="tx" value="{tx}">
<input type="hidden" name="csrf" value="{csrf}">
<label for="username">Email address</label><input id="username" name="username" type="email" value="{email}" autocomplete="username" autofocus>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password">
<div class="actions">
<button type="submit" name="action" value="login">Continue</button>
<button type="submit" name="action" value="cancel">Cancel</button>
</div>
</form>
<section class="demo">
<p>Local development tenant. Demo users (password <code>{password}</code>):</p>
<ul>{demo_users}</ul>
</section>
</main>
</body>
</html>
"#,
        client = escape(form.client_name),
        action = escape(form.action),
        tx = escape(form.transaction_id),
        csrf = escape(form.csrf),
        email = escape(form.email),
        password = escape(DEMO_PASSWORD),
    );
    page(status, body)
}

/// An error page, for requests that cannot be answered with a redirect (for example an
/// unregistered `redirect_uri`: redirecting there would hand the attacker the error, or worse).
pub(crate) fn error_page(status: StatusCode, title: &str, message: &str) -> Response {
    let body = format!(
        r#"<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{title}</title><style>{STYLE}</style></head>
<body><main><h1>{title}</h1><p class="error">{message}</p></main></body>
</html>
"#,
        title = escape(title),
        message = escape(message),
    );
    page(status, body)
}

fn page(status: StatusCode, body: String) -> Response {
    let mut response = (status, Html(body)).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; \
             frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}
