use sea_orm::entity::prelude::*;

/// An authorized indirect provider's directory entry (R-PRT-7), maintained by operator staff.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "provider_directory_entries")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    #[sea_orm(unique)]
    pub provider_org_id: String,
    /// JSON array of region names.
    pub regions: String,
    pub description: String,
    pub contact_email: String,
    pub contact_phone: String,
    pub website: String,
    pub version: i64,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
    pub updated_by: Option<String>,
}

no_relations!();
