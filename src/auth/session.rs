//! The signed-in shopper as the UI sees it, shared through context.

use leptos::prelude::*;

/// A signed-in shopper, from the ID token (profile) and the access token (permissions, expiry).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedIn {
    pub sub: String,
    pub name: String,
    pub email: Option<String>,
    pub picture: Option<String>,
    pub permissions: Vec<String>,
    /// Whether the access token carried a `permissions` claim at all; without one (the API's
    /// RBAC off in Auth0) it grants nothing, and the UI says how to turn RBAC on.
    pub permissions_issued: bool,
    /// The access token's audiences and `scope`, shown on the profile page.
    pub audiences: Vec<String>,
    pub scope: Option<String>,
    /// Seconds since the epoch.
    pub expires_at: u64,
}

impl SignedIn {
    pub fn has_permission(&self, permission: &str) -> bool {
        self.permissions.iter().any(|p| p == permission)
    }
}

/// Where the session stands. `Unknown` until the browser has read its storage: the server
/// cannot know, so it renders the same as the first render in the browser (no hydration
/// mismatch), and guards wait instead of redirecting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SessionState {
    Unknown,
    SignedOut,
    SignedIn(SignedIn),
}

/// The session signal, provided once by the app.
#[derive(Clone, Copy)]
pub struct Session(pub RwSignal<SessionState>);

impl Session {
    /// A session not read yet ([`SessionState::Unknown`]).
    pub fn unknown() -> Self {
        Self(RwSignal::new(SessionState::Unknown))
    }
}

pub fn use_session() -> Session {
    expect_context::<Session>()
}

/// Why a session ended without the shopper asking; shown on `/login` as `?reason=`.
pub mod end_reason {
    /// A page that needs a session was opened signed out.
    pub const SIGN_IN_REQUIRED: &str = "signin";
    /// The tokens could not be renewed (expired, revoked, or the tenant unreachable).
    pub const EXPIRED: &str = "expired";

    /// The sentence for a reason, if it is one we know.
    pub fn message(reason: &str) -> Option<&'static str> {
        match reason {
            SIGN_IN_REQUIRED => Some("Sign in to see this page."),
            EXPIRED => Some("Your session has ended. Please sign in again."),
            _ => None,
        }
    }
}
