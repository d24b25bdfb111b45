//! Indexes for the Customers page at scale (R-REL-10): a partner's active relationships in id
//! (= acceptance) order, and customers by name for the name sort.

use sea_orm_migration::prelude::*;

use super::cols::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(index(
            "ix_relationships_partner_id",
            "customer_relationships",
            &["partner_org_id", "state", "id"],
        ))
        .await?;
        m.create_index(index(
            "ix_orgs_name",
            "organizations",
            &["legal_name", "id"],
        ))
        .await?;
        m.create_index(index(
            "ix_rights_owner_grantee",
            "delegated_rights",
            &["owner_org_id", "grantee_org_id", "kind"],
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (name, table) in [
            ("ix_relationships_partner_id", "customer_relationships"),
            ("ix_orgs_name", "organizations"),
            ("ix_rights_owner_grantee", "delegated_rights"),
        ] {
            m.drop_index(Index::drop().name(name).table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
