use leptos::prelude::*;

/// `/`: what the store is, and the way in.
#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <section class="hero">
            <h1>"Things made to last, for homes that live a little."</h1>
            <p>"Aura Commerce is a small storefront of kitchen, home and travel goods. Sign in to browse the catalogue."</p>
            <a class="button" href="/login">"Sign in"</a>
        </section>
    }
}
