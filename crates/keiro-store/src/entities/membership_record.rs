use sea_orm::entity::prelude::*;

/// A record of the operator's membership registry (R-ENR-2).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "membership_records")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    #[sea_orm(unique)]
    pub partner_id: String,
    pub organization_name: String,
    pub country: String,
    /// none, action_pack, silver or gold.
    pub level: String,
    /// active, inactive or suspended.
    pub status: String,
    pub expires_on: Option<TimeDate>,
    pub claim_secret_hash: String,
    pub claimed_by_org_id: Option<String>,
    pub version: i64,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
    /// The search form of the searched fields (kept by the store; migration m0012).
    pub search_text: String,
}

searched_by!(organization_name, partner_id);
