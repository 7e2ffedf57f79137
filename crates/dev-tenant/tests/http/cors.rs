//! CORS: the SPA's origin may call the token endpoint, discovery and JWKS; others may not.

use crate::support::{read, TestTenant, APP_ORIGIN};

/// A preflight from the app's origin is allowed, without credentials or a wildcard.
#[tokio::test]
async fn preflight_from_the_app_origin_is_allowed() {
    let tenant = TestTenant::start().await;
    for path in [
        "oauth/token",
        ".well-known/openid-configuration",
        ".well-known/jwks.json",
    ] {
        let reply = read(
            tenant
                .http
                .request(reqwest::Method::OPTIONS, tenant.url(path))
                .header("origin", APP_ORIGIN)
                .header("access-control-request-method", "POST")
                .header("access-control-request-headers", "content-type")
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert!(reply.status.is_success(), "{path}: {}", reply.status);
        assert_eq!(
            reply.header("access-control-allow-origin"),
            Some(APP_ORIGIN),
            "{path}"
        );
        assert_eq!(
            reply.header("access-control-allow-credentials"),
            None,
            "{path}"
        );
    }
}

/// A real request from the app's origin gets the allow-origin header; another origin does not.
#[tokio::test]
async fn only_registered_origins_are_allowed() {
    let tenant = TestTenant::start().await;
    let ask = |origin: &'static str| {
        tenant
            .http
            .get(tenant.url(".well-known/jwks.json"))
            .header("origin", origin)
            .send()
    };
    let allowed = read(ask(APP_ORIGIN).await.unwrap()).await;
    assert_eq!(
        allowed.header("access-control-allow-origin"),
        Some(APP_ORIGIN)
    );
    let other = read(ask("http://evil.example").await.unwrap()).await;
    assert_eq!(other.header("access-control-allow-origin"), None);
    let default = read(ask("http://localhost:3000").await.unwrap()).await;
    assert_eq!(
        default.header("access-control-allow-origin"),
        Some("http://localhost:3000")
    );
}

/// A browser may send a `DPoP` proof to the token endpoint and read the `DPoP-Nonce` answer:
/// the preflight allows the header and responses expose the nonce.
#[tokio::test]
async fn the_browser_may_send_dpop_proofs_and_read_the_nonce() {
    let tenant = TestTenant::start_with(|config| config.dpop.nonce = true).await;
    let preflight = read(
        tenant
            .http
            .request(reqwest::Method::OPTIONS, tenant.url("oauth/token"))
            .header("origin", APP_ORIGIN)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type,dpop")
            .send()
            .await
            .unwrap(),
    )
    .await;
    let allowed = preflight
        .header("access-control-allow-headers")
        .unwrap_or_default()
        .to_ascii_lowercase();
    assert!(allowed.split(',').any(|h| h.trim() == "dpop"), "{allowed}");

    let reply = read(
        tenant
            .http
            .post(tenant.url("oauth/token"))
            .header("origin", APP_ORIGIN)
            .form(&[("grant_type", "refresh_token")])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(reply.header("dpop-nonce").is_some());
    let exposed = reply
        .header("access-control-expose-headers")
        .unwrap_or_default()
        .to_ascii_lowercase();
    assert!(
        exposed.split(',').any(|h| h.trim() == "dpop-nonce"),
        "{exposed}"
    );
}
