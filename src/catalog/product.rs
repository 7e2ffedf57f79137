//! A product as the storefront shows it.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Product {
    pub id: u32,
    pub name: String,
    pub description: String,
    pub category: String,
    /// Price in the currency's minor unit (cents), so no float ever rounds a price.
    pub price_cents: i64,
    /// ISO 4217 code.
    pub currency: String,
}

impl Product {
    /// The price for display, e.g. `$24.00` or `€9.50`.
    pub fn display_price(&self) -> String {
        let symbol = match self.currency.as_str() {
            "USD" => "$",
            "EUR" => "€",
            "GBP" => "£",
            _ => "",
        };
        let (whole, cents) = (self.price_cents / 100, (self.price_cents % 100).abs());
        if symbol.is_empty() {
            format!("{whole}.{cents:02} {}", self.currency)
        } else {
            format!("{symbol}{whole}.{cents:02}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn priced(price_cents: i64, currency: &str) -> Product {
        Product {
            id: 1,
            name: "n".into(),
            description: "d".into(),
            category: "c".into(),
            price_cents,
            currency: currency.into(),
        }
    }

    #[test]
    fn prices_are_shown_with_two_decimals() {
        assert_eq!(priced(2400, "USD").display_price(), "$24.00");
        assert_eq!(priced(905, "EUR").display_price(), "€9.05");
        assert_eq!(priced(1999, "CHF").display_price(), "19.99 CHF");
    }
}
