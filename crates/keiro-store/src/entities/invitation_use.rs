use sea_orm::entity::prelude::*;

/// One customer's use of a multi-use advisor link (ADR 0010): what it started or bought.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "invitation_uses")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub invitation_id: String,
    pub customer_org_id: String,
    pub user_id: String,
    /// The subscriptions it created, comma-separated.
    pub subscription_ids: String,
    /// Whether the customer accepted the delegated admin offer that came with it.
    pub delegated_admin: bool,
    pub used_at: TimeDateTimeWithTimeZone,
}

no_relations!();
