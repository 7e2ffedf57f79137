//! Every way a bearer token can be wrong, one row each, against `GET /api/products` of the real
//! app trusting an issuer whose keys this test holds. Each row asserts the status, the exact
//! RFC 6750 `WWW-Authenticate` header and the JSON body's `error`.

use crate::support::fake_issuer::{now, FakeIssuer, TestKey};
use crate::support::jws::{b64, hs256};
use crate::support::{spawn_app_for_issuer, TestOptions};
use serde_json::{json, Value};

const BARE: &str = r#"Bearer realm="api""#;

/// The challenge for a bad token.
fn invalid(description: &str) -> String {
    format!(r#"Bearer realm="api", error="invalid_token", error_description="{description}""#)
}

const MALFORMED: &str = "the token is not a well-formed JWT";
const ALGORITHM: &str = "the token's algorithm is not accepted";
const SIGNATURE: &str = "the token's signature is invalid";
const UNKNOWN_KEY: &str = "the token was signed with an unknown key";
const BAD_CLAIMS: &str = "the token lacks a required claim or has one of the wrong type";

/// What the client sends.
enum Sent {
    NoHeader,
    Authorization(String),
    Bearer(String),
}

struct Row {
    case: &'static str,
    sent: Sent,
    status: u16,
    challenge: String,
}

fn row(case: &'static str, token: String, description: &str) -> Row {
    Row {
        case,
        sent: Sent::Bearer(token),
        status: 401,
        challenge: invalid(description),
    }
}

/// `claims` with `name` set to `value`, or removed when `value` is `None`.
fn with(mut claims: Value, name: &str, value: Option<Value>) -> Value {
    match value {
        Some(value) => claims[name] = value,
        None => {
            claims.as_object_mut().unwrap().remove(name);
        }
    }
    claims
}

/// Every rejection of the issue's list (and a few more), plus a control row that passes.
#[tokio::test]
async fn each_bad_token_is_refused_with_its_rfc_6750_challenge() {
    let key = TestKey::generate("signing-key-1");
    let impostor = TestKey::generate("signing-key-1"); // same kid, another key
    let attacker = TestKey::generate("attacker-key");
    let issuer = FakeIssuer::start(&[&key]).await;
    issuer.publish_attacker_key(&attacker);
    let app = spawn_app_for_issuer(issuer.addr, TestOptions::default()).await;
    app.wait_until_ready().await;

    let good = issuer.claims();
    let valid = key.sign(&good);
    let [h, p, s]: [&str; 3] = valid.split('.').collect::<Vec<_>>().try_into().unwrap();
    let now = now();

    let rows = vec![
        Row {
            case: "no Authorization header",
            sent: Sent::NoHeader,
            status: 401,
            challenge: BARE.into(),
        },
        Row {
            case: "another scheme",
            sent: Sent::Authorization(format!("Basic {valid}")),
            status: 401,
            challenge: BARE.into(),
        },
        row("one segment", "abc".into(), MALFORMED),
        row("two segments", format!("{h}.{p}"), MALFORMED),
        row("four segments", format!("{valid}.{s}"), MALFORMED),
        row(
            "bad base64 in the payload",
            format!("{h}.{}*.{s}", &p[1..]),
            MALFORMED,
        ),
        row("padded base64", format!("{h}.{p}==.{s}"), MALFORMED),
        row(
            "a header that is not JSON",
            format!("{}.{p}.{s}", b64("not json")),
            MALFORMED,
        ),
        row(
            "alg none",
            format!(
                "{}.{p}.",
                b64(json!({ "alg": "none", "kid": key.kid }).to_string())
            ),
            ALGORITHM,
        ),
        row(
            "HS256 signed with the RSA public key",
            hs256(
                &key.public_key_der(),
                &json!({ "alg": "HS256", "kid": key.kid }),
                &good,
            ),
            ALGORITHM,
        ),
        row(
            "RS384 when only RS256 is allowed",
            key.sign_raw(
                &json!({ "alg": "RS384", "kid": key.kid }).to_string(),
                &good.to_string(),
            ),
            ALGORITHM,
        ),
        row(
            "signed by another RSA key with the same kid",
            impostor.sign(&good),
            SIGNATURE,
        ),
        row(
            "payload changed after signing",
            format!(
                "{h}.{}.{s}",
                b64(with(good.clone(), "permissions", Some(json!(["write:products"]))).to_string())
            ),
            SIGNATURE,
        ),
        row(
            "no kid",
            key.sign_raw(&json!({ "alg": "RS256" }).to_string(), &good.to_string()),
            "the token has no key id (kid)",
        ),
        row(
            "unknown crit",
            key.sign_raw(
                &json!({ "alg": "RS256", "kid": key.kid, "crit": ["exp"], "exp": 1 }).to_string(),
                &good.to_string(),
            ),
            "the token names a critical extension this server does not support",
        ),
        row(
            "unknown kid",
            TestKey::generate("nobody-knows-me").sign(&good),
            UNKNOWN_KEY,
        ),
        row(
            "expired",
            key.sign(&with(good.clone(), "exp", Some(json!(now - 60)))),
            "the token has expired",
        ),
        row(
            "nbf in the future",
            key.sign(&with(good.clone(), "nbf", Some(json!(now + 600)))),
            "the token is not valid yet",
        ),
        row(
            "wrong iss",
            key.sign(&with(
                good.clone(),
                "iss",
                Some(json!("https://evil.example/")),
            )),
            "the token was issued by another issuer",
        ),
        row(
            "iss without the trailing slash",
            key.sign(&with(
                good.clone(),
                "iss",
                Some(json!(issuer.issuer.trim_end_matches('/'))),
            )),
            "the token was issued by another issuer",
        ),
        row(
            "wrong aud",
            key.sign(&with(
                good.clone(),
                "aud",
                Some(json!("https://other.api/")),
            )),
            "the token is meant for another audience",
        ),
        row(
            "missing aud",
            key.sign(&with(good.clone(), "aud", None)),
            BAD_CLAIMS,
        ),
        row(
            "exp as a string",
            key.sign(&with(good.clone(), "exp", Some(json!("9999999999")))),
            BAD_CLAIMS,
        ),
        row(
            "exp missing",
            key.sign(&with(good.clone(), "exp", None)),
            BAD_CLAIMS,
        ),
        row(
            "nbf as a string",
            key.sign(&with(good.clone(), "nbf", Some(json!("0")))),
            BAD_CLAIMS,
        ),
        row(
            "permissions as a string",
            key.sign(&with(
                good.clone(),
                "permissions",
                Some(json!("read:products")),
            )),
            BAD_CLAIMS,
        ),
        row(
            "claims as an array",
            key.sign_raw(&key.header().to_string(), "[1,2,3]"),
            BAD_CLAIMS,
        ),
        row(
            "oversized token",
            key.sign(&with(
                good.clone(),
                "padding",
                Some(json!("x".repeat(9 * 1024))),
            )),
            "the token is too large",
        ),
        row(
            "jku pointing at another key set",
            attacker.sign_raw(
                &json!({ "alg": "RS256", "kid": attacker.kid, "jku": issuer.attacker_jwks_url() })
                    .to_string(),
                &good.to_string(),
            ),
            UNKNOWN_KEY,
        ),
        row(
            "jku with our kid, signed by the attacker",
            impostor.sign_raw(
                &json!({ "alg": "RS256", "kid": key.kid, "jku": issuer.attacker_jwks_url() })
                    .to_string(),
                &good.to_string(),
            ),
            SIGNATURE,
        ),
        row(
            "an embedded jwk header",
            attacker.sign_raw(
                &json!({ "alg": "RS256", "kid": attacker.kid, "jwk": attacker.jwk() }).to_string(),
                &good.to_string(),
            ),
            UNKNOWN_KEY,
        ),
    ];

    let mut failures = Vec::new();
    for row in &rows {
        let mut request = app.api.get(app.url("/api/products"));
        match &row.sent {
            Sent::NoHeader => {}
            Sent::Authorization(value) => request = request.header("authorization", value),
            Sent::Bearer(token) => request = request.bearer_auth(token),
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let challenge = response
            .headers()
            .get("www-authenticate")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        let expected_error = if row.challenge == BARE {
            "invalid_request"
        } else {
            "invalid_token"
        };
        if status != row.status || challenge != row.challenge || body["error"] != expected_error {
            failures.push(format!(
                "{}: got {status} {challenge:?} {body}, want {} {:?}",
                row.case, row.status, row.challenge
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} rows failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(
        issuer.attacker_fetches(),
        0,
        "a token's jku is never fetched"
    );

    // The control: the same key and claims, untouched, are accepted.
    let response = app.get_api("/api/products", Some(&valid)).await;
    assert_eq!(response.status(), 200);
}

/// Expiry is honoured with the configured leeway: a token 3 s past `exp` passes with the
/// default 5 s and fails with none.
#[tokio::test]
async fn leeway_applies_to_exp() {
    let key = TestKey::generate("k");
    let issuer = FakeIssuer::start(&[&key]).await;
    let lenient = spawn_app_for_issuer(issuer.addr, TestOptions::default()).await;
    let strict = spawn_app_for_issuer(
        issuer.addr,
        TestOptions {
            leeway: std::time::Duration::ZERO,
            ..TestOptions::default()
        },
    )
    .await;
    lenient.wait_until_ready().await;
    strict.wait_until_ready().await;

    let token = key.sign(&with(issuer.claims(), "exp", Some(json!(now() - 3))));
    assert_eq!(
        lenient
            .get_api("/api/products", Some(&token))
            .await
            .status(),
        200
    );
    assert_eq!(
        strict.get_api("/api/products", Some(&token)).await.status(),
        401
    );
}

/// `aud` may be a single string as well as an array.
#[tokio::test]
async fn aud_as_a_string_is_accepted() {
    let key = TestKey::generate("k");
    let issuer = FakeIssuer::start(&[&key]).await;
    let app = spawn_app_for_issuer(issuer.addr, TestOptions::default()).await;
    app.wait_until_ready().await;
    let token = key.sign(&with(
        issuer.claims(),
        "aud",
        Some(json!(dev_tenant::DEFAULT_AUDIENCE)),
    ));
    assert_eq!(
        app.get_api("/api/products", Some(&token)).await.status(),
        200
    );
}

/// A token is verified once, then served from the verified-token cache; an expired one is not.
#[tokio::test]
async fn a_verified_token_is_remembered_until_its_exp() {
    let key = TestKey::generate("k");
    let issuer = FakeIssuer::start(&[&key]).await;
    let app = spawn_app_for_issuer(issuer.addr, TestOptions::default()).await;
    app.wait_until_ready().await;
    let validator = &app.state.validator;

    let token = key.sign(&issuer.claims());
    for _ in 0..3 {
        assert_eq!(
            app.get_api("/api/products", Some(&token)).await.status(),
            200
        );
    }
    assert_eq!(validator.remembered_tokens(), 1);

    // Within the leeway after exp: accepted, but not remembered.
    let late = key.sign(&with(issuer.claims(), "exp", Some(json!(now() - 1))));
    assert_eq!(
        app.get_api("/api/products", Some(&late)).await.status(),
        200
    );
    assert_eq!(validator.remembered_tokens(), 1);
}

/// With RBAC off, Auth0 issues user tokens with no `permissions` claim and every API scope the
/// user asked for in `scope`. Such a token grants nothing: asking for `write:products` does not
/// let a shopper change a price, over REST or through the server function, and the 403 says
/// how to turn RBAC on.
#[tokio::test]
async fn a_user_token_without_permissions_is_granted_nothing_by_its_scope() {
    let key = TestKey::generate("k");
    let issuer = FakeIssuer::start(&[&key]).await;
    let app = spawn_app_for_issuer(issuer.addr, TestOptions::default()).await;
    app.wait_until_ready().await;
    let rbac_off = with(
        with(
            issuer.claims(),
            "scope",
            Some(json!("openid profile read:products write:products")),
        ),
        "permissions",
        None,
    );
    let token = key.sign(&rbac_off);

    let patched = app
        .patch_api("/api/products/1", &token, &json!({ "price_cents": 1 }))
        .await;
    assert_eq!(patched.status(), 403);
    let challenge = patched.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        challenge.starts_with(r#"Bearer realm="api", error="insufficient_scope", scope="write:products", error_description=""#),
        "{challenge}"
    );
    let body: Value = patched.json().await.unwrap();
    assert_eq!(body["error"], "insufficient_scope");
    let description = body["error_description"].as_str().unwrap();
    assert!(
        description.contains("Enable RBAC")
            && description.contains("Add Permissions in the Access Token"),
        "{description}"
    );

    let via_fn = app
        .call_fn(
            "update_product",
            Some(&token),
            "edit[id]=1&edit[price_cents]=1&edit[stock]=1&edit[version]=1",
        )
        .await;
    assert_eq!(via_fn.status(), 403);
    let body: Value = via_fn.json().await.unwrap();
    assert!(body["NoPermissionsClaim"].is_string(), "{body}");

    // Reading is refused the same way: `read:products` in scope grants nothing either.
    assert_eq!(
        app.get_api("/api/products", Some(&token)).await.status(),
        403
    );
    assert_eq!(
        app.catalog.get(1).await.unwrap().unwrap().version,
        1,
        "nothing was written"
    );
}

/// Two `Authorization` headers, a valid one first, are refused with 400 `invalid_request` —
/// never decided by the first — over REST and through a server function.
#[tokio::test]
async fn two_authorization_headers_are_a_400_whatever_the_first_holds() {
    let key = TestKey::generate("k");
    let issuer = FakeIssuer::start(&[&key]).await;
    let app = spawn_app_for_issuer(issuer.addr, TestOptions::default()).await;
    app.wait_until_ready().await;
    let valid = format!("Bearer {}", key.sign(&issuer.claims()));
    let want = r#"Bearer realm="api", error="invalid_request", error_description="send exactly one Authorization header""#;

    let rest = app
        .api
        .get(app.url("/api/products"))
        .header("authorization", &valid)
        .header("authorization", "Bearer junk")
        .send()
        .await
        .unwrap();
    assert_eq!(rest.status(), 400);
    assert_eq!(rest.headers()["www-authenticate"], want);
    let body: Value = rest.json().await.unwrap();
    assert_eq!(body["error"], "invalid_request");

    let server_fn = app
        .browser
        .post(app.url("/fn/get_products"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("authorization", &valid)
        .header("authorization", "Bearer junk")
        .body("")
        .send()
        .await
        .unwrap();
    assert_eq!(server_fn.status(), 400);
    assert_eq!(server_fn.headers()["www-authenticate"], want);

    // The control: the valid header alone is accepted.
    let alone = app
        .api
        .get(app.url("/api/products"))
        .header("authorization", &valid)
        .send()
        .await
        .unwrap();
    assert_eq!(alone.status(), 200);
}
