//! Technical benefits' activation (issue 18, R-BEN-7): an allocation activated once, by whom and
//! when, with the access ID and contract ID every user of the partner then sees.

use sea_orm_migration::prelude::*;

use super::cols::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in [
            ts_null("activated_at"),
            ref_id_null("activated_by"),
            text_null("access_id"),
            text_null("contract_id"),
        ] {
            m.alter_table(
                Table::alter()
                    .table("benefit_allocations")
                    .add_column(col)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
