//! A product as the storefront shows it.

use serde::{Deserialize, Serialize};

/// A product of the catalogue, as stored and as sent to the browser and the REST API.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Product {
    pub id: u32,
    pub name: String,
    pub description: String,
    pub category: String,
    /// Price in the currency's minor unit (cents), so no float ever rounds a price.
    pub price_cents: i64,
    /// ISO 4217 code.
    pub currency: String,
    /// Units on hand; 0 is out of stock.
    pub stock: i64,
    /// Average review score, 0.0 to 5.0.
    pub rating: f64,
    /// Site-relative path of the product's picture, e.g. `/images/products/1.svg`.
    pub image: String,
    /// Increases by one on every edit; an edit names the version it was made from, so a stale
    /// edit is refused instead of overwriting someone else's.
    pub version: i64,
}

/// Fewer units than this left is shown as "only N left".
pub const LOW_STOCK: i64 = 5;

/// How much of a product is left, in the shopper's terms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StockState {
    InStock,
    Low(i64),
    OutOfStock,
}

impl StockState {
    pub fn label(self) -> String {
        match self {
            StockState::InStock => "In stock".to_owned(),
            StockState::Low(n) => format!("Only {n} left"),
            StockState::OutOfStock => "Out of stock".to_owned(),
        }
    }

    /// A CSS class name for the state.
    pub fn class(self) -> &'static str {
        match self {
            StockState::InStock => "stock in",
            StockState::Low(_) => "stock low",
            StockState::OutOfStock => "stock out",
        }
    }
}

impl Product {
    /// The price for display, e.g. `$24.00` or `€9.50`.
    pub fn display_price(&self) -> String {
        format_price(self.price_cents, &self.currency)
    }

    pub fn stock_state(&self) -> StockState {
        match self.stock {
            n if n <= 0 => StockState::OutOfStock,
            n if n <= LOW_STOCK => StockState::Low(n),
            _ => StockState::InStock,
        }
    }
}

/// A review score for display with one decimal, e.g. `4.5`.
///
/// Whole tenths and integer formatting: `{:.1}` on an `f64` would compile the float formatter
/// and its lookup tables into the browser bundle, whose data every first visit downloads.
pub fn format_rating(rating: f64) -> String {
    let tenths = (rating.clamp(0.0, 5.0) * 10.0).round() as u32;
    format!("{}.{}", tenths / 10, tenths % 10)
}

/// `cents` in `currency` for display, e.g. `$24.00`, `€9.05`, `19.99 CHF`.
pub fn format_price(cents: i64, currency: &str) -> String {
    let symbol = match currency {
        "USD" => "$",
        "EUR" => "€",
        "GBP" => "£",
        _ => "",
    };
    let sign = if cents < 0 { "-" } else { "" };
    let (whole, cents) = (cents.abs() / 100, cents.abs() % 100);
    if symbol.is_empty() {
        format!("{sign}{whole}.{cents:02} {currency}")
    } else {
        format!("{sign}{symbol}{whole}.{cents:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn product(price_cents: i64, currency: &str, stock: i64) -> Product {
        Product {
            id: 1,
            name: "n".into(),
            description: "d".into(),
            category: "c".into(),
            price_cents,
            currency: currency.into(),
            stock,
            rating: 4.5,
            image: "/images/products/1.svg".into(),
            version: 1,
        }
    }

    #[test]
    fn prices_are_shown_with_two_decimals() {
        assert_eq!(product(2400, "USD", 1).display_price(), "$24.00");
        assert_eq!(product(905, "EUR", 1).display_price(), "€9.05");
        assert_eq!(product(1999, "CHF", 1).display_price(), "19.99 CHF");
    }

    #[test]
    fn stock_is_described_as_a_shopper_would_say_it() {
        assert_eq!(product(1, "USD", 0).stock_state(), StockState::OutOfStock);
        assert_eq!(product(1, "USD", 3).stock_state(), StockState::Low(3));
        assert_eq!(product(1, "USD", 3).stock_state().label(), "Only 3 left");
        assert_eq!(product(1, "USD", 40).stock_state(), StockState::InStock);
    }

    #[test]
    fn ratings_are_shown_with_one_decimal() {
        assert_eq!(format_rating(4.5), "4.5");
        assert_eq!(format_rating(4.0), "4.0");
        assert_eq!(format_rating(3.96), "4.0");
        assert_eq!(format_rating(0.04), "0.0");
        assert_eq!(format_rating(5.0), "5.0");
        assert_eq!(format_rating(7.2), "5.0", "clamped to the scale");
    }
}
