//! A product in the catalogue grid, and its loading placeholder of the same size.

use leptos::prelude::*;

use crate::catalog::product::format_rating;
use crate::catalog::Product;

/// Width and height of product pictures (all are drawn at 4:3), so the browser reserves their
/// space before they load.
const IMAGE_WIDTH: u32 = 400;
const IMAGE_HEIGHT: u32 = 300;

/// A product's picture at its reserved size. `lazy` defers loading until it nears the
/// viewport (the grid); the product page's one picture loads at once.
#[component]
pub fn ProductPicture(#[prop(into)] src: String, name: String, lazy: bool) -> impl IntoView {
    view! {
        <img
            class="product-image"
            src=src
            alt=format!("Picture of {name}")
            width=IMAGE_WIDTH
            height=IMAGE_HEIGHT
            loading=lazy.then_some("lazy")
        />
    }
}

/// A card: picture, category, name (the link to the product; the whole card is clickable),
/// rating, price and stock.
#[component]
pub fn ProductCard(product: Product) -> impl IntoView {
    let href = format!("/products/{}", product.id);
    let stock = product.stock_state();
    view! {
        <li class="product-card">
            <ProductPicture src=product.image.clone() name=product.name.clone() lazy=true />
            <div class="product-body">
                <p class="category">{product.category.clone()}</p>
                <h2><a class="card-link" href=href>{product.name.clone()}</a></h2>
                <Rating rating=product.rating />
                <p class="price-line">
                    <span class="price">{product.display_price()}</span>
                    <span class=stock.class()>{stock.label()}</span>
                </p>
            </div>
        </li>
    }
}

/// Stars and the number, read out as "Rated 4.5 out of 5".
#[component]
pub fn Rating(rating: f64) -> impl IntoView {
    let rounded = rating.round().clamp(0.0, 5.0) as usize;
    let stars = format!("{}{}", "★".repeat(rounded), "☆".repeat(5 - rounded));
    let score = format_rating(rating);
    view! {
        <p class="rating" role="img" aria-label=format!("Rated {score} out of 5")>
            <span class="stars" aria-hidden="true">{stars}</span>
            <span aria-hidden="true">{format!(" {score}")}</span>
        </p>
    }
}

/// The outline of a card while products load.
#[component]
pub fn ProductCardSkeleton() -> impl IntoView {
    view! {
        <li class="product-card placeholder" aria-hidden="true">
            <div class="product-image"></div>
            <div class="product-body">
                <p class="category"><span class="bar short"></span></p>
                <h2><span class="bar"></span></h2>
                <p class="rating"><span class="bar short"></span></p>
                <p class="price-line"><span class="bar short"></span></p>
            </div>
        </li>
    }
}
