//! [`DatabaseUrl`]: where the catalogue lives (`DATABASE_URL`), checked at start.
//!
//! Two kinds: an embedded SQLite file (`sqlite:…`, the default, nothing to start) or a
//! PostgreSQL server (`postgres://…` or `postgresql://…`, which several instances can share).
//! The URL may hold a password, so neither `Debug` nor any error shows it.

use std::fmt;
use std::str::FromStr;

use secrecy::{ExposeSecret, SecretString};
use sqlx::postgres::PgConnectOptions;
use sqlx::sqlite::SqliteConnectOptions;

use super::ConfigError;

/// The catalogue's database when `DATABASE_URL` is unset: an SQLite file, created on first run.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/aura-commerce.sqlite";

/// Which database engine a [`DatabaseUrl`] names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DatabaseKind {
    Sqlite,
    Postgres,
}

/// A database URL whose scheme is known and whose options parse.
#[derive(Clone)]
pub struct DatabaseUrl {
    kind: DatabaseKind,
    url: SecretString,
    /// What to call the database in messages: the SQLite file, or `host:port/database`.
    label: String,
}

impl DatabaseUrl {
    /// Checks the scheme and, for PostgreSQL, that host, port and options parse — so a typo is
    /// refused at start in one sentence, not on the first request.
    pub fn parse(url: &str) -> Result<Self, ConfigError> {
        let url = url.trim();
        let scheme = url.split(':').next().unwrap_or_default();
        match scheme {
            "sqlite" => {
                let options = SqliteConnectOptions::from_str(url)
                    .map_err(|_| ConfigError::DatabaseUrlMalformed { kind: "sqlite" })?;
                Ok(Self {
                    kind: DatabaseKind::Sqlite,
                    url: url.into(),
                    label: options.get_filename().display().to_string(),
                })
            }
            "postgres" | "postgresql" => {
                let options = PgConnectOptions::from_str(url)
                    .map_err(|_| ConfigError::DatabaseUrlMalformed { kind: "postgres" })?;
                Ok(Self {
                    kind: DatabaseKind::Postgres,
                    url: url.into(),
                    label: format!(
                        "{}:{}/{}",
                        options.get_host(),
                        options.get_port(),
                        options.get_database().unwrap_or("(the user's database)")
                    ),
                })
            }
            _ => Err(ConfigError::DatabaseUrl {
                scheme: scheme.to_owned(),
            }),
        }
    }

    /// The default SQLite file.
    pub fn default_sqlite() -> Self {
        Self::parse(DEFAULT_DATABASE_URL).expect("the default database URL parses")
    }

    pub fn kind(&self) -> DatabaseKind {
        self.kind
    }

    /// The whole URL, password included: only for connecting.
    pub fn expose(&self) -> &str {
        self.url.expose_secret()
    }

    /// The file, or `host:port/database`: safe to print.
    pub fn label(&self) -> &str {
        &self.label
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({:?} {})", self.kind, self.label)
    }
}

impl PartialEq for DatabaseUrl {
    fn eq(&self, other: &Self) -> bool {
        self.expose() == other.expose()
    }
}
