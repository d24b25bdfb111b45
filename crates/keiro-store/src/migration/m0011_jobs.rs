//! Background jobs (ADR 0008): a job row holds what a user started (its kind, the uploaded
//! file), which node runs it until when (`lease_until`, Unix milliseconds, so both backends
//! compare plain integers), its progress and its outcome; `job_lines` holds its per-row report.
//! Any node claims a job with a guarded update and any node shows it.

use sea_orm_migration::prelude::*;

use super::cols::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("jobs")
                .col(id("id"))
                .col(text("kind"))
                .col(ref_id("org_id"))
                .col(ref_id("user_id"))
                .col(text("state"))
                .col(ColumnDef::new("input").text().not_null())
                .col(big("attempts"))
                .col(text_null("claimed_by"))
                .col(big("lease_until"))
                .col(big("done_count"))
                .col(big("total_count"))
                .col(ColumnDef::new("summary").text().null())
                .col(ColumnDef::new("secrets").text().null())
                .col(text_null("error_code"))
                .col(text_null("error_message"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .col(ts_null("finished_at"))
                .foreign_key(&mut fk("jobs", "user_id", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_jobs_state", "jobs", &["state", "lease_until"]))
            .await?;
        m.create_table(
            Table::create()
                .table("job_lines")
                .col(ref_id("job_id"))
                .col(big("seq"))
                .col(big("line"))
                .col(text("field"))
                .col(text("code"))
                .col(ColumnDef::new("message").text().not_null())
                .primary_key(Index::create().col("job_id").col("seq"))
                .foreign_key(&mut fk("job_lines", "job_id", "jobs"))
                .to_owned(),
        )
        .await
    }
}
