//! The JWKS cache against a real tenant: key rotation, floods of unknown `kid`s, and a tenant
//! that is down or hanging.

use std::time::{Duration, Instant};

use crate::support::fake_issuer::{FakeIssuer, TestKey};
use crate::support::{spawn_app, spawn_app_for_issuer, TestOptions};
use aura_commerce::auth::server::JwksSettings;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::json;

/// A token shaped like the tenant's, naming `kid`, with a signature of the right length that
/// no key made.
fn token_with_kid(kid: &str) -> String {
    let header =
        URL_SAFE_NO_PAD.encode(json!({ "alg": "RS256", "typ": "JWT", "kid": kid }).to_string());
    let payload =
        URL_SAFE_NO_PAD.encode(json!({ "sub": "x", "exp": 9_999_999_999u64 }).to_string());
    format!("{header}.{payload}.{}", URL_SAFE_NO_PAD.encode([7u8; 256]))
}

/// A `kid` no tenant has: unpredictable, like an attacker's.
fn random_kid(i: usize) -> String {
    use std::hash::{BuildHasher, RandomState};
    format!("{:016x}-{i}", RandomState::new().hash_one(i))
}

/// A token signed by a key the tenant has just added is accepted: the unknown `kid` makes the
/// app fetch the key set once, and that fetch brings the new key.
#[tokio::test]
async fn a_token_signed_by_a_freshly_added_key_is_accepted() {
    let app = spawn_app(TestOptions::default()).await;
    let tenant = app.tenant();
    let before = app.m2m_token().await;
    assert_eq!(
        app.get_api("/api/products", Some(&before)).await.status(),
        200
    );

    let fetches = tenant.jwks_fetches();
    let new_kid = tenant.rotate_signing_key().unwrap();
    assert_eq!(tenant.current_kid(), new_kid);
    let after = app.m2m_token().await;
    assert_ne!(before, after);

    let response = app.get_api("/api/products", Some(&after)).await;
    assert_eq!(
        response.status(),
        200,
        "{:?}",
        response.headers().get("www-authenticate")
    );
    assert_eq!(
        tenant.jwks_fetches(),
        fetches + 1,
        "exactly one fetch brought the new key"
    );
    // The older key is still published, so its tokens still pass.
    assert_eq!(
        app.get_api("/api/products", Some(&before)).await.status(),
        200
    );
}

/// 200 concurrent requests, each with a different unknown `kid`, cause exactly one fetch of
/// the key set (single flight, then the cooldown), and are all refused.
#[tokio::test]
async fn a_flood_of_unknown_kids_causes_exactly_one_fetch() {
    let app = spawn_app(TestOptions::default()).await;
    let tenant = app.tenant();
    let fetches = tenant.jwks_fetches();

    let requests = (0..200).map(|i| {
        let token = token_with_kid(&random_kid(i));
        let app = &app;
        async move { app.get_api("/api/products", Some(&token)).await }
    });
    let responses = futures::future::join_all(requests).await;

    for response in &responses {
        assert_eq!(response.status(), 401);
        assert_eq!(
            response.headers()["www-authenticate"],
            r#"Bearer realm="api", error="invalid_token", error_description="the token was signed with an unknown key""#
        );
    }
    let caused = tenant.jwks_fetches() - fetches;
    assert_eq!(caused, 1, "key-set fetches for one flood");
}

/// With the tenant stopped, a token never seen before but signed by a cached key is accepted,
/// and an unknown `kid` is refused promptly rather than waiting on the tenant.
#[tokio::test]
async fn with_the_tenant_down_cached_keys_keep_serving() {
    let timeout = Duration::from_secs(2);
    let app = spawn_app(TestOptions {
        jwks: JwksSettings {
            timeout,
            ..JwksSettings::default()
        },
        ..TestOptions::default()
    })
    .await;
    let tenant = app.tenant();
    let first = app.m2m_token().await;
    tenant.advance_clock(1); // a different iat/exp, so a different token
    let unseen = app.m2m_token().await;
    assert_ne!(first, unseen);
    assert_eq!(
        app.get_api("/api/products", Some(&first)).await.status(),
        200
    );

    app.stop_tenant();
    // Wait until the tenant really refuses connections.
    let discovery = app
        .settings
        .public
        .issuer
        .endpoint(".well-known/openid-configuration");
    let deadline = Instant::now() + Duration::from_secs(10);
    while app.api.get(&discovery).send().await.is_ok() {
        assert!(Instant::now() < deadline, "the tenant did not stop");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let response = app.get_api("/api/products", Some(&unseen)).await;
    assert_eq!(response.status(), 200, "a cached key verifies a new token");
    assert_eq!(app.state.validator.remembered_tokens(), 2);

    let started = Instant::now();
    let response = app
        .get_api("/api/products", Some(&token_with_kid("rotated-while-down")))
        .await;
    assert_eq!(response.status(), 401);
    assert!(
        started.elapsed() < timeout,
        "refused in {:?}",
        started.elapsed()
    );
}

/// A tenant that accepts connections and never answers: a request with an unknown `kid` is
/// refused while the key-set fetch it caused is still hanging (the fetch is given up only
/// later, at its own timeout), and tokens signed by cached keys pass meanwhile.
#[tokio::test]
async fn a_hanging_tenant_does_not_hang_requests() {
    let key = TestKey::generate("k1");
    let issuer = FakeIssuer::start(&[&key]).await;
    let app = spawn_app_for_issuer(
        issuer.addr,
        TestOptions {
            jwks: JwksSettings {
                timeout: Duration::from_secs(4),
                ..JwksSettings::default()
            },
            ..TestOptions::default()
        },
    )
    .await;
    app.wait_until_ready().await;
    issuer.hang(true);

    let unknown = TestKey::generate("k2").sign(&issuer.claims());
    let known = key.sign(&issuer.claims());
    let fetches = issuer.jwks_fetches();
    let (refused, accepted) = tokio::join!(app.get_api("/api/products", Some(&unknown)), async {
        // Sent once the fetch for `unknown` has reached the hanging endpoint.
        while issuer.jwks_fetches() == fetches {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let response = app.get_api("/api/products", Some(&known)).await;
        (response.status(), issuer.abandoned_fetches())
    });
    let abandoned_when_refused = issuer.abandoned_fetches();
    assert_eq!(refused.status(), 401);
    assert_eq!(
        abandoned_when_refused, 0,
        "the 401 came while the fetch still hung"
    );
    assert_eq!(
        accepted,
        (reqwest::StatusCode::OK, 0),
        "a cached key does not wait for the fetch"
    );
    assert_eq!(issuer.jwks_fetches(), fetches + 1);

    // The fetch goes on and is given up at its own timeout, after the answer.
    let deadline = Instant::now() + Duration::from_secs(10);
    while issuer.abandoned_fetches() == 0 {
        assert!(
            Instant::now() < deadline,
            "the hanging fetch was never given up"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
