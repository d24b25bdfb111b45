use sea_orm::entity::prelude::*;

/// One entry of a subscription's history: what changed, when, and who changed it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "subscription_history")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub subscription_id: String,
    pub occurred_at: TimeDateTimeWithTimeZone,
    pub actor_org_id: Option<String>,
    pub actor_user_id: Option<String>,
    pub change: String,
    /// JSON.
    pub details: String,
}

no_relations!();
