//! The tenant's identifiers as typed values: the issuer, the API's audience, and the two
//! applications' client IDs. Each has a `parse` constructor on the server, so once a value is
//! held it is valid; the browser receives them already checked, from the server's page.
//!
//! They are shared types (the browser's [`PublicAuthConfig`](super::PublicAuthConfig) holds
//! three of them) and serialise as plain strings.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The tenant's issuer URL in Auth0's form: `https://tenant.auth0.com/`, always with the
/// trailing `/` that Auth0 puts in every token's `iss`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Issuer(String);

/// Why a value is not an issuer.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IssuerError {
    #[error("is not a domain or URL: use your tenant's domain, e.g. your-tenant.auth0.com")]
    NotAUrl,
    #[error("has a path: use only the tenant's domain, e.g. your-tenant.auth0.com")]
    HasPath,
    #[error("uses plain http:// for {host}: tokens must come from an https:// issuer (http is only accepted on loopback)")]
    PlainHttp { host: String },
}

impl Issuer {
    /// Turns `tenant.auth0.com`, `https://tenant.auth0.com` or `https://tenant.auth0.com/` into
    /// `https://tenant.auth0.com/`. Plain `http://` is accepted on loopback only.
    #[cfg(feature = "ssr")]
    pub fn parse(value: &str) -> Result<Self, IssuerError> {
        let with_scheme = if value.starts_with("http://") || value.starts_with("https://") {
            value.to_owned()
        } else {
            format!("https://{value}")
        };
        let url = url::Url::parse(&with_scheme).map_err(|_| IssuerError::NotAUrl)?;
        if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
            return Err(IssuerError::HasPath);
        }
        let host = url.host_str().unwrap_or_default();
        if url.scheme() == "http" && !is_loopback_host(host) {
            return Err(IssuerError::PlainHttp {
                host: host.to_owned(),
            });
        }
        Ok(Self(url.to_string()))
    }

    /// The issuer of the local tenant listening on `addr`.
    #[cfg(feature = "ssr")]
    pub fn for_loopback(addr: std::net::SocketAddr) -> Self {
        Self(format!("http://{addr}/"))
    }

    /// A value the server has already checked (the page's configuration, in the browser).
    pub fn from_checked(value: String) -> Self {
        Self(value)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `{issuer}{path}`: one of the tenant's endpoints, e.g. `oauth/token`.
    pub fn endpoint(&self, path: &str) -> String {
        format!("{}{path}", self.0)
    }

    /// `scheme://host[:port]`, as browsers name origins (for CSP `connect-src`).
    pub fn origin(&self) -> &str {
        self.0.trim_end_matches('/')
    }
}

/// `localhost` or a loopback IP address: where plain http cannot be overheard.
pub fn is_loopback_host(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    host == "localhost"
        || bare
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The API identifier access tokens are requested for and must name in `aud`
/// (`AUTH0_AUDIENCE`). Auth0 recommends a URL but takes any string without whitespace.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Audience(String);

/// A client ID of the Single Page Application (public; sent to browsers).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SpaClientId(String);

/// A client ID of the Machine to Machine application (server only).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct M2mClientId(String);

/// Why a value is not an identifier.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IdentifierError {
    #[error("is empty")]
    Empty,
    #[error("contains whitespace")]
    Whitespace,
}

/// An identifier: not empty, no whitespace (which is never part of one: it is a mis-paste,
/// and tokens would never match it).
fn check_identifier(value: &str) -> Result<String, IdentifierError> {
    if value.is_empty() {
        return Err(IdentifierError::Empty);
    }
    if value.chars().any(char::is_whitespace) {
        return Err(IdentifierError::Whitespace);
    }
    Ok(value.to_owned())
}

macro_rules! identifier {
    ($name:ident) => {
        impl $name {
            pub fn parse(value: &str) -> Result<Self, IdentifierError> {
                check_identifier(value).map(Self)
            }

            /// A value the server has already checked (the page's configuration, in the
            /// browser).
            pub fn from_checked(value: String) -> Self {
                Self(value)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
    };
}

identifier!(Audience);
identifier!(SpaClientId);
identifier!(M2mClientId);

macro_rules! display_as_str {
    ($($name:ident),*) => {$(
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    )*};
}

display_as_str!(Issuer, Audience, SpaClientId, M2mClientId);

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn an_issuer_gets_https_and_its_trailing_slash() {
        for value in [
            "tenant.eu.auth0.com",
            "https://tenant.eu.auth0.com",
            "https://tenant.eu.auth0.com/",
        ] {
            assert_eq!(
                Issuer::parse(value).unwrap().as_str(),
                "https://tenant.eu.auth0.com/"
            );
        }
    }

    #[test]
    fn an_issuer_with_a_path_or_plain_http_off_loopback_is_refused() {
        assert_eq!(
            Issuer::parse("tenant.auth0.com/oauth"),
            Err(IssuerError::HasPath)
        );
        assert_eq!(
            Issuer::parse("http://tenant.example.com"),
            Err(IssuerError::PlainHttp {
                host: "tenant.example.com".into()
            })
        );
        assert_eq!(Issuer::parse("https://"), Err(IssuerError::NotAUrl));
        for loopback in [
            "http://127.0.0.1:4000",
            "http://localhost:4000",
            "http://[::1]:4000",
        ] {
            assert!(Issuer::parse(loopback).is_ok(), "{loopback}");
        }
    }

    #[test]
    fn identifiers_refuse_whitespace_and_emptiness() {
        assert_eq!(Audience::parse("aura-api").unwrap().as_str(), "aura-api");
        assert_eq!(
            Audience::parse("aura api"),
            Err(IdentifierError::Whitespace)
        );
        assert_eq!(SpaClientId::parse(""), Err(IdentifierError::Empty));
    }

    #[test]
    fn endpoints_hang_off_the_issuer() {
        let issuer = Issuer::parse("t.auth0.com").unwrap();
        assert_eq!(
            issuer.endpoint("oauth/token"),
            "https://t.auth0.com/oauth/token"
        );
        assert_eq!(issuer.origin(), "https://t.auth0.com");
    }
}
