//! Guards for pages that need a session, and optionally a permission.

use leptos::prelude::*;

use crate::auth::permissions::RBAC_ADVICE;
use crate::auth::session::{use_session, SessionState};

/// What a guarded page may show now.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Access {
    /// The browser has not read its storage yet (always so on the server).
    Pending,
    SignedOut,
    Forbidden,
    Allowed,
}

/// Renders `children` only for a signed-in shopper who holds `permission` (if given). Signed-out
/// visitors are sent to `/login?returnTo=<this page>`; the children are built once per
/// transition, not on every token refresh.
///
/// Until the browser has read its session (always, on the server) it shows `pending` — a
/// skeleton of the page's content, so nothing moves when the content arrives — or else a short
/// "Checking your session…".
#[component]
pub fn RequireSession(
    #[prop(optional)] permission: Option<&'static str>,
    #[prop(optional, into)] pending: Option<ViewFn>,
    children: ChildrenFn,
) -> impl IntoView {
    let session = use_session();
    let access = Memo::new(move |_| match session.0.get() {
        SessionState::Unknown => Access::Pending,
        SessionState::SignedOut => Access::SignedOut,
        SessionState::SignedIn(user) => match permission {
            Some(permission) if !user.has_permission(permission) => Access::Forbidden,
            _ => Access::Allowed,
        },
    });

    #[cfg(feature = "hydrate")]
    {
        use crate::auth::return_to::login_href;
        use crate::auth::session::end_reason;
        use leptos_router::hooks::{use_location, use_navigate};
        use leptos_router::NavigateOptions;

        let navigate = use_navigate();
        let location = use_location();
        Effect::new(move |_| {
            if access.get() == Access::SignedOut {
                navigate(
                    &login_href(&current_page(&location), end_reason::SIGN_IN_REQUIRED),
                    NavigateOptions {
                        replace: true,
                        ..Default::default()
                    },
                );
            }
        });
    }

    move || match access.get() {
        Access::Allowed => children().into_any(),
        Access::Forbidden => {
            let needed = permission.unwrap_or_default();
            let why = match session.0.get_untracked() {
                SessionState::SignedIn(user) if !user.permissions_issued => format!(
                    "Your sign-in carries no permissions, so it cannot open this page ('{needed}' needed): {RBAC_ADVICE}."
                ),
                _ => format!("Your account does not have the '{needed}' permission this page needs."),
            };
            view! {
                <div class="notice" role="alert">
                    <h1>"No access"</h1>
                    <p>{why}</p>
                    <a href="/products">"Back to the products"</a>
                </div>
            }
            .into_any()
        }
        Access::Pending | Access::SignedOut => match &pending {
            Some(pending) => pending.run(),
            None => {
                view! { <p class="status" role="status">"Checking your session…"</p> }.into_any()
            }
        },
    }
}

/// The router's current path with its query, e.g. `/products?q=tea`: where to come back to.
pub fn current_page(location: &leptos_router::location::Location) -> String {
    let pathname = location.pathname.get_untracked();
    match location.search.get_untracked().trim_start_matches('?') {
        "" => pathname,
        query => format!("{pathname}?{query}"),
    }
}
