//! The router without a socket, through tower's `oneshot`, as tests elsewhere may use it.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use dev_tenant::TenantConfig;
use tower::ServiceExt as _;

/// Discovery answers through `oneshot`, with the configured issuer.
#[tokio::test]
async fn the_router_answers_without_a_socket() {
    let router = dev_tenant::router(TenantConfig::with_defaults("http://127.0.0.1:4000/")).unwrap();
    let response = router
        .oneshot(
            Request::get("/.well-known/openid-configuration")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body = axum::body::to_bytes(response.into_body(), 64 * 1024)
        .await
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(doc["issuer"], "http://127.0.0.1:4000/");
}

/// Oversized token requests are refused before they are read.
#[tokio::test]
async fn oversized_bodies_are_refused() {
    let router = dev_tenant::router(TenantConfig::with_defaults("http://127.0.0.1:4000/")).unwrap();
    let response = router
        .oneshot(
            Request::post("/oauth/token")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from(vec![b'a'; 65 * 1024]))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
}
