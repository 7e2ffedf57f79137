//! Starts the real app and the real local tenant on ephemeral ports, and speaks HTTP to them.

pub mod database;
pub mod dpop_key;
pub mod fake_issuer;
pub mod jws;

use std::sync::Mutex;
use std::time::Duration;

use aura_commerce::app_state::AppState;
use aura_commerce::auth::public_config::DpopMode;
use aura_commerce::auth::server::JwksSettings;
use aura_commerce::auth::sign_in_request::SignInTransaction;
use aura_commerce::auth::token_response::TokenResponse;
use aura_commerce::auth::M2mClientId;
use aura_commerce::catalog::store::ProductStore;
use aura_commerce::config::{DatabaseUrl, LocalTenantSettings, M2mCredentials, Settings};
use aura_commerce::startup::{self, AuthOptions};
use dev_tenant::TenantHandle;
use leptos::config::LeptosOptions;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

pub const SHOPPER: &str = "shopper@aura.test";
pub const ADMIN: &str = "admin@aura.test";

/// A running app and, unless it trusts a test's own issuer, the local tenant.
pub struct TestApp {
    /// `http://127.0.0.1:<port>`
    pub origin: String,
    pub settings: Settings,
    /// Follows no redirects and keeps the tenant's session cookie, like a browser would.
    pub browser: reqwest::Client,
    /// A plain HTTP client, as a service calling the REST API would use.
    pub api: reqwest::Client,
    /// The app's own state, to look inside the validator.
    pub state: AppState,
    /// The local tenant, when the app uses it.
    pub tenant: Option<TenantHandle>,
    stop_tenant: Mutex<Option<oneshot::Sender<()>>>,
    /// The app's catalogue: a database file of this test's own, or [`TestOptions::database`].
    pub catalog: ProductStore,
    pub database_url: DatabaseUrl,
    _database_dir: Option<tempfile::TempDir>,
}

/// Options for [`spawn_app`].
pub struct TestOptions {
    pub access_token_secs: u64,
    pub leeway: Duration,
    pub jwks: JwksSettings,
    /// Other credentials for the M2M application, at the tenant and in the app (for tests
    /// that look for a secret where it must not be).
    pub m2m_credentials: Option<(String, String)>,
    /// `API_CORS_ORIGINS`.
    pub api_cors_origins: Vec<String>,
    /// `AI_SERVICE_URL` (default: the app's own `/api/ai`).
    pub ai_service_url: Option<String>,
    /// The tenant issues user tokens as Auth0 does with the API's RBAC off.
    pub rbac_off: bool,
    /// The site folder the app serves (default: `target/site`, whatever was built there), and
    /// whether its bundle has content-hashed names.
    pub site_root: Option<std::path::PathBuf>,
    pub hashed_file_names: bool,
    /// The catalogue's database (default: a new SQLite file of this app's own).
    pub database: Option<DatabaseUrl>,
    /// `AUTH0_DPOP=on`, and `AUTH0_DPOP_NONCE=on`.
    pub dpop: bool,
    pub dpop_nonce: bool,
    /// How many DPoP proofs the app remembers (default: its own default).
    pub dpop_replay_capacity: Option<usize>,
}

impl Default for TestOptions {
    fn default() -> Self {
        Self {
            access_token_secs: 3600,
            leeway: Duration::from_secs(5),
            jwks: JwksSettings::default(),
            m2m_credentials: None,
            api_cors_origins: Vec::new(),
            ai_service_url: None,
            rbac_off: false,
            site_root: None,
            hashed_file_names: false,
            database: None,
            dpop: false,
            dpop_nonce: false,
            dpop_replay_capacity: None,
        }
    }
}

/// The app and the local tenant, each on an ephemeral port; returns once the app is ready.
pub async fn spawn_app(options: TestOptions) -> TestApp {
    let tenant_listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let app_listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = startup::origin_of(app_listener.local_addr().unwrap());

    let mut config = startup::local_tenant_config(&tenant_listener, &origin);
    config.lifetimes.access_token_secs = options.access_token_secs;
    if options.rbac_off {
        config.apis.push(dev_tenant::ApiConfig {
            identifier: dev_tenant::DEFAULT_AUDIENCE.to_owned(),
            rbac: false,
        });
    }
    let mut settings = Settings::for_local_tenant(LocalTenantSettings::at(
        tenant_listener.local_addr().unwrap(),
    ));
    settings.api_cors_origins = options.api_cors_origins.clone();
    settings.ai_service_url = options.ai_service_url.clone();
    if let Some((client_id, secret)) = &options.m2m_credentials {
        let m2m = config
            .clients
            .iter_mut()
            .find(|c| c.client_id == dev_tenant::DEFAULT_M2M_CLIENT_ID)
            .expect("the default M2M client");
        m2m.client_id = client_id.clone();
        m2m.client_secret = Some(dev_tenant::ClientSecret::new(secret.clone()));
        settings.m2m = Some(M2mCredentials {
            client_id: M2mClientId::parse(client_id).unwrap(),
            client_secret: secret.clone().into(),
            client_secret_file: None,
        });
    }
    let tenant = dev_tenant::Tenant::new(config).unwrap();
    let handle = tenant.handle();
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(tenant.serve(tenant_listener, async {
        let _ = stopped.await;
    }));

    let mut app = serve_app(app_listener, settings, &options).await;
    app.tenant = Some(handle);
    app.stop_tenant = Mutex::new(Some(stop));
    app.wait_until_ready().await;
    app
}

/// The app alone, trusting the issuer at `issuer_addr` (a test's own, see [`fake_issuer`]).
/// Returns at once, ready or not.
pub async fn spawn_app_for_issuer(
    issuer_addr: std::net::SocketAddr,
    options: TestOptions,
) -> TestApp {
    let app_listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    serve_app(
        app_listener,
        Settings::for_local_tenant(LocalTenantSettings::at(issuer_addr)),
        &options,
    )
    .await
}

async fn serve_app(
    app_listener: TcpListener,
    mut settings: Settings,
    options: &TestOptions,
) -> TestApp {
    if options.dpop {
        settings.public.dpop = DpopMode::On;
        settings.dpop.nonce = options.dpop_nonce;
        if let Some(capacity) = options.dpop_replay_capacity {
            settings.dpop.replay_capacity = capacity;
        }
    }
    let app_addr = app_listener.local_addr().unwrap();
    let site_root = options
        .site_root
        .as_ref()
        .map_or_else(|| "target/site".to_owned(), |dir| dir.display().to_string());
    let leptos_options = LeptosOptions::builder()
        .output_name("aura-commerce")
        .site_root(site_root)
        .site_addr(app_addr)
        .hash_files(options.hashed_file_names)
        .build();
    let auth = AuthOptions {
        leeway: options.leeway,
        jwks: options.jwks.clone(),
    };
    let (database_url, database_dir) = match &options.database {
        Some(url) => (url.clone(), None),
        None => {
            let dir = tempfile::tempdir().unwrap();
            let url = DatabaseUrl::parse(&format!(
                "sqlite://{}",
                dir.path().join("catalog.sqlite").display()
            ))
            .unwrap();
            (url, Some(dir))
        }
    };
    let catalog = ProductStore::open(&database_url).await.unwrap();
    let state: AppState = startup::build_state(&settings, leptos_options, auth, catalog.clone());
    startup::spawn_key_refresh(state.validator.keys().clone());
    tokio::spawn(startup::serve(
        app_listener,
        startup::router(state.clone()),
        std::future::pending(),
    ));

    TestApp {
        origin: startup::origin_of(app_addr),
        settings,
        browser: new_browser(),
        api: reqwest::Client::new(),
        state,
        tenant: None,
        stop_tenant: Mutex::new(None),
        catalog,
        database_url,
        _database_dir: database_dir,
    }
}

/// An M2M access token from the local tenant's default M2M client at `token_url`, asked for
/// as the user's guide does (JSON body, client_credentials).
pub async fn m2m_token_from(token_url: &str) -> String {
    let response = reqwest::Client::new()
        .post(token_url)
        .json(&serde_json::json!({
            "client_id": dev_tenant::DEFAULT_M2M_CLIENT_ID,
            "client_secret": dev_tenant::DEFAULT_M2M_CLIENT_SECRET,
            "audience": dev_tenant::DEFAULT_AUDIENCE,
            "grant_type": "client_credentials",
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "the tenant issues an M2M token");
    let body: TokenResponse = response.json().await.unwrap();
    body.access_token
}

/// Follows no redirects and keeps cookies, like a browser.
fn new_browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .unwrap()
}

impl TestApp {
    /// Another instance of this app: its own server and caches, the same tenant (so the same
    /// tokens work) and the same database — as behind a load balancer. Returns once ready.
    pub async fn spawn_another_instance(&self) -> TestApp {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let options = TestOptions {
            database: Some(self.database_url.clone()),
            ..TestOptions::default()
        };
        let app = serve_app(listener, self.settings.clone(), &options).await;
        app.wait_until_ready().await;
        app
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.origin)
    }

    /// Waits for `/readyz` (signing keys loaded), for at most 10 s.
    pub async fn wait_until_ready(&self) {
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

    /// The local tenant's handle.
    pub fn tenant(&self) -> &TenantHandle {
        self.tenant
            .as_ref()
            .expect("this app runs with the local tenant")
    }

    /// Stops the local tenant's server; the app keeps running.
    pub fn stop_tenant(&self) {
        if let Some(stop) = self.stop_tenant.lock().unwrap().take() {
            let _ = stop.send(());
        }
    }

    /// `GET path` on the app, with `Authorization: Bearer <bearer>` when given.
    pub async fn get_api(&self, path: &str, bearer: Option<&str>) -> reqwest::Response {
        let mut request = self.api.get(self.url(path));
        if let Some(token) = bearer {
            request = request.bearer_auth(token);
        }
        request.send().await.unwrap()
    }

    /// `PATCH path` with a JSON body.
    pub async fn patch_api(
        &self,
        path: &str,
        bearer: &str,
        body: &serde_json::Value,
    ) -> reqwest::Response {
        self.api
            .patch(self.url(path))
            .bearer_auth(bearer)
            .json(body)
            .send()
            .await
            .unwrap()
    }

    /// An M2M access token from the local tenant, obtained exactly as the user's guide does
    /// (JSON body, client_credentials).
    pub async fn m2m_token(&self) -> String {
        m2m_token_from(&self.settings.public.token_endpoint()).await
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

    /// Signs `email` in through the tenant's real pages and returns the token response,
    /// checking every step a browser would see.
    pub async fn sign_in(&self, email: &str, password: &str) -> TokenResponse {
        self.sign_in_asking(email, password, &[]).await
    }

    /// [`Self::sign_in`], asking `/authorize` for `more_scopes` beside the app's own.
    pub async fn sign_in_asking(
        &self,
        email: &str,
        password: &str,
        more_scopes: &[&str],
    ) -> TokenResponse {
        let transaction = SignInTransaction {
            verifier: "test-verifier-0123456789-0123456789-0123456789".into(),
            state: format!("state-{email}"),
            nonce: "test-nonce".into(),
            return_to: "/products".into(),
        };
        let mut authorize =
            url::Url::parse(&transaction.authorize_url(&self.settings.public, &self.origin))
                .unwrap();
        let pairs: Vec<(String, String)> = authorize
            .query_pairs()
            .map(|(name, value)| match name.as_ref() {
                "scope" => (
                    name.into_owned(),
                    [value.as_ref()]
                        .iter()
                        .chain(more_scopes)
                        .copied()
                        .collect::<Vec<_>>()
                        .join(" "),
                ),
                _ => (name.into_owned(), value.into_owned()),
            })
            .collect();
        authorize.query_pairs_mut().clear().extend_pairs(pairs);
        let authorize = authorize.to_string();

        // Each sign-in in a browser of its own, so one test can sign in several users.
        let browser = new_browser();
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
        let submitted = browser.post(action).form(&fields).send().await.unwrap();
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

        let exchange = browser
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
