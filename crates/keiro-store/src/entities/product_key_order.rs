use sea_orm::entity::prelude::*;

/// An advisor's order of product keys for one offer (R-ADV-4): how many, how many licenses each
/// key sets up, whether a delegated admin offer comes with them, and until when they work.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "product_key_orders")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub org_id: String,
    pub offer_id: String,
    pub quantity: i64,
    pub licenses: i64,
    pub delegated_admin: bool,
    pub created_by: Option<String>,
    pub created_at: TimeDateTimeWithTimeZone,
    pub expires_at: TimeDateTimeWithTimeZone,
}

no_relations!();
