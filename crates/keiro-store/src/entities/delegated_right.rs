use sea_orm::entity::prelude::*;

/// A right the owner organization granted to the grantee organization: today a provider's
/// admin access to a partnered reseller (`provider_admin`); delegated admin over customers
/// joins it. Live while `revoked_at` is null.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "delegated_rights")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub owner_org_id: String,
    pub grantee_org_id: String,
    pub kind: String,
    /// The row that gave the right (a partnership).
    pub source_id: Option<String>,
    pub granted_at: TimeDateTimeWithTimeZone,
    pub granted_by: Option<String>,
    pub revoked_at: Option<TimeDateTimeWithTimeZone>,
    pub revoked_by: Option<String>,
}

no_relations!();
