use sea_orm::entity::prelude::*;

/// One order: the subscriptions it created carry its id.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "orders")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub customer_org_id: String,
    pub placed_by_org_id: String,
    pub placed_by_user_id: Option<String>,
    pub created_at: TimeDateTimeWithTimeZone,
}

no_relations!();
