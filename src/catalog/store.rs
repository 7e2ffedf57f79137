//! Where the server reads and changes products. For now an in-memory list seeded at start;
//! the SQLite catalogue replaces the inside of [`ProductStore`] without changing its callers.

use std::sync::RwLock;

use super::seed::seeded_products;
use super::Product;

/// The product catalogue, shared by the REST API and the server functions.
pub struct ProductStore {
    products: RwLock<Vec<Product>>,
}

impl ProductStore {
    /// The seeded products of a fresh clone.
    pub fn seeded() -> Self {
        Self {
            products: RwLock::new(seeded_products()),
        }
    }

    /// Every product, in catalogue order.
    pub fn list(&self) -> Vec<Product> {
        self.products.read().expect("product lock").clone()
    }

    /// The product `id`, if there is one.
    pub fn get(&self, id: u32) -> Option<Product> {
        self.products
            .read()
            .expect("product lock")
            .iter()
            .find(|p| p.id == id)
            .cloned()
    }

    /// Sets the price of product `id`; `None` if there is no such product.
    pub fn set_price(&self, id: u32, price: PriceCents) -> Option<Product> {
        let mut products = self.products.write().expect("product lock");
        let product = products.iter_mut().find(|p| p.id == id)?;
        product.price_cents = price.get();
        Some(product.clone())
    }
}

/// A price in cents that a product may have: at least one cent, at most one million.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PriceCents(i64);

impl PriceCents {
    pub const MAX: i64 = 100_000_000;

    pub fn parse(cents: i64) -> Result<Self, String> {
        if (1..=Self::MAX).contains(&cents) {
            Ok(Self(cents))
        } else {
            Err(format!("price_cents must be between 1 and {}", Self::MAX))
        }
    }

    pub fn get(self) -> i64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_must_be_positive_and_bounded() {
        assert!(PriceCents::parse(1).is_ok());
        assert!(PriceCents::parse(PriceCents::MAX).is_ok());
        assert!(PriceCents::parse(0).is_err());
        assert!(PriceCents::parse(-5).is_err());
        assert!(PriceCents::parse(PriceCents::MAX + 1).is_err());
    }

    #[test]
    fn a_price_change_is_seen_by_later_reads() {
        let store = ProductStore::seeded();
        let changed = store.set_price(1, PriceCents::parse(999).unwrap()).unwrap();
        assert_eq!(changed.price_cents, 999);
        assert_eq!(store.get(1).unwrap().price_cents, 999);
        assert!(store
            .set_price(4242, PriceCents::parse(1).unwrap())
            .is_none());
    }
}
