//! DNS rebinding: the tenant answers only requests addressed to its own host.

use reqwest::header::HOST;

use crate::support::{read, TestTenant};

fn port(tenant: &TestTenant) -> u16 {
    url::Url::parse(&tenant.issuer).unwrap().port().unwrap()
}

/// A request whose `Host` names another site (a rebound DNS name) is refused with an Auth0-shaped
/// error before any route runs.
#[tokio::test]
async fn a_foreign_host_is_misdirected() {
    let tenant = TestTenant::start().await;
    for path in [
        ".well-known/openid-configuration",
        "authorize",
        "oauth/token",
    ] {
        let reply = read(
            tenant
                .http
                .get(tenant.url(path))
                .header(HOST, format!("evil.example:{}", port(&tenant)))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(reply.status, 421, "{path}: {}", reply.body);
        assert_eq!(reply.json()["error"], "invalid_request", "{path}");
        assert_eq!(
            reply.json()["error_description"],
            format!(
                "This tenant does not serve the host 'evil.example:{}'.",
                port(&tenant)
            )
        );
    }
}

/// The issuer's host works, as does `localhost` on the bound port; the bound IP on another port
/// (what a page on another local server would send) does not.
#[tokio::test]
async fn the_tenant_s_own_hosts_are_served() {
    let tenant = TestTenant::start().await;
    let port = port(&tenant);
    for (host, expected) in [
        (format!("127.0.0.1:{port}"), 200),
        (format!("LOCALHOST:{port}"), 200),
        (format!("localhost:{}", port.wrapping_add(1)), 421),
        ("127.0.0.1".to_owned(), 421),
    ] {
        let reply = read(
            tenant
                .http
                .get(tenant.url(".well-known/openid-configuration"))
                .header(HOST, &host)
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(reply.status, expected, "{host}: {}", reply.body);
    }
    assert_eq!(
        tenant
            .fetch(".well-known/openid-configuration")
            .await
            .status,
        200
    );
}

/// An issuer naming another loopback host (here `localhost`) is served under that name too.
#[tokio::test]
async fn the_configured_issuer_host_is_served() {
    let tenant = TestTenant::start_with(|config| {
        config.issuer = config.issuer.replace("127.0.0.1", "tenant.localhost");
    })
    .await;
    let reply = read(
        tenant
            .http
            .get(tenant.url(".well-known/openid-configuration"))
            .header(HOST, format!("tenant.localhost:{}", port(&tenant)))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(
        reply.json()["issuer"],
        format!("http://tenant.localhost:{}/", port(&tenant))
    );
}

/// A request with no `Host` at all (HTTP/1.0) is refused over the socket.
#[tokio::test]
async fn a_request_without_a_host_is_refused() {
    let tenant = TestTenant::start().await;
    let port = port(&tenant);
    let response = tokio::task::spawn_blocking(move || {
        use std::io::{Read as _, Write as _};
        let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream
            .set_read_timeout(Some(std::time::Duration::from_secs(5)))
            .unwrap();
        stream
            .write_all(b"GET /.well-known/jwks.json HTTP/1.0\r\n\r\n")
            .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        response
    })
    .await
    .unwrap();
    assert!(response.starts_with("HTTP/1.0 400"), "{response}");
    assert!(
        response.ends_with(
            r#"{"error":"invalid_request","error_description":"A Host header is required."}"#
        ),
        "{response}"
    );
}
