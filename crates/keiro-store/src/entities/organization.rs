use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "organizations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub kind: String,
    pub legal_name: String,
    pub address_line1: String,
    pub address_line2: String,
    pub city: String,
    pub region: String,
    pub postal_code: String,
    pub country: String,
    pub phone: String,
    pub email: String,
    pub website: String,
    pub primary_domain: String,
    pub program_roles: String,
    pub authorizations: String,
    #[sea_orm(unique)]
    pub partner_id: Option<String>,
    pub require_mfa: bool,
    /// Partners: enrolling, approved or rejected. None for the operator and customers.
    pub partner_status: Option<String>,
    pub version: i64,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
    /// The search form of the searched fields (kept by the store; migration m0012).
    pub search_text: String,
}

searched_by!(legal_name, primary_domain, partner_id);
