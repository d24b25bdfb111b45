//! Uses of multi-use advisor links (ADR 0010): one row per customer that started a trial
//! invitation's trial (later: bought through a purchase offer), with what it got. Unique on
//! (link, customer), so a customer starts one link's trial once however often it submits.

use sea_orm_migration::prelude::*;

use super::cols::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("invitation_uses")
                .col(id("id"))
                .col(ref_id("invitation_id"))
                .col(ref_id("customer_org_id"))
                .col(ref_id("user_id"))
                .col(ColumnDef::new("subscription_ids").text().not_null())
                .col(ColumnDef::new("delegated_admin").boolean().not_null())
                .col(ts("used_at"))
                .foreign_key(&mut fk("invitation_uses", "invitation_id", "invitations"))
                .foreign_key(&mut fk(
                    "invitation_uses",
                    "customer_org_id",
                    "organizations",
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            index(
                "ux_invitation_uses_link_customer",
                "invitation_uses",
                &["invitation_id", "customer_org_id"],
            )
            .unique()
            .to_owned(),
        )
        .await
    }
}
