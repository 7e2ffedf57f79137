//! Browser security headers (DESIGN §7) on every response.
//!
//! Pages get a Content-Security-Policy built around Leptos's per-response nonce (set while the
//! shell renders, see `app::shell`); every other response gets a strict default. Tokens live in
//! browser storage, so the CSP is what keeps foreign scripts from reading them.

use axum::extract::Request;
use axum::http::header::{
    CONTENT_SECURITY_POLICY, REFERRER_POLICY, STRICT_TRANSPORT_SECURITY, X_CONTENT_TYPE_OPTIONS,
    X_FRAME_OPTIONS,
};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;

/// For responses that are not pages (server functions, JSON, files): nothing may run or embed.
const DEFAULT_POLICY: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

/// The policy for an HTML page.
///
/// - scripts: only those carrying this response's nonce, and what they load themselves
///   (`'strict-dynamic'`: the bundle's modules and the page chunks it imports). Not `'self'`,
///   which would let any file of this origin run from an injected `<script src>` — the first
///   upload or generated-JS route would make that an attack. `'wasm-unsafe-eval'` lets the
///   WebAssembly compile.
/// - connections: this origin (server functions) and the tenant (the token endpoint), plus the
///   live-reload socket during development.
/// - images: this origin, `data:` (the local tenant's avatars) and any https origin: a real
///   tenant's `picture` claim points at Gravatar, Auth0's CDN or the social provider the
///   shopper signed in with, which cannot be listed in advance (an image cannot run script).
pub fn page_policy(nonce: &str, tenant_origin: &str, live_reload: Option<&str>) -> String {
    let reload = live_reload.map(|url| format!(" {url}")).unwrap_or_default();
    format!(
        "default-src 'self'; \
         script-src 'nonce-{nonce}' 'strict-dynamic' 'wasm-unsafe-eval'; \
         style-src 'self'; \
         img-src 'self' data: https:; \
         connect-src 'self' {tenant_origin}{reload}; \
         form-action 'self' {tenant_origin}; \
         frame-ancestors 'none'; \
         base-uri 'none'; \
         object-src 'none'"
    )
}

/// Adds the headers every response carries; keeps a page's own CSP.
pub async fn add_security_headers(request: Request, next: Next) -> Response {
    let https = request
        .headers()
        .get("x-forwarded-proto")
        .is_some_and(|proto| proto == "https")
        || request.uri().scheme_str() == Some("https");
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if !headers.contains_key(CONTENT_SECURITY_POLICY) {
        headers.insert(
            CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(DEFAULT_POLICY),
        );
    }
    if https {
        headers.insert(
            STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=63072000; includeSubDomains"),
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_policy_names_the_nonce_and_the_tenant() {
        let policy = page_policy("abc", "http://127.0.0.1:4000", None);
        assert!(policy.contains("script-src 'nonce-abc' 'strict-dynamic' 'wasm-unsafe-eval';"));
        assert!(policy.contains("connect-src 'self' http://127.0.0.1:4000;"));
        assert!(policy.contains("frame-ancestors 'none'"));
        assert!(policy.contains("object-src 'none'"));
        assert!(
            policy.contains("img-src 'self' data: https:;"),
            "avatars from Auth0 are https URLs"
        );
        assert!(!policy.contains("unsafe-inline"));
    }
}
