//! Service requests (R-CUS-1): a customer's support cases and their notes.

use sea_orm_migration::prelude::*;

use super::cols::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("service_requests")
                .col(id("id"))
                .col(ref_id("customer_org_id"))
                .col(ref_id("opened_by_org"))
                .col(ref_id_null("opened_by_user"))
                .col(text("title"))
                .col(text("description"))
                .col(text("severity"))
                .col(text("status"))
                .col(
                    ColumnDef::new("version")
                        .big_integer()
                        .not_null()
                        .default(1),
                )
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk(
                    "service_requests",
                    "customer_org_id",
                    "organizations",
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ix_service_requests_customer",
            "service_requests",
            &["customer_org_id", "id"],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("service_request_notes")
                .col(id("id"))
                .col(ref_id("request_id"))
                .col(ref_id("author_org_id"))
                .col(ref_id_null("author_user_id"))
                .col(text("author_name"))
                .col(text("body"))
                .col(ts("created_at"))
                .foreign_key(&mut fk(
                    "service_request_notes",
                    "request_id",
                    "service_requests",
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ix_service_request_notes",
            "service_request_notes",
            &["request_id", "id"],
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["service_request_notes", "service_requests"] {
            m.drop_table(Table::drop().table(t).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}
