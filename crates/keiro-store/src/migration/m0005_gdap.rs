//! Granular delegated admin (R-REL-8): relationships, partner security groups and their
//! members, and access assignments (a group gets a subset of a relationship's roles).

use sea_orm::ConnectionTrait;
use sea_orm_migration::prelude::*;

use super::cols::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("gdap_relationships")
                .col(id("id"))
                .col(ref_id("partner_org_id"))
                .col(ref_id_null("customer_org_id"))
                .col(text("display_name"))
                .col(text("display_name_key"))
                .col(text("roles"))
                .col(ColumnDef::new("duration_days").big_integer().not_null())
                .col(boolean("auto_extend"))
                .col(text("state"))
                .col(ts_null("starts_at"))
                .col(ts_null("ends_at"))
                .col(ts("created_at"))
                .col(ref_id_null("created_by"))
                .col(ref_id_null("approved_by"))
                .col(ts_null("terminated_at"))
                .col(ref_id_null("terminated_by_org"))
                .col(ref_id_null("invitation_id"))
                .foreign_key(&mut fk(
                    "gdap_relationships",
                    "partner_org_id",
                    "organizations",
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            index(
                "ux_gdap_name",
                "gdap_relationships",
                &["partner_org_id", "display_name_key"],
            )
            .unique()
            .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ix_gdap_customer",
            "gdap_relationships",
            &["customer_org_id", "state"],
        ))
        .await?;
        m.create_index(index(
            "ix_gdap_due",
            "gdap_relationships",
            &["state", "ends_at"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("security_groups")
                .col(id("id"))
                .col(ref_id("org_id"))
                .col(text("name"))
                .col(text("name_key"))
                .col(ts("created_at"))
                .foreign_key(&mut fk("security_groups", "org_id", "organizations"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            index("ux_groups_name", "security_groups", &["org_id", "name_key"])
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("security_group_members")
                .col(ref_id("group_id"))
                .col(ref_id("user_id"))
                .primary_key(Index::create().col("group_id").col("user_id"))
                .foreign_key(&mut fk(
                    "security_group_members",
                    "group_id",
                    "security_groups",
                ))
                .foreign_key(&mut fk("security_group_members", "user_id", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ix_group_members_user",
            "security_group_members",
            &["user_id"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("gdap_assignments")
                .col(id("id"))
                .col(ref_id("gdap_id"))
                .col(ref_id("group_id"))
                .col(text("roles"))
                .col(ts("created_at"))
                .col(ts_null("removed_at"))
                .foreign_key(&mut fk("gdap_assignments", "gdap_id", "gdap_relationships"))
                .foreign_key(&mut fk("gdap_assignments", "group_id", "security_groups"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ix_assignments_gdap",
            "gdap_assignments",
            &["gdap_id"],
        ))
        .await?;
        m.get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX ux_assignments_live ON gdap_assignments (gdap_id, group_id) \
                 WHERE removed_at IS NULL",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "gdap_assignments",
            "security_group_members",
            "security_groups",
            "gdap_relationships",
        ] {
            m.drop_table(Table::drop().table(t).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}
