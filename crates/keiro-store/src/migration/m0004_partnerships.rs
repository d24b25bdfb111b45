//! Invitation links, provider ↔ reseller partnerships, delegated rights rows, the partner ↔
//! customer relationship table the shared-customer views read, and the provider directory.

use sea_orm::ConnectionTrait;
use sea_orm_migration::prelude::*;

use super::cols::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn big(name: &'static str) -> ColumnDef {
    ColumnDef::new(name)
        .big_integer()
        .not_null()
        .default(0)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("invitations")
                .col(id("id"))
                .col(text("kind"))
                .col(
                    ColumnDef::new("token_hash")
                        .string_len(64)
                        .not_null()
                        .unique_key(),
                )
                .col(ref_id("org_id"))
                .col(ref_id_null("created_by"))
                .col(text("created_by_name"))
                .col(text_null("recipient_email"))
                .col(text("payload"))
                .col(text("state"))
                .col(big("use_count"))
                .col(ts("expires_at"))
                .col(ts("created_at"))
                .col(ts_null("revoked_at"))
                .col(ref_id_null("revoked_by"))
                .col(ts_null("used_at"))
                .col(ref_id_null("used_by_org"))
                .col(ref_id_null("used_by_user"))
                .foreign_key(&mut fk("invitations", "org_id", "organizations"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ix_invitations_org",
            "invitations",
            &["org_id", "kind", "id"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("partnerships")
                .col(id("id"))
                .col(ref_id("provider_org_id"))
                .col(ref_id("reseller_org_id"))
                .col(text("state"))
                .col(ref_id_null("invitation_id"))
                .col(ref_id_null("accepted_by"))
                .col(ts("created_at"))
                .col(ts_null("removed_at"))
                .col(ref_id_null("removed_by_org"))
                .col(ref_id_null("removed_by_user"))
                .foreign_key(&mut fk("partnerships", "provider_org_id", "organizations"))
                .foreign_key(&mut fk("partnerships", "reseller_org_id", "organizations"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ix_partnerships_provider",
            "partnerships",
            &["provider_org_id", "state", "id"],
        ))
        .await?;
        m.create_index(index(
            "ix_partnerships_reseller",
            "partnerships",
            &["reseller_org_id", "state", "id"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("delegated_rights")
                .col(id("id"))
                .col(ref_id("owner_org_id"))
                .col(ref_id("grantee_org_id"))
                .col(text("kind"))
                .col(ref_id_null("source_id"))
                .col(ts("granted_at"))
                .col(ref_id_null("granted_by"))
                .col(ts_null("revoked_at"))
                .col(ref_id_null("revoked_by"))
                .foreign_key(&mut fk("delegated_rights", "owner_org_id", "organizations"))
                .foreign_key(&mut fk(
                    "delegated_rights",
                    "grantee_org_id",
                    "organizations",
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ix_rights_grantee",
            "delegated_rights",
            &["grantee_org_id", "owner_org_id"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("customer_relationships")
                .col(id("id"))
                .col(ref_id("partner_org_id"))
                .col(ref_id("customer_org_id"))
                .col(text("state"))
                .col(ts("created_at"))
                .col(ts_null("ended_at"))
                .foreign_key(&mut fk(
                    "customer_relationships",
                    "partner_org_id",
                    "organizations",
                ))
                .foreign_key(&mut fk(
                    "customer_relationships",
                    "customer_org_id",
                    "organizations",
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ix_relationships_partner",
            "customer_relationships",
            &["partner_org_id", "state", "customer_org_id"],
        ))
        .await?;
        m.create_index(index(
            "ix_relationships_customer",
            "customer_relationships",
            &["customer_org_id", "state"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("provider_directory_entries")
                .col(id("id"))
                .col(
                    ColumnDef::new("provider_org_id")
                        .string_len(36)
                        .not_null()
                        .unique_key(),
                )
                .col(text("regions"))
                .col(text("description"))
                .col(text("contact_email"))
                .col(text("contact_phone"))
                .col(text("website"))
                .col(big("version"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .col(ref_id_null("updated_by"))
                .foreign_key(&mut fk(
                    "provider_directory_entries",
                    "provider_org_id",
                    "organizations",
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("provider_directory_countries")
                .col(ref_id("entry_id"))
                .col(ColumnDef::new("country").string_len(2).not_null())
                .primary_key(Index::create().col("entry_id").col("country"))
                .foreign_key(&mut fk(
                    "provider_directory_countries",
                    "entry_id",
                    "provider_directory_entries",
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ix_directory_country",
            "provider_directory_countries",
            &["country", "entry_id"],
        ))
        .await?;

        // At most one live row per pair: two acceptances through two different links, or two
        // grants of the same right, cannot both land. Partial unique indexes are written the
        // same way on SQLite and PostgreSQL.
        let db = m.get_connection();
        for sql in [
            "CREATE UNIQUE INDEX ux_partnerships_active ON partnerships \
             (provider_org_id, reseller_org_id) WHERE state = 'active'",
            "CREATE UNIQUE INDEX ux_rights_live ON delegated_rights \
             (owner_org_id, grantee_org_id, kind) WHERE revoked_at IS NULL",
            "CREATE UNIQUE INDEX ux_relationships_active ON customer_relationships \
             (partner_org_id, customer_org_id) WHERE state = 'active'",
        ] {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "provider_directory_countries",
            "provider_directory_entries",
            "customer_relationships",
            "delegated_rights",
            "partnerships",
            "invitations",
        ] {
            m.drop_table(Table::drop().table(t).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}
