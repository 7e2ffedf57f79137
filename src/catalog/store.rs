//! The catalogue's store: SQLite through sqlx, one connection pool for the whole process.
//!
//! The database is a file (`DATABASE_URL`, default `crate::config::DEFAULT_DATABASE_URL`),
//! created on first run, migrated from `migrations/` at start and seeded once while it is empty. It runs in
//! WAL mode with a busy timeout, so readers never wait for a writer and two writers queue instead
//! of failing.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{QueryBuilder, Sqlite, SqlitePool};

use super::edit::{EditError, ProductChange, ProductEdit};
use super::query::{ProductPage, ProductQuery, SortOrder};
use super::{seed, Product};

/// How long a writer waits for another writer before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
const MAX_CONNECTIONS: u32 = 8;

/// The columns of [`Product`], in its field order.
const PRODUCT_COLUMNS: &str =
    "id, name, description, category, price_cents, currency, stock, rating, image, version";

/// The columns of [`ProductChange`], with the product's name.
const CHANGE_SELECT: &str =
    "SELECT c.product_id, p.name AS product_name, c.changed_by, c.changed_at,
        c.old_price_cents, c.new_price_cents, c.old_stock, c.new_stock, c.version
     FROM product_changes c JOIN products p ON p.id = c.product_id";

/// The catalogue's database. Cheap to clone: clones share one pool.
#[derive(Clone, Debug)]
pub struct ProductStore {
    pool: SqlitePool,
}

/// Why the store could not be opened or used.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot create the database directory {path}: {source}")]
    CreateDirectory {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot migrate the database: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

/// Why an edit was not saved.
#[derive(Debug, thiserror::Error)]
pub enum EditRefused {
    #[error(transparent)]
    Invalid(#[from] EditError),
    #[error("no product with id {0}")]
    NotFound(u32),
    /// Someone saved the product after the editor loaded it; nothing was written.
    #[error("product {} changed since version {}", .current.id, .attempted_version)]
    Conflict {
        current: Box<Product>,
        attempted_version: i64,
    },
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

impl ProductStore {
    /// Opens (creating if needed) the database at `url`, runs the migrations and seeds an empty
    /// catalogue.
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(BUSY_TIMEOUT)
            .foreign_keys(true);
        if let Some(directory) = options.get_filename().parent() {
            if !directory.as_os_str().is_empty() && !directory.exists() {
                create_directory(directory)?;
            }
        }
        let pool = SqlitePoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations").run(&pool).await?;
        let store = Self { pool };
        store.seed_if_empty().await?;
        Ok(store)
    }

    /// Opens the database file at `path` (tests use a fresh temporary file each).
    pub async fn open_file(path: &Path) -> Result<Self, StoreError> {
        Self::open(&format!("sqlite://{}", path.display())).await
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Whether the database answers a trivial query (readiness).
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map(|_| ())
    }

    /// Inserts the seed catalogue if there are no products yet; returns how many were added.
    pub async fn seed_if_empty(&self) -> Result<usize, sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM products")
            .fetch_one(&mut *tx)
            .await?;
        if count > 0 {
            return Ok(0);
        }
        let products = seed::seeded_products();
        for product in &products {
            sqlx::query(
                "INSERT INTO products (id, name, description, category, price_cents, currency, stock, rating, image, version)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(product.id)
            .bind(&product.name)
            .bind(&product.description)
            .bind(&product.category)
            .bind(product.price_cents)
            .bind(&product.currency)
            .bind(product.stock)
            .bind(product.rating)
            .bind(&product.image)
            .bind(product.version)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        tracing::info!(count = products.len(), "seeded the product catalogue");
        Ok(products.len())
    }

    /// One page of the products matching `query`, and how many match in all.
    pub async fn search(&self, query: &ProductQuery) -> Result<ProductPage, sqlx::Error> {
        let mut count = QueryBuilder::<Sqlite>::new("SELECT COUNT(*) FROM products");
        push_filters(&mut count, query);
        let (total,): (i64,) = count.build_query_as().fetch_one(&self.pool).await?;

        let mut select =
            QueryBuilder::<Sqlite>::new(format!("SELECT {PRODUCT_COLUMNS} FROM products"));
        push_filters(&mut select, query);
        select.push(" ORDER BY ").push(order_by(query.sort));
        select
            .push(" LIMIT ")
            .push_bind(i64::from(query.per_page))
            .push(" OFFSET ")
            .push_bind(i64::from(query.offset()));
        let items = select
            .build_query_as::<Product>()
            .fetch_all(&self.pool)
            .await?;
        Ok(ProductPage {
            items,
            total: u32::try_from(total).unwrap_or(u32::MAX),
            page: query.page,
            per_page: query.per_page,
        })
    }

    /// Every product, in catalogue order.
    pub async fn all(&self) -> Result<Vec<Product>, sqlx::Error> {
        sqlx::query_as::<_, Product>(&format!(
            "SELECT {PRODUCT_COLUMNS} FROM products ORDER BY id"
        ))
        .fetch_all(&self.pool)
        .await
    }

    pub async fn get(&self, id: u32) -> Result<Option<Product>, sqlx::Error> {
        sqlx::query_as::<_, Product>(&format!(
            "SELECT {PRODUCT_COLUMNS} FROM products WHERE id = ?"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await
    }

    /// Saves a new price and stock, if the product is still at `edit.version`, and records who
    /// (`changed_by`, the editor's `sub`) changed what.
    pub async fn apply_edit(
        &self,
        edit: &ProductEdit,
        changed_by: &str,
    ) -> Result<Product, EditRefused> {
        edit.validate()?;
        let mut tx = self.pool.begin().await?;
        // The audit row goes in first: being a write, it takes the database's write lock at once
        // (waiting for another writer rather than racing it), and it reads the old values only
        // if the version still matches.
        let recorded = sqlx::query(
            "INSERT INTO product_changes
                 (product_id, changed_by, old_price_cents, new_price_cents, old_stock, new_stock, version)
             SELECT id, ?, price_cents, ?, stock, ?, version + 1
             FROM products WHERE id = ? AND version = ?",
        )
        .bind(changed_by)
        .bind(edit.price_cents)
        .bind(edit.stock)
        .bind(edit.id)
        .bind(edit.version)
        .execute(&mut *tx)
        .await?;
        if recorded.rows_affected() == 0 {
            drop(tx);
            return Err(match self.get(edit.id).await? {
                None => EditRefused::NotFound(edit.id),
                Some(current) => EditRefused::Conflict {
                    current: Box::new(current),
                    attempted_version: edit.version,
                },
            });
        }
        let updated = sqlx::query_as::<_, Product>(&format!(
            "UPDATE products
             SET price_cents = ?, stock = ?, version = version + 1,
                 updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
             WHERE id = ? AND version = ?
             RETURNING {PRODUCT_COLUMNS}"
        ))
        .bind(edit.price_cents)
        .bind(edit.stock)
        .bind(edit.id)
        .bind(edit.version)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(updated)
    }

    /// The recorded edits of a product, newest first.
    pub async fn changes(&self, product_id: u32) -> Result<Vec<ProductChange>, sqlx::Error> {
        sqlx::query_as::<_, ProductChange>(&format!(
            "{CHANGE_SELECT} WHERE c.product_id = ? ORDER BY c.id DESC"
        ))
        .bind(product_id)
        .fetch_all(&self.pool)
        .await
    }

    /// The latest `limit` recorded edits of any product, newest first.
    pub async fn recent_changes(&self, limit: u32) -> Result<Vec<ProductChange>, sqlx::Error> {
        sqlx::query_as::<_, ProductChange>(&format!("{CHANGE_SELECT} ORDER BY c.id DESC LIMIT ?"))
            .bind(limit)
            .fetch_all(&self.pool)
            .await
    }
}

fn create_directory(directory: &Path) -> Result<(), StoreError> {
    std::fs::create_dir_all(directory).map_err(|source| StoreError::CreateDirectory {
        path: directory.display().to_string(),
        source,
    })
}

/// `WHERE …` for the search words and the category. Every word must appear in the name or the
/// description (case-insensitively), so adding a word narrows the results.
fn push_filters(builder: &mut QueryBuilder<'_, Sqlite>, query: &ProductQuery) {
    let mut first = true;
    let mut and = |builder: &mut QueryBuilder<'_, Sqlite>| {
        builder.push(if first { " WHERE " } else { " AND " });
        first = false;
    };
    for word in query.q.split_whitespace() {
        let pattern = format!("%{}%", escape_like(word));
        and(builder);
        builder
            .push("(name LIKE ")
            .push_bind(pattern.clone())
            .push(" ESCAPE '\\' OR description LIKE ")
            .push_bind(pattern)
            .push(" ESCAPE '\\')");
    }
    if let Some(category) = &query.category {
        and(builder);
        builder.push("category = ").push_bind(category.clone());
    }
}

/// `%`, `_` and `\` in a search word match themselves, not patterns.
fn escape_like(word: &str) -> String {
    word.chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect()
}

/// Every order ends with the id, so pages never overlap or skip a product with an equal key.
fn order_by(sort: SortOrder) -> &'static str {
    match sort {
        SortOrder::Featured => "id",
        SortOrder::PriceAsc => "price_cents ASC, id",
        SortOrder::PriceDesc => "price_cents DESC, id",
        SortOrder::Name => "name COLLATE NOCASE ASC, id",
        SortOrder::Rating => "rating DESC, id",
    }
}
