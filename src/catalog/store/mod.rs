//! The catalogue's store: one API over SQLite (the default, an embedded file with nothing to
//! start) or PostgreSQL (`DATABASE_URL=postgres://…`, which several instances share), through
//! sqlx, one connection pool for the whole process.
//!
//! Each query is written once and compiled for each backend's own pool ([`with_pool!`]), so
//! every value is typed for its database; the SQL that differs is in [`dialect`].
//!
//! - [`dialect`]: the SQL that differs between the two backends.
//! - `open`: connecting, migrating (`migrations/sqlite/`, `migrations/postgres/`), its errors.
//! - `rows`: rows as the databases return them, turned into [`Product`] and [`ProductChange`].
//!
//! The store also keeps the catalogue's *version*, which every acknowledged edit increases
//! ([`ProductStore::catalog_version`]): caches tag what they rendered with it, so they can
//! tell a page that is still current from one that is not.

pub mod dialect;
mod open;
mod rows;

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use sqlx::{Database, Encode, PgPool, QueryBuilder, SqlitePool, Type};

use super::edit::{EditError, ProductChange, ProductEdit};
use super::query::{ProductPage, ProductQuery, SortOrder};
use super::{seed, Product};
use crate::config::{DatabaseKind, DatabaseUrl};
use dialect::Dialect;
use rows::{convert, ChangeRow, ProductRow, PRODUCT_COLUMNS};

/// The columns of [`ProductChange`], with the product's name; `{changed_at}` is the
/// dialect's text of the time.
const CHANGE_SELECT: &str =
    "SELECT c.product_id, p.name AS product_name, c.changed_by, {changed_at} AS changed_at,
        c.old_price_cents, c.new_price_cents, c.old_stock, c.new_stock, c.version
     FROM product_changes c JOIN products p ON p.id = c.product_id";

/// The catalogue's database. Cheap to clone: clones share one pool and one version.
#[derive(Clone, Debug)]
pub struct ProductStore {
    pool: Pool,
    /// SQLite only: the catalogue's version, increased after every committed edit. An SQLite
    /// file is this process's own (several instances share PostgreSQL, whose version lives in
    /// the database), so the process's count is the whole truth and costs no query to read.
    local_version: Arc<AtomicU64>,
}

#[derive(Clone, Debug)]
enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs `$body` with `$pool` bound to the backend's own pool and `$dialect` to its
/// [`Dialect`]: the body is compiled once per backend. (sqlx's `Any` driver would share one
/// compiled body, but it decodes only a few types and leaves placeholders to the caller.)
macro_rules! with_pool {
    ($store:expr, |$pool:ident, $dialect:ident| $body:expr) => {
        match &$store.pool {
            Pool::Sqlite($pool) => {
                let $dialect: &Dialect = &dialect::SQLITE;
                $body
            }
            Pool::Postgres($pool) => {
                let $dialect: &Dialect = &dialect::POSTGRES;
                $body
            }
        }
    };
}

/// Why the store could not be opened or used. Each message says what to change; none
/// includes the database URL, which may hold a password.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot create the database directory {path}: {source}. Set DATABASE_URL to a writable sqlite:// path.")]
    CreateDirectory {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot reach the PostgreSQL database at {database} ({reason}): start it, or set DATABASE_URL to one that answers.")]
    Unreachable { database: String, reason: String },
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
    /// Opens the database at `url` (creating an SQLite file if needed), runs the migrations
    /// and seeds an empty catalogue.
    pub async fn open(url: &DatabaseUrl) -> Result<Self, StoreError> {
        let pool = match url.kind() {
            DatabaseKind::Sqlite => Pool::Sqlite(open::sqlite(url).await?),
            DatabaseKind::Postgres => Pool::Postgres(open::postgres(url).await?),
        };
        let store = Self {
            pool,
            local_version: Arc::default(),
        };
        store.seed_if_empty().await?;
        Ok(store)
    }

    /// Opens the SQLite file at `path` (tests use a fresh temporary file each).
    pub async fn open_file(path: &Path) -> Result<Self, StoreError> {
        let url = DatabaseUrl::parse(&format!("sqlite://{}", path.display()))
            .map_err(|error| StoreError::Database(sqlx::Error::Configuration(error.into())))?;
        Self::open(&url).await
    }

    pub fn kind(&self) -> DatabaseKind {
        match self.pool {
            Pool::Sqlite(_) => DatabaseKind::Sqlite,
            Pool::Postgres(_) => DatabaseKind::Postgres,
        }
    }

    /// The SQLite pool, for checks of SQLite's own settings; `None` on PostgreSQL.
    pub fn sqlite_pool(&self) -> Option<&SqlitePool> {
        match &self.pool {
            Pool::Sqlite(pool) => Some(pool),
            Pool::Postgres(_) => None,
        }
    }

    /// Closes every connection; later calls fail (tests use it to see the store go away).
    pub async fn close(&self) {
        with_pool!(self, |pool, _dialect| pool.close().await)
    }

    /// Whether the database answers a trivial query (readiness).
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        with_pool!(self, |pool, _dialect| sqlx::query("SELECT 1")
            .execute(pool)
            .await
            .map(|_| ()))
    }

    /// The catalogue's version: it increases with every edit, and an edit is acknowledged
    /// only once the version that includes it is what this returns — on every instance, for
    /// PostgreSQL, since there it is read from the database.
    pub async fn catalog_version(&self) -> Result<u64, sqlx::Error> {
        match &self.pool {
            Pool::Sqlite(_) => Ok(self.local_version.load(Ordering::Acquire)),
            Pool::Postgres(pool) => {
                let (n,): (i64,) = sqlx::query_as("SELECT n FROM catalog_version")
                    .fetch_one(pool)
                    .await?;
                Ok(n.unsigned_abs())
            }
        }
    }

    /// Inserts the seed catalogue if there are no products yet; returns how many were added.
    /// Rows already present are skipped, so two instances seeding at once do not collide.
    pub async fn seed_if_empty(&self) -> Result<usize, sqlx::Error> {
        with_pool!(self, |pool, _dialect| {
            let mut tx = pool.begin().await?;
            let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM products")
                .fetch_one(&mut *tx)
                .await?;
            if count > 0 {
                return Ok(0);
            }
            let mut added = 0;
            for product in &seed::seeded_products() {
                added += sqlx::query(
                    "INSERT INTO products (id, name, description, category, price_cents, currency, stock, rating, image, version)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                     ON CONFLICT (id) DO NOTHING",
                )
                .bind(i64::from(product.id))
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
                .await?
                .rows_affected() as usize;
            }
            tx.commit().await?;
            if added > 0 {
                tracing::info!(count = added, "seeded the product catalogue");
            }
            Ok(added)
        })
    }

    /// One page of the products matching `query`, and how many match in all.
    pub async fn search(&self, query: &ProductQuery) -> Result<ProductPage, sqlx::Error> {
        let (total, rows): (i64, Vec<ProductRow>) = with_pool!(self, |pool, dialect| {
            let mut count = QueryBuilder::new("SELECT COUNT(*) FROM products");
            push_filters(&mut count, query, dialect);
            let (total,): (i64,) = count.build_query_as().fetch_one(pool).await?;

            let mut select = QueryBuilder::new(format!("SELECT {PRODUCT_COLUMNS} FROM products"));
            push_filters(&mut select, query, dialect);
            select
                .push(" ORDER BY ")
                .push(order_by(query.sort, dialect));
            select
                .push(" LIMIT ")
                .push_bind(i64::from(query.per_page))
                .push(" OFFSET ")
                .push_bind(i64::from(query.offset()));
            (total, select.build_query_as().fetch_all(pool).await?)
        });
        Ok(ProductPage {
            items: convert(rows)?,
            total: u32::try_from(total).unwrap_or(u32::MAX),
            page: query.page,
            per_page: query.per_page,
        })
    }

    /// Every product, in catalogue order.
    pub async fn all(&self) -> Result<Vec<Product>, sqlx::Error> {
        let sql = format!("SELECT {PRODUCT_COLUMNS} FROM products ORDER BY id");
        let rows: Vec<ProductRow> = with_pool!(self, |pool, _dialect| sqlx::query_as(&sql)
            .fetch_all(pool)
            .await?);
        convert(rows)
    }

    pub async fn get(&self, id: u32) -> Result<Option<Product>, sqlx::Error> {
        let sql = format!("SELECT {PRODUCT_COLUMNS} FROM products WHERE id = $1");
        let row: Option<ProductRow> = with_pool!(self, |pool, _dialect| sqlx::query_as(&sql)
            .bind(i64::from(id))
            .fetch_optional(pool)
            .await?);
        row.map(Product::try_from).transpose()
    }

    /// Saves a new price and stock, if the product is still at `edit.version`, and records who
    /// (`changed_by`, the editor's `sub`) changed what. When this returns `Ok`, the catalogue's
    /// version already includes the edit.
    pub async fn apply_edit(
        &self,
        edit: &ProductEdit,
        changed_by: &str,
    ) -> Result<Product, EditRefused> {
        edit.validate()?;
        let saved: Option<ProductRow> = with_pool!(self, |pool, dialect| {
            let mut tx = pool.begin().await?;
            // The audit row goes in first. On SQLite, being a write, it takes the database's
            // write lock at once (waiting for another writer rather than racing it), and reads
            // the old values only if the version still matches.
            let recorded = sqlx::query(
                "INSERT INTO product_changes
                     (product_id, changed_by, old_price_cents, new_price_cents, old_stock, new_stock, version)
                 SELECT id, $1, price_cents, $2, stock, $3, version + 1
                 FROM products WHERE id = $4 AND version = $5",
            )
            .bind(changed_by)
            .bind(edit.price_cents)
            .bind(edit.stock)
            .bind(i64::from(edit.id))
            .bind(edit.version)
            .execute(&mut *tx)
            .await?;
            if recorded.rows_affected() == 0 {
                None
            } else {
                // On PostgreSQL two editors can both get past the insert; the row lock taken
                // here makes the second wait for the first, then find the version moved on
                // and update nothing — its audit row is rolled back with it.
                let updated: Option<ProductRow> = sqlx::query_as(&format!(
                    "UPDATE products
                     SET price_cents = $1, stock = $2, version = version + 1, updated_at = {now}
                     WHERE id = $3 AND version = $4
                     RETURNING {PRODUCT_COLUMNS}",
                    now = dialect.now
                ))
                .bind(edit.price_cents)
                .bind(edit.stock)
                .bind(i64::from(edit.id))
                .bind(edit.version)
                .fetch_optional(&mut *tx)
                .await?;
                if updated.is_some() {
                    if let Some(bump) = dialect.bump_version {
                        sqlx::query(bump).execute(&mut *tx).await?;
                    }
                    tx.commit().await?;
                }
                updated
            }
        });
        let Some(saved) = saved else {
            return Err(match self.get(edit.id).await? {
                None => EditRefused::NotFound(edit.id),
                Some(current) => EditRefused::Conflict {
                    current: Box::new(current),
                    attempted_version: edit.version,
                },
            });
        };
        // After the commit, so that a reader who sees the new version finds the edit.
        self.local_version.fetch_add(1, Ordering::AcqRel);
        Ok(Product::try_from(saved)?)
    }

    /// The recorded edits of a product, newest first.
    pub async fn changes(&self, product_id: u32) -> Result<Vec<ProductChange>, sqlx::Error> {
        let rows: Vec<ChangeRow> = with_pool!(self, |pool, dialect| sqlx::query_as(&format!(
            "{} WHERE c.product_id = $1 ORDER BY c.id DESC",
            change_select(dialect)
        ))
        .bind(i64::from(product_id))
        .fetch_all(pool)
        .await?);
        convert(rows)
    }

    /// The latest `limit` recorded edits of any product, newest first.
    pub async fn recent_changes(&self, limit: u32) -> Result<Vec<ProductChange>, sqlx::Error> {
        let rows: Vec<ChangeRow> = with_pool!(self, |pool, dialect| sqlx::query_as(&format!(
            "{} ORDER BY c.id DESC LIMIT $1",
            change_select(dialect)
        ))
        .bind(i64::from(limit))
        .fetch_all(pool)
        .await?);
        convert(rows)
    }
}

fn change_select(dialect: &Dialect) -> String {
    CHANGE_SELECT.replace("{changed_at}", dialect.changed_at_text)
}

/// `WHERE …` for the search words and the category. Every word must appear in the name or the
/// description (case-insensitively), so adding a word narrows the results.
fn push_filters<'a, DB>(builder: &mut QueryBuilder<'a, DB>, query: &ProductQuery, dialect: &Dialect)
where
    DB: Database,
    String: Encode<'a, DB> + Type<DB>,
{
    let like = dialect.like;
    let mut first = true;
    let mut and = |builder: &mut QueryBuilder<'a, DB>| {
        builder.push(if first { " WHERE " } else { " AND " });
        first = false;
    };
    for word in query.q.split_whitespace() {
        let pattern = format!("%{}%", escape_like(word));
        and(builder);
        builder
            .push(format!("(name {like} "))
            .push_bind(pattern.clone())
            .push(format!(" ESCAPE '\\' OR description {like} "))
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
fn order_by(sort: SortOrder, dialect: &Dialect) -> String {
    match sort {
        SortOrder::Featured => "id".to_owned(),
        SortOrder::PriceAsc => "price_cents ASC, id".to_owned(),
        SortOrder::PriceDesc => "price_cents DESC, id".to_owned(),
        SortOrder::Name => format!("{} ASC, id", dialect.name_order),
        SortOrder::Rating => "rating DESC, id".to_owned(),
    }
}
