//! DNS rebinding defence: the tenant answers only requests whose `Host` names the tenant itself.
//!
//! A web page on `evil.example` can point its DNS name at 127.0.0.1 and then read the tenant's
//! responses as same-origin. The browser still sends `Host: evil.example:PORT`, so refusing
//! every host that is not the tenant's own closes that door.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::errors::OAuthError;

/// The `host:port` names (lower case, port always present) the tenant answers to.
#[derive(Debug, Clone)]
pub(crate) struct AllowedHosts {
    names: Arc<Vec<String>>,
    /// The port a `Host` without one implies (the issuer scheme's default).
    default_port: u16,
    /// Whether a request with no host at all is refused. Every browser sends one, so only the
    /// socket-less router (tower `oneshot` in tests) lets such requests through.
    require_host: bool,
}

impl AllowedHosts {
    /// The host named by the issuer URL. `issuer` has been validated as an http(s) URL.
    pub fn for_issuer(issuer: &str) -> Self {
        let url = url::Url::parse(issuer).ok();
        // The scheme's port, not the issuer's: `Host: 127.0.0.1` means port 80 whatever the
        // issuer's port is.
        let default_port = match url.as_ref().map(url::Url::scheme) {
            Some("https") => 443,
            _ => 80,
        };
        let names = url
            .as_ref()
            .and_then(|u| Some(format!("{}:{}", u.host_str()?, u.port_or_known_default()?)))
            .into_iter()
            .map(|n| n.to_ascii_lowercase())
            .collect();
        Self {
            names: Arc::new(names),
            default_port,
            require_host: false,
        }
    }

    /// The issuer's host plus the bound address, and `localhost` on the bound port when that
    /// address is 127.0.0.1 or ::1; a request with no host is refused.
    pub fn for_socket(issuer: &str, bound: SocketAddr) -> Self {
        let mut hosts = Self::for_issuer(issuer);
        let mut names = (*hosts.names).clone();
        let ip = bound.ip();
        let localhost = (ip == std::net::Ipv4Addr::LOCALHOST
            || ip == std::net::Ipv6Addr::LOCALHOST)
            .then(|| format!("localhost:{}", bound.port()));
        for name in std::iter::once(bound.to_string()).chain(localhost) {
            if !names.contains(&name) {
                names.push(name);
            }
        }
        hosts.names = Arc::new(names);
        hosts.require_host = true;
        hosts
    }

    /// Whether a `Host` value names this tenant. A missing port means the scheme's default.
    fn allows(&self, host: &str) -> bool {
        let host = host.trim().to_ascii_lowercase();
        let has_port = match host.rsplit_once(':') {
            // `[::1]` alone has colons but no port; a port follows the closing bracket.
            Some((before, port)) => {
                !port.is_empty()
                    && port.bytes().all(|b| b.is_ascii_digit())
                    && (!before.starts_with('[') || before.ends_with(']'))
            }
            None => false,
        };
        let name = if has_port {
            host
        } else {
            format!("{host}:{}", self.default_port)
        };
        self.names.contains(&name)
    }
}

/// Refuses requests for another host with 421 before any route runs.
pub(crate) async fn require_own_host(
    State(hosts): State<AllowedHosts>,
    request: Request,
    next: Next,
) -> Response {
    // HTTP/1.1 names the host in `Host`; HTTP/2 in the URI's authority.
    let host = match request.headers().get(header::HOST) {
        Some(value) => Some(value.to_str().unwrap_or("<not text>").to_owned()),
        None => request.uri().authority().map(|a| a.to_string()),
    };
    match host {
        Some(host) if hosts.allows(&host) => next.run(request).await,
        None if !hosts.require_host => next.run(request).await,
        Some(host) => {
            tracing::warn!(%host, "request for another host refused");
            OAuthError::misdirected(&host).into_response()
        }
        None => OAuthError::invalid_request("A Host header is required.").into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::AllowedHosts;

    /// Ports are compared exactly, a missing one is the scheme's default, names ignore case.
    #[test]
    fn hosts_are_compared_with_their_ports() {
        let hosts =
            AllowedHosts::for_socket("http://tenant.localhost/", "[::1]:4000".parse().unwrap());
        for allowed in [
            "[::1]:4000",
            "localhost:4000",
            "Tenant.Localhost",
            "tenant.localhost:80",
        ] {
            assert!(hosts.allows(allowed), "{allowed}");
        }
        for refused in [
            "[::1]",
            "[::1]:4001",
            "localhost",
            "evil.example:4000",
            "::1:4000",
            "",
        ] {
            assert!(!hosts.allows(refused), "{refused}");
        }
    }

    /// An https issuer implies port 443 for a `Host` without one.
    #[test]
    fn an_https_issuer_implies_port_443() {
        let hosts = AllowedHosts::for_issuer("https://auth.localhost/");
        assert!(hosts.allows("auth.localhost"));
        assert!(hosts.allows("auth.localhost:443"));
        assert!(!hosts.allows("auth.localhost:80"));
    }
}
