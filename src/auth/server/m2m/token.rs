//! [`M2mToken`]: an M2M access token as the server holds it.

use std::fmt;
use std::sync::Arc;

/// An M2M access token. `Debug` does not show it.
#[derive(Clone, PartialEq, Eq)]
pub struct M2mToken {
    value: Arc<str>,
    scopes: Vec<String>,
}

impl M2mToken {
    pub fn new(value: &str, scopes: Vec<String>) -> Self {
        Self {
            value: Arc::from(value),
            scopes,
        }
    }

    /// The raw access token, for `Authorization: Bearer …`.
    pub fn secret(&self) -> &str {
        &self.value
    }

    /// `Bearer <token>`.
    pub fn authorization_header(&self) -> String {
        format!("Bearer {}", self.value)
    }

    /// The scopes the tenant reported (Auth0 sends the granted ones).
    pub fn scopes(&self) -> &[String] {
        &self.scopes
    }
}

impl fmt::Debug for M2mToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("M2mToken")
            .field("value", &"<redacted>")
            .field("scopes", &self.scopes)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_never_prints() {
        let token = M2mToken::new("eyJ.secret.token", vec!["read:products".into()]);
        assert!(!format!("{token:?}").contains("eyJ.secret.token"));
    }
}
