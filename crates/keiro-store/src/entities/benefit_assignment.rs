use sea_orm::entity::prelude::*;

/// Who holds one unit of an allocation (R-BEN-4, R-BEN-6): a user of the partner holding an
/// Azure credit or a Visual Studio subscription. `slot` is the unit (1 to the allocation's
/// quantity); `state` is active or ended, with why it ended (removed, reassigned,
/// transferred). One active holder per slot, one active slot per user and allocation.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "benefit_assignments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub org_id: String,
    pub allocation_id: String,
    pub kind: String,
    pub slot: i64,
    pub user_id: String,
    pub state: String,
    pub assigned_by: Option<String>,
    pub assigned_at: TimeDateTimeWithTimeZone,
    pub ended_by: Option<String>,
    pub ended_at: Option<TimeDateTimeWithTimeZone>,
    pub end_reason: Option<String>,
    pub version: i64,
}

no_relations!();
