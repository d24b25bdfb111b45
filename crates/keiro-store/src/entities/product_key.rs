use sea_orm::entity::prelude::*;

/// One product key (R-ADV-4): only the SHA-256 of its canonical form and its last five
/// characters are stored. `state` is unused, redeemed or revoked; expiry follows from the clock.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "product_keys")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub order_id: String,
    /// The buyer: the advisor that is partner of record of what the key sets up.
    pub org_id: String,
    #[sea_orm(unique)]
    pub key_hash: String,
    pub last5: String,
    pub state: String,
    pub expires_at: TimeDateTimeWithTimeZone,
    pub created_at: TimeDateTimeWithTimeZone,
    pub redeemed_at: Option<TimeDateTimeWithTimeZone>,
    pub redeemed_by_org: Option<String>,
    pub redeemed_by_user: Option<String>,
    pub subscription_id: Option<String>,
    pub revoked_at: Option<TimeDateTimeWithTimeZone>,
    pub revoked_by: Option<String>,
}

no_relations!();
