use sea_orm::entity::prelude::*;

/// One state change (R-X-1). Append-only: database triggers refuse UPDATE and DELETE.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_records")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub occurred_at: TimeDateTimeWithTimeZone,
    pub actor_user_id: Option<String>,
    pub actor_org_id: Option<String>,
    pub on_behalf_of_org_id: Option<String>,
    pub action: String,
    pub target_type: String,
    pub target_id: String,
    pub target_org_id: Option<String>,
    pub details: String,
    pub request_id: Option<String>,
}

no_relations!();
