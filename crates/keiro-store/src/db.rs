//! The connection handle. SQLite: WAL, foreign keys, busy timeout, ONE writer connection and a
//! pool of readers; write transactions begin IMMEDIATE so two writers queue instead of failing
//! on a lock upgrade. PostgreSQL: one pool for both.

use crate::{StoreError, migration::Migrator};
use sea_orm::sqlx::{
    self,
    postgres::{PgConnectOptions, PgPoolOptions},
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, SqlxPostgresConnector,
    SqlxSqliteConnector, TransactionOptions, TransactionTrait,
};
use sea_orm_migration::MigratorTrait;
use std::{str::FromStr, time::Duration};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, Clone)]
pub struct DbOptions {
    pub url: String,
    /// Readers for SQLite, connections for PostgreSQL.
    pub pool_size: u32,
    pub connect_timeout: Duration,
}

impl DbOptions {
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            pool_size: 8,
            connect_timeout: Duration::from_secs(5),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Db {
    writer: DatabaseConnection,
    reader: DatabaseConnection,
    backend: Backend,
}

impl Db {
    pub async fn connect(opts: &DbOptions) -> Result<Db, StoreError> {
        let url = opts.url.as_str();
        if url.starts_with("sqlite:") {
            let base = SqliteConnectOptions::from_str(url)
                .map_err(|e| StoreError::Unavailable(format!("bad SQLite URL: {e}")))?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10));
            let writer = SqlitePoolOptions::new()
                .max_connections(1)
                .acquire_timeout(Duration::from_secs(30))
                .connect_with(base.clone())
                .await
                .map_err(sqlite_open_error)?;
            let reader = SqlitePoolOptions::new()
                .max_connections(opts.pool_size.max(1))
                .acquire_timeout(Duration::from_secs(30))
                .connect_with(base)
                .await
                .map_err(sqlite_open_error)?;
            Ok(Db {
                writer: SqlxSqliteConnector::from_sqlx_sqlite_pool(writer),
                reader: SqlxSqliteConnector::from_sqlx_sqlite_pool(reader),
                backend: Backend::Sqlite,
            })
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let o = PgConnectOptions::from_str(url)
                .map_err(|e| StoreError::Unavailable(format!("bad PostgreSQL URL: {e}")))?;
            let pool = PgPoolOptions::new()
                .max_connections(opts.pool_size.max(2))
                .acquire_timeout(opts.connect_timeout)
                .connect_with(o)
                .await
                .map_err(|e| StoreError::Unavailable(e.to_string()))?;
            let conn = SqlxPostgresConnector::from_sqlx_postgres_pool(pool);
            Ok(Db {
                writer: conn.clone(),
                reader: conn,
                backend: Backend::Postgres,
            })
        } else {
            Err(StoreError::Unavailable(format!(
                "unsupported database URL {:?}: use sqlite://PATH or postgres://…",
                redact(url)
            )))
        }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Connection for reads outside a write transaction.
    pub fn reader(&self) -> &DatabaseConnection {
        &self.reader
    }

    /// Starts a write transaction (IMMEDIATE on SQLite).
    pub async fn begin(&self) -> Result<DatabaseTransaction, StoreError> {
        let opts = TransactionOptions {
            sqlite_transaction_mode: (self.backend == Backend::Sqlite)
                .then_some(sea_orm::SqliteTransactionMode::Immediate),
            ..Default::default()
        };
        Ok(self.writer.begin_with_options(opts).await?)
    }

    /// Applies pending migrations, refusing a schema newer than this binary.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        self.check_not_newer().await?;
        match self.backend {
            Backend::Postgres => {
                // Two nodes starting at once must not both migrate. A transaction-scoped
                // advisory lock is released by COMMIT on the very connection that took it
                // (a session lock on a pooled connection could outlive this call), and
                // PostgreSQL's DDL is transactional, so a failed migration leaves nothing.
                let tx = self.writer.begin().await?;
                tx.execute_unprepared("SELECT pg_advisory_xact_lock(7417001)")
                    .await?;
                Migrator::up(&tx, None).await?;
                tx.commit().await?;
            }
            Backend::Sqlite => Migrator::up(&self.writer, None).await?,
        }
        Ok(())
    }

    /// Fails unless every migration this binary knows is applied and none unknown is.
    pub async fn check_schema(&self) -> Result<(), StoreError> {
        self.check_not_newer().await?;
        let pending = Migrator::get_pending_migrations(&self.writer).await?;
        if pending.is_empty() {
            Ok(())
        } else {
            Err(StoreError::SchemaOutdated)
        }
    }

    async fn check_not_newer(&self) -> Result<(), StoreError> {
        let known: Vec<String> = Migrator::migrations()
            .iter()
            .map(|m| m.name().to_string())
            .collect();
        let exists = match self.backend {
            Backend::Sqlite => {
                self.writer
                    .query_one_raw(sea_orm::Statement::from_string(
                        sea_orm::DbBackend::Sqlite,
                        "SELECT 1 AS x FROM sqlite_master WHERE type='table' AND name='seaql_migrations'",
                    ))
                    .await?
            }
            Backend::Postgres => {
                self.writer
                    .query_one_raw(sea_orm::Statement::from_string(
                        sea_orm::DbBackend::Postgres,
                        "SELECT 1 AS x FROM information_schema.tables WHERE table_schema = current_schema() AND table_name='seaql_migrations'",
                    ))
                    .await?
            }
        };
        if exists.is_none() {
            return Ok(());
        }
        let rows = self
            .writer
            .query_all_raw(sea_orm::Statement::from_string(
                self.writer.get_database_backend(),
                "SELECT version FROM seaql_migrations",
            ))
            .await?;
        let unknown: Vec<String> = rows
            .iter()
            .filter_map(|r| r.try_get::<String>("", "version").ok())
            .filter(|v| !known.contains(v))
            .collect();
        if unknown.is_empty() {
            Ok(())
        } else {
            Err(StoreError::SchemaTooNew(unknown.join(", ")))
        }
    }

    /// A cheap liveness probe for `/healthz`.
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.reader.execute_unprepared("SELECT 1").await?;
        Ok(())
    }

    pub async fn close(self) {
        let _ = self.writer.close().await;
        if self.backend == Backend::Sqlite {
            let _ = self.reader.close().await;
        }
    }
}

fn sqlite_open_error(e: sqlx::Error) -> StoreError {
    let text = e.to_string();
    if text.to_lowercase().contains("readonly") || text.to_lowercase().contains("read-only") {
        StoreError::ReadOnly(text)
    } else {
        StoreError::Unavailable(text)
    }
}

/// Hides a password in a database URL before it is shown or logged.
pub fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => url.to_string(),
    }
}
