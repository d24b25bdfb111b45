//! The catalog and commerce (R-ORD-1…7): products, offers and the countries where each is sold,
//! orders, subscriptions and each subscription's history; service requests may name a
//! subscription.

use sea_orm_migration::prelude::*;

use super::cols::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("products")
                .col(id("id"))
                .col(ColumnDef::new("code").string().not_null().unique_key())
                .col(text("name_en"))
                .col(text("name_ja"))
                .col(text("description_en"))
                .col(text("description_ja"))
                .col(big("version"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("offers")
                .col(id("id"))
                .col(ref_id("product_id"))
                .col(ColumnDef::new("sku").string().not_null().unique_key())
                .col(text("name_en"))
                .col(text("name_ja"))
                .col(text("description_en"))
                .col(text("description_ja"))
                .col(text("billing_cycle"))
                .col(big("term_months"))
                .col(big("unit_price_minor"))
                .col(text("currency"))
                .col(big("min_quantity"))
                .col(big("max_quantity"))
                .col(ColumnDef::new("trial_days").big_integer().null())
                .col(ref_id_null("prerequisite_offer_id"))
                .col(text("state"))
                .col(big("version"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk("offers", "product_id", "products"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_offers_product", "offers", &["product_id", "id"]))
            .await?;
        m.create_table(
            Table::create()
                .table("offer_countries")
                .col(ref_id("offer_id"))
                .col(ColumnDef::new("country").string_len(2).not_null())
                .primary_key(Index::create().col("offer_id").col("country"))
                .foreign_key(&mut fk("offer_countries", "offer_id", "offers"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ix_offer_countries_country",
            "offer_countries",
            &["country", "offer_id"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("orders")
                .col(id("id"))
                .col(ref_id("customer_org_id"))
                .col(ref_id("placed_by_org_id"))
                .col(ref_id_null("placed_by_user_id"))
                .col(ts("created_at"))
                .foreign_key(&mut fk("orders", "customer_org_id", "organizations"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ix_orders_customer",
            "orders",
            &["customer_org_id", "id"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("subscriptions")
                .col(id("id"))
                .col(ref_id("customer_org_id"))
                .col(ref_id("offer_id"))
                .col(ref_id("order_id"))
                .col(ref_id("seller_org_id"))
                .col(ref_id_null("reseller_org_id"))
                .col(ref_id_null("support_contact_org_id"))
                .col(big("quantity"))
                .col(text("state"))
                .col(text("suspension_reasons"))
                .col(boolean("auto_renew"))
                .col(boolean("trial"))
                .col(ts("term_started_at"))
                .col(ts("term_ends_at"))
                .col(ts_null("ended_at"))
                .col(big("version"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk("subscriptions", "customer_org_id", "organizations"))
                .foreign_key(&mut fk("subscriptions", "offer_id", "offers"))
                .foreign_key(&mut fk("subscriptions", "order_id", "orders"))
                .to_owned(),
        )
        .await?;
        for (name, cols) in [
            ("ix_subscriptions_customer", &["customer_org_id", "id"][..]),
            (
                "ix_subscriptions_customer_offer",
                &["customer_org_id", "offer_id", "state"][..],
            ),
            ("ix_subscriptions_seller", &["seller_org_id", "id"][..]),
            ("ix_subscriptions_reseller", &["reseller_org_id", "id"][..]),
            ("ix_subscriptions_due", &["state", "term_ends_at"][..]),
        ] {
            m.create_index(index(name, "subscriptions", cols)).await?;
        }

        m.create_table(
            Table::create()
                .table("subscription_history")
                .col(id("id"))
                .col(ref_id("subscription_id"))
                .col(ts("occurred_at"))
                .col(ref_id_null("actor_org_id"))
                .col(ref_id_null("actor_user_id"))
                .col(text("change"))
                .col(text("details"))
                .foreign_key(&mut fk(
                    "subscription_history",
                    "subscription_id",
                    "subscriptions",
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ix_subscription_history",
            "subscription_history",
            &["subscription_id", "id"],
        ))
        .await?;
        // A service request may be about one subscription: its designated support contact
        // then sees it (R-ORD-5).
        m.alter_table(
            Table::alter()
                .table("service_requests")
                .add_column(ColumnDef::new("subscription_id").string_len(36).null())
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ix_service_requests_subscription",
            "service_requests",
            &["subscription_id", "id"],
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("ix_service_requests_subscription")
                .table("service_requests")
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("service_requests")
                .drop_column("subscription_id")
                .to_owned(),
        )
        .await?;
        for t in [
            "subscription_history",
            "subscriptions",
            "orders",
            "offer_countries",
            "offers",
            "products",
        ] {
            m.drop_table(Table::drop().table(t).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}
