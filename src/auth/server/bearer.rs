//! Finding the access token in a request: `Authorization: Bearer` (RFC 6750 §2.1) or, for a
//! DPoP-bound token, `Authorization: DPoP` (RFC 9449 §7.1).

use axum::http::{header::AUTHORIZATION, HeaderMap};

/// The request carries more than one `Authorization` header: refused, never decided by the
/// first (a proxy or a client that adds its own would otherwise choose who the caller is).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SeveralAuthorizationHeaders;

/// The scheme a token was sent with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme {
    Bearer,
    Dpop,
}

/// The token of an `Authorization: Bearer <token>` header. The scheme is case-insensitive; any
/// other scheme, or no header, is "no bearer token"; two headers or more are an error.
pub fn bearer_token(headers: &HeaderMap) -> Result<Option<&str>, SeveralAuthorizationHeaders> {
    Ok(presented_token(headers)?
        .filter(|(scheme, _)| *scheme == Scheme::Bearer)
        .map(|(_, token)| token))
}

/// The scheme and token of an `Authorization: Bearer|DPoP <token>` header (schemes are
/// case-insensitive); any other scheme, or no header, is no token; two headers are an error.
pub fn presented_token(
    headers: &HeaderMap,
) -> Result<Option<(Scheme, &str)>, SeveralAuthorizationHeaders> {
    let mut values = headers.get_all(AUTHORIZATION).iter();
    let Some(value) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(SeveralAuthorizationHeaders);
    }
    let Some((scheme, token)) = value.to_str().ok().and_then(|v| v.split_once(' ')) else {
        return Ok(None);
    };
    let token = token.trim();
    let scheme = if scheme.eq_ignore_ascii_case("bearer") {
        Scheme::Bearer
    } else if scheme.eq_ignore_ascii_case("dpop") {
        Scheme::Dpop
    } else {
        return Ok(None);
    };
    Ok((!token.is_empty()).then_some((scheme, token)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, value.parse().unwrap());
        headers
    }

    #[test]
    fn finds_the_token_whatever_the_scheme_case() {
        assert_eq!(bearer_token(&headers("Bearer abc")), Ok(Some("abc")));
        assert_eq!(bearer_token(&headers("bearer abc")), Ok(Some("abc")));
    }

    #[test]
    fn other_schemes_and_empty_tokens_are_no_token() {
        assert_eq!(bearer_token(&headers("Basic abc")), Ok(None));
        assert_eq!(bearer_token(&headers("Bearer ")), Ok(None));
        assert_eq!(bearer_token(&headers("Bearer")), Ok(None));
        assert_eq!(bearer_token(&HeaderMap::new()), Ok(None));
    }

    #[test]
    fn the_dpop_scheme_is_told_apart_and_is_no_bearer_token() {
        assert_eq!(
            presented_token(&headers("DPoP abc")),
            Ok(Some((Scheme::Dpop, "abc")))
        );
        assert_eq!(bearer_token(&headers("dpop abc")), Ok(None));
    }

    #[test]
    fn two_authorization_headers_are_refused_whatever_the_first() {
        let mut two = headers("Bearer good");
        two.append(AUTHORIZATION, "Bearer junk".parse().unwrap());
        assert_eq!(bearer_token(&two), Err(SeveralAuthorizationHeaders));
    }
}
