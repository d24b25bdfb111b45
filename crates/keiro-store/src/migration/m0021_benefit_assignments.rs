//! Benefits per kind (issue 18, ADR 0011 part 2): who holds a credit or a Visual Studio
//! subscription (`benefit_assignments`: one active holder per unit, one active unit per user
//! and allocation), the partner's marketing contact (`benefit_marketing_contacts`, one per
//! partner), a go-to-market offer's confirmation by operator staff, and what technical support
//! and advisory requests carry (topic, the access and contract IDs, the hours an answer used).
//! Several support requests of one package may be open at once: the one-open-request index now
//! holds for cancellations only.

use sea_orm_migration::prelude::*;

use super::cols::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("benefit_assignments")
                .col(id("id"))
                .col(ref_id("org_id"))
                .col(ref_id("allocation_id"))
                .col(text("kind"))
                .col(big("slot"))
                .col(ref_id("user_id"))
                .col(text("state"))
                .col(ref_id_null("assigned_by"))
                .col(ts("assigned_at"))
                .col(ref_id_null("ended_by"))
                .col(ts_null("ended_at"))
                .col(text_null("end_reason"))
                .col(big("version"))
                .foreign_key(&mut fk("benefit_assignments", "org_id", "organizations"))
                .foreign_key(&mut fk(
                    "benefit_assignments",
                    "allocation_id",
                    "benefit_allocations",
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            index(
                "ix_benefit_assignments_org",
                "benefit_assignments",
                &["org_id", "user_id", "state"],
            )
            .to_owned(),
        )
        .await?;
        m.create_index(
            index(
                "ix_benefit_assignments_allocation",
                "benefit_assignments",
                &["allocation_id", "id"],
            )
            .to_owned(),
        )
        .await?;
        let c = m.get_connection();
        for sql in [
            "CREATE UNIQUE INDEX ux_benefit_assignments_slot ON benefit_assignments \
             (allocation_id, slot) WHERE state = 'active'",
            "CREATE UNIQUE INDEX ux_benefit_assignments_user ON benefit_assignments \
             (allocation_id, user_id) WHERE state = 'active'",
            "DROP INDEX ux_benefit_requests_open",
            "CREATE UNIQUE INDEX ux_benefit_requests_open ON benefit_requests \
             (package_id, kind) WHERE state = 'open' AND kind = 'cancellation'",
        ] {
            c.execute_unprepared(sql).await?;
        }
        m.create_table(
            Table::create()
                .table("benefit_marketing_contacts")
                .col(id("id"))
                .col(ref_id("org_id"))
                .col(ref_id("user_id"))
                .col(text("email"))
                .col(text("phone"))
                .col(text("language"))
                .col(ref_id_null("updated_by"))
                .col(ts("updated_at"))
                .col(big("version"))
                .foreign_key(&mut fk(
                    "benefit_marketing_contacts",
                    "org_id",
                    "organizations",
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            index(
                "ux_benefit_marketing_contacts_org",
                "benefit_marketing_contacts",
                &["org_id"],
            )
            .unique()
            .to_owned(),
        )
        .await?;
        for col in [ts_null("confirmed_at"), ref_id_null("confirmed_by")] {
            m.alter_table(
                Table::alter()
                    .table("benefit_allocations")
                    .add_column(col)
                    .to_owned(),
            )
            .await?;
        }
        for col in [
            text_null("topic"),
            text_null("access_id"),
            text_null("contract_id"),
            ColumnDef::new("hours_used").big_integer().null().to_owned(),
        ] {
            m.alter_table(
                Table::alter()
                    .table("benefit_requests")
                    .add_column(col)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
