//! The newsgraph store: every record of every ingested article in one SQLite
//! file, with provenance, near-duplicate stories and full-text search.
//!
//! - [`Store::open`] creates or upgrades a file (WAL mode; the schema is a
//!   list of numbered forward migrations, see [`schema`]).
//! - [`PreparedDoc::new`] turns a processed [`newsgraph_core::Document`] into
//!   rows on a worker thread; [`Store::write`] writes a batch of inputs in
//!   one transaction. The same text is stored once (its id is a content
//!   hash); a document re-processed by other stage versions has its records
//!   replaced; near-duplicates are linked to one story ([`dedup`]).
//! - [`query`] lists, searches and counts; [`export`] writes one JSONL,
//!   CSV or Parquet file per table.
//!
//! Entities, their mentions and quotes (schema version 3) are stored per
//! document like sentences; quotes also carry a duplicate key so that a
//! statement repeated across the near-duplicate articles of one story is
//! listed once with all its evidence ([`query::QuoteFilter`]).
//!
//! Schema rules for later record types (events, times, amounts, places,
//! …): each is a new migration with its own table keyed by
//! `(doc, idx)` → `documents(id) ON DELETE CASCADE`, byte spans as
//! `start`/`end` (char and source offsets and the words are derived from the
//! document when reading, see [`query`]), and the producing stage's
//! `version`, NULL when it is the stage's version in the document's stage
//! set; [`Store::write`] deletes and re-inserts them with the document's
//! other records.
#![cfg_attr(not(test), warn(clippy::unwrap_used))]

pub mod codec;
pub mod dedup;
pub mod export;
pub mod parquet_sink;
mod prepare;
pub mod query;
mod records;
pub mod schema;
mod write;

pub use prepare::{
    entity_type_name, mention_kind_name, normalise, quote_key, quote_kind_name, stages_json,
    Offsets, PreparedDoc, QuoteRow,
};
pub use schema::SCHEMA_VERSION;
pub use write::{InputFile, InputItem, RunCounts, RunInfo, WriteStats};

use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};

/// Errors of the store. Each renders as one line.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path}: cannot open store: {reason}")]
    Open { path: String, reason: String },
    #[error("store schema version {found} is newer than this build supports ({supported}); upgrade newsgraph")]
    NewerSchema { found: u32, supported: u32 },
    #[error("store schema version {found} is older than {supported}; run `newsgraph ingest` once to upgrade it")]
    OlderSchema { found: u32, supported: u32 },
    #[error("migration to schema version {version} failed: {reason}")]
    Migration { version: u32, reason: String },
    #[error("bad search query: {0}")]
    BadQuery(String),
    #[error("corrupt record in store: {0}")]
    Corrupt(String),
    #[error("store: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("{path}: {reason}")]
    Io { path: String, reason: String },
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// An open store.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// The schema version of the open file (writers opened at an older
    /// version by tests leave later tables alone).
    version: u32,
}

fn open_err(path: &Path, e: impl std::fmt::Display) -> StoreError {
    StoreError::Open {
        path: path.display().to_string(),
        reason: e.to_string(),
    }
}

impl Store {
    /// Opens `path` for writing, creating it if needed and applying any
    /// missing migrations.
    pub fn open(path: impl AsRef<Path>) -> Result<Store> {
        Store::open_at_version(path, SCHEMA_VERSION)
    }

    /// Opens `path` for writing, migrating only up to `version` (tests use
    /// this to make files of an older schema).
    pub fn open_at_version(path: impl AsRef<Path>, version: u32) -> Result<Store> {
        let path = path.as_ref();
        let mut conn = Connection::open(path).map_err(|e| open_err(path, e))?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        // Larger pages waste less space around article-sized rows; this only
        // takes effect on a new file, and must come before WAL mode.
        conn.execute_batch("PRAGMA page_size = 16384")?;
        let mode: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .map_err(|e| open_err(path, e))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(open_err(path, format!("cannot use WAL mode ({mode})")));
        }
        conn.execute_batch(
            "PRAGMA synchronous = NORMAL;
             PRAGMA foreign_keys = ON;
             PRAGMA cache_size = -65536;
             PRAGMA temp_store = MEMORY;",
        )?;
        schema::migrate_to(&mut conn, version.min(SCHEMA_VERSION))?;
        let version = schema::version(&conn)?;
        Ok(Store {
            conn,
            path: path.to_path_buf(),
            version,
        })
    }

    /// Opens an existing store read-only (queries, exports, the server).
    pub fn open_read_only(path: impl AsRef<Path>) -> Result<Store> {
        let path = path.as_ref();
        if !path.exists() {
            return Err(open_err(
                path,
                "no such file (create it with `newsgraph ingest`)",
            ));
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| open_err(path, e))?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        // Readers map the file instead of copying pages through read(2) into
        // each connection's own cache: a server's connections then share the
        // operating system's copy, and a query that visits thousands of rows
        // (a speaker's quotes) makes no system call per page. Address space
        // only; what is resident is what the queries touch.
        conn.execute_batch("PRAGMA mmap_size = 1073741824;")?;
        // Every filter combination of the lists is one statement; keep them all.
        conn.set_prepared_statement_cache_capacity(64);
        let found = schema::version(&conn).map_err(|e| open_err(path, e))?;
        if found > SCHEMA_VERSION {
            return Err(StoreError::NewerSchema {
                found,
                supported: SCHEMA_VERSION,
            });
        }
        if found < SCHEMA_VERSION {
            return Err(StoreError::OlderSchema {
                found,
                supported: SCHEMA_VERSION,
            });
        }
        Ok(Store {
            conn,
            path: path.to_path_buf(),
            version: found,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The underlying connection, for ad-hoc SQL (tests, tools).
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// The schema version of the open file.
    pub fn schema_version(&self) -> Result<u32> {
        schema::version(&self.conn)
    }

    /// `PRAGMA integrity_check` plus FTS5's own check; `"ok"` when sound.
    pub fn integrity_check(&self) -> Result<String> {
        let mut stmt = self.conn.prepare("PRAGMA integrity_check")?;
        let lines: Vec<String> = stmt
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let report = lines.join("\n");
        if report != "ok" {
            return Ok(report);
        }
        let mut indexes = vec!["documents_fts"];
        if self.version >= 3 {
            indexes.push("quotes_fts");
        }
        for fts in indexes {
            let sql = format!("INSERT INTO {fts}({fts}, rank) VALUES ('integrity-check', 1)");
            if let Err(e) = self.conn.execute(&sql, []) {
                // Read-only connections cannot run the FTS check; that is fine.
                if !matches!(e, rusqlite::Error::SqliteFailure(ref f, _)
                    if f.code == rusqlite::ErrorCode::ReadOnly)
                {
                    return Ok(format!("full-text index {fts}: {e}"));
                }
            }
        }
        Ok(report)
    }

    /// Number of rows in a table of this store (tests and summaries).
    pub fn count(&self, table: &str) -> Result<u64> {
        // Table names come from callers in this code base, never from users;
        // still, only plain identifiers are accepted.
        if !table.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(StoreError::BadQuery(format!("not a table name: {table}")));
        }
        let n: i64 = self
            .conn
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?;
        Ok(n as u64)
    }
}

/// Current UTC time as RFC 3339 (`2024-05-01T12:00:00Z`), for run records.
pub fn now_rfc3339() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil from days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn rfc3339_has_the_right_shape() {
        let s = super::now_rfc3339();
        assert_eq!(s.len(), 20, "{s}");
        assert!(s.starts_with("20") && s.ends_with('Z'), "{s}");
    }
}
