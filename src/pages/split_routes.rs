//! The routes whose code the browser downloads on first use.
//!
//! Built with `cargo leptos … --split` (`cfg(wasm_split)`, set by `build.rs`), each
//! `#[lazy_route]` view below becomes its own WASM chunk, fetched when the router first needs
//! it (and preloaded by the server when a visit starts on that route, if the site it serves
//! was split). The first visit to `/` or `/login` then downloads only the shell, the session
//! code and those two pages. Built without `--split`, the same routes are plain views in the
//! one bundle. On the server and in tests the views are plain function calls.

use leptos::prelude::*;
#[cfg(any(wasm_split, feature = "ssr"))]
use leptos_router::lazy_route;
use leptos_router::LazyRoute;

use crate::pages::{
    admin_products::AdminProductsPage, callback::CallbackPage, product_detail::ProductDetailPage,
    products::ProductsPage, profile::ProfilePage,
};

/// Declares a route whose view is split off into its own chunk. The route needs no data of
/// its own before the chunk arrives: each page loads what it shows once it runs.
macro_rules! split_route {
    ($(#[$doc:meta])* $route:ident => $page:ident) => {
        $(#[$doc])*
        pub struct $route;

        // The server keeps the macro in every build: it preloads a split site's chunks, and
        // finds nothing to preload in an unsplit one.
        #[cfg(any(wasm_split, feature = "ssr"))]
        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            fn view(_this: Self) -> AnyView {
                view! { <$page /> }.into_any()
            }
        }

        #[cfg(not(any(wasm_split, feature = "ssr")))]
        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            async fn view(_this: Self) -> AnyView {
                view! { <$page /> }.into_any()
            }
        }
    };
}

split_route!(
    /// `/callback`: finishing sign-in (the token exchange and ID-token checks).
    CallbackRoute => CallbackPage
);
split_route!(
    /// `/products`: the catalogue list.
    ProductsRoute => ProductsPage
);
split_route!(
    /// `/products/:id`: one product and its recommendations.
    ProductDetailRoute => ProductDetailPage
);
split_route!(
    /// `/admin/products`: the staff editor.
    AdminProductsRoute => AdminProductsPage
);
split_route!(
    /// `/profile`: the shopper's claims and token lifetime.
    ProfileRoute => ProfilePage
);
