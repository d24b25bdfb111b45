use sea_orm::entity::prelude::*;

/// A key of the operator's pool for a software benefit (R-BEN-3): sealed with the deployment's
/// secret key (never stored or logged in the clear), unique by the SHA-256 of its canonical
/// form. `state` is available or handed_out; a handed-out key names the allocation, partner,
/// user and moment it was got.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "benefit_keys")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub benefit_id: String,
    #[sea_orm(unique)]
    pub key_hash: String,
    pub last5: String,
    pub sealed: String,
    pub state: String,
    pub imported_at: TimeDateTimeWithTimeZone,
    pub imported_by: Option<String>,
    pub allocation_id: Option<String>,
    pub org_id: Option<String>,
    pub got_by: Option<String>,
    pub got_at: Option<TimeDateTimeWithTimeZone>,
}

no_relations!();
