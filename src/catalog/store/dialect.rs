//! The SQL that differs between SQLite and PostgreSQL — all of it, here. Everything else the
//! store sends is the same text on both: `$n` placeholders (SQLite reads them too),
//! `RETURNING`, `INSERT … SELECT`, `ON CONFLICT DO NOTHING`, `LIKE … ESCAPE`.

/// The pieces of SQL one backend needs.
#[derive(Debug)]
pub struct Dialect {
    /// The current time, as the `updated_at` column stores it.
    pub now: &'static str,
    /// Case-insensitive pattern match (SQLite's `LIKE` already ignores ASCII case;
    /// PostgreSQL's does not).
    pub like: &'static str,
    /// The name order: case-insensitive, byte order after that, whatever the server's locale,
    /// so both backends page through names identically.
    pub name_order: &'static str,
    /// `product_changes.changed_at` as UTC text, e.g. `2026-11-27T11:20:05Z`.
    pub changed_at_text: &'static str,
    /// Bumps the catalogue's version inside an edit's transaction, where it is kept in the
    /// database (PostgreSQL, shared by every instance); `None` where this process holds it.
    pub bump_version: Option<&'static str>,
}

pub const SQLITE: Dialect = Dialect {
    now: "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')",
    like: "LIKE",
    name_order: "name COLLATE NOCASE",
    changed_at_text: "c.changed_at",
    bump_version: None,
};

pub const POSTGRES: Dialect = Dialect {
    now: "now()",
    like: "ILIKE",
    name_order: "lower(name) COLLATE \"C\"",
    changed_at_text: "to_char(c.changed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')",
    bump_version: Some("UPDATE catalog_version SET n = n + 1"),
};
