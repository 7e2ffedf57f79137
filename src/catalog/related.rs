//! What the AI recommendation service recommends: products related to one the shopper is
//! looking at — the same category first, then the closest in price.

use super::Product;

/// How many products a recommendation lists.
pub const RECOMMENDATIONS: usize = 4;

/// Up to `limit` products related to `product_id`, best first; `None` if there is no such
/// product. Same-category products come before others; within each group, the nearer the
/// price, the better (ties by name, so the order is stable).
pub fn related_products(
    catalogue: &[Product],
    product_id: u32,
    limit: usize,
) -> Option<Vec<Product>> {
    let anchor = catalogue.iter().find(|p| p.id == product_id)?;
    let mut others: Vec<&Product> = catalogue.iter().filter(|p| p.id != product_id).collect();
    others.sort_by_key(|p| {
        (
            p.category != anchor.category,
            (p.price_cents - anchor.price_cents).unsigned_abs(),
            p.name.clone(),
        )
    });
    Some(others.into_iter().take(limit).cloned().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn product(id: u32, category: &str, price_cents: i64) -> Product {
        Product {
            id,
            name: format!("P{id}"),
            description: String::new(),
            category: category.into(),
            price_cents,
            currency: "USD".into(),
            stock: 1,
            rating: 4.0,
            image: format!("/images/products/{id}.svg"),
            version: 1,
        }
    }

    #[test]
    fn same_category_first_then_nearest_price() {
        let catalogue = [
            product(1, "Kitchen", 3000),
            product(2, "Kitchen", 9000),
            product(3, "Kitchen", 3500),
            product(4, "Home", 3000),
            product(5, "Home", 100_000),
        ];
        let ids: Vec<u32> = related_products(&catalogue, 1, 3)
            .unwrap()
            .iter()
            .map(|p| p.id)
            .collect();
        assert_eq!(ids, [3, 2, 4]);
    }

    #[test]
    fn the_product_itself_is_never_recommended_and_unknown_ids_are_none() {
        let catalogue = [product(1, "Kitchen", 3000), product(2, "Kitchen", 3000)];
        let related = related_products(&catalogue, 1, 10).unwrap();
        assert!(related.iter().all(|p| p.id != 1));
        assert_eq!(related_products(&catalogue, 99, 10), None);
    }
}
