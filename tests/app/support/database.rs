//! A fresh catalogue database per test, of either kind: an SQLite file in a temporary folder,
//! or a new database on the PostgreSQL server named by `TEST_POSTGRES_URL` (which
//! `scripts/postgres-throwaway run …` sets, and `scripts/test` uses).
//!
//! Without `TEST_POSTGRES_URL` the PostgreSQL tests say they were skipped — except under
//! `CI=true`, where they fail: CI must never pass without having run them.

use std::sync::atomic::{AtomicU32, Ordering};

use aura_commerce::config::DatabaseUrl;
use sqlx::Connection;

/// Which database a test runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A new, empty database; an SQLite one is deleted when this is dropped, a PostgreSQL one
/// lives as long as the (throw-away) server.
pub struct TestDatabase {
    pub url: DatabaseUrl,
    /// The SQLite file's folder.
    pub dir: Option<tempfile::TempDir>,
}

impl TestDatabase {
    /// A new database of `backend`'s kind, or `None` when PostgreSQL is not configured here.
    pub async fn new(backend: Backend) -> Option<Self> {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().unwrap();
                let url = DatabaseUrl::parse(&format!(
                    "sqlite://{}",
                    dir.path().join("nested/dir/catalog.sqlite").display()
                ))
                .unwrap();
                Some(Self {
                    url,
                    dir: Some(dir),
                })
            }
            Backend::Postgres => Some(Self {
                url: new_postgres_database().await?,
                dir: None,
            }),
        }
    }
}

/// The server's URL from `TEST_POSTGRES_URL`; `None` (with a note) when it is unset outside CI.
pub fn postgres_server_url() -> Option<String> {
    match std::env::var("TEST_POSTGRES_URL") {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ if std::env::var("CI").is_ok_and(|ci| ci == "true") => panic!(
            "TEST_POSTGRES_URL is not set, and CI=true: the PostgreSQL tests must run in CI. Run the tests through `scripts/postgres-throwaway run cargo test …` (as scripts/test does)."
        ),
        _ => {
            eprintln!("skipped: TEST_POSTGRES_URL is not set (scripts/postgres-throwaway run cargo test … sets it)");
            None
        }
    }
}

/// Creates a database of its own for one test on the `TEST_POSTGRES_URL` server.
async fn new_postgres_database() -> Option<DatabaseUrl> {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let server = postgres_server_url()?;
    let name = format!(
        "aura_test_{}_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos()
    );
    let mut admin = sqlx::PgConnection::connect(&server)
        .await
        .expect("TEST_POSTGRES_URL names a server that answers");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .unwrap();
    admin.close().await.unwrap();
    let mut url = url::Url::parse(&server).expect("TEST_POSTGRES_URL is a URL");
    url.set_path(&name);
    Some(DatabaseUrl::parse(url.as_str()).unwrap())
}
