//! Persistence of the APOSOS platform: organisations, users and API tokens, the
//! catalog (SATCAT metadata and every element set with its owner and sharing
//! level), the network's sites, the member states' tracking requests, the published
//! nightly plans, and the audit log.
//!
//! One schema and one set of migrations (`migrations/`) serve the embedded
//! SQLite default and PostgreSQL, through `sqlx`'s `Any` driver; every
//! statement is written in the SQL both accept. Several server processes can
//! share one PostgreSQL database: nothing here keeps state between calls
//! except the connection pool (and, on SQLite, a lock that serialises this
//! process's write transactions, since SQLite has one writer at a time).

pub mod audit;
pub mod catalog;
pub mod error;
pub mod ids;
pub mod model;
pub mod observations;
pub mod orgs;
pub mod plans;
pub mod requests;
pub mod seed;
pub mod sites;
pub mod testing;

pub use error::StoreError;
pub use model::*;

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Executor};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// Which database engine a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite file (WAL journal, `synchronous=FULL`).
    Sqlite,
    /// PostgreSQL server.
    Postgres,
}

/// A handle on the platform database (cheap to clone).
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    write_lock: Arc<tokio::sync::Mutex<()>>,
}

/// File name of the embedded database inside the data directory.
pub const SQLITE_FILE: &str = "aposos.sqlite3";

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

impl Store {
    /// Connects to `url` (`sqlite://PATH?mode=rwc` or `postgres://…`) with at most `max_connections`.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Self, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            return Err(StoreError::Config(format!(
                "database URL must start with sqlite: or postgres:, found {:?}",
                url.split(':').next().unwrap_or("")
            )));
        };
        let pool = AnyPoolOptions::new()
            .max_connections(max_connections.max(1))
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // Durability: an acknowledged commit is on disk (WAL + FULL sync).
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA synchronous = FULL").await?;
                        conn.execute("PRAGMA busy_timeout = 10000").await?;
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                        // 64 MiB of page cache: bulk ingests stay in memory until the commit.
                        conn.execute("PRAGMA cache_size = -65536").await?;
                    }
                    Ok(())
                })
            })
            .connect(url)
            .await
            .map_err(|e| StoreError::Connect(format!("{}: {e}", redact_url(url))))?;
        Ok(Self {
            pool,
            backend,
            write_lock: Arc::new(tokio::sync::Mutex::new(())),
        })
    }

    /// Opens (creating when absent) the embedded SQLite database in `data_dir`.
    pub async fn open_sqlite_dir(data_dir: &Path) -> Result<Self, StoreError> {
        std::fs::create_dir_all(data_dir).map_err(|e| {
            StoreError::Config(format!("cannot create {}: {e}", data_dir.display()))
        })?;
        let path = data_dir.join(SQLITE_FILE);
        let url = format!("sqlite://{}?mode=rwc", path.display());
        Self::connect(&url, 8).await
    }

    /// Applies every migration not yet applied (safe to call from several processes at once).
    pub async fn migrate(&self) -> Result<(), StoreError> {
        MIGRATOR
            .run(&self.pool)
            .await
            .map_err(|e| StoreError::Migrate(e.to_string()))
    }

    /// The engine this store runs on.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The connection pool (for metrics: size and idle connections).
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Checks that the database answers a trivial query.
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Closes the pool, waiting for connections in use to be returned.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// The `i`-th (1-based, in order) bind placeholder of a generated statement: `$i` on
    /// PostgreSQL, `?` on SQLite, whose named-parameter lookup is linear per parameter
    /// (a 10,000-parameter insert spent most of its time there).
    pub(crate) fn placeholder(&self, i: usize) -> String {
        match self.backend {
            Backend::Sqlite => "?".to_string(),
            Backend::Postgres => format!("${i}"),
        }
    }

    /// Serialises write transactions of this process on SQLite (one writer at a time); none on PostgreSQL.
    pub(crate) async fn write_guard(&self) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        match self.backend {
            Backend::Sqlite => Some(self.write_lock.lock().await),
            Backend::Postgres => None,
        }
    }
}

/// A database URL with its password replaced by `***`, for messages.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &creds[..c], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// `$first, $first+1, …` placeholders for `n` values (for `IN (…)` lists and multi-row inserts).
pub(crate) fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Reads a column, naming it in the error.
pub(crate) fn col<'r, T>(row: &'r AnyRow, name: &str) -> Result<T, StoreError>
where
    T: sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any>,
{
    use sqlx::Row;
    row.try_get(name)
        .map_err(|e| StoreError::Corrupt(format!("column {name}: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_password_only() {
        assert_eq!(
            redact_url("postgres://u:secret@127.0.0.1:5432/db"),
            "postgres://u:***@127.0.0.1:5432/db"
        );
        assert_eq!(redact_url("sqlite://x.db"), "sqlite://x.db");
    }

    #[test]
    fn placeholders_are_numbered_from_first() {
        assert_eq!(placeholders(3, 3), "$3, $4, $5");
        assert_eq!(placeholders(1, 0), "");
    }
}
