//! Each user's time zone (issue 14): an IANA name the user chose, or none (then Asia/Tokyo for
//! Japanese readers, else the deployment's zone; `keiro_domain::display::Zone::for_reader`).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("users")
                .add_column(ColumnDef::new("time_zone").string().null())
                .to_owned(),
        )
        .await
    }
}
