//! Rate counters shared by every node (ADR 0002): sign-in, MFA and API limits hold across
//! nodes and restarts. One row per counted key (a SHA-256 of it: keys hold addresses and
//! email addresses); a row matters until `expires_at`, then housekeeping deletes it. Times are
//! Unix milliseconds, so both backends compare plain integers.

use sea_orm_migration::prelude::*;

use super::cols::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("rate_counters")
                .col(
                    ColumnDef::new("key")
                        .string_len(64)
                        .not_null()
                        .primary_key(),
                )
                .col(big("window_start"))
                .col(big("count"))
                .col(big("next_at"))
                .col(big("expires_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ix_rate_counters_expires_at",
            "rate_counters",
            &["expires_at"],
        ))
        .await
    }
}
