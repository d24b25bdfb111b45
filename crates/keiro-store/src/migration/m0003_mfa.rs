use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per ALTER: SQLite adds one column per statement.
        for col in [
            ColumnDef::new("mfa_secret").string().null().to_owned(),
            ColumnDef::new("mfa_pending_secret")
                .string()
                .null()
                .to_owned(),
            ColumnDef::new("mfa_enabled")
                .boolean()
                .not_null()
                .default(false)
                .to_owned(),
            ColumnDef::new("mfa_last_step")
                .big_integer()
                .null()
                .to_owned(),
        ] {
            m.alter_table(Table::alter().table("users").add_column(col).to_owned())
                .await?;
        }
        m.alter_table(
            Table::alter()
                .table("sessions")
                .add_column(
                    ColumnDef::new("mfa_pending")
                        .boolean()
                        .not_null()
                        .default(false),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("mfa_recovery_codes")
                .col(ColumnDef::new("id").string_len(36).not_null().primary_key())
                .col(ColumnDef::new("user_id").string_len(36).not_null())
                .col(
                    ColumnDef::new("code_hash")
                        .string_len(64)
                        .not_null()
                        .unique_key(),
                )
                .col(ColumnDef::new("used_at").timestamp_with_time_zone().null())
                .col(
                    ColumnDef::new("created_at")
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_mfa_codes_user")
                        .from("mfa_recovery_codes", "user_id")
                        .to("users", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(
            Table::drop()
                .table("mfa_recovery_codes")
                .if_exists()
                .to_owned(),
        )
        .await
    }
}
