//! Product keys of subscription advisors (R-ADV-4, ADR 0010): orders of keys for an offer, and
//! the keys, each stored only as the SHA-256 of its canonical form (unique) with its last five
//! characters. A key is redeemed once: the state moves from `unused` by a guarded write.

use sea_orm_migration::prelude::*;

use super::cols::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("product_key_orders")
                .col(id("id"))
                .col(ref_id("org_id"))
                .col(ref_id("offer_id"))
                .col(big("quantity"))
                .col(big("licenses"))
                .col(boolean("delegated_admin"))
                .col(ref_id_null("created_by"))
                .col(ts("created_at"))
                .col(ts("expires_at"))
                .foreign_key(&mut fk("product_key_orders", "org_id", "organizations"))
                .foreign_key(&mut fk("product_key_orders", "offer_id", "offers"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("product_keys")
                .col(id("id"))
                .col(ref_id("order_id"))
                .col(ref_id("org_id"))
                .col(ColumnDef::new("key_hash").string_len(64).not_null())
                .col(text("last5"))
                .col(text("state"))
                .col(ts("expires_at"))
                .col(ts("created_at"))
                .col(ts_null("redeemed_at"))
                .col(ref_id_null("redeemed_by_org"))
                .col(ref_id_null("redeemed_by_user"))
                .col(ref_id_null("subscription_id"))
                .col(ts_null("revoked_at"))
                .col(ref_id_null("revoked_by"))
                .foreign_key(&mut fk("product_keys", "order_id", "product_key_orders"))
                .foreign_key(&mut fk("product_keys", "org_id", "organizations"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            index("ux_product_keys_hash", "product_keys", &["key_hash"])
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_product_keys_org", "product_keys", &["org_id", "id"]).to_owned())
            .await?;
        m.create_index(index("ix_product_keys_order", "product_keys", &["order_id"]).to_owned())
            .await
    }
}
