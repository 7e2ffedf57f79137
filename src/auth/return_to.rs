//! Where to send a shopper after sign-in: only paths on this site.

/// Where a shopper lands after sign-in when no (acceptable) `returnTo` was given.
pub const DEFAULT_RETURN_TO: &str = "/products";

/// Accepts `returnTo` only if it is a same-origin relative path.
///
/// Anything that a browser could resolve to another origin is dropped: absolute URLs
/// (`https://…`), scheme-relative ones (`//evil.example`), backslash tricks (`/\evil`, which
/// browsers normalise to `//evil`), and control characters (tabs and newlines are stripped by
/// URL parsers, turning `/\t/evil` into `//evil`).
pub fn sanitize_return_to(candidate: &str) -> Option<String> {
    let acceptable = candidate.starts_with('/')
        && !candidate.starts_with("//")
        && !candidate.contains('\\')
        && !candidate.chars().any(char::is_control)
        && !candidate.starts_with("/%2f")
        && !candidate.starts_with("/%2F")
        && !candidate.starts_with("/%5c")
        && !candidate.starts_with("/%5C");
    acceptable.then(|| candidate.to_owned())
}

/// [`sanitize_return_to`] with the default for anything missing or refused.
pub fn return_to_or_default(candidate: Option<&str>) -> String {
    candidate
        .and_then(sanitize_return_to)
        .unwrap_or_else(|| DEFAULT_RETURN_TO.to_owned())
}

/// `/login?returnTo=<here>&reason=<reason>`: where a page sends a shopper who has to sign in
/// (again), to be brought back to `here` (a path with its query) afterwards.
pub fn login_href(here: &str, reason: &str) -> String {
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("returnTo", here)
        .append_pair("reason", reason)
        .finish();
    format!("/login?{query}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_login_link_carries_the_page_and_the_reason() {
        assert_eq!(
            login_href("/products", "expired"),
            "/login?returnTo=%2Fproducts&reason=expired"
        );
        assert_eq!(
            login_href("/products?q=tea&page=2", "signin"),
            "/login?returnTo=%2Fproducts%3Fq%3Dtea%26page%3D2&reason=signin"
        );
    }

    #[test]
    fn relative_paths_with_query_are_kept() {
        assert_eq!(
            sanitize_return_to("/products?q=tea&page=2").as_deref(),
            Some("/products?q=tea&page=2")
        );
        assert_eq!(sanitize_return_to("/").as_deref(), Some("/"));
    }

    #[test]
    fn anything_that_can_leave_the_site_is_dropped() {
        for attack in [
            "//evil.example",
            "https://evil.example/",
            "http:/evil.example",
            "javascript:alert(1)",
            "/\\evil.example",
            "\\\\evil.example",
            "/\t/evil.example",
            "/%2F%2Fevil.example",
            "/%5cevil.example",
            "evil.example",
            "",
        ] {
            assert_eq!(sanitize_return_to(attack), None, "{attack:?} was accepted");
        }
    }

    #[test]
    fn refused_or_missing_values_fall_back_to_the_catalogue() {
        assert_eq!(return_to_or_default(None), DEFAULT_RETURN_TO);
        assert_eq!(return_to_or_default(Some("//evil")), DEFAULT_RETURN_TO);
        assert_eq!(return_to_or_default(Some("/profile")), "/profile");
    }
}
