//! The partner of record (ADR 0010, issue 16): a subscription names the subscription advisor
//! it was sold through, or that its customer chose, apart from its seller. Indexed for the
//! advisor's list of the subscriptions it is partner of record of.

use super::cols::{index, ref_id_null};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("subscriptions")
                .add_column(ref_id_null("partner_of_record_org_id"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ix_subscriptions_partner_of_record",
            "subscriptions",
            &["partner_of_record_org_id", "id"],
        ))
        .await
    }
}
