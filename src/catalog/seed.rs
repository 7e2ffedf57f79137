//! The catalogue every fresh database starts with: 60 products in 6 categories, from
//! `seed_products.json` (which `scripts/generate-product-images` also reads to draw each
//! product's picture in `public/images/products/`).

use serde::Deserialize;

use super::Product;

const SEED_JSON: &str = include_str!("seed_products.json");

/// How many products the seed holds (checked against the file by a test).
pub const SEED_PRODUCT_COUNT: usize = 60;

#[derive(Deserialize)]
struct SeedProduct {
    id: u32,
    name: String,
    description: String,
    category: String,
    price_cents: i64,
    stock: i64,
    rating: f64,
}

/// The seed catalogue, in catalogue order.
pub fn seeded_products() -> Vec<Product> {
    let seed: Vec<SeedProduct> =
        serde_json::from_str(SEED_JSON).expect("seed_products.json is valid (checked by a test)");
    seed.into_iter()
        .map(|p| Product {
            id: p.id,
            image: format!("/images/products/{}.svg", p.id),
            name: p.name,
            description: p.description,
            category: p.category,
            price_cents: p.price_cents,
            currency: "USD".to_owned(),
            stock: p.stock,
            rating: p.rating,
            version: 1,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::catalog::query::CATEGORIES;

    #[test]
    fn the_seed_has_sixty_products_in_six_categories_each_with_an_image() {
        let products = seeded_products();
        assert_eq!(products.len(), SEED_PRODUCT_COUNT);
        let categories: BTreeSet<_> = products.iter().map(|p| p.category.as_str()).collect();
        assert_eq!(categories, CATEGORIES.into_iter().collect());
        let ids: BTreeSet<_> = products.iter().map(|p| p.id).collect();
        assert_eq!(ids.len(), SEED_PRODUCT_COUNT, "ids are unique");
        for product in &products {
            let file = format!("{}/public{}", env!("CARGO_MANIFEST_DIR"), product.image);
            assert!(std::path::Path::new(&file).is_file(), "{file} exists");
            assert!(product.price_cents > 0 && product.stock >= 0);
            assert!((0.0..=5.0).contains(&product.rating));
        }
    }
}
