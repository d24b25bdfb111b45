use sea_orm::entity::prelude::*;

/// One level's share of a benefit: how many of its unit, and for a credit the amount each
/// holds (minor units) in its currency.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "benefit_levels")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub benefit_id: String,
    pub level: String,
    pub quantity: i64,
    pub unit: String,
    pub amount_minor: Option<i64>,
    pub currency: Option<String>,
}

no_relations!();
