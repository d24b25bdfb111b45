//! How often an advisor's link was opened (issue 16 point 7): counted once per browser session
//! by the invitation page, shown on the advisor's overview.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("invitations")
                .add_column(
                    ColumnDef::new("open_count")
                        .big_integer()
                        .not_null()
                        .default(0),
                )
                .to_owned(),
        )
        .await
    }
}
