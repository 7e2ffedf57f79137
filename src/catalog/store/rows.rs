//! Rows as both databases return them, and their conversion to the catalogue's types.
//!
//! PostgreSQL has no unsigned integers, so ids come back as `i64` on both backends and are
//! narrowed to the `u32` of [`Product`] here, refusing (never wrapping) an id out of range.

use sqlx::FromRow;

use crate::catalog::edit::ProductChange;
use crate::catalog::Product;

/// The columns of [`ProductRow`], in its field order.
pub const PRODUCT_COLUMNS: &str =
    "id, name, description, category, price_cents, currency, stock, rating, image, version";

#[derive(FromRow)]
pub struct ProductRow {
    id: i64,
    name: String,
    description: String,
    category: String,
    price_cents: i64,
    currency: String,
    stock: i64,
    rating: f64,
    image: String,
    version: i64,
}

impl TryFrom<ProductRow> for Product {
    type Error = sqlx::Error;

    fn try_from(row: ProductRow) -> Result<Self, sqlx::Error> {
        Ok(Product {
            id: narrow_id(row.id)?,
            name: row.name,
            description: row.description,
            category: row.category,
            price_cents: row.price_cents,
            currency: row.currency,
            stock: row.stock,
            rating: row.rating,
            image: row.image,
            version: row.version,
        })
    }
}

#[derive(FromRow)]
pub struct ChangeRow {
    product_id: i64,
    product_name: String,
    changed_by: String,
    changed_at: String,
    old_price_cents: i64,
    new_price_cents: i64,
    old_stock: i64,
    new_stock: i64,
    version: i64,
}

impl TryFrom<ChangeRow> for ProductChange {
    type Error = sqlx::Error;

    fn try_from(row: ChangeRow) -> Result<Self, sqlx::Error> {
        Ok(ProductChange {
            product_id: narrow_id(row.product_id)?,
            product_name: row.product_name,
            changed_by: row.changed_by,
            changed_at: row.changed_at,
            old_price_cents: row.old_price_cents,
            new_price_cents: row.new_price_cents,
            old_stock: row.old_stock,
            new_stock: row.new_stock,
            version: row.version,
        })
    }
}

/// Converts every row, failing on the first that does not fit.
pub fn convert<R, T>(rows: Vec<R>) -> Result<Vec<T>, sqlx::Error>
where
    T: TryFrom<R, Error = sqlx::Error>,
{
    rows.into_iter().map(T::try_from).collect()
}

fn narrow_id(id: i64) -> Result<u32, sqlx::Error> {
    u32::try_from(id)
        .map_err(|_| sqlx::Error::Decode(format!("product id {id} is not a u32").into()))
}
