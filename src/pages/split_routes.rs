//! The routes whose code the browser downloads on first use.
//!
//! Built with `cargo leptos … --split` (`cfg(wasm_split)`, set by `build.rs`), each view below
//! goes into a WASM chunk (`wasm_chunks`), fetched when the router first needs it (and
//! preloaded by the server when a visit starts on that route, if the site it serves was split).
//! The first visit to `/` or `/login` then downloads only the shell, the session code and those
//! two pages. Built without `--split`, the same routes are plain views in the one bundle. On
//! the server and in tests the views are plain function calls.

use leptos::prelude::*;
use leptos_router::LazyRoute;

use crate::pages::{
    admin_products::AdminProductsPage, callback::CallbackPage, product_detail::ProductDetailPage,
    products::ProductsPage, profile::ProfilePage,
};
use crate::wasm_chunks::in_chunk;

/// Declares a route whose view goes into chunk `$chunk`. The route needs no data of its own
/// before the chunk arrives: each page loads what it shows once it runs. `$view` names the
/// view's function, `$preload` the function `#[lazy]` makes beside it to load its chunk.
macro_rules! split_route {
    ($(#[$doc:meta])* $route:ident => $page:ident in $chunk:ident, $view:ident, $preload:ident) => {
        $(#[$doc])*
        pub struct $route;

        in_chunk!($chunk, async fn $view(_route: $route) -> AnyView {
            view! { <$page /> }.into_any()
        });

        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            async fn view(this: Self) -> AnyView {
                $view(this).await
            }

            async fn preload() {
                #[cfg(wasm_split)]
                $preload().await;
            }
        }
    };
}

split_route!(
    /// `/callback`: finishing sign-in (the token exchange and ID-token checks).
    CallbackRoute => CallbackPage in signed_in, callback_view, __preload_callback_view
);
split_route!(
    /// `/products`: the catalogue list.
    ProductsRoute => ProductsPage in signed_in, products_view, __preload_products_view
);
split_route!(
    /// `/products/:id`: one product and its recommendations.
    ProductDetailRoute => ProductDetailPage in pages, product_detail_view, __preload_product_detail_view
);
split_route!(
    /// `/admin/products`: the staff editor.
    AdminProductsRoute => AdminProductsPage in pages, admin_products_view, __preload_admin_products_view
);
split_route!(
    /// `/profile`: the shopper's claims and token lifetime.
    ProfileRoute => ProfilePage in pages, profile_view, __preload_profile_view
);
