use leptos::prelude::*;

use crate::auth::protected_call::call_protected;
use crate::auth::ApiError;
use crate::catalog::{server_fns::get_products, Product};
use crate::components::require_session::RequireSession;

/// `/products`: the catalogue. The list is loaded in the browser after hydration, because only
/// the browser holds the bearer token; the server renders a skeleton of the same size.
#[component]
pub fn ProductsPage() -> impl IntoView {
    view! {
        <section class="catalogue">
            <h1>"Products"</h1>
            <RequireSession>
                <ProductList />
            </RequireSession>
        </section>
    }
}

#[component]
fn ProductList() -> impl IntoView {
    let products = LocalResource::new(|| call_protected(get_products));
    view! {
        <Suspense fallback=ProductSkeleton>
            {move || Suspend::new(async move {
                match products.await {
                    Ok(list) => view! { <ProductGrid products=list /> }.into_any(),
                    Err(error) => view! { <ApiErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ProductGrid(products: Vec<Product>) -> impl IntoView {
    view! {
        <ul class="product-grid" aria-label="Products">
            {products.into_iter().map(|product| view! {
                <li class="product-card">
                    <p class="category">{product.category.clone()}</p>
                    <h2>{product.name.clone()}</h2>
                    <p class="description">{product.description.clone()}</p>
                    <p class="price">{product.display_price()}</p>
                </li>
            }).collect_view()}
        </ul>
    }
}

#[component]
fn ProductSkeleton() -> impl IntoView {
    view! {
        <ul class="product-grid skeleton" aria-busy="true" aria-label="Loading products">
            {(0..6).map(|_| view! { <li class="product-card placeholder"></li> }).collect_view()}
        </ul>
    }
}

/// A failed call, explained, with the way out.
#[component]
pub fn ApiErrorNotice(error: ApiError) -> impl IntoView {
    let sign_in = error.needs_sign_in().then(|| {
        view! { <a class="button" href="/login?returnTo=/products">"Sign in"</a> }
    });
    view! {
        <div class="notice" role="alert">
            <p>{error.to_string()}</p>
            {sign_in}
        </div>
    }
}
