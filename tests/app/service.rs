//! The server as a service: it stops cleanly on SIGTERM, logs one access line per request, and
//! says it is not ready while its store does not answer.

use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

use crate::support::{m2m_token_from, spawn_app, TestOptions};

/// A loopback port free right now.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The real binary, on free ports with its own local tenant, its log on a pipe.
struct RunningServer {
    process: tokio::process::Child,
    log: tokio::io::Lines<BufReader<tokio::process::ChildStdout>>,
    app_port: u16,
    tenant_port: u16,
    _workdir: tempfile::TempDir,
}

impl RunningServer {
    async fn start(extra_env: &[(&str, &str)]) -> Self {
        let workdir = tempfile::tempdir().unwrap();
        let (app_port, tenant_port) = (free_port(), free_port());
        let mut process = tokio::process::Command::new(env!("CARGO_BIN_EXE_aura-commerce"))
            .current_dir(workdir.path())
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("LEPTOS_OUTPUT_NAME", "aura-commerce")
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{app_port}"))
            .env("LEPTOS_RELOAD_PORT", free_port().to_string())
            .env("DEV_TENANT_ADDR", format!("127.0.0.1:{tenant_port}"))
            .env("RUST_LOG", "info")
            .envs(extra_env.iter().copied())
            // The log goes to stdout.
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        let log = BufReader::new(process.stdout.take().unwrap()).lines();
        let mut server = Self {
            process,
            log,
            app_port,
            tenant_port,
            _workdir: workdir,
        };
        server.wait_for("loaded the tenant's signing keys").await;
        server
    }

    /// Reads the log up to the first line holding `needle` (a condition, not a delay), and
    /// returns the lines read.
    async fn wait_for(&mut self, needle: &str) -> Vec<String> {
        let mut read = Vec::new();
        while let Some(line) = self.log.next_line().await.unwrap() {
            let found = line.contains(needle);
            read.push(line);
            if found {
                return read;
            }
        }
        panic!("the server exited before logging '{needle}': {read:#?}");
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.app_port)
    }

    /// An M2M token from the server's local tenant, as the user's guide gets one.
    async fn m2m_token(&self) -> String {
        m2m_token_from(&format!(
            "http://127.0.0.1:{}/oauth/token",
            self.tenant_port
        ))
        .await
    }
}

/// SIGTERM during a request: the request still gets its whole answer, no new connection is
/// accepted, and the process exits 0.
#[tokio::test]
async fn sigterm_lets_the_request_in_flight_finish_then_exits_zero() {
    let mut server = RunningServer::start(&[]).await;
    let token = server.m2m_token().await;

    // A server-function call that asks to go on before it sends its body (`Expect:
    // 100-continue`): the server's `100 Continue` says a handler is reading the request, so
    // SIGTERM comes while the request is in flight — never before the server has taken it.
    let body = "query[page]=2";
    let mut stream = TcpStream::connect(("127.0.0.1", server.app_port))
        .await
        .unwrap();
    let head = format!(
        "POST /fn/get_products HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n",
        server.app_port,
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.flush().await.unwrap();
    let go_on = b"HTTP/1.1 100 Continue\r\n\r\n";
    let mut interim = vec![0; go_on.len()];
    stream.read_exact(&mut interim).await.unwrap();
    assert_eq!(interim, go_on, "{}", String::from_utf8_lossy(&interim));

    let pid = server.process.id().unwrap().to_string();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(killed.success());
    server
        .wait_for("SIGTERM: finishing the requests in flight")
        .await;
    // The listener closes right after the signal is handled: wait for that condition.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while TcpStream::connect(("127.0.0.1", server.app_port))
        .await
        .is_ok()
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "still accepting connections 10 s after SIGTERM"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    stream.write_all(body.as_bytes()).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("\"page\":2"), "{answer}");

    let status = tokio::time::timeout(Duration::from_secs(15), server.process.wait())
        .await
        .expect("the server exits")
        .unwrap();
    assert_eq!(status.code(), Some(0));
}

/// With `LOG_FORMAT=json`, one JSON line per request: method, path without the query, status,
/// latency; the caller when authenticated, the reason when refused; never a token.
#[tokio::test]
async fn each_request_gets_one_json_access_line_with_its_caller_or_refusal() {
    let mut server = RunningServer::start(&[("LOG_FORMAT", "json")]).await;
    let token = server.m2m_token().await;
    let http = reqwest::Client::new();

    let requests = [
        http.get(server.url("/api/products?q=secret-search-words"))
            .bearer_auth(&token),
        http.get(server.url("/api/products")),
        http.get(server.url("/api/products/1"))
            .bearer_auth(format!("{token}x")),
        http.patch(server.url("/api/products/1"))
            .bearer_auth(&token)
            .json(&serde_json::json!({"stock": 1})),
    ];
    let mut statuses = Vec::new();
    let mut lines = Vec::new();
    for request in requests {
        statuses.push(request.send().await.unwrap().status().as_u16());
        let read = server.wait_for("\"answered\"").await;
        lines.push(read.last().unwrap().clone());
        // Nothing logged on the way may hold the token or the query.
        for line in &read {
            assert!(
                !line.contains(&token) && !line.contains("secret-search-words"),
                "{line}"
            );
        }
    }
    assert_eq!(statuses, [200, 401, 401, 403]);

    let entries: Vec<serde_json::Value> = lines
        .iter()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let span = |i: usize, field: &str| entries[i]["span"][field].clone();
    let field = |i: usize, name: &str| entries[i]["fields"][name].clone();
    for (i, entry) in entries.iter().enumerate() {
        assert_eq!(entry["fields"]["message"], "answered", "{entry}");
        assert_eq!(field(i, "status"), statuses[i], "{entry}");
        assert!(field(i, "latency_ms").is_number(), "{entry}");
    }
    assert_eq!(span(0, "method"), "GET");
    assert_eq!(span(0, "path"), "/api/products");
    assert_eq!(span(0, "caller"), dev_tenant::DEFAULT_M2M_CLIENT_ID);
    assert_eq!(span(1, "refused"), "No bearer token was sent.");
    assert_eq!(span(2, "path"), "/api/products/1");
    assert_eq!(span(2, "refused"), "the token is not a well-formed JWT");
    assert_eq!(span(3, "method"), "PATCH");
    assert_eq!(
        span(3, "refused"),
        "The token lacks the 'write:products' permission."
    );
}

/// `/readyz` is 503 once the store stops answering (the keys are loaded all along).
#[tokio::test]
async fn readyz_is_503_while_the_store_does_not_answer() {
    let app = spawn_app(TestOptions::default()).await;
    assert_eq!(
        app.browser
            .get(app.url("/readyz"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    app.catalog.close().await;
    let response = app.browser.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(response.status(), 503);
    assert_eq!(
        response.text().await.unwrap(),
        "the catalogue store does not answer"
    );
}

/// The binary with `extra_env`, expected to refuse to start: its exit status and what it said.
async fn refused_start(extra_env: &[(&str, &str)]) -> (std::process::ExitStatus, String) {
    let workdir = tempfile::tempdir().unwrap();
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_aura-commerce"))
        .current_dir(workdir.path())
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("LEPTOS_OUTPUT_NAME", "aura-commerce")
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{}", free_port()))
        .env("DEV_TENANT_ADDR", format!("127.0.0.1:{}", free_port()))
        .envs(extra_env.iter().copied())
        .kill_on_drop(true)
        .output();
    let output = tokio::time::timeout(Duration::from_secs(30), output)
        .await
        .expect("the server gives up within 30 s")
        .unwrap();
    (
        output.status,
        String::from_utf8_lossy(&output.stderr).trim().to_owned(),
    )
}

/// A database URL of an unknown kind, a malformed one, or a PostgreSQL server that does not
/// answer: the server exits non-zero at start with one sentence naming DATABASE_URL and the
/// fix, never the password.
#[tokio::test]
async fn a_bad_or_unreachable_database_url_stops_the_start_with_one_sentence() {
    let closed = format!("postgres://shop:s3cret@127.0.0.1:{}/catalog", free_port());
    let cases = [
        (
            "mysql://shop:s3cret@db/catalog".to_owned(),
            "aura-commerce cannot start: DATABASE_URL starts with 'mysql:': use sqlite://",
        ),
        (
            "postgres://shop:s3cret@db:port/catalog".to_owned(),
            "aura-commerce cannot start: DATABASE_URL is not a valid postgres URL",
        ),
        (
            closed,
            "aura-commerce cannot open the catalogue database: cannot reach the PostgreSQL database at 127.0.0.1:",
        ),
    ];
    for (url, expected) in cases {
        let (status, said) = refused_start(&[("DATABASE_URL", &url)]).await;
        assert!(!status.success(), "{url}: {said}");
        let last = said.lines().last().unwrap_or_default();
        assert!(last.starts_with(expected), "{url}: {said}");
        assert!(!said.contains("s3cret"), "{url}: {said}");
    }
}
