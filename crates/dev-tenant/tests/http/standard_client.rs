//! The tenant driven by an independent, standard OAuth 2.0 client (the `oauth2` crate): the
//! endpoints come from discovery, the ID token is verified with the discovered keys.

use dev_tenant::{
    DEFAULT_AUDIENCE, DEFAULT_M2M_CLIENT_ID, DEFAULT_M2M_CLIENT_SECRET, DEFAULT_SPA_CLIENT_ID,
    DEMO_PASSWORD,
};
use oauth2::basic::{
    BasicClient, BasicErrorResponse, BasicErrorResponseType, BasicRevocationErrorResponse,
    BasicTokenIntrospectionResponse, BasicTokenType,
};
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, Client, ClientId, ClientSecret, CsrfToken,
    EndpointNotSet, EndpointSet, ExtraTokenFields, PkceCodeChallenge, RedirectUrl,
    RequestTokenError, Scope, StandardRevocableToken, StandardTokenResponse, TokenResponse,
    TokenUrl,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::support::{query, read, TestTenant, CALLBACK};

/// The OpenID Connect addition to the token response.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct IdTokenField {
    #[serde(default)]
    id_token: Option<String>,
}
impl ExtraTokenFields for IdTokenField {}

type OidcTokenResponse = StandardTokenResponse<IdTokenField, BasicTokenType>;
type OidcClient = Client<
    BasicErrorResponse,
    OidcTokenResponse,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

fn http_client() -> reqwest::Client {
    // No redirects: RFC 6749 token endpoints never redirect, and following one would leak codes.
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn discover(tenant: &TestTenant) -> Value {
    tenant
        .fetch(".well-known/openid-configuration")
        .await
        .json()
}

/// Verifies an ID token with the keys at the discovered `jwks_uri`, as an OIDC client would.
async fn verify_with_discovered_keys(tenant: &TestTenant, discovery: &Value, token: &str) -> Value {
    let jwks = read(
        tenant
            .http
            .get(discovery["jwks_uri"].as_str().unwrap())
            .send()
            .await
            .unwrap(),
    )
    .await
    .json();
    let jwks: jsonwebtoken::jwk::JwkSet = serde_json::from_value(jwks).unwrap();
    let kid = jsonwebtoken::decode_header(token).unwrap().kid.unwrap();
    let jwk = jwks.find(&kid).expect("kid in the discovered JWKS");
    let key = jsonwebtoken::DecodingKey::from_jwk(jwk).unwrap();
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
    validation.set_issuer(&[discovery["issuer"].as_str().unwrap()]);
    validation.set_audience(&[DEFAULT_SPA_CLIENT_ID]);
    jsonwebtoken::decode::<Value>(token, &key, &validation)
        .unwrap()
        .claims
}

/// Discovery, code + PKCE, ID token verification and refresh through the `oauth2` crate.
#[tokio::test]
async fn a_standard_client_signs_in_with_pkce_and_refreshes() {
    let tenant = TestTenant::start().await;
    let discovery = discover(&tenant).await;
    let client: OidcClient = Client::new(ClientId::new(DEFAULT_SPA_CLIENT_ID.into()))
        .set_auth_uri(
            AuthUrl::new(discovery["authorization_endpoint"].as_str().unwrap().into()).unwrap(),
        )
        .set_token_uri(TokenUrl::new(discovery["token_endpoint"].as_str().unwrap().into()).unwrap())
        .set_redirect_uri(RedirectUrl::new(CALLBACK.into()).unwrap());

    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (authorize_url, csrf) = client
        .authorize_url(CsrfToken::new_random)
        .add_scopes(
            [
                "openid",
                "profile",
                "email",
                "offline_access",
                "read:products",
            ]
            .map(|s| Scope::new(s.into())),
        )
        .add_extra_param("audience", DEFAULT_AUDIENCE)
        .add_extra_param("nonce", "standard-nonce")
        .set_pkce_challenge(challenge)
        .url();

    let form = tenant.open_form(authorize_url.as_str()).await;
    let reply = tenant
        .submit(&form, "admin@aura.test", DEMO_PASSWORD, "login")
        .await;
    let params = query(&reply.location());
    assert_eq!(&params["state"], csrf.secret());

    let http = http_client();
    let tokens = client
        .exchange_code(AuthorizationCode::new(params["code"].clone()))
        .set_pkce_verifier(verifier)
        .request_async(&http)
        .await
        .unwrap();
    assert_eq!(*tokens.token_type(), BasicTokenType::Bearer);
    assert_eq!(
        tokens.expires_in(),
        Some(std::time::Duration::from_secs(86400))
    );
    let scopes: Vec<String> = tokens
        .scopes()
        .unwrap()
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(
        scopes,
        [
            "openid",
            "profile",
            "email",
            "offline_access",
            "read:products"
        ]
    );
    let id_token = tokens.extra_fields().id_token.clone().expect("id_token");
    let claims = verify_with_discovered_keys(&tenant, &discovery, &id_token).await;
    assert_eq!(claims["nonce"], "standard-nonce");
    assert_eq!(claims["email"], "admin@aura.test");

    let refresh = tokens.refresh_token().expect("refresh_token");
    let refreshed = client
        .exchange_refresh_token(refresh)
        .request_async(&http)
        .await
        .unwrap();
    let rotated = refreshed.refresh_token().expect("a rotated refresh token");
    assert_ne!(rotated.secret(), refresh.secret());
    assert!(refreshed.extra_fields().id_token.is_some());

    // The spent token is now a reuse: refused, and the family with it.
    let reuse = client
        .exchange_refresh_token(refresh)
        .request_async(&http)
        .await
        .unwrap_err();
    let RequestTokenError::ServerResponse(error) = reuse else {
        panic!("expected an OAuth error, got {reuse:?}");
    };
    assert_eq!(*error.error(), BasicErrorResponseType::InvalidGrant);
    assert_eq!(
        error.error_description().map(String::as_str),
        Some("Unknown or invalid refresh token.")
    );
}

/// `client_credentials` through the `oauth2` crate, with Basic and request-body authentication.
#[tokio::test]
async fn a_standard_client_gets_m2m_tokens_with_both_auth_methods() {
    let tenant = TestTenant::start().await;
    let discovery = discover(&tenant).await;
    let token_url = TokenUrl::new(discovery["token_endpoint"].as_str().unwrap().into()).unwrap();
    let http = http_client();
    for auth_type in [AuthType::BasicAuth, AuthType::RequestBody] {
        let client = BasicClient::new(ClientId::new(DEFAULT_M2M_CLIENT_ID.into()))
            .set_client_secret(ClientSecret::new(DEFAULT_M2M_CLIENT_SECRET.into()))
            .set_auth_type(auth_type.clone())
            .set_token_uri(token_url.clone());
        let tokens = client
            .exchange_client_credentials()
            .add_extra_param("audience", DEFAULT_AUDIENCE)
            .request_async(&http)
            .await
            .unwrap_or_else(|e| panic!("{auth_type:?}: {e:?}"));
        let claims = tenant
            .verify(tokens.access_token().secret(), DEFAULT_AUDIENCE)
            .await;
        assert_eq!(claims["gty"], "client-credentials", "{auth_type:?}");
    }
    assert_eq!(tenant.handle.client_credentials_issued(), 2);

    let wrong = BasicClient::new(ClientId::new(DEFAULT_M2M_CLIENT_ID.into()))
        .set_client_secret(ClientSecret::new("wrong".into()))
        .set_token_uri(token_url)
        .exchange_client_credentials()
        .add_extra_param("audience", DEFAULT_AUDIENCE)
        .request_async(&http)
        .await
        .unwrap_err();
    let RequestTokenError::ServerResponse(error) = wrong else {
        panic!("expected an OAuth error, got {wrong:?}");
    };
    assert_eq!(
        *error.error(),
        BasicErrorResponseType::Extension("access_denied".into())
    );
    assert_eq!(
        error.error_description().map(String::as_str),
        Some("Unauthorized")
    );
}
