//! The `aud` claim, which is a string or an array of strings (RFC 7519 §4.1.3).

use serde::{Deserialize, Serialize};

/// A token's `aud`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum AudienceClaim {
    One(String),
    Many(Vec<String>),
}

impl AudienceClaim {
    pub fn contains(&self, wanted: &str) -> bool {
        self.as_slice().iter().any(|aud| aud == wanted)
    }

    /// The audiences, as a slice.
    pub fn as_slice(&self) -> &[String] {
        match self {
            AudienceClaim::One(aud) => std::slice::from_ref(aud),
            AudienceClaim::Many(auds) => auds,
        }
    }
}
