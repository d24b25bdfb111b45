use sea_orm::entity::prelude::*;

/// A granular delegated admin relationship (R-REL-8).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "gdap_relationships")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub partner_org_id: String,
    /// Set when named at creation, or by the approving customer.
    pub customer_org_id: Option<String>,
    pub display_name: String,
    /// Lower-cased display name: unique per partner.
    pub display_name_key: String,
    /// Comma-separated customer role codes.
    pub roles: String,
    pub duration_days: i64,
    pub auto_extend: bool,
    pub state: String,
    pub starts_at: Option<TimeDateTimeWithTimeZone>,
    pub ends_at: Option<TimeDateTimeWithTimeZone>,
    pub created_at: TimeDateTimeWithTimeZone,
    pub created_by: Option<String>,
    pub approved_by: Option<String>,
    pub terminated_at: Option<TimeDateTimeWithTimeZone>,
    pub terminated_by_org: Option<String>,
    pub invitation_id: Option<String>,
}

no_relations!();
