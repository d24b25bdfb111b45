//! Search that finds what people type (issue 14): every searched table gets `search_text`, the
//! search form (`keiro_domain::text::search_text`: NFKC, lower case) of its searched fields.
//! The store writes it with the row, and each search compares the query's search form with it.
//! So ｺﾝﾄｿ finds 株式会社コントソ on both backends. Existing rows are filled in here. The
//! customer search index follows: SQLite's trigram table `org_search` and PostgreSQL's trigram
//! index now cover `search_text`.

use keiro_domain::text::search_text;
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Each searched table and its searched columns, in the order `repo` joins them.
const TABLES: [(&str, &[&str]); 5] = [
    (
        "organizations",
        &["legal_name", "primary_domain", "partner_id"],
    ),
    ("users", &["full_name", "email"]),
    ("membership_records", &["organization_name", "partner_id"]),
    ("products", &["code", "name_en", "name_ja"]),
    ("offers", &["sku", "name_en", "name_ja"]),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        let backend = db.get_database_backend();
        for (table, cols) in TABLES {
            m.alter_table(
                Table::alter()
                    .table(table)
                    .add_column(ColumnDef::new("search_text").text().not_null().default(""))
                    .to_owned(),
            )
            .await?;
            let select = Query::select()
                .column("id")
                .columns(cols.iter().copied())
                .from(table)
                .to_owned();
            for row in db.query_all_raw(backend.build(&select)).await? {
                let id: String = row.try_get("", "id")?;
                let mut values = Vec::new();
                for c in cols {
                    values.push(row.try_get::<Option<String>>("", c)?.unwrap_or_default());
                }
                let refs: Vec<&str> = values.iter().map(String::as_str).collect();
                let update = Query::update()
                    .table(table)
                    .value("search_text", search_text(&refs))
                    .and_where(Expr::col("id").eq(id))
                    .to_owned();
                m.exec_stmt(update).await?;
            }
        }
        match backend {
            DbBackend::Sqlite => {
                for sql in [
                    "DROP TRIGGER IF EXISTS org_search_insert",
                    "DROP TRIGGER IF EXISTS org_search_update",
                    "DROP TRIGGER IF EXISTS org_search_delete",
                    "DROP TABLE IF EXISTS org_search",
                    "CREATE VIRTUAL TABLE org_search USING fts5(org_id UNINDEXED, search_text, \
                     tokenize = 'trigram')",
                    "INSERT INTO org_search (org_id, search_text) \
                     SELECT id, search_text FROM organizations",
                    "CREATE TRIGGER org_search_insert AFTER INSERT ON organizations BEGIN \
                     INSERT INTO org_search (org_id, search_text) \
                     VALUES (new.id, new.search_text); END",
                    "CREATE TRIGGER org_search_update AFTER UPDATE OF search_text \
                     ON organizations BEGIN \
                     UPDATE org_search SET search_text = new.search_text \
                     WHERE org_id = old.id; END",
                    "CREATE TRIGGER org_search_delete AFTER DELETE ON organizations BEGIN \
                     DELETE FROM org_search WHERE org_id = old.id; END",
                ] {
                    db.execute_unprepared(sql).await?;
                }
            }
            DbBackend::Postgres => {
                let trgm = db
                    .query_one_raw(Statement::from_string(
                        DbBackend::Postgres,
                        "SELECT 1 AS ok FROM pg_extension WHERE extname = 'pg_trgm'",
                    ))
                    .await?
                    .is_some();
                if trgm {
                    for sql in [
                        "DROP INDEX IF EXISTS ix_orgs_name_trgm",
                        "DROP INDEX IF EXISTS ix_orgs_domain_trgm",
                        "CREATE INDEX ix_orgs_search_trgm ON organizations \
                         USING gin (search_text gin_trgm_ops)",
                    ] {
                        db.execute_unprepared(sql).await?;
                    }
                }
            }
            other => return Err(DbErr::Migration(format!("unsupported backend {other:?}"))),
        }
        Ok(())
    }
}
