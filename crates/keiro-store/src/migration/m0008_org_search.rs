//! Substring search over customers' names and domains that stays fast at a million rows
//! (R-REL-10): a trigram index on each backend. SQLite: an FTS5 table with the trigram
//! tokenizer, kept in step with `organizations` by triggers. PostgreSQL: pg_trgm GIN indexes on
//! the lower-cased columns, used by the same `LOWER(col) LIKE '%…%'` the store already writes
//! (skipped, with the plain scan as fallback, where the extension is not available).

use sea_orm::{ConnectionTrait, DbBackend};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        match db.get_database_backend() {
            DbBackend::Sqlite => {
                for sql in [
                    "CREATE VIRTUAL TABLE org_search USING fts5(org_id UNINDEXED, legal_name, \
                     primary_domain, tokenize = 'trigram')",
                    "INSERT INTO org_search (org_id, legal_name, primary_domain) \
                     SELECT id, legal_name, primary_domain FROM organizations",
                    "CREATE TRIGGER org_search_insert AFTER INSERT ON organizations BEGIN \
                     INSERT INTO org_search (org_id, legal_name, primary_domain) \
                     VALUES (new.id, new.legal_name, new.primary_domain); END",
                    "CREATE TRIGGER org_search_update AFTER UPDATE OF legal_name, primary_domain \
                     ON organizations BEGIN \
                     UPDATE org_search SET legal_name = new.legal_name, \
                     primary_domain = new.primary_domain WHERE org_id = old.id; END",
                    "CREATE TRIGGER org_search_delete AFTER DELETE ON organizations BEGIN \
                     DELETE FROM org_search WHERE org_id = old.id; END",
                ] {
                    db.execute_unprepared(sql).await?;
                }
            }
            DbBackend::Postgres => {
                let available = db
                    .query_one_raw(sea_orm::Statement::from_string(
                        DbBackend::Postgres,
                        "SELECT 1 AS ok FROM pg_available_extensions WHERE name = 'pg_trgm'",
                    ))
                    .await?
                    .is_some();
                if available {
                    for sql in [
                        "CREATE EXTENSION IF NOT EXISTS pg_trgm",
                        "CREATE INDEX ix_orgs_name_trgm ON organizations \
                         USING gin (lower(legal_name) gin_trgm_ops)",
                        "CREATE INDEX ix_orgs_domain_trgm ON organizations \
                         USING gin (lower(primary_domain) gin_trgm_ops)",
                    ] {
                        db.execute_unprepared(sql).await?;
                    }
                }
            }
            other => return Err(DbErr::Migration(format!("unsupported backend {other:?}"))),
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        match db.get_database_backend() {
            DbBackend::Sqlite => {
                for sql in [
                    "DROP TRIGGER IF EXISTS org_search_insert",
                    "DROP TRIGGER IF EXISTS org_search_update",
                    "DROP TRIGGER IF EXISTS org_search_delete",
                    "DROP TABLE IF EXISTS org_search",
                ] {
                    db.execute_unprepared(sql).await?;
                }
            }
            _ => {
                db.execute_unprepared("DROP INDEX IF EXISTS ix_orgs_name_trgm")
                    .await?;
                db.execute_unprepared("DROP INDEX IF EXISTS ix_orgs_domain_trgm")
                    .await?;
            }
        }
        Ok(())
    }
}
