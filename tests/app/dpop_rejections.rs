//! Every way a DPoP-bound request can be wrong (RFC 9449 §4.3, §7), one row each, against
//! `GET /api/products` of the real app with `AUTH0_DPOP=on`, trusting an issuer whose keys this
//! test holds. Each row asserts the status and the exact `WWW-Authenticate` values: the DPoP
//! challenge (carrying the error) and the Bearer one beside it.

use serde_json::{json, Value};

use crate::support::dpop_key::{proof_claims, DpopKey};
use crate::support::fake_issuer::{now, FakeIssuer, TestKey};
use crate::support::jws::{b64, hs256};
use crate::support::{spawn_app_for_issuer, TestApp, TestOptions};

const BEARER: &str = r#"Bearer realm="api""#;
const DPOP: &str = r#"DPoP algs="ES256""#;

/// The DPoP challenge for `error`.
fn dpop_error(error: &str, description: &str) -> String {
    format!(r#"DPoP algs="ES256", error="{error}", error_description="{description}""#)
}

fn bad_proof(description: &str) -> Vec<String> {
    vec![dpop_error("invalid_dpop_proof", description), BEARER.into()]
}

fn bad_token(description: &str) -> Vec<String> {
    vec![dpop_error("invalid_token", description), BEARER.into()]
}

/// What a request carries.
struct Sent {
    authorization: Option<String>,
    proofs: Vec<String>,
}

impl Sent {
    fn dpop(token: &str, proof: String) -> Self {
        Self {
            authorization: Some(format!("DPoP {token}")),
            proofs: vec![proof],
        }
    }
}

struct Row {
    case: &'static str,
    sent: Sent,
    /// Send the same request once before, and expect it to pass (for the replay row).
    sent_before: bool,
    status: u16,
    challenges: Vec<String>,
}

fn row(case: &'static str, sent: Sent, challenges: Vec<String>) -> Row {
    Row {
        case,
        sent,
        sent_before: false,
        status: 401,
        challenges,
    }
}

async fn send(app: &TestApp, sent: &Sent) -> reqwest::Response {
    let mut request = app.api.get(app.url("/api/products"));
    if let Some(authorization) = &sent.authorization {
        request = request.header("authorization", authorization);
    }
    for proof in &sent.proofs {
        request = request.header("dpop", proof);
    }
    request.send().await.unwrap()
}

fn challenges(response: &reqwest::Response) -> Vec<String> {
    response
        .headers()
        .get_all("www-authenticate")
        .iter()
        .map(|value| value.to_str().unwrap().to_owned())
        .collect()
}

/// A user token bound to `key`.
fn bound_claims(issuer: &FakeIssuer, key: &DpopKey) -> Value {
    let mut claims = issuer.claims();
    claims["cnf"] = json!({ "jkt": key.thumbprint() });
    claims
}

/// The app with DPoP on, trusting a test issuer; the issuer's signing key.
async fn dpop_app(options: TestOptions) -> (TestApp, FakeIssuer, TestKey) {
    let signing = TestKey::generate("signing-key-1");
    let issuer = FakeIssuer::start(&[&signing]).await;
    let app = spawn_app_for_issuer(
        issuer.addr,
        TestOptions {
            dpop: true,
            ..options
        },
    )
    .await;
    app.wait_until_ready().await;
    (app, issuer, signing)
}

/// One row per rule of DESIGN §5's DPoP list, plus the accepted request first: a row fails if
/// its check is missing, since every other part of its request is right.
#[tokio::test]
async fn each_bad_dpop_request_is_refused_with_its_rfc_9449_challenge() {
    let (app, issuer, signing) = dpop_app(TestOptions::default()).await;
    let key = DpopKey::generate();
    let other_key = DpopKey::generate();
    let token = signing.sign(&bound_claims(&issuer, &key));
    let url = app.url("/api/products");
    let good_claims = || proof_claims("GET", &url, &token);
    let claims_with = |name: &str, value: Value| {
        let mut claims = good_claims();
        claims[name] = value;
        claims
    };
    let header_with = |name: &str, value: Value| {
        let mut header = key.header();
        header[name] = value;
        header
    };
    let good = || Sent::dpop(&token, key.proof("GET", &url, &token));
    let with_claims = |claims: Value| Sent::dpop(&token, key.sign(&key.header(), &claims));
    let with_header = |header: Value| Sent::dpop(&token, key.sign(&header, &good_claims()));

    let mut private_jwk = key.jwk();
    private_jwk["d"] = json!(b64([7u8; 32]));
    let mut no_typ = key.header();
    no_typ.as_object_mut().unwrap().remove("typ");
    let unsigned = format!(
        "{}.{}.",
        b64(header_with("alg", json!("none")).to_string()),
        b64(good_claims().to_string())
    );
    let hmac = hs256(
        b"any shared secret",
        &header_with("alg", json!("HS256")),
        &good_claims(),
    );
    let mut other_host = url::Url::parse(&url).unwrap();
    other_host.set_host(Some("localhost")).unwrap();
    other_host.set_port(Some(1)).unwrap();

    let rows = vec![
        Row {
            case: "a good proof by the token's key",
            sent: good(),
            sent_before: false,
            status: 200,
            challenges: vec![],
        },
        row(
            "wrong htm",
            with_claims(claims_with("htm", json!("POST"))),
            bad_proof("the DPoP proof's htm is not this request's method"),
        ),
        row(
            "htu with another host",
            with_claims(claims_with("htu", json!(other_host.as_str()))),
            bad_proof("the DPoP proof's htu is not this request's URL"),
        ),
        row(
            "htu with another path",
            with_claims(claims_with("htu", json!(app.url("/api/products/1")))),
            bad_proof("the DPoP proof's htu is not this request's URL"),
        ),
        row(
            "stale iat",
            with_claims(claims_with("iat", json!(now() - 120))),
            bad_proof("the DPoP proof's iat is outside the accepted window"),
        ),
        row(
            "future iat",
            with_claims(claims_with("iat", json!(now() + 120))),
            bad_proof("the DPoP proof's iat is outside the accepted window"),
        ),
        Row {
            case: "a replayed jti",
            sent: good(),
            sent_before: true,
            status: 401,
            challenges: bad_proof("the DPoP proof has been used before"),
        },
        row(
            "wrong ath",
            with_claims(claims_with("ath", json!(b64([0u8; 32])))),
            bad_proof("the DPoP proof's ath is not the hash of the access token"),
        ),
        row(
            "token bound to key A, proof by key B",
            Sent::dpop(&token, other_key.proof("GET", &url, &token)),
            bad_proof("the DPoP proof's key is not the one the access token is bound to"),
        ),
        row(
            "private members in the jwk",
            with_header(header_with("jwk", private_jwk)),
            bad_proof("the DPoP proof's jwk must not contain private key members"),
        ),
        row(
            "alg none",
            Sent::dpop(&token, unsigned),
            bad_proof("the DPoP proof's algorithm is not accepted"),
        ),
        row(
            "HS256",
            Sent::dpop(&token, hmac),
            bad_proof("the DPoP proof's algorithm is not accepted"),
        ),
        row(
            "missing typ",
            with_header(no_typ),
            bad_proof("the DPoP proof's typ must be dpop+jwt"),
        ),
        row(
            "a critical header parameter",
            with_header(header_with("crit", json!(["exp"]))),
            bad_proof("the DPoP proof names critical header parameters (crit), which this server does not support"),
        ),
        row(
            "a bound token as Bearer",
            Sent {
                authorization: Some(format!("Bearer {token}")),
                proofs: vec![key.proof("GET", &url, &token)],
            },
            bad_token("the token is bound to a DPoP key: send it with the DPoP scheme and a proof made with that key"),
        ),
        row(
            "the DPoP scheme without a proof",
            Sent {
                authorization: Some(format!("DPoP {token}")),
                proofs: vec![],
            },
            bad_proof("the DPoP scheme needs a DPoP proof header"),
        ),
        row(
            "two DPoP headers",
            Sent {
                authorization: Some(format!("DPoP {token}")),
                proofs: vec![
                    key.proof("GET", &url, &token),
                    key.proof("GET", &url, &token),
                ],
            },
            bad_proof("send exactly one DPoP header"),
        ),
    ];

    for row in rows {
        if row.sent_before {
            let first = send(&app, &row.sent).await;
            assert_eq!(first.status(), 200, "{}: the first use passes", row.case);
        }
        let response = send(&app, &row.sent).await;
        assert_eq!(response.status(), row.status, "{}", row.case);
        assert_eq!(challenges(&response), row.challenges, "{}", row.case);
    }

    // `typ` is a media type (RFC 7515 §4.1.9): its case and the `application/` prefix do not
    // change it.
    for typ in ["DPoP+JWT", "application/dpop+jwt"] {
        let response = send(&app, &with_header(header_with("typ", json!(typ)))).await;
        assert_eq!(response.status(), 200, "typ {typ}");
    }
}

/// Around the proof: a user's token without a binding is refused whatever the scheme, a
/// machine's stays bearer, and a request without a token is offered both schemes.
#[tokio::test]
async fn unbound_user_tokens_are_refused_and_machine_tokens_stay_bearer() {
    let (app, issuer, signing) = dpop_app(TestOptions::default()).await;
    let key = DpopKey::generate();
    let url = app.url("/api/products");
    let unbound = signing.sign(&issuer.claims());
    let mut machine = issuer.claims();
    machine["sub"] = json!("aura-m2m@clients");
    machine["gty"] = json!("client-credentials");
    machine["scope"] = json!("read:products");
    machine.as_object_mut().unwrap().remove("permissions");
    let machine = signing.sign(&machine);

    let as_bearer = |token: &str| Sent {
        authorization: Some(format!("Bearer {token}")),
        proofs: vec![],
    };
    let cases = [
        (
            "a user's unbound token as Bearer",
            as_bearer(&unbound),
            401,
            bad_token("this API takes a user's token only bound to a DPoP key: sign in again"),
        ),
        (
            "a user's unbound token as DPoP, with a good proof",
            Sent::dpop(&unbound, key.proof("GET", &url, &unbound)),
            401,
            bad_token("the token is not bound to a DPoP key: send it with the Bearer scheme"),
        ),
        ("a machine token as Bearer", as_bearer(&machine), 200, vec![]),
        (
            "no token",
            Sent {
                authorization: None,
                proofs: vec![],
            },
            401,
            vec![DPOP.into(), BEARER.into()],
        ),
        (
            "an expired token as Bearer",
            as_bearer(&signing.sign(&{
                let mut claims = issuer.claims();
                claims["exp"] = json!(now() - 60);
                claims
            })),
            401,
            vec![
                DPOP.into(),
                r#"Bearer realm="api", error="invalid_token", error_description="the token has expired""#.into(),
            ],
        ),
    ];
    for (case, sent, status, expected) in cases {
        let response = send(&app, &sent).await;
        assert_eq!(response.status(), status, "{case}");
        assert_eq!(challenges(&response), expected, "{case}");
    }
}

/// Server functions go through the same checks: a good proof for `POST /fn/get_products` is
/// accepted; the same proof replayed, or one made for the REST route, is refused alike.
#[tokio::test]
async fn server_functions_take_dpop_bound_tokens_with_the_same_checks() {
    let (app, issuer, signing) = dpop_app(TestOptions::default()).await;
    let key = DpopKey::generate();
    let token = signing.sign(&bound_claims(&issuer, &key));
    let url = app.url("/fn/get_products");
    let call = |proof: String| {
        app.browser
            .post(&url)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("authorization", format!("DPoP {token}"))
            .header("dpop", proof)
            .body("")
            .send()
    };
    let proof = key.proof("POST", &url, &token);
    assert_eq!(call(proof.clone()).await.unwrap().status(), 200);

    let replayed = call(proof).await.unwrap();
    assert_eq!(replayed.status(), 401);
    assert_eq!(
        challenges(&replayed),
        bad_proof("the DPoP proof has been used before")
    );
    let body: Value = replayed.json().await.unwrap();
    assert!(body.get("InvalidDpopProof").is_some(), "{body}");

    let for_rest = call(key.proof("POST", &app.url("/api/products"), &token))
        .await
        .unwrap();
    assert_eq!(
        challenges(&for_rest),
        bad_proof("the DPoP proof's htu is not this request's URL")
    );
}

/// With nonces on, a proof without one is answered `use_dpop_nonce` with the nonce in
/// `DPoP-Nonce`; the same request with it (a new proof) passes.
#[tokio::test]
async fn the_server_nonce_round_trip() {
    let (app, issuer, signing) = dpop_app(TestOptions {
        dpop_nonce: true,
        ..TestOptions::default()
    })
    .await;
    let key = DpopKey::generate();
    let token = signing.sign(&bound_claims(&issuer, &key));
    let url = app.url("/api/products");

    let first = send(&app, &Sent::dpop(&token, key.proof("GET", &url, &token))).await;
    assert_eq!(first.status(), 401);
    assert_eq!(
        challenges(&first),
        [
            dpop_error(
                "use_dpop_nonce",
                "Resource server requires nonce in DPoP proof"
            ),
            BEARER.to_owned()
        ]
    );
    let nonce = first.headers()["dpop-nonce"].to_str().unwrap().to_owned();

    let mut claims = proof_claims("GET", &url, &token);
    claims["nonce"] = json!(nonce);
    let retried = send(&app, &Sent::dpop(&token, key.sign(&key.header(), &claims))).await;
    assert_eq!(retried.status(), 200);

    let mut claims = proof_claims("GET", &url, &token);
    claims["nonce"] = json!("made-up");
    let wrong = send(&app, &Sent::dpop(&token, key.sign(&key.header(), &claims))).await;
    assert_eq!(wrong.status(), 401);
    assert_eq!(wrong.headers()["dpop-nonce"], nonce.as_str());
}

/// With DPoP off a bound token is no bearer token either: accepting it would undo its binding.
#[tokio::test]
async fn with_dpop_off_a_bound_token_is_refused() {
    let signing = TestKey::generate("signing-key-1");
    let issuer = FakeIssuer::start(&[&signing]).await;
    let app = spawn_app_for_issuer(issuer.addr, TestOptions::default()).await;
    app.wait_until_ready().await;
    let token = signing.sign(&bound_claims(&issuer, &DpopKey::generate()));
    let response = app.get_api("/api/products", Some(&token)).await;
    assert_eq!(response.status(), 401);
    assert_eq!(
        challenges(&response),
        [
            r#"Bearer realm="api", error="invalid_token", error_description="the token is bound to a DPoP key: send it with the DPoP scheme and a proof made with that key""#
        ]
    );
}

/// A full replay cache is the server's problem: a good proof it cannot remember gets a 503 to
/// retry shortly (with `Retry-After`), never the 401 that would sign the shopper out — on a
/// REST route and on a server function alike.
#[tokio::test]
async fn a_full_replay_cache_answers_503_to_retry_not_a_refusal() {
    let (app, issuer, signing) = dpop_app(TestOptions {
        dpop_replay_capacity: Some(1),
        ..TestOptions::default()
    })
    .await;
    let key = DpopKey::generate();
    let token = signing.sign(&bound_claims(&issuer, &key));
    let url = app.url("/api/products");
    let get = |proof: String| {
        app.api
            .get(&url)
            .header("authorization", format!("DPoP {token}"))
            .header("dpop", proof)
            .send()
    };
    assert_eq!(
        get(key.proof("GET", &url, &token)).await.unwrap().status(),
        200
    );

    let busy = get(key.proof("GET", &url, &token)).await.unwrap();
    assert_eq!(busy.status(), 503);
    assert_eq!(
        busy.headers()
            .get("retry-after")
            .map(|v| v.to_str().unwrap()),
        Some("1")
    );
    let body: Value = busy.json().await.unwrap();
    assert_eq!(body["error"], "temporarily_unavailable", "{body}");

    let fn_url = app.url("/fn/get_products");
    let from_a_page = app
        .browser
        .post(&fn_url)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("authorization", format!("DPoP {token}"))
        .header("dpop", key.proof("POST", &fn_url, &token))
        .body("")
        .send()
        .await
        .unwrap();
    assert_eq!(from_a_page.status(), 503);
    let error: aura_commerce::auth::ApiError = from_a_page.json().await.unwrap();
    assert_eq!(error, aura_commerce::auth::ApiError::Busy);
    assert!(
        !error.needs_sign_in(),
        "a busy server must not sign the shopper out"
    );
}
