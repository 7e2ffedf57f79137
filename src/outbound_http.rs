//! The one way this server makes HTTP clients for its outbound calls (the tenant's discovery
//! and keys, its token endpoint, the AI service, `doctor`'s probes): every call has a timeout
//! (DESIGN §5), and no redirect is followed — the tenant and the services are configured by
//! address, and a redirect could carry a secret or a token somewhere else.

use std::time::Duration;

/// A client whose requests give up after `timeout` (connecting included) and follow no
/// redirect.
pub fn outbound_client(timeout: Duration) -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("an HTTP client with only timeouts and no redirects always builds")
}
