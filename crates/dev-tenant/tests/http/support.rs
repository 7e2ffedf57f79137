//! Test support: a tenant served on `127.0.0.1:0` and one helper per step of the flows.

use std::collections::HashMap;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use dev_tenant::{Tenant, TenantConfig, TenantHandle, DEFAULT_AUDIENCE, DEFAULT_SPA_CLIENT_ID};
use reqwest::redirect::Policy;
use reqwest::StatusCode;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The app origin the tests pretend to be.
pub const APP_ORIGIN: &str = "http://127.0.0.1:3999";
pub const CALLBACK: &str = "http://127.0.0.1:3999/callback";

/// A running tenant. Stops when dropped.
pub struct TestTenant {
    /// The issuer, `http://127.0.0.1:<port>/`.
    pub issuer: String,
    pub handle: TenantHandle,
    /// Follows no redirects and keeps cookies, like a browser whose redirects we inspect.
    pub browser: reqwest::Client,
    /// No cookies, no redirects: a back-end or SPA `fetch` caller.
    pub http: reqwest::Client,
    _shutdown: tokio::sync::oneshot::Sender<()>,
}

/// PKCE material for one sign-in.
pub struct Pkce {
    pub verifier: String,
    pub challenge: String,
}

impl Pkce {
    pub fn new() -> Self {
        let verifier = URL_SAFE_NO_PAD.encode(rand_bytes());
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        Self {
            verifier,
            challenge,
        }
    }
}

fn rand_bytes() -> [u8; 32] {
    // Unique enough for tests without another dependency: hash a counter and the time.
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    Sha256::digest(format!("{n}-{t}")).into()
}

/// A response read to the end.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn location(&self) -> url::Url {
        let location = self
            .headers
            .get("location")
            .unwrap_or_else(|| panic!("no Location; status {} body {}", self.status, self.body))
            .to_str()
            .unwrap();
        url::Url::parse(location).unwrap()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().unwrap())
    }
}

pub async fn read(response: reqwest::Response) -> Reply {
    Reply {
        status: response.status(),
        headers: response.headers().clone(),
        body: response.text().await.unwrap(),
    }
}

/// The query parameters of a URL.
pub fn query(url: &url::Url) -> HashMap<String, String> {
    url.query_pairs().into_owned().collect()
}

/// A sign-in form as a browser sees it: where it posts and its hidden inputs.
#[derive(Debug)]
pub struct SignInForm {
    pub action: String,
    pub hidden: Vec<(String, String)>,
    pub html: String,
}

impl SignInForm {
    /// Finds the single `<form method="post" action="…">` and its hidden inputs.
    pub fn parse(html: &str) -> Self {
        assert_eq!(
            html.matches("<form").count(),
            1,
            "one form expected: {html}"
        );
        let form_tag = tag_at(html, html.find("<form").unwrap());
        assert_eq!(attr(form_tag, "method").as_deref(), Some("post"));
        let action = attr(form_tag, "action").expect("form action");
        let hidden = html
            .match_indices("<input")
            .map(|(i, _)| tag_at(html, i))
            .filter(|t| attr(t, "type").as_deref() == Some("hidden"))
            .map(|t| {
                (
                    attr(t, "name").unwrap(),
                    attr(t, "value").unwrap_or_default(),
                )
            })
            .collect();
        Self {
            action: unescape(&action),
            hidden,
            html: html.to_owned(),
        }
    }
}

fn tag_at(html: &str, start: usize) -> &str {
    let end = html[start..].find('>').unwrap() + start;
    &html[start..=end]
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let needle = format!(" {name}=\"");
    let start = tag.find(&needle)? + needle.len();
    let end = tag[start..].find('"')? + start;
    Some(unescape(&tag[start..end]))
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

impl TestTenant {
    /// Default configuration plus the test app's origin.
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    /// Like [`start`](Self::start), with a chance to adjust the configuration.
    pub async fn start_with(adjust: impl FnOnce(&mut TenantConfig)) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let issuer = format!("http://{}/", listener.local_addr().unwrap());
        let mut config = TenantConfig::with_defaults(&issuer);
        config.allow_app_origin(APP_ORIGIN);
        adjust(&mut config);
        let tenant = Tenant::new(config).unwrap();
        let handle = tenant.handle();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(tenant.serve(listener, async {
            let _ = rx.await;
        }));
        Self {
            issuer,
            handle,
            browser: reqwest::Client::builder()
                .redirect(Policy::none())
                .cookie_store(true)
                .build()
                .unwrap(),
            http: reqwest::Client::builder()
                .redirect(Policy::none())
                .build()
                .unwrap(),
            _shutdown: tx,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.issuer, path.trim_start_matches('/'))
    }

    /// The `/authorize` URL the app builds, with extra or overriding parameters.
    pub fn authorize_url(&self, pkce: &Pkce, overrides: &[(&str, &str)]) -> String {
        let mut params: Vec<(&str, &str)> = vec![
            ("response_type", "code"),
            ("client_id", DEFAULT_SPA_CLIENT_ID),
            ("redirect_uri", CALLBACK),
            ("scope", "openid profile email offline_access read:products"),
            ("audience", DEFAULT_AUDIENCE),
            ("state", "state-123"),
            ("nonce", "nonce-456"),
            ("code_challenge", &pkce.challenge),
            ("code_challenge_method", "S256"),
        ];
        for (name, value) in overrides {
            params.retain(|(n, _)| n != name);
            if !value.is_empty() {
                params.push((name, value));
            }
        }
        let mut url = url::Url::parse(&self.url("authorize")).unwrap();
        url.query_pairs_mut().extend_pairs(params);
        url.to_string()
    }

    pub async fn get(&self, url: &str) -> Reply {
        read(self.browser.get(url).send().await.unwrap()).await
    }

    /// A plain GET of `path` under the issuer, as a server would make it (no cookies).
    pub async fn fetch(&self, path: &str) -> Reply {
        read(self.http.get(self.url(path)).send().await.unwrap()).await
    }

    /// Opens the sign-in form; asserts it is one.
    pub async fn open_form(&self, url: &str) -> SignInForm {
        let reply = self.get(url).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        SignInForm::parse(&reply.body)
    }

    /// Posts the form back with every hidden input, the credentials and the button pressed.
    pub async fn submit(
        &self,
        form: &SignInForm,
        email: &str,
        password: &str,
        action: &str,
    ) -> Reply {
        let mut fields = form.hidden.clone();
        fields.push(("username".into(), email.into()));
        fields.push(("password".into(), password.into()));
        fields.push(("action".into(), action.into()));
        read(
            self.browser
                .post(&form.action)
                .form(&fields)
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    /// Signs in through the form (`prompt=login`, so an earlier session does not skip it) and
    /// returns the code the callback receives.
    pub async fn sign_in(&self, pkce: &Pkce, email: &str) -> String {
        let form = self
            .open_form(&self.authorize_url(pkce, &[("prompt", "login")]))
            .await;
        let reply = self
            .submit(&form, email, dev_tenant::DEMO_PASSWORD, "login")
            .await;
        assert_eq!(reply.status, StatusCode::FOUND, "{}", reply.body);
        let location = reply.location();
        let params = query(&location);
        assert_eq!(params.get("state").map(String::as_str), Some("state-123"));
        params["code"].clone()
    }

    /// Exchanges a code as the SPA does (form-encoded, no secret).
    pub async fn exchange(&self, code: &str, verifier: &str) -> Reply {
        self.exchange_with(code, verifier, &[]).await
    }

    /// [`exchange`](Self::exchange) with extra request headers (a `DPoP` proof, say).
    pub async fn exchange_with(
        &self,
        code: &str,
        verifier: &str,
        headers: &[(&str, &str)],
    ) -> Reply {
        self.token_form_with(
            &[
                ("grant_type", "authorization_code"),
                ("client_id", DEFAULT_SPA_CLIENT_ID),
                ("code", code),
                ("code_verifier", verifier),
                ("redirect_uri", CALLBACK),
            ],
            headers,
        )
        .await
    }

    /// Spends a refresh token as the SPA does (form-encoded, no secret, no DPoP proof).
    pub async fn refresh(&self, refresh_token: &str) -> Reply {
        self.refresh_with(refresh_token, &[]).await
    }

    /// [`refresh`](Self::refresh) with extra request headers.
    pub async fn refresh_with(&self, refresh_token: &str, headers: &[(&str, &str)]) -> Reply {
        self.token_form_with(
            &[
                ("grant_type", "refresh_token"),
                ("client_id", DEFAULT_SPA_CLIENT_ID),
                ("refresh_token", refresh_token),
            ],
            headers,
        )
        .await
    }

    pub async fn token_form(&self, params: &[(&str, &str)]) -> Reply {
        self.token_form_with(params, &[]).await
    }

    /// A form-encoded token request with extra headers; a header named twice is sent twice.
    pub async fn token_form_with(
        &self,
        params: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> Reply {
        let mut request = self.http.post(self.url("oauth/token")).form(params);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        read(request.send().await.unwrap()).await
    }

    pub async fn token_json(&self, body: Value) -> Reply {
        read(
            self.http
                .post(self.url("oauth/token"))
                .json(&body)
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    /// Verifies an RS256 token with the tenant's published JWKS and returns its claims.
    pub async fn verify(&self, token: &str, audience: &str) -> Value {
        let header = jsonwebtoken::decode_header(token).unwrap();
        assert_eq!(header.alg, jsonwebtoken::Algorithm::RS256);
        assert_eq!(header.typ.as_deref(), Some("JWT"));
        let kid = header.kid.expect("kid");
        let jwks = read(
            self.http
                .get(self.url(".well-known/jwks.json"))
                .send()
                .await
                .unwrap(),
        )
        .await
        .json();
        let key = jwks["keys"]
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["kid"] == kid.as_str())
            .expect("kid in JWKS");
        let key = jsonwebtoken::DecodingKey::from_rsa_components(
            key["n"].as_str().unwrap(),
            key["e"].as_str().unwrap(),
        )
        .unwrap();
        let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&[audience]);
        jsonwebtoken::decode::<Value>(token, &key, &validation)
            .unwrap()
            .claims
    }
}

/// Asserts an Auth0 error reply exactly.
#[track_caller]
pub fn assert_oauth_error(reply: &Reply, status: u16, error: &str, description: &str) {
    assert_eq!(
        (reply.status.as_u16(), reply.json()),
        (
            status,
            serde_json::json!({ "error": error, "error_description": description })
        ),
        "body: {}",
        reply.body
    );
}

/// A fresh directory under the system temp dir, unique per test.
pub fn temp_dir(name: &str) -> std::path::PathBuf {
    let unique = URL_SAFE_NO_PAD.encode(&rand_bytes()[..9]);
    std::env::temp_dir().join(format!("dev-tenant-{name}-{unique}"))
}
