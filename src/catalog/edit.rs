//! A staff edit of a product's price and stock, and the rules it must meet.

use serde::{Deserialize, Serialize};

/// The highest price accepted, in cents ($100,000.00): far above anything the shop sells, low
/// enough to catch a slipped finger.
pub const MAX_PRICE_CENTS: i64 = 10_000_000;
/// The most units of one product the shop can hold.
pub const MAX_STOCK: i64 = 100_000;

/// New price and stock for a product, made from the product at `version`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductEdit {
    pub id: u32,
    pub price_cents: i64,
    pub stock: i64,
    /// The version the editor saw; the edit is refused if the product has changed since.
    pub version: i64,
}

/// One recorded staff edit: what changed, by whom, when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductChange {
    pub product_id: u32,
    pub product_name: String,
    /// The `sub` of the editor's access token.
    pub changed_by: String,
    /// UTC, e.g. `2026-11-27T11:20:05Z`.
    pub changed_at: String,
    pub old_price_cents: i64,
    pub new_price_cents: i64,
    pub old_stock: i64,
    pub new_stock: i64,
    /// The product's version after the change.
    pub version: i64,
}

/// A rule an edit broke, in words for the editor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{field}: {message}")]
pub struct EditError {
    /// `price` or `stock`.
    pub field: String,
    pub message: String,
}

impl EditError {
    fn new(field: &str, message: impl Into<String>) -> Self {
        Self {
            field: field.to_owned(),
            message: message.into(),
        }
    }
}

impl ProductEdit {
    /// Checks the price and stock are within bounds.
    pub fn validate(&self) -> Result<(), EditError> {
        validate_price_cents(self.price_cents)?;
        validate_stock(self.stock)
    }
}

pub fn validate_price_cents(cents: i64) -> Result<(), EditError> {
    if cents < 0 {
        return Err(EditError::new("price", "The price cannot be negative."));
    }
    if cents > MAX_PRICE_CENTS {
        return Err(EditError::new(
            "price",
            format!(
                "The price cannot be more than {}.",
                super::product::format_price(MAX_PRICE_CENTS, "USD")
            ),
        ));
    }
    Ok(())
}

pub fn validate_stock(stock: i64) -> Result<(), EditError> {
    if stock < 0 {
        return Err(EditError::new("stock", "Stock cannot be negative."));
    }
    if stock > MAX_STOCK {
        return Err(EditError::new(
            "stock",
            format!("Stock cannot be more than {MAX_STOCK} units."),
        ));
    }
    Ok(())
}

/// Reads a price typed by a person (`34`, `34.5`, `34.50`, `1,299.00`) as cents.
pub fn parse_price(text: &str) -> Result<i64, EditError> {
    let cleaned: String = text
        .trim()
        .trim_start_matches('$')
        .chars()
        .filter(|c| *c != ',')
        .collect();
    if cleaned.is_empty() {
        return Err(EditError::new("price", "Enter a price, for example 34.00."));
    }
    if cleaned.starts_with('-') {
        return Err(EditError::new("price", "The price cannot be negative."));
    }
    let (whole, fraction) = cleaned.split_once('.').unwrap_or((&cleaned, ""));
    let digits = |s: &str| !s.is_empty() && s.len() <= 9 && s.chars().all(|c| c.is_ascii_digit());
    if !digits(whole) || !(fraction.is_empty() || (fraction.len() <= 2 && digits(fraction))) {
        return Err(EditError::new(
            "price",
            "Enter the price as a number with at most two decimals, for example 34.00.",
        ));
    }
    let whole: i64 = whole.parse().unwrap_or(i64::MAX / 1000);
    let fraction: i64 = format!("{fraction:0<2}").parse().unwrap_or(0);
    let cents = whole * 100 + fraction;
    validate_price_cents(cents)?;
    Ok(cents)
}

/// Reads a stock count typed by a person.
pub fn parse_stock(text: &str) -> Result<i64, EditError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(EditError::new(
            "stock",
            "Enter the number of units in stock.",
        ));
    }
    let stock: i64 = text.parse().map_err(|_| {
        EditError::new(
            "stock",
            "Enter the stock as a whole number of units, for example 12.",
        )
    })?;
    validate_stock(stock)?;
    Ok(stock)
}

/// `cents` as the value of a price field, e.g. `34.00`.
pub fn price_input_value(cents: i64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_are_read_the_way_people_type_them() {
        assert_eq!(parse_price("34"), Ok(3400));
        assert_eq!(parse_price("34.5"), Ok(3450));
        assert_eq!(parse_price(" $1,299.09 "), Ok(129909));
        assert_eq!(parse_price("0"), Ok(0));
    }

    #[test]
    fn bad_prices_are_refused_with_a_reason() {
        for text in ["", "-1", "abc", "3.456", "1.2.3", ".5", "100000.01"] {
            let error = parse_price(text).expect_err(text);
            assert_eq!(error.field, "price", "{text}");
        }
        assert_eq!(
            parse_price("-1").unwrap_err().message,
            "The price cannot be negative."
        );
        assert_eq!(
            parse_price("100000.01").unwrap_err().message,
            "The price cannot be more than $100000.00."
        );
    }

    #[test]
    fn stock_must_be_a_whole_number_within_bounds() {
        assert_eq!(parse_stock("12"), Ok(12));
        assert!(parse_stock("-3").is_err());
        assert!(parse_stock("1.5").is_err());
        assert!(parse_stock("100001").is_err());
    }

    #[test]
    fn price_input_values_have_two_decimals() {
        assert_eq!(price_input_value(3400), "34.00");
        assert_eq!(price_input_value(905), "9.05");
    }
}
