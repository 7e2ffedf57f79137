//! The M2M token client against the real local tenant on `127.0.0.1:0` (quota, renewal,
//! refusals, secret rotation) and against a scripted token endpoint (429, 5xx, hangs).

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aura_commerce::auth::server::m2m::{
    spawn_reload_on_sighup, M2mClientConfig, M2mClock, M2mError, M2mSecret, M2mTokenClient,
    RetryPolicy,
};
use aura_commerce::auth::{Audience, M2mClientId};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use dev_tenant::{
    ClientConfig, ClientSecret, GrantType, Tenant, TenantConfig, TenantHandle, DEFAULT_AUDIENCE,
    DEFAULT_M2M_CLIENT_ID, DEFAULT_M2M_CLIENT_SECRET, DEFAULT_SPA_CLIENT_ID,
};
use secrecy::SecretString;
use tokio::net::TcpListener;

/// The real local tenant, served on an ephemeral loopback port.
struct LocalTenant {
    issuer: String,
    handle: TenantHandle,
}

async fn start_tenant(configure: impl FnOnce(&mut TenantConfig)) -> LocalTenant {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let issuer = format!("http://{}/", listener.local_addr().unwrap());
    let mut config = TenantConfig::with_defaults(&issuer);
    configure(&mut config);
    let tenant = Tenant::new(config).unwrap();
    let handle = tenant.handle();
    tokio::spawn(tenant.serve(listener, std::future::pending()));
    LocalTenant { issuer, handle }
}

/// Quick retries, so failing tests fail fast.
fn quick_config(token_url: url::Url, client_id: &str, audience: &str) -> M2mClientConfig {
    let mut config = M2mClientConfig::new(
        token_url,
        M2mClientId::parse(client_id).unwrap(),
        Audience::parse(audience).unwrap(),
    );
    config.retry = RetryPolicy {
        max_attempts: 3,
        first_delay: Duration::from_millis(20),
        max_delay: Duration::from_millis(100),
        max_total: Duration::from_secs(5),
    };
    config.request_timeout = Duration::from_secs(5);
    config
}

impl LocalTenant {
    fn token_url(&self) -> url::Url {
        url::Url::parse(&format!("{}oauth/token", self.issuer)).unwrap()
    }

    fn client(&self, client_id: &str, secret: M2mSecret, audience: &str) -> M2mTokenClient {
        M2mTokenClient::new(quick_config(self.token_url(), client_id, audience), secret)
    }

    fn default_client(&self) -> M2mTokenClient {
        self.client(
            DEFAULT_M2M_CLIENT_ID,
            M2mSecret::fixed(SecretString::from(DEFAULT_M2M_CLIENT_SECRET)),
            DEFAULT_AUDIENCE,
        )
    }
}

/// What the scripted token endpoint answers, in order; the last answer repeats.
#[derive(Clone, Copy)]
enum Scripted {
    Token { expires_in: u64 },
    Status(u16, Option<&'static str>),
    Hang,
}

#[derive(Clone)]
struct Script {
    answers: Arc<Mutex<VecDeque<Scripted>>>,
    requests: Arc<AtomicUsize>,
    bodies: Arc<Mutex<Vec<String>>>,
}

impl Script {
    fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    fn set(&self, answers: &[Scripted]) {
        *self.answers.lock().unwrap() = answers.iter().copied().collect();
    }
}

async fn scripted_answer(State(script): State<Script>, body: String) -> Response {
    let n = script.requests.fetch_add(1, Ordering::SeqCst) + 1;
    script.bodies.lock().unwrap().push(body);
    let answer = {
        let mut answers = script.answers.lock().unwrap();
        if answers.len() > 1 {
            answers.pop_front().unwrap()
        } else {
            *answers.front().unwrap()
        }
    };
    match answer {
        Scripted::Token { expires_in } => axum::Json(serde_json::json!({
            "access_token": format!("scripted-token-{n}"),
            "token_type": "Bearer",
            "expires_in": expires_in,
        }))
        .into_response(),
        Scripted::Status(429, retry_after) => {
            let mut response = (
                StatusCode::TOO_MANY_REQUESTS,
                axum::Json(serde_json::json!({
                    "error": "too_many_requests",
                    "error_description": "Global limit has been reached",
                })),
            )
                .into_response();
            if let Some(value) = retry_after {
                response
                    .headers_mut()
                    .insert("retry-after", value.parse().unwrap());
            }
            response
        }
        Scripted::Status(status, retry_after) => {
            let mut response = (
                StatusCode::from_u16(status).unwrap(),
                "<html>upstream unavailable</html>",
            )
                .into_response();
            if let Some(value) = retry_after {
                response
                    .headers_mut()
                    .insert("retry-after", value.parse().unwrap());
            }
            response
        }
        Scripted::Hang => std::future::pending().await,
    }
}

async fn scripted_token_endpoint(answers: &[Scripted]) -> (url::Url, Script) {
    let script = Script {
        answers: Arc::new(Mutex::new(answers.iter().copied().collect())),
        requests: Arc::new(AtomicUsize::new(0)),
        bodies: Arc::new(Mutex::new(Vec::new())),
    };
    let app = axum::Router::new()
        .route("/oauth/token", axum::routing::post(scripted_answer))
        .with_state(script.clone());
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/oauth/token", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url::Url::parse(&url).unwrap(), script)
}

fn scripted_client(url: url::Url, retry: RetryPolicy, timeout: Duration) -> M2mTokenClient {
    let mut config = M2mClientConfig::new(
        url,
        M2mClientId::parse("scripted-m2m").unwrap(),
        Audience::parse(DEFAULT_AUDIENCE).unwrap(),
    );
    config.retry = retry;
    config.request_timeout = timeout;
    M2mTokenClient::new(
        config,
        M2mSecret::fixed(SecretString::from("scripted-secret")),
    )
}

fn temp_secret_file(name: &str, contents: &str) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("aura-m2m-test-{}-{name}", std::process::id()));
    std::fs::write(&path, contents).unwrap();
    path
}

/// A cold cache and 1,000 concurrent callers cost exactly one token from the tenant's quota.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_callers_with_a_cold_cache_cause_one_token_request() {
    let tenant = start_tenant(|_| {}).await;
    let client = Arc::new(tenant.default_client());
    let callers: Vec<_> = (0..1000)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.access_token().await })
        })
        .collect();
    let mut tokens = Vec::new();
    for caller in callers {
        tokens.push(caller.await.unwrap().expect("every caller gets the token"));
    }
    assert_eq!(tenant.handle.client_credentials_issued(), 1);
    assert!(tokens.iter().all(|token| token == &tokens[0]));
    assert_eq!(tokens[0].scopes(), ["read:products", "ai:recommend"]);
}

/// The token is served from memory until shortly before `exp` (100 s lifetime: 10 s before),
/// and renewed then.
#[tokio::test]
async fn the_token_is_reused_until_shortly_before_exp_and_renewed_then() {
    let tenant = start_tenant(|config| config.lifetimes.access_token_secs = 100).await;
    let clock = M2mClock::default();
    let client = tenant.default_client().with_clock(clock.clone());

    let first = client.access_token().await.unwrap();
    clock.advance(Duration::from_secs(89));
    assert_eq!(client.access_token().await.unwrap(), first);
    assert_eq!(tenant.handle.client_credentials_issued(), 1);

    clock.advance(Duration::from_secs(2));
    client.access_token().await.unwrap();
    assert_eq!(tenant.handle.client_credentials_issued(), 2);
    client.access_token().await.unwrap();
    assert_eq!(tenant.handle.client_credentials_issued(), 2);
}

/// The request is Auth0's client_credentials grant: secret in the form body, audience named.
#[tokio::test]
async fn the_request_sends_the_secret_in_the_body_and_names_the_audience() {
    let (url, script) = scripted_token_endpoint(&[Scripted::Token { expires_in: 3600 }]).await;
    let client = scripted_client(url, RetryPolicy::default(), Duration::from_secs(5));
    client.access_token().await.unwrap();
    let body = script.bodies.lock().unwrap()[0].clone();
    let fields: std::collections::HashMap<String, String> =
        url::form_urlencoded::parse(body.as_bytes())
            .into_owned()
            .collect();
    assert_eq!(fields["grant_type"], "client_credentials");
    assert_eq!(fields["client_id"], "scripted-m2m");
    assert_eq!(fields["client_secret"], "scripted-secret");
    assert_eq!(fields["audience"], DEFAULT_AUDIENCE);
}

/// A 429 with `Retry-After: 1` is waited out, then the token comes: two requests in all.
#[tokio::test]
async fn a_429_with_retry_after_is_waited_out_then_the_token_is_fetched() {
    let (url, script) = scripted_token_endpoint(&[
        Scripted::Status(429, Some("1")),
        Scripted::Token { expires_in: 3600 },
    ])
    .await;
    let client = scripted_client(url, RetryPolicy::default(), Duration::from_secs(5));
    let started = Instant::now();
    let token = client.access_token().await.unwrap();
    assert_eq!(token.secret(), "scripted-token-2");
    assert_eq!(script.requests(), 2);
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After honoured"
    );
}

/// A 503 is retried after a backoff, then the token comes: two requests in all.
#[tokio::test]
async fn a_503_is_retried_with_backoff_then_the_token_is_fetched() {
    let (url, script) = scripted_token_endpoint(&[
        Scripted::Status(503, None),
        Scripted::Token { expires_in: 3600 },
    ])
    .await;
    let retry = RetryPolicy {
        first_delay: Duration::from_millis(100),
        ..RetryPolicy::default()
    };
    let client = scripted_client(url, retry, Duration::from_secs(5));
    let started = Instant::now();
    assert_eq!(
        client.access_token().await.unwrap().secret(),
        "scripted-token-2"
    );
    assert_eq!(script.requests(), 2);
    assert!(started.elapsed() >= Duration::from_millis(50), "backed off");
}

/// A tenant that keeps failing is asked `max_attempts` times, then the caller gets a sentence.
#[tokio::test]
async fn retries_stop_after_the_attempt_limit() {
    let (url, script) = scripted_token_endpoint(&[Scripted::Status(500, None)]).await;
    let retry = RetryPolicy {
        max_attempts: 3,
        first_delay: Duration::from_millis(10),
        ..RetryPolicy::default()
    };
    let client = scripted_client(url, retry, Duration::from_secs(5));
    let error = client.access_token().await.unwrap_err();
    assert!(
        matches!(error, M2mError::Unavailable { attempts: 3, .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("500"), "{error}");
    assert_eq!(script.requests(), 3);
}

/// Callers that queued behind a failed request get its error instead of each repeating it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn callers_queued_behind_a_failed_request_share_its_error() {
    let (url, script) = scripted_token_endpoint(&[Scripted::Status(500, None)]).await;
    let retry = RetryPolicy {
        max_attempts: 2,
        first_delay: Duration::from_millis(50),
        ..RetryPolicy::default()
    };
    let client = Arc::new(scripted_client(url, retry, Duration::from_secs(5)));
    let callers: Vec<_> = (0..50)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.access_token().await })
        })
        .collect();
    for caller in callers {
        let error = caller.await.unwrap().unwrap_err();
        assert!(matches!(error, M2mError::Unavailable { .. }), "{error:?}");
    }
    assert_eq!(script.requests(), 2, "one fetch of two attempts, shared");
}

/// A `Retry-After` longer than the retry budget ends the attempts at once instead of waiting.
#[tokio::test]
async fn a_retry_after_beyond_the_budget_gives_up_without_waiting() {
    let (url, script) = scripted_token_endpoint(&[Scripted::Status(429, Some("60"))]).await;
    let retry = RetryPolicy {
        max_total: Duration::from_secs(5),
        ..RetryPolicy::default()
    };
    let client = scripted_client(url, retry, Duration::from_secs(5));
    let started = Instant::now();
    let error = client.access_token().await.unwrap_err();
    assert!(error.to_string().contains("retry budget"), "{error}");
    assert_eq!(script.requests(), 1);
    assert!(started.elapsed() < Duration::from_secs(5));
}

/// A token endpoint that never answers costs one timeout per attempt, not a hung caller.
#[tokio::test]
async fn a_hanging_token_endpoint_times_out() {
    let (url, script) = scripted_token_endpoint(&[Scripted::Hang]).await;
    let retry = RetryPolicy {
        max_attempts: 2,
        first_delay: Duration::from_millis(10),
        ..RetryPolicy::default()
    };
    let client = scripted_client(url, retry, Duration::from_millis(200));
    let error = client.access_token().await.unwrap_err();
    assert!(error.to_string().contains("timed out"), "{error}");
    assert_eq!(script.requests(), 2);
}

/// When renewal fails while the old token is still valid, callers keep the old token.
#[tokio::test]
async fn a_failed_renewal_keeps_serving_the_still_valid_token() {
    let (url, script) = scripted_token_endpoint(&[Scripted::Token { expires_in: 100 }]).await;
    let retry = RetryPolicy {
        max_attempts: 2,
        first_delay: Duration::from_millis(10),
        ..RetryPolicy::default()
    };
    let clock = M2mClock::default();
    let client = scripted_client(url, retry, Duration::from_secs(5)).with_clock(clock.clone());
    let first = client.access_token().await.unwrap();
    script.set(&[Scripted::Status(503, None)]);
    clock.advance(Duration::from_secs(95));
    assert_eq!(client.access_token().await.unwrap(), first);
    assert_eq!(script.requests(), 3);
    assert_eq!(
        client.access_token().await.unwrap(),
        first,
        "no new attempt right after a failed one"
    );
    assert_eq!(script.requests(), 3);
    clock.advance(Duration::from_secs(10));
    assert!(client.access_token().await.is_err(), "expired: no token");
}

/// Each refusal of the tenant becomes the sentence that says what to fix, without the secret.
#[tokio::test]
async fn each_tenant_refusal_becomes_a_sentence_that_says_what_to_fix() {
    let tenant = start_tenant(|config| {
        config.clients.push(ClientConfig {
            client_id: "storefront-web".into(),
            name: "A regular web application".into(),
            client_secret: Some(ClientSecret::new("web-secret")),
            grant_types: vec![GrantType::AuthorizationCode],
            callbacks: vec!["http://127.0.0.1:3999/callback".into()],
            logout_urls: vec![],
            web_origins: vec![],
            api_grants: vec![],
        });
        config.clients.push(ClientConfig {
            client_id: "reports".into(),
            name: "Reports without an API grant".into(),
            client_secret: Some(ClientSecret::new("reports-secret")),
            grant_types: vec![GrantType::ClientCredentials],
            callbacks: vec![],
            logout_urls: vec![],
            web_origins: vec![],
            api_grants: vec![],
        });
    })
    .await;
    type Expect = fn(&M2mError) -> bool;
    let rows: [(&str, &str, &str, Expect, &str); 5] = [
        (
            DEFAULT_M2M_CLIENT_ID,
            "a-wrong-secret",
            DEFAULT_AUDIENCE,
            |e| matches!(e, M2mError::WrongSecret { .. }),
            "Invalid client_secret",
        ),
        (
            DEFAULT_SPA_CLIENT_ID,
            "a-secret-for-the-spa",
            DEFAULT_AUDIENCE,
            |e| matches!(e, M2mError::PublicClient { .. }),
            "Client secret not allowed",
        ),
        (
            "storefront-web",
            "web-secret",
            DEFAULT_AUDIENCE,
            |e| matches!(e, M2mError::GrantNotAllowed { .. }),
            "Invalid grant_type",
        ),
        (
            DEFAULT_M2M_CLIENT_ID,
            DEFAULT_M2M_CLIENT_SECRET,
            "https://unknown-api.example",
            |e| matches!(e, M2mError::UnknownAudience { .. }),
            "AUTH0_AUDIENCE 'https://unknown-api.example'",
        ),
        (
            "reports",
            "reports-secret",
            DEFAULT_AUDIENCE,
            |e| matches!(e, M2mError::NotAuthorisedForApi { .. }),
            "is not authorised for the API AUTH0_AUDIENCE",
        ),
    ];
    for (client_id, secret, audience, expected, phrase) in rows {
        let client = tenant.client(
            client_id,
            M2mSecret::fixed(SecretString::from(secret)),
            audience,
        );
        let error = client.access_token().await.unwrap_err();
        assert!(expected(&error), "{client_id}: {error:?}");
        let sentence = error.to_string();
        assert!(sentence.contains(phrase), "{client_id}: {sentence}");
        assert!(!sentence.contains(secret), "{client_id}: {sentence}");
        assert!(!format!("{error:?}").contains(secret), "{client_id}");
    }
    assert_eq!(tenant.handle.client_credentials_issued(), 0);
}

/// A rotated secret file is picked up by the next call: the tenant's 401 makes the client
/// re-read the file once and try again.
#[tokio::test]
async fn a_rotated_secret_file_is_re_read_after_a_401() {
    let tenant = start_tenant(|_| {}).await;
    let path = temp_secret_file("rotation", "the-old-secret\n");
    let client = tenant.client(
        DEFAULT_M2M_CLIENT_ID,
        M2mSecret::from_file(&path).unwrap(),
        DEFAULT_AUDIENCE,
    );

    let error = client.access_token().await.unwrap_err();
    assert!(matches!(error, M2mError::WrongSecret { .. }), "{error:?}");

    std::fs::write(&path, format!("{DEFAULT_M2M_CLIENT_SECRET}\n")).unwrap();
    client
        .access_token()
        .await
        .expect("the re-read secret works");
    assert_eq!(client.secret().changes(), 1);
    assert_eq!(tenant.handle.client_credentials_issued(), 1);
}

/// SIGHUP re-reads the secret file, so the next request already uses the new secret.
#[tokio::test]
async fn sighup_re_reads_the_secret_file() {
    let tenant = start_tenant(|_| {}).await;
    let path = temp_secret_file("sighup", "the-old-secret\n");
    let client = Arc::new(tenant.client(
        DEFAULT_M2M_CLIENT_ID,
        M2mSecret::from_file(&path).unwrap(),
        DEFAULT_AUDIENCE,
    ));
    let listener = spawn_reload_on_sighup(client.secret().clone()).expect("listening for SIGHUP");

    std::fs::write(&path, DEFAULT_M2M_CLIENT_SECRET).unwrap();
    let status = std::process::Command::new("kill")
        .args(["-HUP", &std::process::id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(5);
    while client.secret().changes() == 0 {
        assert!(Instant::now() < deadline, "SIGHUP was not handled");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    client.access_token().await.unwrap();
    assert_eq!(tenant.handle.client_credentials_issued(), 1);
    listener.abort();
}

/// A secret given directly is not re-read on SIGHUP: there is nothing to listen for.
#[tokio::test]
async fn no_sighup_listener_without_a_secret_file() {
    let tenant = start_tenant(|_| {}).await;
    assert!(spawn_reload_on_sighup(tenant.default_client().secret().clone()).is_none());
}

/// Neither the client, its configuration, its secret nor its errors print the secret.
#[tokio::test]
async fn the_secret_never_appears_in_debug_or_display() {
    const SECRET: &str = "s3cret-that-must-never-print";
    let tenant = start_tenant(|_| {}).await;
    let client = tenant.client(
        DEFAULT_M2M_CLIENT_ID,
        M2mSecret::fixed(SecretString::from(SECRET)),
        DEFAULT_AUDIENCE,
    );
    let error = client.access_token().await.unwrap_err();
    let path = temp_secret_file("never-print", &format!("{SECRET}\n"));
    let from_file = M2mSecret::from_file(&path).unwrap();
    std::fs::write(&path, "").unwrap();
    let file_error = from_file.reload().unwrap_err();

    let printed = [
        format!("{client:?}"),
        format!("{:?}", client.config()),
        format!("{:?}", client.secret()),
        format!("{from_file:?}"),
        format!("{error}"),
        format!("{error:?}"),
        format!("{file_error}"),
        format!("{file_error:?}"),
    ];
    for text in printed {
        assert!(!text.contains(SECRET), "{text}");
    }
}

/// A `Write` into a shared buffer, to capture log output.
#[derive(Clone, Default)]
struct CapturedLogs(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for CapturedLogs {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Every log line of a refused secret, a rotation, retries and a success, at every level, is
/// free of the secret (and of the token).
#[tokio::test]
async fn the_secret_never_appears_in_the_logs() {
    const WRONG: &str = "wrong-secret-that-must-never-be-logged";
    let logs = CapturedLogs::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer({
            let logs = logs.clone();
            move || logs.clone()
        })
        .finish();
    let _logging = tracing::subscriber::set_default(subscriber);

    let tenant = start_tenant(|_| {}).await;
    let path = temp_secret_file("logs", &format!("{WRONG}\n"));
    let client = tenant.client(
        DEFAULT_M2M_CLIENT_ID,
        M2mSecret::from_file(&path).unwrap(),
        DEFAULT_AUDIENCE,
    );
    client.access_token().await.unwrap_err();
    std::fs::write(&path, DEFAULT_M2M_CLIENT_SECRET).unwrap();
    let token = client.access_token().await.unwrap();

    let (url, _script) = scripted_token_endpoint(&[
        Scripted::Status(503, None),
        Scripted::Token { expires_in: 3600 },
    ])
    .await;
    let retry = RetryPolicy {
        first_delay: Duration::from_millis(10),
        ..RetryPolicy::default()
    };
    scripted_client(url, retry, Duration::from_secs(5))
        .access_token()
        .await
        .unwrap();

    let text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(text.contains("M2M"), "the client logged: {text}");
    for secret in [
        WRONG,
        DEFAULT_M2M_CLIENT_SECRET,
        "scripted-secret",
        token.secret(),
    ] {
        assert!(!text.contains(secret), "{secret} in the logs:\n{text}");
    }
}
