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

#[cfg(test)]
mod tests {
    use super::*;

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
