//! Membership benefits (R-BEN-1…10, ADR 0011): the catalog operator staff keep (`benefits`,
//! a quantity per level in `benefit_levels`, software downloads in `benefit_downloads`), what a
//! partner bought (`benefit_packages`, one per year, numbered per partner), the ledger
//! (`benefit_allocations`, whose `used` moves only by a guarded write), the operator's key
//! pools (`benefit_keys`, each key sealed with the deployment's secret key, unique by hash),
//! and partners' requests to the operator about their benefits (`benefit_requests`: at most
//! one open cancellation per package). License benefits' keys are product keys whose order
//! names the one organization that may redeem them (`product_key_orders.for_org_id`).

use sea_orm_migration::prelude::*;

use super::cols::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("benefits")
                .col(id("id"))
                .col(text("code"))
                .col(text("kind"))
                .col(text("name_ja"))
                .col(text("name_en"))
                .col(text("description_ja"))
                .col(text("description_en"))
                .col(text("instructions_ja"))
                .col(text("instructions_en"))
                .col(text("tier"))
                .col(big("months"))
                .col(ref_id_null("offer_id"))
                .col(text("state"))
                .col(big("version"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk("benefits", "offer_id", "offers"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            index("ux_benefits_code", "benefits", &["code"])
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("benefit_levels")
                .col(id("id"))
                .col(ref_id("benefit_id"))
                .col(text("level"))
                .col(big("quantity"))
                .col(text("unit"))
                .col(ColumnDef::new("amount_minor").big_integer().null())
                .col(text_null("currency"))
                .foreign_key(&mut fk("benefit_levels", "benefit_id", "benefits"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            index(
                "ux_benefit_levels",
                "benefit_levels",
                &["benefit_id", "level"],
            )
            .unique()
            .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("benefit_downloads")
                .col(id("id"))
                .col(ref_id("benefit_id"))
                .col(text("language"))
                .col(text("os"))
                .col(text("url"))
                .col(text("label"))
                .foreign_key(&mut fk("benefit_downloads", "benefit_id", "benefits"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            index(
                "ux_benefit_downloads",
                "benefit_downloads",
                &["benefit_id", "language", "os"],
            )
            .unique()
            .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("benefit_packages")
                .col(id("id"))
                .col(ref_id("org_id"))
                .col(big("seq"))
                .col(text("level"))
                .col(text("state"))
                .col(ref_id_null("bought_by"))
                .col(ts("bought_at"))
                .col(ts("starts_at"))
                .col(ts("ends_at"))
                .col(ts_null("cancelled_at"))
                .col(big("version"))
                .foreign_key(&mut fk("benefit_packages", "org_id", "organizations"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            index(
                "ux_benefit_packages_seq",
                "benefit_packages",
                &["org_id", "seq"],
            )
            .unique()
            .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("benefit_allocations")
                .col(id("id"))
                .col(ref_id("package_id"))
                .col(ref_id("org_id"))
                .col(ref_id("benefit_id"))
                .col(text("kind"))
                .col(text("tier"))
                .col(big("quantity"))
                .col(text("unit"))
                .col(ColumnDef::new("amount_minor").big_integer().null())
                .col(text_null("currency"))
                .col(big("used"))
                .col(text("state"))
                .col(ts("starts_at"))
                .col(ts("expires_at"))
                .col(boolean("expiry_notified"))
                .col(big("version"))
                .col(ts("created_at"))
                .foreign_key(&mut fk(
                    "benefit_allocations",
                    "package_id",
                    "benefit_packages",
                ))
                .foreign_key(&mut fk("benefit_allocations", "org_id", "organizations"))
                .foreign_key(&mut fk("benefit_allocations", "benefit_id", "benefits"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            index(
                "ux_benefit_allocations",
                "benefit_allocations",
                &["package_id", "benefit_id"],
            )
            .unique()
            .to_owned(),
        )
        .await?;
        m.create_index(
            index(
                "ix_benefit_allocations_org",
                "benefit_allocations",
                &["org_id", "id"],
            )
            .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("benefit_keys")
                .col(id("id"))
                .col(ref_id("benefit_id"))
                .col(ColumnDef::new("key_hash").string_len(64).not_null())
                .col(text("last5"))
                .col(text("sealed"))
                .col(text("state"))
                .col(ts("imported_at"))
                .col(ref_id_null("imported_by"))
                .col(ref_id_null("allocation_id"))
                .col(ref_id_null("org_id"))
                .col(ref_id_null("got_by"))
                .col(ts_null("got_at"))
                .foreign_key(&mut fk("benefit_keys", "benefit_id", "benefits"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            index("ux_benefit_keys_hash", "benefit_keys", &["key_hash"])
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            index(
                "ix_benefit_keys_pool",
                "benefit_keys",
                &["benefit_id", "state", "id"],
            )
            .to_owned(),
        )
        .await?;
        m.create_index(
            index(
                "ix_benefit_keys_allocation",
                "benefit_keys",
                &["allocation_id"],
            )
            .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("benefit_requests")
                .col(id("id"))
                .col(ref_id("org_id"))
                .col(text("kind"))
                .col(ref_id_null("package_id"))
                .col(ref_id_null("allocation_id"))
                .col(text("description"))
                .col(text("state"))
                .col(ref_id_null("opened_by"))
                .col(ts("opened_at"))
                .col(ref_id_null("decided_by"))
                .col(ts_null("decided_at"))
                .col(text_null("decision_reason"))
                .col(big("version"))
                .foreign_key(&mut fk("benefit_requests", "org_id", "organizations"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            index(
                "ix_benefit_requests_org",
                "benefit_requests",
                &["org_id", "id"],
            )
            .to_owned(),
        )
        .await?;
        m.get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX ux_benefit_requests_open ON benefit_requests \
                 (package_id, kind) WHERE state = 'open'",
            )
            .await?;
        for col in ["for_org_id", "benefit_allocation_id"] {
            m.alter_table(
                Table::alter()
                    .table("product_key_orders")
                    .add_column(ref_id_null(col))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
