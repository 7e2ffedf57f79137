//! DPoP at the token endpoint (RFC 9449): bound tokens, bound refresh tokens, the server nonce,
//! and every way a proof is refused.

use dev_tenant::{DEFAULT_AUDIENCE, DEFAULT_M2M_CLIENT_ID, DEFAULT_M2M_CLIENT_SECRET};
use serde_json::{json, Value};

use crate::dpop_proof::{token_endpoint_claims, DpopKey};
use crate::support::{assert_oauth_error, Pkce, Reply, TestTenant};

/// Signs in as the shopper and returns the code and its PKCE verifier.
async fn code(tenant: &TestTenant) -> (String, String) {
    let pkce = Pkce::new();
    let code = tenant.sign_in(&pkce, "shopper@aura.test").await;
    (code, pkce.verifier)
}

async fn exchange_with_proof(tenant: &TestTenant, proof: &str) -> Reply {
    let (code, verifier) = code(tenant).await;
    tenant
        .exchange_with(&code, &verifier, &[("DPoP", proof)])
        .await
}

#[track_caller]
fn assert_dpop_tokens(reply: &Reply) -> Value {
    assert_eq!(reply.status, 200, "{}", reply.body);
    let body = reply.json();
    assert_eq!(body["token_type"], "DPoP");
    body
}

/// A code exchanged with a proof gets a DPoP token whose `cnf.jkt` is the key's thumbprint;
/// discovery says which algorithms proofs may use.
#[tokio::test]
async fn a_code_exchanged_with_a_proof_gets_a_bound_token() {
    let tenant = TestTenant::start().await;
    let key = DpopKey::new();
    let body = assert_dpop_tokens(&exchange_with_proof(&tenant, &key.proof(&tenant, None)).await);
    let access = tenant
        .verify(body["access_token"].as_str().unwrap(), DEFAULT_AUDIENCE)
        .await;
    assert_eq!(access["cnf"], json!({ "jkt": key.thumbprint() }));

    let discovery = tenant
        .fetch(".well-known/openid-configuration")
        .await
        .json();
    assert_eq!(
        discovery["dpop_signing_alg_values_supported"],
        json!(["ES256"])
    );
}

/// Without a proof, tokens stay Bearer with no `cnf`.
#[tokio::test]
async fn without_a_proof_tokens_stay_bearer() {
    let tenant = TestTenant::start().await;
    let (code, verifier) = code(&tenant).await;
    let body = tenant.exchange(&code, &verifier).await.json();
    assert_eq!(body["token_type"], "Bearer");
    let access = tenant
        .verify(body["access_token"].as_str().unwrap(), DEFAULT_AUDIENCE)
        .await;
    assert!(access.get("cnf").is_none(), "{access}");
}

/// The public client's refresh token is bound to the key: the same key refreshes it; another
/// key or no proof is refused, and the refusal does not spend the token.
#[tokio::test]
async fn the_refresh_token_is_bound_to_the_proof_key() {
    let tenant = TestTenant::start().await;
    let key = DpopKey::new();
    let first = assert_dpop_tokens(&exchange_with_proof(&tenant, &key.proof(&tenant, None)).await);
    let refresh_token = first["refresh_token"].as_str().unwrap();

    let other = DpopKey::new();
    let reply = tenant
        .refresh_with(refresh_token, &[("DPoP", &other.proof(&tenant, None))])
        .await;
    assert_oauth_error(
        &reply,
        400,
        "invalid_dpop_proof",
        "The DPoP proof key is not the one this refresh token is bound to.",
    );
    let reply = tenant.refresh(refresh_token).await;
    assert_oauth_error(
        &reply,
        400,
        "invalid_dpop_proof",
        "This refresh token is bound to a DPoP key; send a DPoP proof made with it.",
    );

    let reply = tenant
        .refresh_with(refresh_token, &[("DPoP", &key.proof(&tenant, None))])
        .await;
    let second = assert_dpop_tokens(&reply);
    let access = tenant
        .verify(second["access_token"].as_str().unwrap(), DEFAULT_AUDIENCE)
        .await;
    assert_eq!(access["cnf"]["jkt"], key.thumbprint());
    // The rotated token is bound too.
    let reply = tenant
        .refresh(second["refresh_token"].as_str().unwrap())
        .await;
    assert_eq!(reply.json()["error"], "invalid_dpop_proof");
}

/// In nonce mode the first proof is answered `use_dpop_nonce` with the nonce in `DPoP-Nonce`;
/// a retry carrying it succeeds, with the same code (the refusal did not spend it).
#[tokio::test]
async fn nonce_mode_round_trip() {
    let tenant = TestTenant::start_with(|config| config.dpop.nonce = true).await;
    let key = DpopKey::new();
    let (code, verifier) = code(&tenant).await;

    let first = tenant
        .exchange_with(&code, &verifier, &[("DPoP", &key.proof(&tenant, None))])
        .await;
    assert_oauth_error(
        &first,
        400,
        "use_dpop_nonce",
        "Authorization server requires nonce in DPoP proof",
    );
    let nonce = first
        .header("dpop-nonce")
        .expect("DPoP-Nonce header")
        .to_owned();

    let wrong = tenant
        .exchange_with(
            &code,
            &verifier,
            &[("DPoP", &key.proof(&tenant, Some("stale")))],
        )
        .await;
    assert_eq!(wrong.json()["error"], "use_dpop_nonce");

    let retry = tenant
        .exchange_with(
            &code,
            &verifier,
            &[("DPoP", &key.proof(&tenant, Some(&nonce)))],
        )
        .await;
    assert_dpop_tokens(&retry);
    assert_eq!(retry.header("dpop-nonce"), Some(nonce.as_str()));
}

/// client_credentials tokens stay Bearer, whatever header comes along.
#[tokio::test]
async fn client_credentials_stay_bearer() {
    let tenant = TestTenant::start().await;
    let key = DpopKey::new();
    let reply = tenant
        .token_form_with(
            &[
                ("grant_type", "client_credentials"),
                ("client_id", DEFAULT_M2M_CLIENT_ID),
                ("client_secret", DEFAULT_M2M_CLIENT_SECRET),
                ("audience", DEFAULT_AUDIENCE),
            ],
            &[("DPoP", &key.proof(&tenant, None))],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.json()["token_type"], "Bearer");
}

/// Every malformed or dishonest proof is 400 `invalid_dpop_proof` with a reason, checked before
/// the code is spent: after the whole table, the same code still works with a good proof.
#[tokio::test]
async fn bad_proofs_are_refused() {
    let tenant = TestTenant::start().await;
    let key = DpopKey::new();
    // A proof already used once, for the replay row.
    let used = key.proof(&tenant, None);
    assert_dpop_tokens(&exchange_with_proof(&tenant, &used).await);

    let header = key.header();
    let claims = token_endpoint_claims(&tenant);
    let with_header = |change: &dyn Fn(&mut Value)| {
        let mut h = header.clone();
        change(&mut h);
        key.sign(&h, &token_endpoint_claims(&tenant))
    };
    let with_claims = |change: &dyn Fn(&mut Value)| {
        let mut c = token_endpoint_claims(&tenant);
        change(&mut c);
        key.sign(&header, &c)
    };
    let good = key.sign(&header, &claims);
    let (signed, signature) = good.rsplit_once('.').unwrap();
    let flipped = format!(
        "{signed}.{}{}",
        if signature.starts_with('A') { 'B' } else { 'A' },
        &signature[1..]
    );
    let unsigned = format!("{signed}.");
    let now = tenant.handle.now();
    let htu = tenant.url("oauth/token");

    let rows: Vec<(&str, Vec<String>, String)> = vec![
        (
            "wrong typ",
            vec![with_header(&|h| h["typ"] = json!("JWT"))],
            "The DPoP proof typ must be 'dpop+jwt'.".into(),
        ),
        (
            "no typ",
            vec![with_header(&|h| {
                h.as_object_mut().unwrap().remove("typ");
            })],
            "The DPoP proof typ must be 'dpop+jwt'.".into(),
        ),
        (
            "alg none",
            vec![{
                let mut h = header.clone();
                h["alg"] = json!("none");
                let s = key.sign(&h, &token_endpoint_claims(&tenant));
                format!("{}.", s.rsplit_once('.').unwrap().0)
            }],
            "Unsupported DPoP proof alg 'none'; supported: ES256.".into(),
        ),
        (
            "HS256",
            vec![with_header(&|h| h["alg"] = json!("HS256"))],
            "Unsupported DPoP proof alg 'HS256'; supported: ES256.".into(),
        ),
        (
            "RS256",
            vec![with_header(&|h| h["alg"] = json!("RS256"))],
            "Unsupported DPoP proof alg 'RS256'; supported: ES256.".into(),
        ),
        (
            "private d in jwk",
            vec![with_header(&|h| h["jwk"]["d"] = json!("c2VjcmV0"))],
            "The DPoP proof jwk must not contain a private key.".into(),
        ),
        (
            "a symmetric k in jwk",
            vec![with_header(&|h| h["jwk"]["k"] = json!("c2VjcmV0"))],
            "The DPoP proof jwk must not contain a private key.".into(),
        ),
        (
            "no jwk",
            vec![with_header(&|h| {
                h.as_object_mut().unwrap().remove("jwk");
            })],
            "The DPoP proof header has no jwk.".into(),
        ),
        (
            "RSA jwk",
            vec![with_header(&|h| {
                h["jwk"] = json!({ "kty": "RSA", "n": "AQAB", "e": "AQAB" })
            })],
            "The DPoP proof jwk must be an EC P-256 public key.".into(),
        ),
        (
            "another key's jwk",
            vec![with_header(&|h| h["jwk"] = DpopKey::new().jwk())],
            "The DPoP proof signature is invalid.".into(),
        ),
        (
            "bad signature",
            vec![flipped],
            "The DPoP proof signature is invalid.".into(),
        ),
        (
            "no signature",
            vec![unsigned],
            "The DPoP proof signature is invalid.".into(),
        ),
        (
            "wrong htm",
            vec![with_claims(&|c| c["htm"] = json!("GET"))],
            "The DPoP proof htm must be 'POST'.".into(),
        ),
        (
            "wrong htu",
            vec![with_claims(&|c| {
                c["htu"] = json!("http://127.0.0.1:1/oauth/token")
            })],
            format!("The DPoP proof htu must be '{htu}'."),
        ),
        (
            "htu of another endpoint",
            vec![with_claims(&|c| c["htu"] = json!(tenant.url("userinfo")))],
            format!("The DPoP proof htu must be '{htu}'."),
        ),
        (
            "stale iat",
            vec![with_claims(&|c| c["iat"] = json!(now - 61))],
            "The DPoP proof iat must be within 60 seconds of the server's time.".into(),
        ),
        (
            "future iat",
            vec![with_claims(&|c| c["iat"] = json!(now + 120))],
            "The DPoP proof iat must be within 60 seconds of the server's time.".into(),
        ),
        (
            "iat as a string",
            vec![with_claims(&|c| c["iat"] = json!(now.to_string()))],
            "The DPoP proof iat must be within 60 seconds of the server's time.".into(),
        ),
        (
            "no jti",
            vec![with_claims(&|c| {
                c.as_object_mut().unwrap().remove("jti");
            })],
            "The DPoP proof has no jti.".into(),
        ),
        (
            "replayed jti",
            vec![used.clone()],
            "The DPoP proof jti has been used before.".into(),
        ),
        (
            "not a JWT",
            vec!["not-a-jwt".into()],
            "The DPoP header is not a JWT.".into(),
        ),
        (
            "header not JSON",
            vec![format!("bm90IGpzb24.{}", good.split_once('.').unwrap().1)],
            "The DPoP proof header is not a JSON object.".into(),
        ),
        (
            "header not base64url",
            vec![format!("!!!.{}", good.split_once('.').unwrap().1)],
            "The DPoP proof header is not base64url.".into(),
        ),
        (
            "payload not JSON",
            vec![key.sign_raw(&header.to_string(), "not json")],
            "The DPoP proof payload is not a JSON object.".into(),
        ),
        (
            "oversized",
            vec![with_claims(&|c| c["pad"] = json!("x".repeat(9000)))],
            "The DPoP header is not a JWT.".into(),
        ),
        (
            "two DPoP headers",
            vec![key.proof(&tenant, None), key.proof(&tenant, None)],
            "Only one DPoP header is allowed.".into(),
        ),
    ];
    let (code, verifier) = code(&tenant).await;
    for (case, proofs, description) in rows {
        let headers: Vec<(&str, &str)> = proofs.iter().map(|p| ("DPoP", p.as_str())).collect();
        let reply = tenant.exchange_with(&code, &verifier, &headers).await;
        assert_eq!(reply.status, 400, "{case}: {}", reply.body);
        assert_eq!(
            reply.json(),
            json!({ "error": "invalid_dpop_proof", "error_description": description }),
            "{case}"
        );
    }
    let reply = tenant
        .exchange_with(&code, &verifier, &[("DPoP", &key.proof(&tenant, None))])
        .await;
    assert_dpop_tokens(&reply);
}

/// A refresh with a bad proof is refused the same way, and does not spend the token.
#[tokio::test]
async fn a_bad_proof_at_refresh_is_refused_without_spending_the_token() {
    let tenant = TestTenant::start().await;
    let key = DpopKey::new();
    let first = assert_dpop_tokens(&exchange_with_proof(&tenant, &key.proof(&tenant, None)).await);
    let refresh_token = first["refresh_token"].as_str().unwrap();
    let mut claims = token_endpoint_claims(&tenant);
    claims["htm"] = json!("PUT");
    let reply = tenant
        .refresh_with(
            refresh_token,
            &[("DPoP", &key.sign(&key.header(), &claims))],
        )
        .await;
    assert_oauth_error(
        &reply,
        400,
        "invalid_dpop_proof",
        "The DPoP proof htm must be 'POST'.",
    );
    let reply = tenant
        .refresh_with(refresh_token, &[("DPoP", &key.proof(&tenant, None))])
        .await;
    assert_dpop_tokens(&reply);
}

/// `/userinfo` takes a DPoP-bound token only with the DPoP scheme and a proof by its key for
/// `GET {issuer}userinfo` carrying the token's hash; as Bearer it is refused, so a stolen bound
/// token is useless there.
#[tokio::test]
async fn userinfo_requires_a_proof_for_a_bound_token() {
    let tenant = TestTenant::start().await;
    let key = DpopKey::new();
    let body = assert_dpop_tokens(&exchange_with_proof(&tenant, &key.proof(&tenant, None)).await);
    let token = body["access_token"].as_str().unwrap();
    let ask = |authorization: String, proof: Option<String>| {
        let mut request = tenant
            .http
            .get(tenant.url("userinfo"))
            .header("authorization", authorization);
        if let Some(proof) = proof {
            request = request.header("DPoP", proof);
        }
        async move { crate::support::read(request.send().await.unwrap()).await }
    };

    let ok = ask(
        format!("DPoP {token}"),
        Some(key.userinfo_proof(&tenant, token)),
    )
    .await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert_eq!(ok.json()["email"], "shopper@aura.test");

    let as_bearer = ask(format!("Bearer {token}"), None).await;
    assert_oauth_error(
        &as_bearer,
        401,
        "invalid_token",
        "The token is DPoP-bound; send it with the DPoP scheme and a proof.",
    );
    let no_proof = ask(format!("DPoP {token}"), None).await;
    assert_oauth_error(
        &no_proof,
        401,
        "invalid_dpop_proof",
        "A DPoP proof is required.",
    );
    assert!(no_proof
        .header("www-authenticate")
        .unwrap()
        .starts_with("DPoP algs=\"ES256\", error=\"invalid_dpop_proof\""));
    let other_key = DpopKey::new();
    let wrong_key = ask(
        format!("DPoP {token}"),
        Some(other_key.userinfo_proof(&tenant, token)),
    )
    .await;
    assert_oauth_error(
        &wrong_key,
        401,
        "invalid_dpop_proof",
        "The DPoP proof key is not the one the token is bound to.",
    );
    let wrong_ath = ask(
        format!("DPoP {token}"),
        Some(key.userinfo_proof(&tenant, "another token")),
    )
    .await;
    assert_oauth_error(
        &wrong_ath,
        401,
        "invalid_dpop_proof",
        "The DPoP proof ath must be the SHA-256 hash of the access token.",
    );
    let token_endpoint_proof = ask(format!("DPoP {token}"), Some(key.proof(&tenant, None))).await;
    assert_oauth_error(
        &token_endpoint_proof,
        401,
        "invalid_dpop_proof",
        "The DPoP proof htm must be 'GET'.",
    );

    // An unbound token with the DPoP scheme is refused too.
    let (code, verifier) = code(&tenant).await;
    let unbound = tenant.exchange(&code, &verifier).await.json();
    let unbound = unbound["access_token"].as_str().unwrap();
    let reply = ask(
        format!("DPoP {unbound}"),
        Some(key.userinfo_proof(&tenant, unbound)),
    )
    .await;
    assert_oauth_error(
        &reply,
        401,
        "invalid_token",
        "The token is not DPoP-bound; send it with the Bearer scheme.",
    );
}

/// The key binding is kept with the family in the state directory, so it survives a restart.
#[tokio::test]
async fn the_binding_survives_a_restart_with_a_state_directory() {
    let dir = crate::support::temp_dir("dpop-restart");
    let signing_key = dir.join("signing-key.der");
    let configure = |config: &mut dev_tenant::TenantConfig| {
        config.state_dir = Some(dir.clone());
        config.signing_key_path = Some(signing_key.clone());
    };
    let key = DpopKey::new();
    let first = TestTenant::start_with(configure).await;
    let body = assert_dpop_tokens(&exchange_with_proof(&first, &key.proof(&first, None)).await);
    let refresh_token = body["refresh_token"].as_str().unwrap().to_owned();
    drop(first);

    let second = TestTenant::start_with(configure).await;
    let reply = second.refresh(&refresh_token).await;
    assert_eq!(
        reply.json()["error"],
        "invalid_dpop_proof",
        "{}",
        reply.body
    );
    let reply = second
        .refresh_with(&refresh_token, &[("DPoP", &key.proof(&second, None))])
        .await;
    assert_dpop_tokens(&reply);
    let _ = std::fs::remove_dir_all(&dir);
}
