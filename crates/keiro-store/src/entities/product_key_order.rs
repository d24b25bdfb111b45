use sea_orm::entity::prelude::*;

/// An advisor's order (or, with `benefit_allocation_id`, a partner's license benefit) of product keys for one offer (R-ADV-4): how many, how many licenses each
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
    /// The one organization that may redeem these keys (a partner's license benefit, R-BEN-5);
    /// any customer may redeem an advisor's keys.
    pub for_org_id: Option<String>,
    /// The license benefit allocation the keys were made for.
    pub benefit_allocation_id: Option<String>,
}

no_relations!();
