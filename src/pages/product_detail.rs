//! `/products/:id`: one product in full, or a clear "not found".

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::auth::permissions::READ_PRODUCTS;
use crate::auth::protected_call::call_protected;
use crate::auth::ApiError;
use crate::catalog::server_fns::{get_product, recommendations};
use crate::catalog::{Product, ProductQuery};
use crate::components::api_error_notice::ApiErrorNotice;
use crate::components::product_card::{ProductCard, ProductPicture, Rating};
use crate::components::require_session::RequireSession;

#[component]
pub fn ProductDetailPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.get().get("id").and_then(|id| id.parse::<u32>().ok()));
    view! {
        <section class="product-detail-page">
            <a class="back-link" href="/products">"← All products"</a>
            {move || match id.get() {
                None => view! { <ProductNotFound /> }.into_any(),
                Some(id) => view! {
                    <RequireSession permission=READ_PRODUCTS pending=DetailSkeleton>
                        <ProductDetailLoader id />
                    </RequireSession>
                }
                .into_any(),
            }}
        </section>
    }
}

#[component]
fn ProductDetailLoader(id: u32) -> impl IntoView {
    let product = LocalResource::new(move || call_protected(move || get_product(id)));
    view! {
        <Suspense fallback=DetailSkeleton>
            {move || Suspend::new(async move {
                match product.await {
                    Ok(product) => view! {
                        <ProductDetail product />
                        <Recommendations id />
                    }
                    .into_any(),
                    Err(ApiError::NotFound(_)) => view! { <ProductNotFound /> }.into_any(),
                    Err(error) => view! { <ApiErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ProductDetail(product: Product) -> impl IntoView {
    let stock = product.stock_state();
    let category_href = ProductQuery {
        category: Some(product.category.clone()),
        ..ProductQuery::default()
    }
    .href("/products");
    view! {
        <leptos_meta::Title text=format!("{} · Aura Commerce", product.name) />
        <article class="product-detail">
            <ProductPicture src=product.image.clone() name=product.name.clone() lazy=false />
            <div class="product-info">
                <p class="category"><a href=category_href>{product.category.clone()}</a></p>
                <h1>{product.name.clone()}</h1>
                <Rating rating=product.rating />
                <p class="price">{product.display_price()}</p>
                <p class=stock.class() data-field="stock">{stock.label()}</p>
                <p class="description">{product.description.clone()}</p>
                <dl class="facts">
                    <dt>"Product number"</dt><dd>{format!("AC-{:04}", product.id)}</dd>
                    <dt>"Category"</dt><dd>{product.category.clone()}</dd>
                    <dt>"Units in stock"</dt><dd>{product.stock}</dd>
                </dl>
            </div>
        </article>
    }
}

/// "Recommended for you": products the AI recommendation service relates to this one, fetched
/// by the server with its own M2M token. If the service is unavailable the section is left out.
#[component]
fn Recommendations(id: u32) -> impl IntoView {
    let related = LocalResource::new(move || call_protected(move || recommendations(id)));
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match related.await {
                    Ok(list) if !list.is_empty() => Some(view! {
                        <section class="related" aria-labelledby="related-title">
                            <h2 id="related-title">"Recommended for you"</h2>
                            <ul class="product-grid" aria-labelledby="related-title">
                                {list
                                    .into_iter()
                                    .map(|product| view! { <ProductCard product /> })
                                    .collect_view()}
                            </ul>
                        </section>
                    }),
                    _ => None,
                }
            })}
        </Suspense>
    }
}

#[component]
fn DetailSkeleton() -> impl IntoView {
    view! {
        <article class="product-detail placeholder" aria-busy="true" aria-label="Loading the product">
            <div class="product-image"></div>
            <div class="product-info">
                <p class="category"><span class="bar short"></span></p>
                <h1><span class="bar"></span></h1>
                <p><span class="bar short"></span></p>
                <p class="price"><span class="bar short"></span></p>
                <p><span class="bar"></span></p>
            </div>
        </article>
    }
}

/// An id that names no product.
#[component]
fn ProductNotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <leptos_meta::Title text="Product not found · Aura Commerce" />
        <div class="notice not-found" role="alert">
            <h1>"Product not found"</h1>
            <p>"There is no product at this address. It may have been removed, or the link may be mistyped."</p>
            <a class="button" href="/products">"Browse all products"</a>
        </div>
    }
}
