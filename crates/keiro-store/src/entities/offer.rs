use sea_orm::entity::prelude::*;

/// An offer: one SKU of a product on given terms (R-ORD-1). `state` is available or retired.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "offers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub product_id: String,
    #[sea_orm(unique)]
    pub sku: String,
    pub name_en: String,
    pub name_ja: String,
    pub description_en: String,
    pub description_ja: String,
    pub billing_cycle: String,
    pub term_months: i64,
    pub unit_price_minor: i64,
    pub currency: String,
    pub min_quantity: i64,
    pub max_quantity: i64,
    pub trial_days: Option<i64>,
    pub prerequisite_offer_id: Option<String>,
    pub state: String,
    pub version: i64,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
    /// The search form of the searched fields (kept by the store; migration m0012).
    pub search_text: String,
}

searched_by!(sku, name_en, name_ja);
