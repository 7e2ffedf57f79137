//! Discovery and JWKS, as an OIDC client or the app's JWKS cache reads them.

use crate::support::TestTenant;
use serde_json::json;

/// The discovery document names every endpoint under the issuer, which ends with `/`.
#[tokio::test]
async fn discovery_describes_the_tenant_like_auth0() {
    let tenant = TestTenant::start().await;
    let reply = tenant.fetch(".well-known/openid-configuration").await;
    assert_eq!(reply.status, 200);
    let doc = reply.json();
    let i = &tenant.issuer;
    assert!(i.ends_with('/'));
    assert_eq!(doc["issuer"], json!(i));
    assert_eq!(
        doc["authorization_endpoint"],
        json!(format!("{i}authorize"))
    );
    assert_eq!(doc["token_endpoint"], json!(format!("{i}oauth/token")));
    assert_eq!(doc["jwks_uri"], json!(format!("{i}.well-known/jwks.json")));
    assert_eq!(doc["userinfo_endpoint"], json!(format!("{i}userinfo")));
    assert_eq!(
        doc["end_session_endpoint"],
        json!(format!("{i}oidc/logout"))
    );
    assert_eq!(doc["response_types_supported"], json!(["code"]));
    assert_eq!(doc["code_challenge_methods_supported"], json!(["S256"]));
    assert_eq!(
        doc["id_token_signing_alg_values_supported"],
        json!(["RS256"])
    );
    assert_eq!(
        doc["grant_types_supported"],
        json!(["authorization_code", "refresh_token", "client_credentials"])
    );
    assert_eq!(
        doc["token_endpoint_auth_methods_supported"],
        json!(["client_secret_basic", "client_secret_post", "none"])
    );
}

/// The JWKS publishes one RS256 signing key with base64url `n` and `e`, and fetches are counted.
#[tokio::test]
async fn jwks_publishes_an_rs256_signing_key() {
    let tenant = TestTenant::start().await;
    let reply = tenant.fetch(".well-known/jwks.json").await;
    assert_eq!(reply.status, 200);
    let keys = reply.json()["keys"].as_array().unwrap().clone();
    assert_eq!(keys.len(), 1);
    let key = &keys[0];
    assert_eq!(key["kty"], "RSA");
    assert_eq!(key["use"], "sig");
    assert_eq!(key["alg"], "RS256");
    assert_eq!(key["kid"], json!(tenant.handle.current_kid()));
    assert_eq!(key["e"], "AQAB");
    let n = key["n"].as_str().unwrap();
    // 2048 bits = 256 bytes = 342 base64url characters without padding.
    assert_eq!(n.len(), 342);
    assert!(n
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
    assert_eq!(tenant.handle.jwks_fetches(), 1);
}
