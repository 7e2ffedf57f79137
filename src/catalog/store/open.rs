//! Connecting to either database, migrating it and seeding it.
//!
//! - SQLite: a file (created on first run) in WAL mode with a busy timeout, so readers never
//!   wait for a writer and two writers queue instead of failing; `migrations/sqlite/`.
//! - PostgreSQL: a server, shared by every instance; `migrations/postgres/`. sqlx holds an
//!   advisory lock while it migrates, and the seed skips rows already there, so instances
//!   starting together on an empty database neither migrate twice nor collide.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Connection, PgConnection, PgPool, SqlitePool};

use super::StoreError;
use crate::config::DatabaseUrl;

/// How long an SQLite writer waits for another writer before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
const SQLITE_MAX_CONNECTIONS: u32 = 8;
/// Per instance; a PostgreSQL server's default limit (100) leaves room for several.
const POSTGRES_MAX_CONNECTIONS: u32 = 16;
/// How long start-up waits for the PostgreSQL server before saying it cannot be reached.
const POSTGRES_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

pub async fn sqlite(url: &DatabaseUrl) -> Result<SqlitePool, StoreError> {
    let options = SqliteConnectOptions::from_str(url.expose())?
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
        .max_connections(SQLITE_MAX_CONNECTIONS)
        .connect_with(options)
        .await?;
    sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
    Ok(pool)
}

pub async fn postgres(url: &DatabaseUrl) -> Result<PgPool, StoreError> {
    let options = PgConnectOptions::from_str(url.expose())?;
    let unreachable = |reason: String| StoreError::Unreachable {
        database: url.label().to_owned(),
        reason,
    };
    // One connection first, so that start-up names the real reason (refused, no such
    // database, wrong password) in seconds; the pool itself would retry until its timeout.
    let probe = tokio::time::timeout(
        POSTGRES_CONNECT_TIMEOUT,
        PgConnection::connect_with(&options),
    )
    .await
    .map_err(|_| {
        unreachable(format!(
            "no answer within {} s",
            POSTGRES_CONNECT_TIMEOUT.as_secs()
        ))
    })?
    .map_err(|error| unreachable(reason(&error)))?;
    probe.close().await?;
    let pool = PgPoolOptions::new()
        .max_connections(POSTGRES_MAX_CONNECTIONS)
        .acquire_timeout(POSTGRES_CONNECT_TIMEOUT)
        .connect_with(options)
        .await
        .map_err(|error| unreachable(reason(&error)))?;
    sqlx::migrate!("./migrations/postgres").run(&pool).await?;
    Ok(pool)
}

/// Why a connection failed, in a few words that never include the URL.
fn reason(error: &sqlx::Error) -> String {
    match error {
        sqlx::Error::PoolTimedOut => {
            format!("no answer within {} s", POSTGRES_CONNECT_TIMEOUT.as_secs())
        }
        sqlx::Error::Io(io) => io.to_string(),
        sqlx::Error::Database(db) => db.message().to_owned(),
        other => other.to_string(),
    }
}

fn create_directory(directory: &Path) -> Result<(), StoreError> {
    std::fs::create_dir_all(directory).map_err(|source| StoreError::CreateDirectory {
        path: directory.display().to_string(),
        source,
    })
}
