use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

use super::cols::*;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Partners move enrolling → approved | rejected; null for the operator and customers.
        m.alter_table(
            Table::alter()
                .table("organizations")
                .add_column(text_null("partner_status"))
                .to_owned(),
        )
        .await?;

        // R-ENR-2: the membership registry the operator keeps. The claim secret proves control
        // of a record; only its SHA-256 is stored.
        m.create_table(
            Table::create()
                .table("membership_records")
                .col(id("id"))
                .col(
                    ColumnDef::new("partner_id")
                        .string()
                        .not_null()
                        .unique_key(),
                )
                .col(text("organization_name"))
                .col(text("country"))
                .col(text("level"))
                .col(text("status"))
                .col(ColumnDef::new("expires_on").date().null())
                .col(text("claim_secret_hash"))
                .col(ColumnDef::new("claimed_by_org_id").string_len(36).null())
                .col(ColumnDef::new("version").big_integer().not_null())
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("enrollments")
                .col(id("id"))
                .col(ColumnDef::new("org_id").string_len(36).not_null())
                .col(
                    ColumnDef::new("applicant_user_id")
                        .string_len(36)
                        .not_null(),
                )
                .col(text("program_role"))
                .col(text("state"))
                .col(ColumnDef::new("membership_record_id").string_len(36).null())
                .col(text("primary_contact_name"))
                .col(text("primary_contact_email"))
                .col(text("primary_contact_phone"))
                .col(text("support_email"))
                .col(text("support_phone"))
                .col(text("support_website"))
                .col(ts_null("contact_verified_at"))
                .col(ts_null("submitted_at"))
                .col(ColumnDef::new("review_note").text().not_null())
                .col(ColumnDef::new("decided_by").string_len(36).null())
                .col(ts_null("decided_at"))
                .col(ColumnDef::new("version").big_integer().not_null())
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_enrollments_org")
                        .from("enrollments", "org_id")
                        .to("organizations", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_enrollments_org")
                .table("enrollments")
                .col("org_id")
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_enrollments_state")
                .table("enrollments")
                .col("state")
                .col("id")
                .to_owned(),
        )
        .await?;

        // Single-purpose, single-use email verification links (stored hashed).
        m.create_table(
            Table::create()
                .table("email_verifications")
                .col(id("id"))
                .col(
                    ColumnDef::new("token_hash")
                        .string_len(64)
                        .not_null()
                        .unique_key(),
                )
                .col(text("purpose"))
                .col(ColumnDef::new("subject_id").string_len(36).not_null())
                .col(text("email"))
                .col(ts("expires_at"))
                .col(ts_null("used_at"))
                .col(ts("created_at"))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["email_verifications", "enrollments", "membership_records"] {
            m.drop_table(Table::drop().table(t).if_exists().to_owned())
                .await?;
        }
        m.alter_table(
            Table::alter()
                .table("organizations")
                .drop_column("partner_status")
                .to_owned(),
        )
        .await
    }
}
