use sea_orm::entity::prelude::*;

/// A provider ↔ reseller partnership (R-PRT-2…6). Removed rows stay for the record.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "partnerships")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub provider_org_id: String,
    pub reseller_org_id: String,
    /// active or removed.
    pub state: String,
    pub invitation_id: Option<String>,
    pub accepted_by: Option<String>,
    pub created_at: TimeDateTimeWithTimeZone,
    pub removed_at: Option<TimeDateTimeWithTimeZone>,
    pub removed_by_org: Option<String>,
    pub removed_by_user: Option<String>,
}

no_relations!();
