//! How a failed protected call is shown: the error in words, and "Sign in" when that is the
//! way out.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::auth::return_to::login_href;
use crate::auth::session::end_reason;
use crate::auth::ApiError;
use crate::components::require_session::current_page;

/// A failed call, explained, with the way out.
#[component]
pub fn ApiErrorNotice(error: ApiError) -> impl IntoView {
    let location = use_location();
    let sign_in = error.needs_sign_in().then(|| {
        // Back to this page (with its query) after signing in again.
        let href = login_href(&current_page(&location), end_reason::EXPIRED);
        view! { <a class="button" href=href>"Sign in"</a> }
    });
    view! {
        <div class="notice" role="alert">
            <p>{error.to_string()}</p>
            {sign_in}
        </div>
    }
}
