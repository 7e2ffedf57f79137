//! The M2M client secret, and the server's own M2M token, never leave the server: not in any
//! page, not in any response of a full sign-in and browse, not in the log at trace level.
//! (The built site is scanned by scripts/test, after it is built.)

use std::io::Write;
use std::sync::{Arc, Mutex};

use crate::support::{spawn_app, HtmlForm, TestOptions, SHOPPER};

/// Everything the server logs, at every level.
#[derive(Clone, Default)]
struct CapturedLog(Arc<Mutex<Vec<u8>>>);

impl Write for CapturedLog {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// What came back: each response's status, headers and body, as text.
#[derive(Default)]
struct Transcript(Vec<(String, String)>);

impl Transcript {
    async fn record(&mut self, what: &str, response: reqwest::Response) -> String {
        let mut text = format!("{} {}\n", response.status(), response.url());
        for (name, value) in response.headers() {
            text.push_str(&format!(
                "{name}: {}\n",
                value.to_str().unwrap_or("<binary>")
            ));
        }
        let body = response.text().await.unwrap_or_default();
        text.push_str(&body);
        self.0.push((what.to_owned(), text));
        body
    }
}

#[tokio::test]
async fn no_secret_leaves_the_server_in_pages_responses_or_logs() {
    let log = CapturedLog::default();
    let sink = log.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || sink.clone())
        .init();

    let secret = format!("canary-secret-{}-{}", std::process::id(), line!());
    let options = TestOptions {
        m2m_credentials: Some(("canary-m2m-client".into(), secret.clone())),
        ..TestOptions::default()
    };
    let app = spawn_app(options).await;
    let mut seen = Transcript::default();

    // Every page, server-rendered, signed out.
    for path in [
        "/",
        "/login",
        "/callback",
        "/products",
        "/products/1",
        "/profile",
        "/admin/products",
        "/no-such-page",
        "/healthz",
        "/readyz",
        "/favicon.svg",
    ] {
        let response = app.browser.get(app.url(path)).send().await.unwrap();
        seen.record(path, response).await;
    }

    // A full sign-in through the tenant's pages, every response kept.
    let transaction = aura_commerce::auth::sign_in_request::SignInTransaction {
        verifier: "leak-guard-verifier-0123456789-0123456789-01234".into(),
        state: "leak-guard-state".into(),
        nonce: "leak-guard-nonce".into(),
        return_to: "/products".into(),
    };
    let authorize = transaction.authorize_url(&app.settings.public, &app.origin);
    let html = seen
        .record(
            "authorize",
            app.browser.get(&authorize).send().await.unwrap(),
        )
        .await;
    let form = HtmlForm::parse(&html);
    let mut fields = form.hidden;
    fields.extend([
        ("username".to_owned(), SHOPPER.to_owned()),
        ("password".to_owned(), dev_tenant::DEMO_PASSWORD.to_owned()),
        ("action".to_owned(), "login".to_owned()),
    ]);
    let action = url::Url::parse(&authorize)
        .unwrap()
        .join(&form.action)
        .unwrap();
    let submitted = app.browser.post(action).form(&fields).send().await.unwrap();
    let location = submitted.headers()["location"].to_str().unwrap().to_owned();
    seen.record("sign-in form", submitted).await;
    let code = url::Url::parse(&location)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into_owned();
    let token_body = seen
        .record(
            "code exchange",
            app.browser
                .post(app.settings.public.token_endpoint())
                .header("content-type", "application/x-www-form-urlencoded")
                .body(transaction.token_request_body(&app.settings.public, &app.origin, &code))
                .send()
                .await
                .unwrap(),
        )
        .await;
    let access_token = serde_json::from_str::<serde_json::Value>(&token_body).unwrap()
        ["access_token"]
        .as_str()
        .unwrap()
        .to_owned();

    // Browse: pages, server functions (one of which makes the server use its M2M token), REST.
    for path in ["/products", "/products/1", "/profile"] {
        let response = app
            .browser
            .get(app.url(path))
            .bearer_auth(&access_token)
            .send()
            .await
            .unwrap();
        seen.record(path, response).await;
    }
    for (function, body) in [("get_products", ""), ("recommendations", "product_id=1")] {
        let response = app
            .browser
            .post(app.url(&format!("/fn/{function}")))
            .bearer_auth(&access_token)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            200,
            "{function}: {:?}",
            response.headers()
        );
        seen.record(function, response).await;
    }
    for path in [
        "/api/products",
        "/api/products/1",
        "/api/ai/authenticate",
        "/api/ai/recommendations?product_id=1",
    ] {
        seen.record(path, app.get_api(path, Some(&access_token)).await)
            .await;
    }

    // The server's own M2M token, now cached, is as secret as the secret that bought it.
    let server_token = app
        .state
        .m2m
        .as_ref()
        .unwrap()
        .access_token()
        .await
        .unwrap();
    let needles = [
        ("the M2M client secret", secret.as_str()),
        ("the server's M2M access token", server_token.secret()),
    ];

    for (what, text) in &seen.0 {
        for (name, needle) in needles {
            assert!(
                !text.contains(needle),
                "{name} appears in the response to {what}:\n{text}"
            );
        }
    }
    let logged = String::from_utf8_lossy(&log.0.lock().unwrap()).into_owned();
    assert!(
        logged.len() > 10_000,
        "the trace log was captured ({} bytes)",
        logged.len()
    );
    assert!(
        logged.contains("answered") && logged.contains("caller="),
        "the access log's lines are among those checked"
    );
    for (name, needle) in needles {
        assert!(!logged.contains(needle), "{name} appears in the server log");
    }
}
