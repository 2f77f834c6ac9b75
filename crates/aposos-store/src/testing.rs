//! Helpers for tests that run against both engines (used by this crate's and the server's tests).

use crate::{Store, StoreError};

/// Variable naming the PostgreSQL server for tests (set by `scripts/with-postgres`).
pub const POSTGRES_URL_VAR: &str = "APOSOS_TEST_POSTGRES_URL";

/// The test PostgreSQL server's URL; panics with instructions when it is not set, so that
/// no PostgreSQL test is ever skipped silently.
pub fn postgres_admin_url() -> String {
    std::env::var(POSTGRES_URL_VAR).unwrap_or_else(|_| {
        panic!(
            "{POSTGRES_URL_VAR} is not set: the PostgreSQL tests need a server; \
             run them through ./scripts/test (or ./scripts/with-postgres cargo test)"
        )
    })
}

/// Creates a new, empty database on the test server and returns its URL.
pub async fn fresh_postgres_database() -> Result<String, StoreError> {
    let admin = postgres_admin_url();
    let name = format!("aposos_t{:x}", crate::ids::new_id());
    let store = Store::connect(&admin, 1).await?;
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(store.pool())
        .await?;
    store.close().await;
    let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
    Ok(format!("{base}/{name}"))
}

/// A new empty directory under the system's temporary directory.
pub fn fresh_dir(label: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("aposos-{label}-{:x}", crate::ids::new_id()));
    let _ = std::fs::create_dir_all(&dir);
    dir
}
