//! Errors of the store.

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The configuration (URL, path) is unusable.
    #[error("configuration: {0}")]
    Config(String),
    /// The database could not be reached.
    #[error("cannot connect to the database {0}")]
    Connect(String),
    /// A migration failed.
    #[error("migration failed: {0}")]
    Migrate(String),
    /// A named thing does not exist.
    #[error("{0} not found")]
    NotFound(String),
    /// A unique name or key is already taken.
    #[error("{0} already exists")]
    Conflict(String),
    /// An argument is not acceptable (unknown role, bad sharing level…).
    #[error("{0}")]
    Invalid(String),
    /// A stored value cannot be read back (schema drift or corruption).
    #[error("stored data unreadable: {0}")]
    Corrupt(String),
    /// The database answered with an error.
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
}

impl StoreError {
    /// The database's SQLSTATE code, when it refused a statement.
    pub fn sqlstate(&self) -> Option<String> {
        match self {
            StoreError::Database(sqlx::Error::Database(db)) => db.code().map(|c| c.to_string()),
            _ => None,
        }
    }

    /// True when the database refused text it cannot store (PostgreSQL's NUL byte, 22021).
    pub fn is_unstorable_text(&self) -> bool {
        matches!(self.sqlstate().as_deref(), Some("22021" | "22P05"))
    }

    /// True when the transaction lost a race (deadlock, serialisation) and may simply be retried.
    pub fn is_retryable(&self) -> bool {
        matches!(self.sqlstate().as_deref(), Some("40P01" | "40001"))
            || matches!(self, StoreError::Database(sqlx::Error::PoolTimedOut))
    }

    /// True when the database refused a statement for a unique constraint.
    pub fn is_unique_violation(&self) -> bool {
        match self {
            StoreError::Database(sqlx::Error::Database(db)) => db.is_unique_violation(),
            StoreError::Conflict(_) => true,
            _ => false,
        }
    }
}
