//! Reading query parameters as Auth0 does: an empty value counts as absent.

use std::collections::HashMap;

/// The value of `name`, unless it is missing or empty.
pub(crate) fn query_param<'a>(params: &'a HashMap<String, String>, name: &str) -> Option<&'a str> {
    params
        .get(name)
        .map(String::as_str)
        .filter(|value| !value.is_empty())
}
