use sea_orm::{DbErr, SqlErr};

/// What can go wrong in storage, classified so that callers can answer precisely (409 for a
/// uniqueness clash, a clear start-up message for an unreachable or read-only database).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the database cannot be reached: {0}")]
    Unavailable(String),
    #[error("the database is read-only: {0}")]
    ReadOnly(String),
    #[error(
        "the database schema is newer than this binary (it has migrations this version does not know: {0}); run a newer keiro"
    )]
    SchemaTooNew(String),
    #[error("the database schema is not up to date; run `keiro migrate`")]
    SchemaOutdated,
    #[error("a row with the same {0} already exists")]
    Duplicate(String),
    #[error("the row was changed by someone else")]
    Stale,
    #[error("database error: {0}")]
    Db(DbErr),
}

impl From<DbErr> for StoreError {
    fn from(e: DbErr) -> Self {
        if let Some(SqlErr::UniqueConstraintViolation(m)) = e.sql_err() {
            return StoreError::Duplicate(m);
        }
        let text = e.to_string();
        let lower = text.to_lowercase();
        if lower.contains("readonly") || lower.contains("read-only") || lower.contains("read only")
        {
            return StoreError::ReadOnly(text);
        }
        if matches!(e, DbErr::Conn(_) | DbErr::ConnectionAcquire(_)) {
            return StoreError::Unavailable(text);
        }
        StoreError::Db(e)
    }
}

impl StoreError {
    /// True if the error is a uniqueness clash on a constraint whose name or message mentions `what`.
    pub fn is_duplicate_of(&self, what: &str) -> bool {
        matches!(self, StoreError::Duplicate(m) if m.contains(what))
    }
}
