//! The Customers page at a million customers (issue 15). Each relationship carries its
//! customer's search form (`customer_relationships.search_text`), kept equal to
//! `organizations.search_text` by triggers on both backends, so the store never writes it. A
//! covering index holds a partner's relationships by state in id order with everything the
//! page reads of them: a search the trigram index cannot serve (fewer than three characters)
//! then walks that index alone, without a lookup of each relationship or customer it passes,
//! and stops at the page's end. It replaces m0007's (partner, state, id), whose prefix it is. PostgreSQL's trigram index keeps a short pending list, so a search
//! never rereads megabytes of unsorted entries between two vacuums.

use sea_orm::{ConnectionTrait, DbBackend, Statement};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("customer_relationships")
                .add_column(ColumnDef::new("search_text").text().not_null().default(""))
                .to_owned(),
        )
        .await?;
        let db = m.get_connection();
        let sqls: &[&str] = match db.get_database_backend() {
            DbBackend::Sqlite => &[
                "UPDATE customer_relationships SET search_text = \
                 (SELECT o.search_text FROM organizations o WHERE o.id = customer_org_id)",
                "CREATE TRIGGER relationship_search_insert AFTER INSERT \
                 ON customer_relationships BEGIN \
                 UPDATE customer_relationships SET search_text = \
                 (SELECT o.search_text FROM organizations o WHERE o.id = new.customer_org_id) \
                 WHERE id = new.id; END",
                "CREATE TRIGGER relationship_search_update AFTER UPDATE OF search_text \
                 ON organizations BEGIN \
                 UPDATE customer_relationships SET search_text = new.search_text \
                 WHERE customer_org_id = new.id; END",
                "CREATE INDEX ix_relationships_partner_page ON customer_relationships \
                 (partner_org_id, state, id, customer_org_id, created_at, search_text)",
                "DROP INDEX ix_relationships_partner_id",
            ],
            DbBackend::Postgres => &[
                "UPDATE customer_relationships r SET search_text = o.search_text \
                 FROM organizations o WHERE o.id = r.customer_org_id",
                "CREATE FUNCTION relationship_search_fill() RETURNS trigger LANGUAGE plpgsql AS $$ \
                 BEGIN NEW.search_text := COALESCE((SELECT o.search_text FROM organizations o \
                 WHERE o.id = NEW.customer_org_id), ''); RETURN NEW; END $$",
                "CREATE TRIGGER relationship_search_insert BEFORE INSERT \
                 ON customer_relationships FOR EACH ROW EXECUTE FUNCTION relationship_search_fill()",
                "CREATE FUNCTION relationship_search_follow() RETURNS trigger LANGUAGE plpgsql AS $$ \
                 BEGIN UPDATE customer_relationships SET search_text = NEW.search_text \
                 WHERE customer_org_id = NEW.id; RETURN NULL; END $$",
                "CREATE TRIGGER relationship_search_update AFTER UPDATE OF search_text \
                 ON organizations FOR EACH ROW WHEN (OLD.search_text IS DISTINCT FROM NEW.search_text) \
                 EXECUTE FUNCTION relationship_search_follow()",
                "CREATE INDEX ix_relationships_partner_page ON customer_relationships \
                 (partner_org_id, state, id) INCLUDE (customer_org_id, created_at, search_text)",
                "DROP INDEX ix_relationships_partner_id",
            ],
            other => return Err(DbErr::Migration(format!("unsupported backend {other:?}"))),
        };
        for sql in sqls {
            db.execute_unprepared(sql).await?;
        }
        if db.get_database_backend() == DbBackend::Postgres {
            let trgm = db
                .query_one_raw(Statement::from_string(
                    DbBackend::Postgres,
                    "SELECT 1 AS ok FROM pg_indexes WHERE indexname = 'ix_orgs_search_trgm'",
                ))
                .await?
                .is_some();
            if trgm {
                db.execute_unprepared(
                    "ALTER INDEX ix_orgs_search_trgm SET (gin_pending_list_limit = 256)",
                )
                .await?;
            }
        }
        Ok(())
    }
}
