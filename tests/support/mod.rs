//! Starts the real app and the real local tenant on ephemeral ports, and speaks HTTP to them.

#![allow(dead_code)] // each test file uses a different part of this

use std::time::Duration;

use aura_commerce::auth::sign_in_request::SignInTransaction;
use aura_commerce::auth::token_response::TokenResponse;
use aura_commerce::catalog::store::ProductStore;
use aura_commerce::config::Settings;
use aura_commerce::startup::{self, AppState};
use leptos::config::LeptosOptions;
use tokio::net::TcpListener;

pub const SHOPPER: &str = "shopper@aura.test";
pub const ADMIN: &str = "admin@aura.test";

/// A running app and its tenant.
pub struct TestApp {
    /// `http://127.0.0.1:<port>`
    pub origin: String,
    pub settings: Settings,
    /// Follows no redirects and keeps the tenant's session cookie, like a browser would.
    pub browser: reqwest::Client,
    /// The app's catalogue, in a database file of this test's own.
    pub catalog: ProductStore,
    _database_dir: tempfile::TempDir,
}

/// Options for [`spawn_app`].
pub struct TestOptions {
    pub access_token_secs: u64,
    pub leeway: Duration,
}

impl Default for TestOptions {
    fn default() -> Self {
        Self {
            access_token_secs: 3600,
            leeway: Duration::from_secs(5),
        }
    }
}

pub async fn spawn_app(options: TestOptions) -> TestApp {
    let tenant_listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let app_listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let app_addr = app_listener.local_addr().unwrap();
    let origin = startup::origin_of(app_addr);

    let mut tenant = startup::local_tenant_config(&tenant_listener, &origin);
    tenant.lifetimes.access_token_secs = options.access_token_secs;
    let settings = Settings::for_local_tenant(tenant_listener.local_addr().unwrap());
    startup::spawn_local_tenant(tenant_listener, tenant);

    let leptos_options = LeptosOptions::builder()
        .output_name("aura-commerce")
        .site_root("target/site")
        .site_addr(app_addr)
        .build();
    let database_dir = tempfile::tempdir().unwrap();
    let catalog = ProductStore::open_file(&database_dir.path().join("catalog.sqlite"))
        .await
        .unwrap();
    let state = AppState::with_leeway(&settings, leptos_options, options.leeway, catalog.clone());
    startup::spawn_key_refresh(state.validator.keys().clone());
    tokio::spawn(startup::serve(
        app_listener,
        startup::router(state),
        std::future::pending(),
    ));

    let browser = new_browser();
    let app = TestApp {
        origin,
        settings,
        browser,
        catalog,
        _database_dir: database_dir,
    };
    app.wait_until_ready().await;
    app
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.origin)
    }

    /// Waits for `/readyz` (signing keys loaded), for at most 10 s.
    async fn wait_until_ready(&self) {
        for _ in 0..200 {
            if let Ok(response) = self.browser.get(self.url("/readyz")).send().await {
                if response.status() == 200 {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the app did not become ready");
    }

    /// Calls the `get_products` server function as the browser does (POST, no arguments).
    pub async fn call_get_products(&self, bearer: Option<&str>) -> reqwest::Response {
        let mut request = self
            .browser
            .post(self.url("/fn/get_products"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("");
        if let Some(token) = bearer {
            request = request.bearer_auth(token);
        }
        request.send().await.unwrap()
    }

    /// Calls the server function at `/fn/{name}` as the browser does: a form-encoded POST
    /// (nested arguments as `edit[price_cents]=…`).
    pub async fn call_fn(&self, name: &str, bearer: Option<&str>, body: &str) -> reqwest::Response {
        let mut request = self
            .browser
            .post(self.url(&format!("/fn/{name}")))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.to_owned());
        if let Some(token) = bearer {
            request = request.bearer_auth(token);
        }
        request.send().await.unwrap()
    }

    /// Signs `email` in through the tenant's real pages and returns the token response,
    /// checking every step a browser would see.
    pub async fn sign_in(&self, email: &str, password: &str) -> TokenResponse {
        self.sign_in_with(&self.browser, email, password).await
    }

    /// [`TestApp::sign_in`] in a browser of its own (no tenant session yet), for a test that
    /// needs a second user.
    pub async fn sign_in_in_new_browser(&self, email: &str, password: &str) -> TokenResponse {
        self.sign_in_with(&new_browser(), email, password).await
    }

    async fn sign_in_with(
        &self,
        browser: &reqwest::Client,
        email: &str,
        password: &str,
    ) -> TokenResponse {
        let transaction = SignInTransaction {
            verifier: "test-verifier-0123456789-0123456789-0123456789".into(),
            state: format!("state-{email}"),
            nonce: "test-nonce".into(),
            return_to: "/products".into(),
        };
        let authorize = transaction.authorize_url(&self.settings.public, &self.origin);

        let page = browser.get(&authorize).send().await.unwrap();
        assert_eq!(page.status(), 200, "the sign-in form is shown");
        let html = page.text().await.unwrap();
        let form = HtmlForm::parse(&html);

        let action = url::Url::parse(&authorize)
            .unwrap()
            .join(&form.action)
            .unwrap();
        let mut fields = form.hidden;
        fields.push(("username".into(), email.into()));
        fields.push(("password".into(), password.into()));
        fields.push(("action".into(), "login".into()));
        let submitted = self
            .browser
            .post(action)
            .form(&fields)
            .send()
            .await
            .unwrap();
        assert_eq!(
            submitted.status(),
            302,
            "a correct password redirects back to the app"
        );
        let location = submitted.headers()["location"].to_str().unwrap().to_owned();
        let callback = url::Url::parse(&location).unwrap();
        assert_eq!(
            format!("{}{}", self.origin, "/callback"),
            callback.as_str().split('?').next().unwrap()
        );
        let query: std::collections::HashMap<_, _> = callback.query_pairs().into_owned().collect();
        assert_eq!(
            query.get("state"),
            Some(&transaction.state),
            "state comes back unchanged"
        );
        let code = query.get("code").expect("a code");

        let exchange = self
            .browser
            .post(self.settings.public.token_endpoint())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(transaction.token_request_body(&self.settings.public, &self.origin, code))
            .send()
            .await
            .unwrap();
        assert_eq!(
            exchange.status(),
            200,
            "the code exchange without a secret succeeds"
        );
        exchange.json().await.unwrap()
    }
}

/// Follows no redirects and keeps cookies, like a browser.
fn new_browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .unwrap()
}

/// The one form on the tenant's sign-in page: its action and hidden inputs.
pub struct HtmlForm {
    pub action: String,
    pub hidden: Vec<(String, String)>,
}

impl HtmlForm {
    pub fn parse(html: &str) -> Self {
        let form_tag = tag_at(html, html.find("<form").expect("a form"));
        let action = attribute(form_tag, "action").unwrap_or_default();
        let hidden = html
            .match_indices("<input")
            .map(|(at, _)| tag_at(html, at))
            .filter(|tag| attribute(tag, "type").as_deref() == Some("hidden"))
            .map(|tag| {
                (
                    attribute(tag, "name").unwrap(),
                    attribute(tag, "value").unwrap_or_default(),
                )
            })
            .collect();
        Self { action, hidden }
    }
}

fn tag_at(html: &str, start: usize) -> &str {
    let end = html[start..].find('>').expect("a closed tag") + start;
    &html[start..end]
}

fn attribute(tag: &str, name: &str) -> Option<String> {
    let needle = format!(" {name}=\"");
    let start = tag.find(&needle)? + needle.len();
    let end = tag[start..].find('"')? + start;
    Some(unescape(&tag[start..end]))
}

fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}
